"""Valid data points for every data type, written from the published schemas, and helpers to
spoil them. Copies are returned, so a test can change what it gets."""

import base64
import copy
import json

AT = {"date_time": "2024-05-02T08:30:00-04:00"}
NIGHT = {"time_interval": {"start_date_time": "2024-05-01T22:45:00Z", "end_date_time": "2024-05-02T06:15:00Z"}}
WALK = {"time_interval": {"start_date_time": "2024-05-02T17:00:00+02:00", "duration": {"value": 45, "unit": "min"}}}

# schema id -> (body, the measure a unit or type test spoils)
BODIES = {
    "ieee:physical-activity:1.0": ({"activity_name": "walking", "effective_time_frame": WALK,
                                    "kcal_burned": {"value": 180, "unit": "kcal"},
                                    "distance": {"value": 3.2, "unit": "km"}}, "distance"),
    "ieee:sleep-episode:1.0": ({"effective_time_frame": NIGHT, "is_main_sleep": True,
                                "total_sleep_time": {"value": 410, "unit": "min"},
                                "number_of_awakenings": 2}, "total_sleep_time"),
    "ieee:sleep-stage-summary:1.0": ({"sleep_stage_summary": {"total_sleep_time": {"value": 6.8, "unit": "h"},
                                                              "rem_sleep_duration": {"value": 95, "unit": "min"}},
                                      "effective_time_frame": NIGHT}, "sleep_stage_summary.total_sleep_time"),
    "ieee:time-in-bed:1.0": ({"time_in_bed": {"value": 470, "unit": "min"}, "effective_time_frame": NIGHT},
                             "time_in_bed"),
    "ieee:total-sleep-time:1.0": ({"total_sleep_time": {"value": 410, "unit": "min"},
                                   "effective_time_frame": NIGHT}, "total_sleep_time"),
    "omh:blood-glucose:4.0": ({"blood_glucose": {"value": 110, "unit": "mg/dL"}, "effective_time_frame": AT,
                               "specimen_source": "capillary blood",
                               "temporal_relationship_to_meal": "fasting"}, "blood_glucose"),
    "omh:blood-pressure:4.0": ({"systolic_blood_pressure": {"value": 121, "unit": "mmHg"},
                                "diastolic_blood_pressure": {"value": 79, "unit": "mmHg"},
                                "effective_time_frame": AT}, "systolic_blood_pressure"),
    "omh:body-height:2.0": ({"body_height": {"value": 172, "unit": "cm"}, "effective_time_frame": AT}, "body_height"),
    "omh:body-temperature:4.0": ({"body_temperature": {"value": 36.9, "unit": "C"}, "effective_time_frame": AT},
                                 "body_temperature"),
    "omh:body-weight:3.0": ({"body_weight": {"value": 70.4, "unit": "kg"}, "effective_time_frame": AT}, "body_weight"),
    "omh:forced-expiratory-volume-1-second:1.0": ({"forced_expiratory_volume_1_second": {"value": 3.1, "unit": "L"},
                                                   "effective_time_frame": AT}, "forced_expiratory_volume_1_second"),
    "omh:forced-vital-capacity:1.0": ({"forced_vital_capacity": {"value": 4.2, "unit": "L"},
                                       "effective_time_frame": AT}, "forced_vital_capacity"),
    "omh:heart-rate:2.0": ({"heart_rate": {"value": 62, "unit": "beats/min"}, "effective_time_frame": AT},
                           "heart_rate"),
    "omh:oxygen-saturation:2.0": ({"oxygen_saturation": {"value": 97, "unit": "%"}, "effective_time_frame": AT},
                                  "oxygen_saturation"),
    "omh:physical-activity:1.2": ({"activity_name": "running", "effective_time_frame": WALK,
                                   "distance": {"value": 5, "unit": "km"}}, "distance"),
    "omh:respiratory-rate:2.0": ({"respiratory_rate": {"value": 14, "unit": "breaths/min"},
                                  "effective_time_frame": AT}, "respiratory_rate"),
    "omh:rr-interval:1.0": ({"rr_interval": {"value": 850, "unit": "ms"}, "effective_time_frame": AT}, "rr_interval"),
    "omh:sleep-duration:2.0": ({"sleep_duration": {"value": 7.5, "unit": "h"}, "effective_time_frame": NIGHT},
                               "sleep_duration"),
    "omh:sleep-episode:1.1": ({"effective_time_frame": NIGHT, "total_sleep_time": {"value": 410, "unit": "min"},
                               "is_main_sleep": True}, "total_sleep_time"),
    "omh:step-count:3.0": ({"step_count": {"value": 5400, "unit": "steps"}, "effective_time_frame": WALK},
                           "step_count"),
}
SCHEMA_IDS = sorted(BODIES)


def header(schema_id: str) -> dict:
    namespace, name, version = schema_id.split(":")
    return {"uuid": "5b8a2c3e-2f7d-4d0e-9c2a-8d1f0b6e4a11",
            "schema_id": {"namespace": namespace, "name": name, "version": version},
            "source_creation_date_time": "2024-05-02T12:30:00Z", "modality": "sensed"}


def data_point(schema_id: str) -> dict:
    return {"header": header(schema_id), "body": copy.deepcopy(BODIES[schema_id][0])}


def measure(schema_id: str) -> str:
    return BODIES[schema_id][1]


def dig(document: dict, dotted: str) -> dict:
    for key in dotted.split("."):
        document = document[key]
    return document


def encode(data) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


def observation(data, code: str = "omh:blood-glucose:4.0", patient: int = 10001, encoded: str | None = None) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "https://w3id.org/openmhealth", "code": code}]},
        "subject": {"reference": f"Patient/{patient}"},
        "valueAttachment": {"contentType": "application/json", "data": encoded if encoded is not None else encode(data)},
    }
