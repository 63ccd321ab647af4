"""OMH validation through the FHIR API: uploads of every data type, 422s with paths, effective
time searchable by date, the decoded data in the admin API."""

import base64

import falcon.testing
import pytest

from jhe_core import models as m
from jhe_core.testing import auth_headers, make_test_app, token_for

from omh_datapoints import SCHEMA_IDS, data_point, observation

PATIENT = 10001
STUDY = 10001  # the patient is enrolled; consents for every OMH code are added below


@pytest.fixture(scope="module")
def app():
    app = make_test_app()
    with app.exchange.db.connection_context():
        enrollment = m.StudyPatient.get(study=STUDY, patient=PATIENT)
        for code in m.CodeableConcept.select().where(m.CodeableConcept.coding_code.in_(SCHEMA_IDS)):
            m.StudyScopeRequest.get_or_create(study=STUDY, scope_code=code)
            m.StudyPatientScopeConsent.get_or_create(study_patient=enrollment, scope_code=code,
                                                     defaults={"consented": True})
    return app


@pytest.fixture(scope="module")
def client(app):
    return falcon.testing.TestClient(app)


@pytest.fixture(scope="module")
def patient(app):
    with app.exchange.db.connection_context():
        return auth_headers(token_for("john.smith@example.com"))


@pytest.fixture(scope="module")
def manager(app):
    with app.exchange.db.connection_context():
        return auth_headers(token_for("practitioner@example.com"))


def post(client, headers, resource):
    return client.simulate_post("/fhir/r5/Observation", json=resource, headers=headers)


def diagnostics(response) -> list[str]:
    body = response.json
    assert body["resourceType"] == "OperationOutcome", body
    return [issue.get("diagnostics", "") for issue in body["issue"]]


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_every_data_type_uploads(client, patient, schema_id):
    response = post(client, patient, observation(data_point(schema_id), schema_id))
    assert response.status_code == 201, response.text


def test_invalid_data_point_is_422_naming_path_and_reason(client, patient):
    point = data_point("omh:blood-glucose:4.0")
    point["body"]["blood_glucose"]["unit"] = "mmol"
    del point["header"]["uuid"]
    response = post(client, patient, observation(point))
    assert response.status_code == 422
    texts = " | ".join(diagnostics(response))
    assert "body.blood_glucose.unit: 'mmol' is not one of ['mg/dL', 'mmol/L']" in texts
    assert "header: 'uuid' is a required property" in texts
    assert {issue["code"] for issue in response.json["issue"]} == {"processing"}


def test_header_for_another_schema_is_422(client, patient):
    response = post(client, patient, observation(data_point("omh:heart-rate:2.0"), "omh:blood-glucose:4.0"))
    assert response.status_code == 422
    assert any("header.schema_id.name: 'heart-rate' does not match" in text for text in diagnostics(response))


def test_bad_date_time_is_422(client, patient):
    point = data_point("omh:blood-glucose:4.0")
    point["body"]["effective_time_frame"]["date_time"] = "2024-05-02 08:30"
    response = post(client, patient, observation(point))
    assert response.status_code == 422
    assert "body.effective_time_frame.date_time: '2024-05-02 08:30' is not a 'date-time'" in " ".join(
        diagnostics(response))


def test_code_without_a_schema_is_422_naming_the_code(app, client, patient):
    with app.exchange.db.connection_context():
        legacy, _ = m.CodeableConcept.get_or_create(coding_system="https://w3id.org/openmhealth",
                                                    coding_code="omh:body-weight:2.0", defaults={"text": "Body Weight"})
        enrollment = m.StudyPatient.get(study=STUDY, patient=PATIENT)
        m.StudyScopeRequest.get_or_create(study=STUDY, scope_code=legacy)
        m.StudyPatientScopeConsent.get_or_create(study_patient=enrollment, scope_code=legacy,
                                                 defaults={"consented": True})
    response = post(client, patient, observation(data_point("omh:body-weight:3.0"), "omh:body-weight:2.0"))
    assert response.status_code == 422
    assert "no Open mHealth schema is known for code 'omh:body-weight:2.0'" in " ".join(diagnostics(response))


@pytest.mark.parametrize("encoded", [
    "***not base64***",
    base64.b64encode(b"\xff\xfe{}").decode(),  # not UTF-8
    base64.b64encode(b"{not json").decode(),
])
def test_undecodable_data_is_refused(app, client, patient, encoded):
    response = post(client, patient, observation(None, encoded=encoded))
    assert response.status_code in (400, 422)
    assert response.json["resourceType"] == "OperationOutcome"
    assert any("valueAttachment.data" in str(issue) for issue in response.json["issue"])
    with app.exchange.db.connection_context():
        assert m.Observation.select().where(m.Observation.resource.contains(encoded)).count() == 0


def test_json_null_is_422(client, patient):
    response = post(client, patient, observation(None))
    assert response.status_code == 422
    assert any("not null" in text for text in diagnostics(response))


def test_effective_time_from_the_time_frame_is_searchable(client, patient, manager):
    point = data_point("omh:blood-glucose:4.0")
    point["body"]["effective_time_frame"] = {"date_time": "2023-03-04T23:30:00-05:00"}  # 04:30 UTC, March 5th
    assert post(client, patient, observation(point)).status_code == 201
    code = "https://w3id.org/openmhealth|omh:blood-glucose:4.0"
    found = client.simulate_get("/fhir/r5/Observation", headers=manager,
                                params={"patient": PATIENT, "code": code, "date": "2023-03-05"}).json
    assert found["total"] == 1
    missed = client.simulate_get("/fhir/r5/Observation", headers=manager,
                                 params={"patient": PATIENT, "code": code, "date": "2023-03-04"}).json
    assert missed["total"] == 0


def test_admin_api_shows_the_decoded_data_point(client, patient, manager):
    point = data_point("omh:blood-glucose:4.0")
    point["body"]["blood_glucose"]["value"] = 187
    assert post(client, patient, observation(point)).status_code == 201
    listed = client.simulate_get("/api/v1/observations", headers=manager, params={
        "organization_id": 1, "study_id": STUDY, "patient_id": PATIENT, "page_size": 1000}).json
    shown = [row["valueAttachmentData"] for row in listed["results"]
             if row["codingCode"] == "omh:blood-glucose:4.0"]
    assert point in shown
