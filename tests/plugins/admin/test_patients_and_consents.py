"""Patients and consents: success and error answers, and the guides' removal rules."""

import base64
import json

import pytest

from jhe_core import models as m

BG = {"codingSystem": "https://w3id.org/openmhealth", "codingCode": "omh:blood-glucose:4.0"}


def add_observation(app, patient_id, code_id=1, data=None):
    data = data or {"body": {"blood_glucose": {"unit": "MGDL", "value": 100}}}
    resource = {"resourceType": "Observation", "status": "final",
                "valueAttachment": {"contentType": "application/json",
                                    "data": base64.b64encode(json.dumps(data).encode()).decode()}}
    with app.exchange.db.connection_context():
        return m.Observation.create(patient=patient_id, code=code_id, data_source=70001,
                                    resource=json.dumps(resource)).id


def create(client, headers, email, org=1, **extra):
    body = {"telecomEmail": email, "nameFamily": "Doe", "nameGiven": "Jo", "birthDate": "1990-02-03",
            "organizationId": org, **extra}
    return client.simulate_post("/api/v1/patients", json=body, headers=headers)


def test_create_accepts_snake_case_and_identifiers(client, headers):
    answer = client.simulate_post("/api/v1/patients", headers=headers["member"], json={
        "telecom_email": "Snake@Example.com", "name_family": "Case", "name_given": "Sam", "birth_date": "2001-12-31",
        "organization_id": 1, "identifier": "MRN-9", "identifiers": [{"system": "urn:ehr", "value": "E-9"}]})
    assert answer.status_code == 201, answer.text
    patient = answer.json
    assert patient["telecomEmail"] == "snake@example.com" and patient["identifier"] == "MRN-9"
    assert patient["identifiers"] == [{"system": "http://falconframework.org", "value": "MRN-9"},
                                      {"system": "urn:ehr", "value": "E-9"}]
    user = m.User.get_by_id(patient["jheUserId"])
    assert user.user_type == "patient" and user.password_hash is None


@pytest.mark.parametrize("change,field", [
    ({"telecomEmail": None}, "telecomEmail"), ({"nameFamily": ""}, "nameFamily"), ({"birthDate": "1/2/1990"}, "birthDate"),
    ({"telecomEmail": "not-an-email"}, "telecomEmail"), ({"organizationId": "x"}, "organizationId"),
    ({"organizationId": 999}, "organizationId"), ({"nameGiven": 5}, "nameGiven"), ({"nameGiven": "x" * 300}, "nameGiven"),
    ({"identifiers": [{"system": "s"}]}, "identifiers[0].value"),
])
def test_create_names_the_bad_field(client, headers, change, field):
    body = {"telecomEmail": "bad@example.com", "nameFamily": "Doe", "nameGiven": "Jo", "birthDate": "1990-02-03",
            "organizationId": 1, **change}
    answer = client.simulate_post("/api/v1/patients", json=body, headers=headers["manager"])
    assert answer.status_code == 400 and field in answer.json["detail"], answer.json


def test_bad_json_and_duplicate_email(client, headers):
    answer = client.simulate_post("/api/v1/patients", body="{", headers={**headers["manager"],
                                                                        "Content-Type": "application/json"})
    assert answer.status_code == 400 and "JSON" in answer.json["detail"]
    assert client.simulate_post("/api/v1/patients", json=[1], headers=headers["manager"]).status_code == 400
    duplicate = create(client, headers["manager"], "member@example.com")
    assert duplicate.status_code == 400 and duplicate.json == {"detail": "User with this email already exists"}


def test_read_update_and_unknown_ids(client, headers):
    updated = client.simulate_patch("/api/v1/patients/10002", headers=headers["manager"],
                                    json={"telecomPhone": "555-5678", "nameGiven": "Mariana", "identifier": None})
    assert updated.status_code == 200
    assert (updated.json["nameGiven"], updated.json["identifier"], updated.json["identifiers"]) == ("Mariana", None, [])
    assert client.simulate_get("/api/v1/patients/10002", headers=headers["viewer"]).json["nameGiven"] == "Mariana"
    taken = client.simulate_patch("/api/v1/patients/10002", headers=headers["manager"],
                                  json={"telecomEmail": "john.smith@example.com"})
    assert taken.status_code == 400 and taken.json["detail"] == "User with this email already exists"
    for path in ("/api/v1/patients/99999", "/api/v1/patients/abc", "/api/v1/patients/99999999999",
                 "/api/v1/patients/99999/consents"):
        assert client.simulate_get(path, headers=headers["manager"]).status_code == 404, path
    assert client.simulate_get("/api/v1/patients", query_string="organization_id=x",
                               headers=headers["manager"]).status_code == 400
    assert client.simulate_get("/api/v1/patients", query_string="study_id=99999",
                               headers=headers["manager"]).status_code == 404


def test_global_lookup_and_add_organization(client, headers):
    assert client.simulate_get("/api/v1/patients/global_lookup", headers=headers["manager"]).status_code == 400
    assert client.simulate_get("/api/v1/patients/global_lookup", query_string="email=nobody@example.com",
                               headers=headers["manager"]).json == []
    missing = client.simulate_patch("/api/v1/patients/10001/global_add_organization", headers=headers["other_manager"])
    assert missing.status_code == 400 and "organization_id" in missing.json["detail"]
    unknown = client.simulate_patch("/api/v1/patients/99999/global_add_organization",
                                    query_string="organization_id=2", headers=headers["other_manager"])
    assert unknown.status_code == 404


def test_consent_grant_revoke_and_rules(client, headers):
    patient = create(client, headers["manager"], "consenter@example.com").json
    pid = patient["id"]
    url = f"/api/v1/patients/{pid}/consents"

    def decide(consented, study=10001, code=BG, who="patient_self"):
        body = {"studyScopeConsents": [{"studyId": study, "scopeConsents": [{**code, "consented": consented}]}]}
        return client.simulate_post(url, json=body, headers=headers["manager"])

    not_enrolled = decide(True)
    assert not_enrolled.status_code == 400 and "not enrolled" in not_enrolled.json["detail"]
    client.simulate_post("/api/v1/studies/10001/patients", json={"patient_ids": [pid]}, headers=headers["manager"])
    unrequested = decide(True, code={"codingCode": "omh:heart-rate:2.0"})
    assert unrequested.status_code == 400 and "does not request" in unrequested.json["detail"]
    unknown_code = decide(True, code={"codingCode": "omh:nothing:1.0"})
    assert unknown_code.status_code == 400 and "codingCode" in unknown_code.json["detail"]
    assert decide("yes").status_code == 400
    granted = decide(True)
    assert granted.status_code == 200
    assert [c["codingCode"] for c in granted.json["consolidatedConsentedScopes"]] == ["omh:blood-glucose:4.0"]
    assert granted.json["studies"][0]["scopeConsents"][0]["consented"] is True
    assert granted.json["studies"][0]["scopeConsents"][0]["consentedTime"].endswith("Z")
    revoked = decide(False)
    assert revoked.json["consolidatedConsentedScopes"] == []
    assert revoked.json["studies"][0]["scopeConsents"][0]["consented"] is False
    assert client.simulate_post(url, json={}, headers=headers["manager"]).status_code == 400


def test_patient_grants_own_consent_and_sees_profile(client, headers):
    body = {"studyScopeConsents": [{"studyId": 10002, "scopeConsents": [
        {"codingCode": "omh:blood-pressure:4.0", "consented": True}]}]}
    answer = client.simulate_post("/api/v1/patients/10001/consents", json=body, headers=headers["patient"])
    assert answer.status_code == 200
    pending = {s["id"]: s for s in answer.json["studiesPendingConsent"]}
    assert [c["code"]["codingCode"] for c in pending[10002]["pendingScopeConsents"]] == ["omh:heart-rate:2.0"]
    profile = client.simulate_get("/api/v1/users/profile", headers=headers["patient"]).json
    assert profile["practitioner"] is None and profile["patient"]["id"] == 10001
    assert profile["email"] == "john.smith@example.com" and profile["userType"] == "patient"
    other = client.simulate_post("/api/v1/patients/10002/consents", json=body, headers=headers["patient"])
    assert other.status_code == 404


def test_practitioner_sees_only_studies_of_own_organizations_in_consents(client, headers):
    mine = client.simulate_get("/api/v1/patients/10003/consents", headers=headers["manager"]).json
    assert {s["id"] for s in mine["studies"] + mine["studiesPendingConsent"]} == {10002}
    theirs = client.simulate_get("/api/v1/patients/10003/consents", headers=headers["other_manager"]).json
    assert {s["id"] for s in theirs["studies"]} == {10003}


def test_removing_from_a_study_keeps_observations_and_drops_consents(client, app, headers):
    pid = create(client, headers["manager"], "leaver@example.com").json["id"]
    client.simulate_post("/api/v1/studies/10001/patients", json={"patient_ids": [pid]}, headers=headers["manager"])
    client.simulate_post(f"/api/v1/patients/{pid}/consents", headers=headers["manager"], json={
        "studyScopeConsents": [{"studyId": 10001, "scopeConsents": [{**BG, "consented": True}]}]})
    observation_id = add_observation(app, pid)
    removed = client.simulate_delete("/api/v1/studies/10001/patients", json={"patient_ids": [pid]},
                                     headers=headers["manager"])
    assert removed.status_code == 200 and pid not in [p["id"] for p in removed.json["patients"]]
    assert not m.StudyPatientScopeConsent.select().join(m.StudyPatient).where(m.StudyPatient.patient == pid).exists()
    assert m.Observation.get_or_none(m.Observation.id == observation_id) is not None


def test_removing_from_organizations(client, app, headers):
    pid = create(client, headers["manager"], "twice@example.com").json["id"]
    client.simulate_patch(f"/api/v1/patients/{pid}/global_add_organization", query_string="organization_id=2",
                          headers=headers["other_manager"])
    client.simulate_post("/api/v1/studies/10001/patients", json={"patient_ids": [pid]}, headers=headers["manager"])
    observation_id = add_observation(app, pid)
    url = f"/api/v1/patients/{pid}"
    assert client.simulate_delete(url, headers=headers["manager"]).status_code == 400
    assert client.simulate_delete(url, query_string="organization_id=2", headers=headers["manager"]).status_code == 403
    assert client.simulate_delete(url, query_string="organization_id=1", headers=headers["manager"]).status_code == 204
    assert not m.StudyPatient.select().where(m.StudyPatient.patient == pid).exists()
    assert m.Observation.get_or_none(m.Observation.id == observation_id) is not None
    assert client.simulate_get(url, headers=headers["manager"]).status_code == 404
    # the last organization: observations, record and login account go
    assert client.simulate_delete(url, query_string="organization_id=2",
                                  headers=headers["other_manager"]).status_code == 204
    assert m.Observation.get_or_none(m.Observation.id == observation_id) is None
    assert m.Patient.get_or_none(m.Patient.id == pid) is None
    assert m.User.get_or_none(m.User.email == "twice@example.com") is None
