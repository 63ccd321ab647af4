"""Oura API v2 records -> FHIR Observations carrying Open mHealth data points.

An import payload holds the vendor's own responses, keyed by the Oura endpoint they came from::

    {"heartrate": {"data": [{"bpm": 61, "source": "awake", "timestamp": "2024-03-01T08:00:00+00:00"}]},
     "daily_activity": {"data": [{"day": "2024-03-01", "steps": 8123, "active_calories": 320}]},
     "timezone": "Europe/Oslo"}

(each list may also be given bare, without the ``{"data": ...}`` envelope). ``omh_shim.convert``
turns each record into a data point; this module wraps it in an Observation whose identifier is
derived from the record alone, so importing the same export twice stores nothing new.
"""

import base64
import datetime
import json
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import omh_shim

from jhe_core import BadRequest, PayloadTooLarge

OMH_SYSTEM = "https://w3id.org/openmhealth"
# Identifiers name the vendor record: the Oura collection it belongs to and its natural key.
IDENTIFIER_SYSTEM = "https://api.ouraring.com/v2/usercollection"


@dataclass(frozen=True)
class RecordKind:
    """One Oura collection: the omh-shim data type it converts to and the record's natural key."""

    collection: str
    data_type: str  # omh_shim.convert's data_type
    key_field: str

    @property
    def code(self) -> str:
        """The observation code (the schema id omh-shim emits for this data type)."""
        return omh_shim.SCHEMA_IDS[self.data_type]


RECORD_KINDS = {
    kind.collection: kind for kind in (
        # Oura samples heart rate every few minutes; a timestamp names one sample.
        RecordKind("heartrate", "heart_rate", "timestamp"),
        # One summary per day. Oura keeps updating today's summary; the first import of a day wins.
        RecordKind("daily_activity", "physical_activity", "day"),
    )
}
SUPPORTED_CODES = [kind.code for kind in RECORD_KINDS.values()]
PAYLOAD_KEYS = set(RECORD_KINDS) | {"timezone"}


@dataclass
class ConvertedRecord:
    label: str  # where the record sits in the payload: "heartrate[3]"
    identifier: tuple[str, str]  # (system, value)
    observation: dict

    @property
    def if_none_exist(self) -> str:
        return f"identifier={self.identifier[0]}|{self.identifier[1]}"


def convert_payload(payload, *, patient_id: int, data_source_id: int, default_timezone: str = "UTC",
                    max_records: int | None = None) -> list[ConvertedRecord]:
    """Every record of ``payload`` as an Observation, in payload order.

    :raises BadRequest: naming the record (``daily_activity[2]``) that cannot be converted.
    :raises PayloadTooLarge: when it holds more than ``max_records`` records.
    """
    if not isinstance(payload, dict):
        raise BadRequest("The import must be a JSON object with 'heartrate' and/or 'daily_activity'.")
    unknown = sorted(set(payload) - PAYLOAD_KEYS)
    if unknown:
        raise BadRequest(f"Unknown key {unknown[0]!r}; an Oura import may hold "
                         f"{', '.join(sorted(PAYLOAD_KEYS))}.", path=unknown[0])
    tz = _timezone(payload.get("timezone", default_timezone))
    batches = [(kind, _records(payload, kind.collection)) for kind in RECORD_KINDS.values()
               if kind.collection in payload]
    total = sum(len(records) for _, records in batches)
    if total == 0:
        raise BadRequest("The import holds no records.")
    if max_records is not None and total > max_records:
        raise PayloadTooLarge(f"The import holds {total} records; at most {max_records} are accepted at once.")
    converted = []
    for kind, records in batches:
        for index, record in enumerate(records):
            label = f"{kind.collection}[{index}]"
            converted.append(convert_record(kind, record, label=label, patient_id=patient_id,
                                            data_source_id=data_source_id, tz=tz))
    return converted


def convert_record(kind: RecordKind, record, *, label: str, patient_id: int, data_source_id: int,
                   tz) -> ConvertedRecord:
    if not isinstance(record, dict):
        raise BadRequest(f"{label}: must be a JSON object (an Oura record).", path=label)
    identifier = (IDENTIFIER_SYSTEM, f"patient-{patient_id}/{kind.collection}/{_natural_key(kind, record, label)}")
    try:
        data_point = omh_shim.convert("oura_raw", kind.data_type, record, tz=tz)
    except (omh_shim.ConversionError, omh_shim.ValidationError) as exc:
        raise BadRequest(f"{label}: {exc}", path=label) from None
    # omh-shim gives every data point a random uuid; one derived from the identifier makes a
    # re-import produce the very same data point.
    data_point["header"]["uuid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, "|".join(identifier)))
    return ConvertedRecord(label, identifier, observation(data_point, kind.code, identifier,
                                                          patient_id=patient_id, data_source_id=data_source_id))


def observation(data_point: dict, code: str, identifier: tuple[str, str], *, patient_id: int,
                data_source_id: int) -> dict:
    """The FHIR R5 Observation that carries ``data_point`` (base64 JSON in valueAttachment)."""
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "identifier": [{"system": identifier[0], "value": identifier[1]}],
        "code": {"coding": [{"system": OMH_SYSTEM, "code": code}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "device": {"reference": f"Device/{data_source_id}"},
    }
    resource.update(_effective(data_point["body"].get("effective_time_frame") or {}))
    text = json.dumps(data_point, separators=(",", ":"), ensure_ascii=False)
    resource["valueAttachment"] = {"contentType": "application/json",
                                   "data": base64.b64encode(text.encode("utf-8")).decode("ascii")}
    return resource


def _effective(frame: dict) -> dict:
    """effective[x] for FHIR readers; the data point's own time frame stays authoritative."""
    if "date_time" in frame:
        return {"effectiveDateTime": frame["date_time"]}
    interval = frame.get("time_interval") or {}
    if "start_date_time" in interval and "end_date_time" in interval:
        return {"effectivePeriod": {"start": interval["start_date_time"], "end": interval["end_date_time"]}}
    return {}


def _records(payload: dict, collection: str) -> list:
    value = payload[collection]
    if isinstance(value, dict) and "data" in value:  # the Oura API's response envelope
        value = value["data"]
    if not isinstance(value, list):
        raise BadRequest(f"{collection} must be a list of Oura records (or an Oura response with 'data').",
                         path=collection)
    return value


def _natural_key(kind: RecordKind, record: dict, label: str) -> str:
    raw = record.get(kind.key_field)
    if not isinstance(raw, str) or not raw:
        raise BadRequest(f"{label}: '{kind.key_field}' is required.", path=f"{label}.{kind.key_field}")
    try:
        if kind.key_field == "day":
            return datetime.date.fromisoformat(raw).isoformat()
        moment = datetime.datetime.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{label}: '{kind.key_field}' is not an ISO 8601 "
                         f"{'date' if kind.key_field == 'day' else 'date-time'}: {raw!r}.",
                         path=f"{label}.{kind.key_field}") from None
    if moment.tzinfo is None:
        raise BadRequest(f"{label}: 'timestamp' needs a UTC offset: {raw!r}.", path=f"{label}.timestamp")
    # 08:00+00:00 and 10:00+02:00 are the same sample: key on the instant, not its spelling.
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _timezone(name):
    if not isinstance(name, str):
        raise BadRequest("timezone must be an IANA time zone name such as 'Europe/Oslo'.", path="timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"Unknown time zone {name!r}; use an IANA name such as 'Europe/Oslo'.",
                         path="timezone") from None
