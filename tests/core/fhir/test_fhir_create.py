"""Observation create over HTTP: validation, references, permissions, consent, duplicates,
If-None-Exist, response headers, hooks, and the ingest service itself."""

import base64
import json

import pytest

from jhe_core import Issue, hookimpl
from jhe_core import models as m
from jhe_core.testing import auth_headers, make_test_app, token_for
from fhir_helpers import BLOOD_GLUCOSE, HEART_RATE, diagnostics, issue_codes, observation


class RecordingPlugin:
    """Rejects data points carrying a marker and records what was stored after commit."""

    name = "test-recorder"

    def __init__(self):
        self.stored = []

    @hookimpl
    def validate_observation(self, observation, context):
        if isinstance(context.data, dict) and context.data.get("reject-me"):
            return [Issue("test plugin rejects this data point", "business-rule", "valueAttachment")]
        return []

    @hookimpl
    def observations_stored(self, exchange, observations):
        with exchange.db.connection_context():
            self.stored.append([(o.id, m.Observation.select().where(m.Observation.id == o.id).exists())
                                for o in observations])


RECORDER = RecordingPlugin()


@pytest.fixture(scope="module")
def app():
    return make_test_app(plugins=[RECORDER])


def post(client, headers, resource, prefix="/fhir/r5", **extra):
    return client.simulate_post(f"{prefix}/Observation", headers={**headers, "Content-Type": "application/fhir+json",
                                                                  **extra}, body=json.dumps(resource))


def count():
    return m.Observation.select().count()


def test_created_resource_has_id_meta_location_and_etag(client, headers):
    response = post(client, headers["patient"], observation())
    assert response.status_code == 201, response.text
    body = response.json
    assert body["id"].isdigit() and body["meta"]["versionId"] == "1" and body["meta"]["lastUpdated"]
    assert response.headers["location"] == f"http://falconframework.org/fhir/r5/Observation/{body['id']}/_history/1"
    assert response.headers["etag"] == 'W/"1"'
    assert response.headers["content-type"].startswith("application/fhir+json")
    stored = client.simulate_get(f"/fhir/r5/Observation/{body['id']}", headers=headers["patient"])
    assert stored.json == body  # served exactly as stored


def test_both_prefixes_and_plain_json_are_accepted(client, headers):
    response = client.simulate_post("/FHIR/R5/Observation", headers={**headers["manager"], "Content-Type": "application/json"},
                                    body=json.dumps(observation()))
    assert response.status_code == 201
    assert response.headers["location"].startswith("http://falconframework.org/FHIR/R5/Observation/")


@pytest.mark.parametrize("mutate, path", [
    (lambda r: r.update(resourceType="Patient"), "resourceType"),
    (lambda r: r.pop("code"), "code"),
    (lambda r: r.update(status="bogus"), "status"),
    (lambda r: r.update(unknownElement=1), "unknownElement"),
    (lambda r: r["code"]["coding"].append({"system": "urn:x", "code": "y"}), "code.coding"),
    (lambda r: r.update(subject={"reference": "Group/1"}), "subject"),
    (lambda r: r.update(device={"reference": "Device/abc"}), "device"),
    (lambda r: r["valueAttachment"].update(data="not base64 json!"), "valueAttachment.data"),
    (lambda r: r["valueAttachment"].update(data=base64.b64encode(b"\xff\xfe").decode()), "valueAttachment.data"),
    (lambda r: r["valueAttachment"].update(contentType="text/plain"), "valueAttachment.contentType"),
])
def test_invalid_observations_get_400_with_the_offending_path(client, headers, mutate, path):
    resource = observation()
    mutate(resource)
    before = count()
    response = post(client, headers["manager"], resource)
    assert response.status_code == 400, response.text
    assert issue_codes(response.json)[0] in ("invalid", "structure")
    assert any(path in expr for issue in response.json["issue"] for expr in issue.get("expression", [])), response.json
    assert count() == before


def test_body_errors(client, headers):
    assert post(client, headers["manager"], "not an object").status_code == 400
    bad_json = client.simulate_post("/fhir/r5/Observation", headers={**headers["manager"], "Content-Type": "application/json"},
                                    body="{nope")
    assert bad_json.status_code == 400 and issue_codes(bad_json.json) == ["invalid"]
    xml = client.simulate_post("/fhir/r5/Observation", headers={**headers["manager"], "Content-Type": "application/fhir+xml"},
                               body="<Observation/>")
    assert xml.status_code == 415 and issue_codes(xml.json) == ["not-supported"]


def test_unknown_code_is_422_and_unknown_references_are_404(client, headers):
    resource = observation()
    resource["code"]["coding"][0]["code"] = "omh:made-up:1.0"
    assert post(client, headers["manager"], resource).status_code == 422
    missing_patient = post(client, headers["superuser"], observation(patient=99999))
    assert missing_patient.status_code == 404 and issue_codes(missing_patient.json) == ["not-found"]
    missing_device = post(client, headers["manager"], observation(device=79999))
    assert missing_device.status_code == 404 and "Device/79999" in diagnostics(missing_device.json)


@pytest.mark.parametrize("role, patient, code, device, status", [
    ("patient", 10001, BLOOD_GLUCOSE, 70001, 201),        # the patient themselves
    ("other_patient", 10001, BLOOD_GLUCOSE, 70001, 403),  # another patient
    ("manager", 10001, BLOOD_GLUCOSE, 70001, 201),
    ("member", 10001, BLOOD_GLUCOSE, 70001, 201),
    ("viewer", 10001, BLOOD_GLUCOSE, 70001, 403),         # viewers never upload
    ("other_manager", 10001, BLOOD_GLUCOSE, 70001, 403),  # organization 2 does not hold 10001
    ("other_manager", 10003, HEART_RATE, 70003, 201),     # ...but holds 10003
    ("superuser", 10002, BLOOD_GLUCOSE, None, 201),
])
def test_who_may_upload(client, headers, role, patient, code, device, status):
    before = count()
    response = post(client, headers[role], observation(patient=patient, code=code, device=device))
    assert response.status_code == status, response.text
    assert count() == before + (1 if status == 201 else 0)
    if status == 403:
        assert issue_codes(response.json) == ["forbidden"]


def test_read_only_token_cannot_upload(client, app):
    token = token_for("practitioner@example.com", scopes=("openid", "read"))
    assert post(client, auth_headers(token), observation()).status_code == 403


@pytest.mark.parametrize("patient, code, device, reason", [
    (10001, HEART_RATE, None, "has not consented"),   # enrolled, never consented to heart rate
    (10001, BLOOD_GLUCOSE, 70002, "Device/70002"),    # Dexcom is attached to no study of 10001
    (10003, HEART_RATE, 70005, "Device/70005"),       # consent revoked in the study Omron serves
])
def test_consent_is_required(client, headers, patient, code, device, reason):
    response = post(client, headers["superuser"], observation(patient=patient, code=code, device=device))
    assert response.status_code == 403, response.text
    assert reason in diagnostics(response.json)


def test_revoking_consent_stops_uploads(client, headers):
    assert post(client, headers["manager"], observation(patient=10002)).status_code == 201
    consent = (m.StudyPatientScopeConsent.select().join(m.StudyPatient)
               .where(m.StudyPatient.patient == 10002, m.StudyPatientScopeConsent.scope_code == 1).get())
    consent.consented = False
    consent.save()
    try:
        response = post(client, headers["manager"], observation(patient=10002))
        assert response.status_code == 403 and "has not consented" in diagnostics(response.json)
    finally:
        consent.consented = True
        consent.save()


def test_duplicate_identifier_is_409_and_if_none_exist_returns_the_stored_one(client, headers):
    first = post(client, headers["patient"], observation(identifier="phone-retry-1"))
    assert first.status_code == 201
    again = post(client, headers["patient"], observation(identifier="phone-retry-1"))
    assert again.status_code == 409 and issue_codes(again.json) == ["duplicate"]
    retry = post(client, headers["patient"], observation(identifier="phone-retry-1"),
                 **{"If-None-Exist": "identifier=urn:jhe-test|phone-retry-1"})
    assert retry.status_code == 200 and retry.json == first.json
    fresh = post(client, headers["patient"], observation(identifier="phone-retry-2"),
                 **{"If-None-Exist": "identifier=urn:jhe-test|phone-retry-2"})
    assert fresh.status_code == 201
    bad = post(client, headers["patient"], observation(), **{"If-None-Exist": "code=x"})
    assert bad.status_code == 400


def test_prefer_return_minimal(client, headers):
    response = post(client, headers["patient"], observation(), Prefer="return=minimal")
    assert response.status_code == 201 and response.text == "" and response.headers["location"]


def test_hook_validate_observation_issues_answer_422(client, headers):
    data = {"header": {"uuid": "x"}, "body": {}, "reject-me": True}
    before = count()
    response = post(client, headers["manager"], observation(data=data))
    assert response.status_code == 422
    assert "test plugin rejects this data point" in diagnostics(response.json)
    assert count() == before


def test_hook_observations_stored_runs_after_commit(client, headers):
    RECORDER.stored.clear()
    response = post(client, headers["manager"], observation())
    assert RECORDER.stored == [[(int(response.json["id"]), True)]]


def test_ingest_service_batches_and_reports_each_input(app):
    from jhe_core.actors import Actor
    from jhe_core.services.observations import ingest
    exchange = app.exchange
    admin = m.User.get(m.User.email == "admin@example.com")
    resources = [observation(), observation(patient=99999), observation(identifier="svc-dup"),
                 observation(identifier="svc-dup")]
    results = ingest(exchange, Actor(user=admin), resources, atomic=False)
    assert [r.status for r in results] == [201, 404, 201, 409]
    stored = json.loads(results[0].observation.resource)
    assert stored["id"] == str(results[0].observation.id) and stored["meta"]["versionId"] == "1"
    before = count()
    with pytest.raises(Exception) as raised:
        ingest(exchange, Actor(user=admin), [observation(), observation(patient=99999)], atomic=True)
    assert raised.value.status == 404 and raised.value.entry_index == 1
    assert count() == before


def test_errors_are_never_html(client, headers):
    for response in (client.simulate_get("/fhir/r5/Observation/nope", headers=headers["manager"]),
                     client.simulate_delete("/fhir/r5/Observation/1", headers=headers["manager"]),
                     client.simulate_get("/fhir/r5/Nothing/here/at/all", headers=headers["manager"])):
        assert response.headers["content-type"].startswith("application/fhir+json")
        assert response.json["resourceType"] == "OperationOutcome"


def test_demo_observations_are_seeded_once(app):
    from jhe_core.seed import seed_demo_observations
    demo = m.Observation.select().where(m.Observation.identifier_system == "https://jhe.example.org/demo-observations")
    assert demo.count() == 6
    assert seed_demo_observations(app.exchange) == 0 and demo.count() == 6
