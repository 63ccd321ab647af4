"""Published FHIR clients against a running server: fhirclient (SMART on FHIR, R4 models),
fhirpy and jupyterhealth-client. They read metadata, page through searches by following our
``next`` links, and create Observations."""

import pytest

from fhir_helpers import HEART_RATE, OMH, bundle, observation

PAGED = 45


@pytest.fixture(scope="module", autouse=True)
def stored(client, headers):
    resources = [observation(patient=10003, code=HEART_RATE, device=70003,
                             when=f"2024-07-{1 + i // 24:02d}T{i % 24:02d}:00:00Z") for i in range(PAGED)]
    response = client.simulate_post("/fhir/r5", headers=headers["superuser"], json=bundle("transaction", resources))
    assert response.status_code == 200, response.text


def total_for_10003(client, headers):
    response = client.simulate_get("/fhir/r5/Observation", params={"patient": "10003", "_count": "0"},
                                   headers=headers["manager"])
    return response.json["total"]


def test_fhirclient_reads_metadata_pages_and_creates(live_server, tokens, client, headers):
    from fhirclient.models.fhirsearch import FHIRSearch
    from fhirclient.models.patient import Patient
    from fhirclient.server import FHIRServer

    server = FHIRServer(None, base_uri=f"{live_server}/FHIR/R5")
    server.session.headers["Authorization"] = f"Bearer {tokens['manager']}"
    statement = server.capabilityStatement  # parsed with fhirclient's own models
    assert statement.fhirVersion == "5.0.0"
    assert {resource.type for resource in statement.rest[0].resource} >= {"Observation", "Patient"}
    assert server.auth is not None  # it found the SMART oauth-uris extension

    patients = list(FHIRSearch(Patient, {"_count": "1"}).perform_resources_iter(server))
    assert sorted(patient.id for patient in patients) == ["10001", "10002", "10003"]  # three pages

    # R5 Observations (valueAttachment) do not fit fhirclient's R4 models: raw JSON, raw paging.
    page = server.request_json("Observation?patient=10003&_count=10")
    seen = [entry["resource"]["id"] for entry in page["entry"]]
    while next((link for link in page["link"] if link["relation"] == "next"), None):
        page = server.request_json(next(link["url"] for link in page["link"] if link["relation"] == "next"))
        seen += [entry["resource"]["id"] for entry in page["entry"]]
    assert len(seen) == len(set(seen)) == total_for_10003(client, headers)

    response = server.post_json("Observation", observation(patient=10003, code=HEART_RATE, device=70003))
    assert response.status_code == 201 and response.json()["id"]
    assert response.headers["Location"].startswith(f"{live_server}/FHIR/R5/Observation/")


def test_fhirpy_reads_metadata_pages_and_creates(live_server, tokens, client, headers):
    from fhirpy import SyncFHIRClient

    for base in (f"{live_server}/fhir/r5", f"{live_server}/FHIR/R5"):
        fhir = SyncFHIRClient(base, authorization=f"Bearer {tokens['manager']}")
        metadata = fhir.execute("metadata", method="get")
        assert metadata["fhirVersion"] == "5.0.0"
        # fetch_all follows next links, and refuses any that do not start with its base URL
        found = fhir.resources("Observation").search(patient="10003").limit(7).fetch_all()
        assert len({resource.id for resource in found}) == total_for_10003(client, headers)
        codes = {resource["code"]["coding"][0]["code"] for resource in found}
        assert codes == {HEART_RATE}
        created = fhir.resource("Observation", **observation(patient=10001))
        created.save()
        assert created.id and created["meta"]["versionId"] == "1"
        again = fhir.reference("Observation", created.id).to_resource()
        assert again["identifier"] == created["identifier"]
        assert fhir.resources("Patient").search(name="wei").fetch()[0]["birthDate"] == "1990-09-30"


def test_jupyterhealth_client_lists_observations(live_server, tokens, client, headers):
    """list_observations uses only the FHIR API (``/FHIR/R5/Observation`` with the study
    parameter and ``_count=1000``), following ``next`` links."""
    from jupyterhealth_client import JupyterHealthClient

    jhe = JupyterHealthClient(live_server, token=tokens["manager"])
    by_patient = list(jhe.list_observations(patient_id=10003, code=f"{OMH}|{HEART_RATE}", limit=None))
    assert len(by_patient) == total_for_10003(client, headers)
    assert {o["subject"]["reference"] for o in by_patient} == {"Patient/10003"}
    by_study = list(jhe.list_observations(study_id=10003, limit=None))
    assert {o["id"] for o in by_study} == {o["id"] for o in by_patient}
    jhe._default_page_size = 10  # small pages: the client must follow next links
    assert len(list(jhe.list_observations(patient_id=10003, limit=None))) == len(by_patient)
    assert "Observation" in jhe.list_fhir_resource_types()
