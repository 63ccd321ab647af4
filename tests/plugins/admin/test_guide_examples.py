"""The guides' complete REST examples, run verbatim against the demo data over real HTTP:
patient onboarding (minus the invitation link, which the CommonHealth plugin serves) and study
setup."""

import requests


def test_complete_patient_onboarding(live_server, tokens):
    base_url, headers = live_server, {"Authorization": f"Bearer {tokens['manager']}"}
    json_headers = {**headers, "Content-Type": "application/json"}
    org_id, study_id = 1, 10001

    # 1. Create patient
    patient = requests.post(f"{base_url}/api/v1/patients", headers=json_headers, data="""{
    "telecomEmail": "onboarding.smith@example.com",
    "nameFamily": "Smith",
    "nameGiven": "John",
    "birthDate": "1980-01-01",
    "telecomPhone": "555-1234",
    "organizationId": %d
  }""" % org_id)
    assert patient.status_code == 201, patient.text
    patient_id = patient.json()["id"]
    assert patient_id > 10003
    assert patient.json()["organizationId"] == org_id and patient.json()["identifier"] is None
    assert patient.json()["jheUserId"]

    # 2. Enroll in study
    enrolled = requests.post(f"{base_url}/api/v1/studies/{study_id}/patients", headers=json_headers,
                             data='{"patient_ids": [%d]}' % patient_id)
    assert enrolled.status_code == 200, enrolled.text
    assert patient_id in [p["id"] for p in enrolled.json()["patients"]]

    # 4. Verify patient status
    consents = requests.get(f"{base_url}/api/v1/patients/{patient_id}/consents", headers=headers)
    assert consents.status_code == 200
    body = consents.json()
    assert body["patient"]["id"] == patient_id
    assert [s["id"] for s in body["studiesPendingConsent"]] == [study_id]
    pending = body["studiesPendingConsent"][0]["pendingScopeConsents"]
    assert pending == [{"code": {"id": 1, "codingSystem": "https://w3id.org/openmhealth",
                                 "codingCode": "omh:blood-glucose:4.0", "text": "Blood Glucose"},
                        "consented": None, "consentedTime": None}]
    assert body["studies"] == [] and body["consolidatedConsentedScopes"] == []

    # Verify enrollment (the guide's "Step 3: Verify Enrollment")
    listed = requests.get(f"{base_url}/api/v1/patients?organization_id=1&study_id=10001", headers=headers).json()
    assert patient_id in [p["id"] for p in listed["results"]]

    # Creating the same patient again: the guide's "Patient Already Exists", then its solution
    other = {"Authorization": f"Bearer {tokens['other_manager']}"}
    again = requests.post(f"{base_url}/api/v1/patients", headers=other, json={
        "telecomEmail": "onboarding.smith@example.com", "nameFamily": "Smith", "nameGiven": "John",
        "birthDate": "1980-01-01", "organizationId": 2})
    assert again.status_code == 400 and again.json() == {"detail": "User with this email already exists"}
    found = requests.get(f"{base_url}/api/v1/patients/global_lookup?email=onboarding.smith@example.com",
                         headers=other)
    assert found.json() == [{"id": patient_id, "nameFamily": "Smith", "nameGiven": "John",
                             "birthDate": "1980-01-01", "telecomEmail": "onboarding.smith@example.com"}]
    added = requests.patch(f"{base_url}/api/v1/patients/{patient_id}/global_add_organization?organization_id=2",
                           headers=other)
    assert added.status_code == 200 and added.json()["organizationId"] == 2


def test_complete_study_setup(live_server, tokens):
    access_token, base_url = tokens["manager"], live_server
    headers = {"Authorization": f"Bearer {access_token}", "Content-Type": "application/json"}

    # 2. Create study
    study = requests.post(f"{base_url}/api/v1/studies", headers=headers, data="""{
    "name": "Hypertension Management Study",
    "description": "Remote blood pressure monitoring for hypertensive patients.",
    "organization": 1
  }""")
    assert study.status_code == 201, study.text
    study_id = study.json()["id"]
    assert study.json()["organization"] == {"id": 1, "name": "Example Clinic", "type": "prov"}
    assert study.json()["patients"] == [] and study.json()["scopeRequests"] == [] and study.json()["dataSources"] == []

    # 3. Add scope requests (blood pressure, heart rate)
    for body in ('{"scope_code_id": 2}', '{"scope_code_id": 4}'):
        answer = requests.post(f"{base_url}/api/v1/studies/{study_id}/scope_requests", headers=headers, data=body)
        assert answer.status_code == 200, answer.text
    # 4. Add data sources (iHealth, Omron)
    for body in ('{"data_source_id": 70001}', '{"data_source_id": 70005}'):
        answer = requests.post(f"{base_url}/api/v1/studies/{study_id}/data_sources", headers=headers, data=body)
        assert answer.status_code == 200, answer.text
    # 5. Enroll patients: 10003 belongs to organization 1 as well as 2
    enrolled = requests.post(f"{base_url}/api/v1/studies/{study_id}/patients", headers=headers,
                             data='{"patient_ids": [10001, 10002, 10003]}')
    assert enrolled.status_code == 200, enrolled.text

    # Verify (the guide's "Verify Scope Requests" and "Verify Data Sources")
    studies = requests.get(f"{base_url}/api/v1/studies?organization_id=1", headers=headers).json()
    mine = next(s for s in studies["results"] if s["id"] == study_id)
    assert [c["codingCode"] for c in mine["scopeRequests"]] == ["omh:blood-pressure:4.0", "omh:heart-rate:2.0"]
    assert [(d["id"], d["name"]) for d in mine["dataSources"]] == [(70001, "iHealth"), (70005, "Omron")]
    assert [p["id"] for p in mine["patients"]] == [10001, 10002, 10003]

    # Update, then delete (enrollments go with it)
    updated = requests.patch(f"{base_url}/api/v1/studies/{study_id}", headers=headers,
                             data='{"description": "Updated study description with additional details."}')
    assert updated.json()["description"] == "Updated study description with additional details."
    assert requests.delete(f"{base_url}/api/v1/studies/{study_id}", headers=headers).status_code == 204
    assert requests.get(f"{base_url}/api/v1/studies/{study_id}", headers=headers).status_code == 404


def test_study_in_another_organization_is_refused(live_server, tokens):
    headers = {"Authorization": f"Bearer {tokens['superuser']}"}
    answer = requests.post(f"{live_server}/api/v1/studies/10003/patients", headers=headers,
                           json={"patient_ids": [10001]})
    assert answer.status_code == 400
    assert answer.json() == {"detail": "Patient and study must share the same organization"}
