"""Organizations, practitioners, studies, data sources, observations and paging: success and
error answers."""

import base64
import json
from urllib.parse import parse_qs, urlparse

from jhe_core import models as m


def test_organization_tree_and_lifecycle(client, headers):
    top = client.simulate_post("/api/v1/organizations", json={"name": "University", "type": "edu"},
                               headers=headers["superuser"])
    assert top.status_code == 201 and top.json["partOf"] == 0
    child = client.simulate_post("/api/v1/organizations", json={"name": "Lab", "type": "team", "partOf": top.json["id"]},
                                 headers=headers["superuser"])
    assert child.status_code == 201
    tree = client.simulate_get(f"/api/v1/organizations/{top.json['id']}/tree", headers=headers["superuser"]).json
    assert [c["name"] for c in tree["children"]] == ["Lab"] and tree["children"][0]["children"] == []
    # the manager of a parent may create under it, and manages what they created
    sub = client.simulate_post("/api/v1/organizations", json={"name": "Clinic annex", "partOf": 1},
                               headers=headers["manager"])
    assert sub.status_code == 201 and [p["role"] for p in sub.json["practitioners"]] == ["manager"]
    assert client.simulate_post("/api/v1/organizations", json={"name": "X", "partOf": 1},
                                headers=headers["member"]).status_code == 403
    bad = client.simulate_post("/api/v1/organizations", json={"name": "X", "type": "planet"}, headers=headers["superuser"])
    assert bad.status_code == 400 and "type" in bad.json["detail"]
    missing_parent = client.simulate_post("/api/v1/organizations", json={"name": "X", "partOf": 9999},
                                          headers=headers["superuser"])
    assert missing_parent.status_code == 400 and "partOf" in missing_parent.json["detail"]
    assert client.simulate_patch(f"/api/v1/organizations/{sub.json['id']}", json={"partOf": 2},
                                 headers=headers["manager"]).status_code == 400
    renamed = client.simulate_patch(f"/api/v1/organizations/{sub.json['id']}", json={"name": "Annex"},
                                    headers=headers["manager"])
    assert renamed.json["name"] == "Annex"
    blocked = client.simulate_delete(f"/api/v1/organizations/{top.json['id']}", headers=headers["superuser"])
    assert blocked.status_code == 400 and "sub-organizations" in blocked.json["detail"]
    assert client.simulate_delete(f"/api/v1/organizations/{sub.json['id']}", headers=headers["manager"]).status_code == 204
    assert client.simulate_get("/api/v1/organizations/9999", headers=headers["superuser"]).status_code == 404
    listed = client.simulate_get("/api/v1/organizations", query_string="part_of=0", headers=headers["superuser"]).json
    assert {o["name"] for o in listed["results"]} >= {"Example Clinic", "University"}
    assert "Lab" not in {o["name"] for o in listed["results"]}


def test_practitioner_roles(client, headers):
    url = "/api/v1/organizations/2/practitioners"
    added = client.simulate_post(url, json={"email": "member@example.com", "role": "viewer"},
                                 headers=headers["other_manager"])
    assert added.status_code == 201 and added.json["role"] == "viewer" and added.json["email"] == "member@example.com"
    pid = added.json["id"]
    changed = client.simulate_patch(f"{url}/{pid}", json={"role": "member"}, headers=headers["other_manager"])
    assert changed.json["role"] == "member"
    assert client.simulate_patch(f"{url}/{pid}", json={"role": "boss"}, headers=headers["other_manager"]).status_code == 400
    unknown = client.simulate_post(url, json={"email": "john.smith@example.com"}, headers=headers["other_manager"])
    assert unknown.status_code == 400 and "email" in unknown.json["detail"]
    assert client.simulate_delete(f"{url}/{pid}", headers=headers["other_manager"]).status_code == 204
    assert client.simulate_delete(f"{url}/{pid}", headers=headers["other_manager"]).status_code == 404
    listed = client.simulate_get(url, headers=headers["other_manager"]).json
    assert [p["email"] for p in listed["results"]] == ["manager2@example.com"]


def test_studies(client, headers):
    created = client.simulate_post("/api/v1/studies", headers=headers["member"], json={
        "name": "Sleep", "description": "Sleep study", "organization": {"id": 1, "name": "Example Clinic"},
        "iconUrl": "https://example.com/sleep.png"})
    assert created.status_code == 201 and created.json["organization"]["id"] == 1
    sid = created.json["id"]
    assert sid > 10003
    for body, field in (({"description": "d", "organization": 1}, "name"), ({"name": "n", "organization": 1}, "description"),
                        ({"name": "n", "description": "d"}, "organization"),
                        ({"name": "n", "description": "d", "organization": 999}, "organization")):
        answer = client.simulate_post("/api/v1/studies", json=body, headers=headers["member"])
        assert answer.status_code == 400 and field in answer.json["detail"], (body, answer.json)
    assert client.simulate_patch(f"/api/v1/studies/{sid}", json={"organization": 2},
                                 headers=headers["member"]).status_code == 400
    assert client.simulate_patch(f"/api/v1/studies/{sid}", json={"iconUrl": None},
                                 headers=headers["member"]).json["iconUrl"] is None
    url = f"/api/v1/studies/{sid}"
    assert client.simulate_post(f"{url}/scope_requests", json={"scope_code_id": 999},
                                headers=headers["member"]).status_code == 400
    assert client.simulate_post(f"{url}/scope_requests", json={"scopeCodeId": 1},
                                headers=headers["member"]).json["scopeRequests"][0]["codingCode"] == "omh:blood-glucose:4.0"
    assert client.simulate_post(f"{url}/data_sources", json={"data_source_id": 1}, headers=headers["member"]).status_code == 400
    assert client.simulate_post(f"{url}/data_sources", json={"data_source_id": 70002},
                                headers=headers["member"]).json["dataSources"] == [
        {"id": 70002, "name": "Dexcom", "type": "personal_device"}]
    assert client.simulate_delete(f"{url}/data_sources", json={"data_source_id": 70002},
                                  headers=headers["member"]).json["dataSources"] == []
    assert client.simulate_post(f"{url}/patients", json={"patient_ids": []}, headers=headers["member"]).status_code == 400
    assert client.simulate_post(f"{url}/patients", json={"patient_ids": [99999]}, headers=headers["member"]).status_code == 400
    client.simulate_post(f"{url}/patients", json={"patient_ids": [10002]}, headers=headers["member"])
    client.simulate_post("/api/v1/patients/10002/consents", headers=headers["member"], json={"studyScopeConsents": [
        {"studyId": sid, "scopeConsents": [{"codingCode": "omh:blood-glucose:4.0", "consented": True}]}]})
    assert client.simulate_delete(url, headers=headers["member"]).status_code == 204
    assert not m.StudyPatient.select().where(m.StudyPatient.study == sid).exists()
    assert client.simulate_get(url, headers=headers["member"]).status_code == 404


def test_data_source_catalogue(client, headers):
    created = client.simulate_post("/api/v1/data_sources", headers=headers["superuser"],
                                   json={"name": "Fitbit", "type": "personal_device", "supportedScopes": [7, {"id": 4}]})
    assert created.status_code == 201 and created.json["id"] > 70005
    assert [c["id"] for c in created.json["supportedScopes"]] == [4, 7]
    url = f"/api/v1/data_sources/{created.json['id']}"
    assert client.simulate_post(f"{url}/supported_scopes", json={"scope_code_id": 8},
                                headers=headers["superuser"]).status_code == 200
    assert client.simulate_delete(f"{url}/supported_scopes", json={"scope_code_id": 4},
                                  headers=headers["superuser"]).status_code == 200
    assert [c["id"] for c in client.simulate_get(url, headers=headers["viewer"]).json["supportedScopes"]] == [7, 8]
    assert client.simulate_patch(url, json={"type": "toaster"}, headers=headers["superuser"]).status_code == 400
    assert client.simulate_post("/api/v1/data_sources", json={"name": "X", "supportedScopes": [999]},
                                headers=headers["superuser"]).status_code == 400
    assert client.simulate_delete(url, headers=headers["superuser"]).status_code == 204
    assert client.simulate_get(url, headers=headers["viewer"]).status_code == 404


def _observation(app, patient_id, code_id, value):
    data = {"header": {"uuid": f"u-{patient_id}-{value}"}, "body": {"value": value}}
    resource = {"resourceType": "Observation", "status": "final", "valueAttachment": {
        "contentType": "application/json", "data": base64.b64encode(json.dumps(data).encode()).decode()}}
    with app.exchange.db.connection_context():
        m.Observation.create(patient=patient_id, code=code_id, data_source=70001, resource=json.dumps(resource))


def test_observations_and_paging(client, app, headers):
    url = "/api/v1/observations"

    def count(query, who="manager"):
        return client.simulate_get(url, query_string=query, headers=headers[who]).json["count"]

    # demo data may already hold observations: count relative to what is there
    in_study = count("organization_id=1&study_id=10001&patient_id=10001")
    of_patient = count("patient_id=10001")
    heart_rate = count("coding_code=omh:heart-rate:2.0", "other_manager")
    for value in range(5):
        _observation(app, 10001, 1, value)
    _observation(app, 10001, 4, 99)  # heart rate: not requested by study 10001
    _observation(app, 10003, 4, 7)
    page = client.simulate_get(url, query_string="organization_id=1&study_id=10001&patient_id=10001&limit=2",
                               headers=headers["manager"]).json
    assert page["count"] == in_study + 5 and page["previous"] is None
    first = client.simulate_get(url, query_string=f"patient_id=10001&offset={of_patient}&limit=1",
                                headers=headers["manager"]).json["results"][0]  # the first one added here
    assert first["subjectPatient"] == 10001 and first["patientNameDisplay"] == "Smith, John"
    assert first["codingCode"] == "omh:blood-glucose:4.0" and first["dataSource"] == 70001
    assert first["valueAttachmentData"]["body"] == {"value": 0}
    query = parse_qs(urlparse(page["next"]).query)
    assert page["next"].startswith("http://falconframework.org/api/v1/observations?")
    assert query == {"organization_id": ["1"], "study_id": ["10001"], "patient_id": ["10001"], "limit": ["2"],
                     "offset": ["2"]}
    seen, link = [], f"{url}?organization_id=1&study_id=10001&patient_id=10001&limit=2"
    while link:
        path, _, qs = link.replace("http://falconframework.org", "").partition("?")
        body = client.simulate_get(path, query_string=qs, headers=headers["manager"]).json
        seen += [o["id"] for o in body["results"]]
        link = body["next"]
    assert len(seen) == in_study + 5 and seen == sorted(seen)
    total = of_patient + 6
    by_page = client.simulate_get(url, query_string=f"patient_id=10001&page=2&page_size={total - 2}",
                                  headers=headers["manager"]).json
    assert by_page["count"] == total and len(by_page["results"]) == 2 and by_page["next"] is None
    assert parse_qs(urlparse(by_page["previous"]).query) == {"patient_id": ["10001"], "page": ["1"],
                                                             "page_size": [str(total - 2)]}
    assert count("coding_code=omh:heart-rate:2.0", "other_manager") == heart_rate + 1
    assert client.simulate_get(url, query_string="patient_id=10001", headers=headers["patient"]).json["count"] == total
    for bad in ("limit=0", "limit=x", "offset=-1", "page=0", "patient_id=abc"):
        assert client.simulate_get(url, query_string=bad, headers=headers["manager"]).status_code == 400, bad
    assert client.simulate_get(url, query_string="patient_id=10001", headers=headers["other_manager"]).status_code == 404
    capped = client.simulate_get(url, query_string="limit=5000", headers=headers["manager"]).json
    assert capped["count"] == len(capped["results"])


def test_default_page_size_and_snake_case_filters(client, headers):
    for index in range(22):
        client.simulate_post("/api/v1/patients", headers=headers["manager"], json={
            "telecomEmail": f"bulk{index}@example.com", "nameFamily": "Bulk", "nameGiven": str(index),
            "birthDate": "2000-01-01", "organizationId": 1})
    page = client.simulate_get("/api/v1/patients", query_string="organization_id=1", headers=headers["manager"]).json
    assert len(page["results"]) == 20 and page["count"] > 20
    assert page["next"] == "http://falconframework.org/api/v1/patients?organization_id=1&offset=20"
    ids = [p["id"] for p in page["results"]]
    assert ids == sorted(ids)
