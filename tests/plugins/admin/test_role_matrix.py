"""Every /api/v1 operation called as each kind of caller, checking each answer.

Calls are chosen so that they do not change the demo data for the next caller (idempotent
writes, or writes the server refuses after the permission check: a 400 or 404 there shows the
caller got past the permission check, a 403 that they did not). Deletes that must succeed
run against a fresh row made for each caller.
"""

import re

import pytest

from jhe_core import models as m
from jhe_core.services import data_sources as data_source_service
from jhe_core.services import studies as study_service

ACTORS = ("anonymous", "patient", "other_patient", "viewer", "member", "manager", "other_manager", "superuser")


def fresh_study(app):
    with app.exchange.db.connection_context():
        return study_service.create_study(name="Throwaway", description="", organization=m.Organization.get_by_id(1)).id


def fresh_data_source(app):
    with app.exchange.db.connection_context():
        return data_source_service.create_data_source("Throwaway", "personal_device").id


CONSENT = {"studyScopeConsents": [{"studyId": 10001, "scopeConsents": [
    {"codingSystem": "https://w3id.org/openmhealth", "codingCode": "omh:blood-glucose:4.0", "consented": True}]}]}

#  method, path (``{study}``/``{source}``: a fresh row), body,
#  expected: anonymous, patient, other patient, viewer, member, manager, other-org manager, superuser
MATRIX = [
    ("GET", "/users/profile", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/organizations", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/organizations", {"name": "Top", "partOf": None}, (401, 403, 403, 403, 403, 403, 403, 201)),
    ("GET", "/organizations/1", None, (401, 403, 403, 200, 200, 200, 403, 200)),
    ("PATCH", "/organizations/1", {"name": "Example Clinic"}, (401, 403, 403, 403, 403, 200, 403, 200)),
    ("PUT", "/organizations/1", {"type": "prov"}, (401, 403, 403, 403, 403, 200, 403, 200)),
    ("DELETE", "/organizations/1", None, (401, 403, 403, 403, 403, 400, 403, 400)),
    ("GET", "/organizations/1/tree", None, (401, 403, 403, 200, 200, 200, 403, 200)),
    ("GET", "/organizations/1/practitioners", None, (401, 403, 403, 200, 200, 200, 403, 200)),
    ("POST", "/organizations/1/practitioners", {"email": "viewer@example.com", "role": "viewer"},
     (401, 403, 403, 403, 403, 201, 403, 201)),
    ("PATCH", "/organizations/1/practitioners/3", {"role": "viewer"}, (401, 403, 403, 403, 403, 200, 403, 200)),
    ("PUT", "/organizations/1/practitioners/3", {"role": "viewer"}, (401, 403, 403, 403, 403, 200, 403, 200)),
    ("DELETE", "/organizations/1/practitioners/999", None, (401, 403, 403, 403, 403, 404, 403, 404)),
    ("GET", "/patients", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/patients", {"organizationId": 1}, (401, 403, 403, 403, 400, 400, 403, 400)),
    ("GET", "/patients/10001", None, (401, 200, 404, 200, 200, 200, 404, 200)),
    ("PATCH", "/patients/10001", {"telecomPhone": "555-1234"}, (401, 403, 404, 403, 200, 200, 404, 200)),
    ("PUT", "/patients/10001", {"nameGiven": "John"}, (401, 403, 404, 403, 200, 200, 404, 200)),
    ("DELETE", "/patients/10001", None, (401, 403, 404, 403, 400, 400, 404, 400)),
    ("GET", "/patients/global_lookup?email=john.smith@example.com", None, (401, 403, 403, 403, 200, 200, 200, 200)),
    ("PATCH", "/patients/10001/global_add_organization?organization_id=1", None,
     (401, 403, 403, 403, 200, 200, 403, 200)),
    ("GET", "/patients/10001/consents", None, (401, 200, 404, 200, 200, 200, 404, 200)),
    ("POST", "/patients/10001/consents", CONSENT, (401, 200, 404, 403, 200, 200, 404, 200)),
    ("GET", "/studies", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/studies", {"organization": 1}, (401, 403, 403, 403, 400, 400, 403, 400)),
    ("GET", "/studies/10001", None, (401, 403, 403, 200, 200, 200, 403, 200)),
    ("PATCH", "/studies/10001", {"name": "Diabetes Management Study"}, (401, 403, 403, 403, 200, 200, 403, 200)),
    ("PUT", "/studies/10001", {"iconUrl": "https://example.com/icon.png"}, (401, 403, 403, 403, 200, 200, 403, 200)),
    ("DELETE", "/studies/{study}", None, (401, 403, 403, 403, 204, 204, 403, 204)),
    ("POST", "/studies/10001/patients", {"patient_ids": [10001]}, (401, 403, 403, 403, 200, 200, 403, 200)),
    ("DELETE", "/studies/10001/patients", {"patient_ids": [10003]}, (401, 403, 403, 403, 200, 200, 403, 200)),
    ("POST", "/studies/10001/scope_requests", {"scope_code_id": 1}, (401, 403, 403, 403, 200, 200, 403, 200)),
    ("DELETE", "/studies/10001/scope_requests", {"scope_code_id": 8}, (401, 403, 403, 403, 400, 400, 403, 400)),
    ("POST", "/studies/10001/data_sources", {"data_source_id": 70001}, (401, 403, 403, 403, 200, 200, 403, 200)),
    ("DELETE", "/studies/10001/data_sources", {"data_source_id": 70002}, (401, 403, 403, 403, 400, 400, 403, 400)),
    ("GET", "/data_sources", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/data_sources", {"type": "app"}, (401, 403, 403, 403, 403, 403, 403, 400)),
    ("GET", "/data_sources/70001", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("PATCH", "/data_sources/70001", {"name": "iHealth"}, (401, 403, 403, 403, 403, 403, 403, 200)),
    ("PUT", "/data_sources/70001", {"type": "personal_device"}, (401, 403, 403, 403, 403, 403, 403, 200)),
    ("DELETE", "/data_sources/{source}", None, (401, 403, 403, 403, 403, 403, 403, 204)),
    ("POST", "/data_sources/70001/supported_scopes", {"scope_code_id": 1}, (401, 403, 403, 403, 403, 403, 403, 200)),
    ("DELETE", "/data_sources/70001/supported_scopes", {"scope_code_id": 8},
     (401, 403, 403, 403, 403, 403, 403, 400)),
    ("GET", "/observations", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/observations?organization_id=1", None, (401, 403, 403, 200, 200, 200, 403, 200)),
]


def _call(client, app, headers, actor, method, path, body):
    path = path.replace("{study}", str(fresh_study(app))).replace("{source}", str(fresh_data_source(app)))
    path, _, query = ("/api/v1" + path).partition("?")
    kwargs = {"headers": headers.get(actor, {}), "query_string": query}
    if body is not None:
        kwargs["json"] = body
    return client.simulate_request(method, path, **kwargs)


@pytest.mark.parametrize("method,path,body,expected", MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_each_caller_gets_the_documented_answer(client, app, headers, method, path, body, expected):
    answers = {}
    for actor, status in zip(ACTORS, expected):
        result = _call(client, app, headers, actor, method, path, body)
        answers[actor] = result.status_code
        if result.status_code == 403:
            assert result.json == {"detail": "You do not have permission to perform this action."}
        if result.status_code == 401:
            assert result.json == {"detail": "Authentication credentials were not provided."}
    assert answers == dict(zip(ACTORS, expected))


def test_the_matrix_covers_every_documented_operation(client):
    document = client.simulate_get("/api/v1/schema", query_string="format=json").json
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    covered = set()
    for method, path, _, _ in MATRIX:
        concrete = "/api/v1" + path.split("?")[0]
        for template in document["paths"]:
            if re.fullmatch(re.sub(r"\{\w+\}", r"[^/]+", template), concrete) and (
                    "global_lookup" not in concrete or "{" not in template):
                covered.add((method, template))
    assert documented - covered == set()


def test_lists_only_show_the_callers_own_rows(client, headers):
    other = client.simulate_get("/api/v1/patients", headers=headers["other_manager"]).json
    assert [p["id"] for p in other["results"]] == [10003]
    assert other["results"][0]["organizations"] == [{"id": 2, "name": "Northside Research Institute", "type": "prov"}]
    mine = client.simulate_get("/api/v1/patients", headers=headers["patient"]).json
    assert [p["id"] for p in mine["results"]] == [10001]
    studies = client.simulate_get("/api/v1/studies", headers=headers["other_manager"]).json
    assert [s["id"] for s in studies["results"]] == [10003]
    assert client.simulate_get("/api/v1/studies", headers=headers["patient"]).json["count"] == 0
    orgs = client.simulate_get("/api/v1/organizations", headers=headers["other_manager"]).json
    assert [o["id"] for o in orgs["results"]] == [2]


def test_a_read_only_token_cannot_write(client, app):
    from jhe_core.testing import auth_headers, token_for
    with app.exchange.db.connection_context():
        read_only = auth_headers(token_for("practitioner@example.com", scopes=("openid", "read")))
    assert client.simulate_get("/api/v1/patients/10001", headers=read_only).status_code == 200
    answer = client.simulate_patch("/api/v1/patients/10001", json={"nameGiven": "John"}, headers=read_only)
    assert answer.status_code == 403
