"""Building Observations the way a phone app sends them, and reading FHIR answers."""

import base64
import itertools
import json
import uuid

OMH = "https://w3id.org/openmhealth"
BLOOD_GLUCOSE = "omh:blood-glucose:4.0"
HEART_RATE = "omh:heart-rate:2.0"
BUNDLE_TYPES = {"Content-Type": "application/fhir+json"}
_serial = itertools.count(1)


def data_point(code: str, when: str, value=None) -> dict:
    """A valid OMH data point for blood glucose 4.0 or heart rate 2.0."""
    name, version = code.split(":")[1], code.split(":")[2]
    if name == "blood-glucose":
        body = {"blood_glucose": {"value": value if value is not None else 110, "unit": "mg/dL"}}
    else:
        body = {"heart_rate": {"value": value if value is not None else 70, "unit": "beats/min"}}
    body["effective_time_frame"] = {"date_time": when}
    return {"header": {"uuid": str(uuid.uuid4()),
                       "schema_id": {"namespace": "omh", "name": name, "version": version},
                       "source_creation_date_time": when, "modality": "sensed"},
            "body": body}


def observation(patient=10001, code=BLOOD_GLUCOSE, device=70001, when="2024-06-01T10:00:00Z", *,
                identifier=None, value=None, data=None) -> dict:
    """An R5 Observation carrying an OMH data point; effectiveDateTime mirrors its time frame."""
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "identifier": [{"system": "urn:jhe-test", "value": identifier or f"obs-{uuid.uuid4()}"}],
        "code": {"coding": [{"system": OMH, "code": code}]},
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": when,
        "valueAttachment": {"contentType": "application/json",
                            "data": base64.b64encode(json.dumps(data or data_point(code, when, value)).encode()).decode()},
    }
    if device is not None:
        resource["device"] = {"reference": f"Device/{device}"}
    return resource


def bundle(kind: str, resources, **entry_extra) -> dict:
    return {"resourceType": "Bundle", "type": kind,
            "entry": [{"resource": resource, "request": {"method": "POST", "url": "Observation"}, **entry_extra}
                      for resource in resources]}


def issue_codes(body) -> list[str]:
    assert body["resourceType"] == "OperationOutcome", body
    return [issue["code"] for issue in body["issue"]]


def diagnostics(body) -> str:
    return " ".join(issue.get("diagnostics", "") for issue in body["issue"])


def link(bundle_body, relation):
    for item in bundle_body["link"]:
        if item["relation"] == relation:
            return item["url"]
    return None


def matches(bundle_body) -> list[dict]:
    return [entry["resource"] for entry in bundle_body["entry"] if entry.get("search", {}).get("mode") == "match"]


def effective(resource) -> str:
    """The effective time: effectiveDateTime, else the OMH data point's date_time (as the demo
    data and phone apps send it)."""
    if "effectiveDateTime" in resource:
        return resource["effectiveDateTime"]
    data = json.loads(base64.b64decode(resource["valueAttachment"]["data"]))
    return data["body"]["effective_time_frame"]["date_time"]
