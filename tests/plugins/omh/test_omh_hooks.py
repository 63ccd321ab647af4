"""The plugin's hooks inside an app: codes, validation of observations, the decoded view."""

import json
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from jhe_core import Issue
from jhe_core import models as m
from jhe_core.testing import make_test_app

from omh_datapoints import SCHEMA_IDS, data_point, observation

OMH = "https://w3id.org/openmhealth"


@dataclass
class Context:
    """The attributes of the core's ingest context the plugin relies on."""

    code: object
    data: object
    effective: list = field(default_factory=lambda: [None, None])


@pytest.fixture(scope="module")
def app():
    return make_test_app(enabled=["omh"])


@pytest.fixture(scope="module")
def exchange(app):
    return app.exchange


@pytest.fixture
def db(exchange):
    with exchange.db.connection_context():
        yield


def code_row(code: str) -> m.CodeableConcept:
    return m.CodeableConcept.get(coding_system=OMH, coding_code=code)


def validate(exchange, observation_dict, context) -> list[Issue]:
    answers = exchange.hook.validate_observation(exchange=exchange, observation=observation_dict, context=context)
    return [issue for answer in answers for issue in (answer or [])]


def test_hook_register_observation_codes_one_per_data_type_with_the_guides_ids(exchange, db):
    rows = {row.coding_code: row for row in m.CodeableConcept.select().where(m.CodeableConcept.coding_system == OMH)}
    assert set(SCHEMA_IDS) <= set(rows)
    assert {code: rows[code].id for code in ["omh:blood-glucose:4.0", "omh:blood-pressure:4.0",
                                             "omh:body-temperature:4.0", "omh:heart-rate:2.0",
                                             "omh:oxygen-saturation:2.0", "omh:respiratory-rate:2.0",
                                             "omh:step-count:3.0", "omh:body-weight:3.0"]} == {
        "omh:blood-glucose:4.0": 1, "omh:blood-pressure:4.0": 2, "omh:body-temperature:4.0": 3,
        "omh:heart-rate:2.0": 4, "omh:oxygen-saturation:2.0": 5, "omh:respiratory-rate:2.0": 6,
        "omh:step-count:3.0": 7, "omh:body-weight:3.0": 8}
    assert rows["omh:blood-glucose:4.0"].text == "Blood Glucose"
    assert rows["ieee:time-in-bed:1.0"].text == "Time In Bed (IEEE 1752)"


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_hook_validate_observation_valid_passes_and_sets_effective_period(exchange, db, schema_id):
    point = data_point(schema_id)
    context = Context(code_row(schema_id), point)
    assert validate(exchange, observation(point, schema_id), context) == []
    assert all(isinstance(moment, datetime) for moment in context.effective)


def test_hook_validate_observation_invalid_gives_processing_issues_with_paths(exchange, db):
    point = data_point("omh:blood-glucose:4.0")
    point["body"]["blood_glucose"]["unit"] = "mmol"
    point["header"]["schema_id"]["version"] = "3.0"
    context = Context(code_row("omh:blood-glucose:4.0"), point)
    issues = validate(exchange, observation(point), context)
    assert [(i.code, i.text()) for i in issues] == [
        ("processing", "header.schema_id.version: '3.0' does not match the observation's code "
                       "omh:blood-glucose:4.0 (expected '4.0')"),
        ("processing", "body.blood_glucose.unit: 'mmol' is not one of ['mg/dL', 'mmol/L']"),
    ]
    assert context.effective == [None, None]


def test_hook_validate_observation_code_without_a_schema_names_it(exchange, db):
    legacy = m.CodeableConcept.get_or_create(coding_system=OMH, coding_code="omh:body-weight:2.0",
                                             defaults={"text": "Body Weight"})[0]
    point = data_point("omh:body-weight:3.0")
    [issue] = validate(exchange, observation(point, "omh:body-weight:2.0"), Context(legacy, point))
    assert issue.code == "processing"
    assert "no Open mHealth schema is known for code 'omh:body-weight:2.0'" in issue.message


def test_hook_validate_observation_leaves_other_code_systems_alone(exchange, db):
    loinc = m.CodeableConcept.get_or_create(coding_system="http://loinc.org", coding_code="8867-4",
                                            defaults={"text": "Heart rate"})[0]
    assert validate(exchange, {"resourceType": "Observation"}, Context(loinc, {"anything": 1})) == []


def test_hook_validate_observation_without_a_decodable_data_point_fails(exchange, db):
    cases = {"***not base64***": "is not valid base64", "//79": "is not UTF-8 text (byte 0)",
             "bm90IGpzb24=": "is not JSON: Expecting value at line 1 column 1"}
    for encoded, message in cases.items():
        obs = observation(None, encoded=encoded)
        [issue] = validate(exchange, obs, Context(code_row("omh:blood-glucose:4.0"), None))
        assert (issue.code, issue.path, issue.message) == ("processing", "valueAttachment.data", message)
    missing = observation(None)
    del missing["valueAttachment"]
    [issue] = validate(exchange, missing, Context(code_row("omh:blood-glucose:4.0"), None))
    assert issue.path == "valueAttachment.data" and "carries its data point" in issue.message


def test_hook_validate_observation_json_null_is_reported(exchange, db):
    obs = observation(None)  # valueAttachment carries the JSON text "null"
    [issue] = validate(exchange, obs, Context(code_row("omh:blood-glucose:4.0"), None))
    assert issue.message.endswith("not null")


def test_hook_observation_data_view_gives_the_decoded_data_point(exchange):
    point = data_point("omh:heart-rate:2.0")
    stored = type("StoredObservation", (), {"resource": json.dumps({"id": "7", **observation(point)})})()
    view = exchange.hook.observation_data_view
    assert view(exchange=exchange, observation=stored, data=point) == point
    assert view(exchange=exchange, observation=stored, data=None) == point
    broken = type("StoredObservation", (), {"resource": json.dumps(observation(None, encoded="%%"))})()
    assert view(exchange=exchange, observation=broken, data=None) is None
    assert view(exchange=exchange, observation=stored, data={"not": "omh"}) is None
