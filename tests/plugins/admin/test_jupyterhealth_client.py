"""The ``jupyterhealth-client`` library (PyPI) against a running server."""

import pytest

jupyterhealth_client = pytest.importorskip("jupyterhealth_client")


@pytest.fixture(scope="module")
def jhe(live_server, tokens):
    return jupyterhealth_client.JupyterHealthClient(live_server, token=tokens["manager"])


def test_profile_organizations_and_data_sources(jhe):
    assert jhe.get_user()["email"] == "practitioner@example.com"
    assert [o["id"] for o in jhe.list_organizations()] == [1]
    assert jhe.get_organization(1)["partOf"] == 0
    assert {d["name"] for d in jhe.list_data_sources()} >= {"iHealth", "Dexcom", "CareX", "Omron"}


def test_patients_and_studies(jhe):
    patients = list(jhe.list_patients(organization_id=1))
    assert [p["id"] for p in patients] == [10001, 10002, 10003]
    assert [p["id"] for p in jhe.list_patients(study_id=10001)] == [10001, 10002]
    assert jhe.get_patient(10001)["nameFamily"] == "Smith"
    assert jhe.lookup_patient(email="maria.garcia@example.com")["id"] == 10002
    assert jhe.lookup_patient(external_id="MRN-12347")["id"] == 10003
    studies = list(jhe.list_studies(organization_id=1))
    assert [s["id"] for s in studies] == [10001, 10002]
    assert jhe.get_study(10001)["organization"]["name"] == "Example Clinic"
    consents = jhe.get_patient_consents(10001)
    assert [c["codingCode"] for c in consents["consolidatedConsentedScopes"]] == ["omh:blood-glucose:4.0"]


def test_lists_follow_next_links(live_server, tokens):
    """The client follows ``next`` until the end: with a page size of 1 it still sees everyone."""
    client = jupyterhealth_client.JupyterHealthClient(live_server, token=tokens["manager"])
    seen = list(client._list_api_request("patients", params={"organization_id": 1, "limit": 1}))
    assert [p["id"] for p in seen] == [10001, 10002, 10003]


def test_observations_through_the_fhir_api(app, jhe):
    if "Observation" not in app.exchange.fhir_types:
        pytest.skip("no FHIR Observation type is served by this build")
    import base64
    import json

    from jhe_core import models as m
    data = {"header": {"uuid": "client-test"}, "body": {"blood_glucose": {"unit": "MGDL", "value": 101}}}
    resource = {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/10001"},
                "code": {"coding": [{"system": "https://w3id.org/openmhealth", "code": "omh:blood-glucose:4.0"}]},
                "valueAttachment": {"contentType": "application/json",
                                    "data": base64.b64encode(json.dumps(data).encode()).decode()}}
    with app.exchange.db.connection_context():
        row = m.Observation.create(patient=10001, code=1, resource="{}")
        # stored resources carry their own id and meta, as the ingest pipeline stores them
        resource.update(id=str(row.id), meta={"versionId": "1", "lastUpdated": "2024-05-02T14:30:00Z"})
        m.Observation.update(resource=json.dumps(resource)).where(m.Observation.id == row.id).execute()
    observations = list(jhe.list_observations(patient_id=10001, limit=50))
    assert observations and all(o["resourceType"] == "Observation" for o in observations)
    assert all(o["subject"]["reference"] == "Patient/10001" for o in observations)
