"""jhe-oura's own tests, written the way a data-source plugin author would, on ``jhe_core.testing``.

One app per module (the demo data of the guides loaded), the Oura data source linked to the
demo's Diabetes Management Study (10001) in which John Smith (10001) consents to both codes.
"""

import copy
import json
import pathlib

import falcon.testing
import pytest
from click.testing import CliRunner

from jhe_core.testing import (api_list, attachment_data, auth_headers, grant_consent, make_test_app, read_back,
                              token_for, token_for_patient)

EXPORT = json.loads((pathlib.Path(__file__).parent / "data" / "oura-export.json").read_text())
HEART_RATE, ACTIVITY = "omh:heart-rate:2.0", "ieee:physical-activity:1.0"
CONSENTED, NOT_CONSENTED, OTHER_STUDY = 10001, 10002, 10003


def import_path(patient_id):
    return f"/api/v1/oura/patients/{patient_id}/import"


@pytest.fixture(scope="module")
def app():
    app = make_test_app(enabled=["omh", "admin", "oura"])
    grant_consent(CONSENTED, 10001, [HEART_RATE, ACTIVITY], data_source="Oura Ring")
    return app


@pytest.fixture(scope="module")
def client(app):
    return falcon.testing.TestClient(app)


@pytest.fixture(scope="module")
def manager(app):
    return token_for("practitioner@example.com")


@pytest.fixture(scope="module")
def oura_id(client, manager):
    sources = api_list(client, manager, "/api/v1/data_sources")
    return next(source["id"] for source in sources if source["name"] == "Oura Ring")


def post(client, token, patient_id, payload):
    return client.simulate_post(import_path(patient_id), json=payload, headers=auth_headers(token))


def test_data_source_is_in_the_catalogue(client, manager, oura_id):
    source = client.simulate_get(f"/api/v1/data_sources/{oura_id}", headers=auth_headers(manager)).json
    assert source["type"] == "personal_device"
    assert {scope["codingCode"] for scope in source["supportedScopes"]} == {HEART_RATE, ACTIVITY}


def test_import_converts_and_stores_every_record(client, manager, oura_id):
    result = post(client, manager, CONSENTED, EXPORT)
    assert result.status_code == 201, result.text
    report = result.json
    assert (report["created"], report["unchanged"], report["dataSourceId"]) == (4, 0, oura_id)
    assert [row["record"] for row in report["results"]] == [
        "heartrate[0]", "heartrate[1]", "heartrate[2]", "daily_activity[0]"]
    assert {row["outcome"] for row in report["results"]} == {"created"}


def test_heart_rate_is_searchable_through_fhir(client, manager, oura_id):
    found = read_back(client, manager, CONSENTED, HEART_RATE)
    assert len(found) == 3
    assert {obs["device"]["reference"] for obs in found} == {f"Device/{oura_id}"}
    assert {obs["subject"]["reference"] for obs in found} == {f"Patient/{CONSENTED}"}
    points = [attachment_data(obs) for obs in found]
    assert {p["body"]["heart_rate"]["value"]: p["body"]["effective_time_frame"]["date_time"] for p in points} == {
        61.0: "2024-03-01T08:00:00Z", 64.0: "2024-03-01T08:05:00Z", 58.0: "2024-03-01T10:10:00+02:00"}
    assert {p["body"]["heart_rate"]["unit"] for p in points} == {"beats/min"}
    assert points[0]["header"]["schema_id"] == {"namespace": "omh", "name": "heart-rate", "version": "2.0"}
    assert {obs["identifier"][0]["value"] for obs in found} == {
        f"patient-{CONSENTED}/heartrate/2024-03-01T08:00:00Z", f"patient-{CONSENTED}/heartrate/2024-03-01T08:05:00Z",
        f"patient-{CONSENTED}/heartrate/2024-03-01T08:10:00Z"}  # keyed on the instant, in UTC


def test_daily_activity_covers_the_day_in_the_export_timezone(client, manager):
    [activity] = read_back(client, manager, CONSENTED, ACTIVITY)
    body = attachment_data(activity)["body"]
    assert body["base_movement_quantity"] == {"value": 8123, "unit": "steps"}
    assert body["effective_time_frame"]["time_interval"]["start_date_time"] in (
        "2024-03-01T00:00:00+01:00", "2024-02-29T23:00:00Z")
    assert activity["identifier"][0]["value"] == f"patient-{CONSENTED}/daily_activity/2024-03-01"


def test_admin_api_lists_the_imported_observations(client, manager, oura_id):
    rows = api_list(client, manager, "/api/v1/observations", patient_id=CONSENTED)
    oura_rows = [row for row in rows if row["dataSource"] == oura_id]
    assert sorted(row["codingCode"] for row in oura_rows) == [ACTIVITY] + [HEART_RATE] * 3


def test_reimport_stores_nothing_new(client, manager):
    first = [row["observationId"] for row in post(client, manager, CONSENTED, EXPORT).json["results"]]
    again = post(client, manager, CONSENTED, EXPORT)
    assert again.status_code == 200
    assert (again.json["created"], again.json["unchanged"]) == (0, 4)
    assert [row["status"] for row in again.json["results"]] == [200] * 4
    assert [row["observationId"] for row in again.json["results"]] == first
    assert len(read_back(client, manager, CONSENTED, HEART_RATE)) == 3


def test_same_instant_spelled_differently_is_the_same_record(client, manager):
    payload = {"heartrate": [{"bpm": 61, "source": "awake", "timestamp": "2024-03-01T09:00:00+01:00"}]}
    assert post(client, manager, CONSENTED, payload).json["unchanged"] == 1


def test_patient_imports_their_own_data(client):
    payload = {"heartrate": [{"bpm": 70, "source": "awake", "timestamp": "2024-03-02T07:00:00Z"}]}
    result = post(client, token_for_patient(CONSENTED), CONSENTED, payload)
    assert result.status_code == 201 and result.json["created"] == 1


def test_import_without_consent_is_refused_and_stores_nothing(client, manager):
    result = post(client, manager, NOT_CONSENTED, EXPORT)
    assert result.status_code == 403
    assert result.json["detail"] == (f"heartrate[0]: Patient/{NOT_CONSENTED} has not consented to share "
                                     f"{HEART_RATE} in a study they are enrolled in.")
    assert read_back(client, manager, NOT_CONSENTED, HEART_RATE) == []


def test_consent_in_a_study_without_this_device_is_not_enough(client, oura_id):
    # Wei Chen consents to heart rate in study 10003, whose data source is CareX, not Oura.
    payload = {"heartrate": EXPORT["heartrate"]["data"][:1]}
    result = post(client, token_for("manager2@example.com"), OTHER_STUDY, payload)
    assert result.status_code == 403
    assert result.json["detail"] == (f"heartrate[0]: Device/{oura_id} is not a data source of any study in which "
                                     f"Patient/{OTHER_STUDY} consented to share {HEART_RATE}.")


def test_viewer_may_not_import(client):
    result = post(client, token_for("viewer@example.com"), CONSENTED, EXPORT)
    assert result.status_code == 403
    assert result.json["detail"] == f"heartrate[0]: You may not upload observations for Patient/{CONSENTED}."


def test_unknown_patient_is_404(client, manager):
    result = post(client, manager, 99999, EXPORT)
    assert result.status_code == 404 and "Patient/99999 does not exist" in result.json["detail"]


def test_anonymous_caller_is_401(client):
    assert client.simulate_post(import_path(CONSENTED), json=EXPORT).status_code == 401


def _with(collection, record):
    return {collection: [record]}


@pytest.mark.parametrize("payload, message", [
    ([], "The import must be a JSON object with 'heartrate' and/or 'daily_activity'."),
    ({"sleep": []}, "Unknown key 'sleep'; an Oura import may hold daily_activity, heartrate, timezone."),
    ({"heartrate": []}, "The import holds no records."),
    ({"heartrate": {"records": []}}, "heartrate must be a list of Oura records (or an Oura response with 'data')."),
    (_with("heartrate", 61), "heartrate[0]: must be a JSON object (an Oura record)."),
    (_with("heartrate", {"bpm": 61}), "heartrate[0]: 'timestamp' is required."),
    (_with("heartrate", {"bpm": 61, "timestamp": "yesterday"}),
     "heartrate[0]: 'timestamp' is not an ISO 8601 date-time: 'yesterday'."),
    (_with("heartrate", {"bpm": 61, "timestamp": "2024-03-01T08:00:00"}),
     "heartrate[0]: 'timestamp' needs a UTC offset: '2024-03-01T08:00:00'."),
    (_with("daily_activity", {"day": "2024-02-30"}),
     "daily_activity[0]: 'day' is not an ISO 8601 date: '2024-02-30'."),
    ({**_with("daily_activity", {"day": "2024-03-01"}), "timezone": "Mars/Olympus"},
     "Unknown time zone 'Mars/Olympus'; use an IANA name such as 'Europe/Oslo'."),
])
def test_bad_payload_is_a_precise_400(client, manager, payload, message):
    result = post(client, manager, CONSENTED, payload)
    assert result.status_code == 400, result.text
    assert result.json["detail"] == message


def test_record_omh_shim_cannot_convert_is_named(client, manager):
    result = post(client, manager, CONSENTED, _with("heartrate", {"bpm": "fast", "timestamp": "2024-03-01T08:00:00Z"}))
    assert result.status_code == 400
    assert result.json["detail"].startswith("heartrate[0]: oura_raw/heart_rate: ValueError")


def test_too_many_records_is_413(app, client, manager):
    settings = app.exchange.plugin_config("oura")
    limit, settings["max_records"] = settings["max_records"], 2
    try:
        result = post(client, manager, CONSENTED, EXPORT)
    finally:
        settings["max_records"] = limit
    assert result.status_code == 413
    assert result.json["detail"] == "The import holds 4 records; at most 2 are accepted at once."


class _CliContext:
    """What the root ``jhe`` group puts on the click context: here, this module's app."""

    def __init__(self, exchange):
        self._exchange = exchange

    def exchange(self):
        return self._exchange


def test_cli_import_uses_the_same_rules(app, client, manager, tmp_path):
    from jhe_oura.cli import oura_group
    export = copy.deepcopy(EXPORT)
    export["heartrate"]["data"].append({"bpm": 75, "source": "awake", "timestamp": "2024-03-03T12:00:00Z"})
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export))
    runner = CliRunner()
    obj = _CliContext(app.exchange)
    done = runner.invoke(oura_group, ["import", str(path), "--patient", str(CONSENTED),
                                      "--as", "practitioner@example.com"], obj=obj)
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"Patient/{CONSENTED}: 1 created, 4 unchanged (5 records, data source ")
    refused = runner.invoke(oura_group, ["import", str(path), "--patient", str(NOT_CONSENTED),
                                         "--as", "practitioner@example.com"], obj=obj)
    assert refused.exit_code == 1
    assert f"Patient/{NOT_CONSENTED} has not consented to share {HEART_RATE}" in refused.output
    nobody = runner.invoke(oura_group, ["import", str(path), "--patient", str(CONSENTED), "--as", "nobody@example.com"],
                           obj=obj)
    assert nobody.exit_code == 1 and "no active account 'nobody@example.com'" in nobody.output
