"""Realistic Open mHealth data points and the FHIR Observations that carry them.

Four data types, each with the time frame real devices send: blood glucose (a point in time,
from a continuous monitor every 5 minutes or a finger-stick a few times a day), blood pressure
(a point in time, once or twice a day), heart rate (a point in time, every 5 minutes from a
wearable or a few spot checks) and step count (an interval: start + duration, or start + end).
Values and UTC offsets vary, so no two bodies are alike. Everything is driven by a seeded
``random.Random``, so a run is repeatable.
"""

import base64
import datetime
import json
import random
import uuid

OMH_SYSTEM = "https://w3id.org/openmhealth"
IDENTIFIER_SYSTEM = "https://bench.jhe.example/omh-uuid"

GLUCOSE = "omh:blood-glucose:4.0"
PRESSURE = "omh:blood-pressure:4.0"
HEART_RATE = "omh:heart-rate:2.0"
STEPS = "omh:step-count:3.0"
CODES = (GLUCOSE, PRESSURE, HEART_RATE, STEPS)

OFFSETS = ("Z", "-04:00", "-07:00", "+01:00", "+05:30", "+09:00")
MEALS = ("fasting", "not fasting", "before meal", "after meal", "before breakfast", "after breakfast",
         "before lunch", "after lunch", "before dinner", "after dinner", "2 hours postprandial")


def _stamp(moment: datetime.datetime, offset: str) -> str:
    """``moment`` (naive UTC) written in a local time with ``offset``."""
    if offset == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    local = moment + sign * datetime.timedelta(hours=hours, minutes=minutes)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + offset


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def header(code: str, uid: str, created: datetime.datetime, modality: str) -> dict:
    _, name, version = code.split(":")
    return {"uuid": uid, "schema_id": {"namespace": "omh", "name": name, "version": version},
            "source_creation_date_time": _stamp(created, "Z"), "modality": modality}


def body(code: str, start: datetime.datetime, rng: random.Random, offset: str) -> tuple[dict, datetime.datetime]:
    """The body of one data point at ``start`` and its end (naive UTC)."""
    at = {"date_time": _stamp(start, offset)}
    if code == GLUCOSE:
        return {"blood_glucose": {"value": rng.randint(65, 240), "unit": "mg/dL"}, "effective_time_frame": at,
                "specimen_source": rng.choice(("capillary blood", "interstitial fluid")),
                "temporal_relationship_to_meal": rng.choice(MEALS)}, start
    if code == PRESSURE:
        systolic = rng.randint(100, 165)
        return {"systolic_blood_pressure": {"value": systolic, "unit": "mmHg"},
                "diastolic_blood_pressure": {"value": systolic - rng.randint(30, 55), "unit": "mmHg"},
                "effective_time_frame": at}, start
    if code == HEART_RATE:
        return {"heart_rate": {"value": rng.randint(48, 150), "unit": "beats/min"},
                "effective_time_frame": at}, start
    minutes = rng.choice((15, 30, 60, 60, 120))
    end = start + datetime.timedelta(minutes=minutes)
    if rng.random() < 0.5:
        frame = {"time_interval": {"start_date_time": _stamp(start, offset),
                                   "duration": {"value": minutes, "unit": "min"}}}
    else:
        frame = {"time_interval": {"start_date_time": _stamp(start, offset), "end_date_time": _stamp(end, offset)}}
    return {"step_count": {"value": rng.randint(0, 110 * minutes), "unit": "steps"}, "effective_time_frame": frame}, end


def data_point(code: str, start: datetime.datetime, rng: random.Random, uid: str | None = None):
    """``(data point, end)`` for a reading of ``code`` taken at ``start``."""
    offset = rng.choice(OFFSETS)
    point_body, end = body(code, start, rng, offset)
    created = end + datetime.timedelta(seconds=rng.randint(1, 900))
    modality = "sensed" if code in (HEART_RATE, STEPS) or rng.random() < 0.7 else "self-reported"
    return {"header": header(code, uid or new_uuid(rng), created, modality), "body": point_body}, end


def encode(point: dict) -> str:
    return base64.b64encode(json.dumps(point, separators=(",", ":")).encode()).decode()


def observation(code: str, patient_id: int, device_id: int | None, point: dict) -> dict:
    """An Observation as a client uploads it: the data point base64-encoded in valueAttachment,
    its header uuid as the identifier (so re-uploads are recognised)."""
    resource = {
        "resourceType": "Observation",
        "identifier": [{"system": IDENTIFIER_SYSTEM, "value": point["header"]["uuid"]}],
        "status": "final",
        "code": {"coding": [{"system": OMH_SYSTEM, "code": code}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "valueAttachment": {"contentType": "application/json", "data": encode(point)},
    }
    if device_id is not None:
        resource["device"] = {"reference": f"Device/{device_id}"}
    return resource


def bundle(resources: list[dict], kind: str) -> dict:
    """A ``batch`` or ``transaction`` Bundle creating each resource."""
    return {"resourceType": "Bundle", "type": kind,
            "entry": [{"resource": resource, "request": {"method": "POST", "url": "Observation"}}
                      for resource in resources]}


def validation_issues(rng: random.Random, per_code: int = 200) -> list[str]:
    """Problems the server's Open mHealth validation finds in a sample of generated data points
    (none expected: the loaded rows must be what ingest would accept)."""
    from jhe_plugins.omh.validation import validate_data_point
    found = []
    moment = datetime.datetime(2024, 3, 1)
    for code in CODES:
        for _ in range(per_code):
            point, _ = data_point(code, moment, rng)
            found += [f"{code}: {issue.text()}" for issue in validate_data_point(point, code)]
    return found
