"""CapabilityStatement, SMART configuration, plugin-added types, 405/404/401 as OperationOutcomes."""

import pytest

from jhe_core import hookimpl
from jhe_core.fhir.outcome import send_fhir
from jhe_core.fhir.registry import ResourceType, SearchParam
from jhe_core.testing import make_test_app


class DeviceList:
    def on_get(self, req, resp):
        send_fhir(req, resp, {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []})


class DevicePlugin:
    """A plugin serving one more FHIR type."""

    name = "test-devices"

    @hookimpl
    def register_fhir_resource_types(self, exchange):
        return [ResourceType("Device", interactions=("search-type",), collection_resource=DeviceList(),
                             search_params=[SearchParam("name", "string", "Device name.")])]


@pytest.fixture(scope="module")
def app():
    return make_test_app(plugins=[DevicePlugin()])


@pytest.mark.parametrize("prefix", ["/fhir/r5", "/FHIR/R5"])
def test_capability_statement_is_public_and_generated(client, prefix):
    response = client.simulate_get(f"{prefix}/metadata", protocol="https", host="jhe.example.org")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json
    assert body["resourceType"] == "CapabilityStatement" and body["fhirVersion"] == "5.0.0"
    assert body["kind"] == "instance" and body["status"] == "active" and body["date"]
    assert body["implementation"]["url"] == f"https://jhe.example.org{prefix}"
    rest = body["rest"][0]
    resources = {resource["type"]: resource for resource in rest["resource"]}
    assert set(resources) == {"Device", "Observation", "Patient"}
    observation = resources["Observation"]
    assert {i["code"] for i in observation["interaction"]} == {"read", "vread", "search-type", "create"}
    assert observation["conditionalCreate"] is True
    names = {param["name"] for param in observation["searchParam"]}
    assert {"patient", "subject", "code", "date", "_lastUpdated", "_id", "identifier", "device",
            "patient._has:Group:member:_id"} <= names
    assert {param["name"] for param in resources["Patient"]["searchParam"]} >= {
        "_id", "identifier", "name", "family", "given", "birthdate", "email", "_has:Group:member:_id"}
    assert {i["code"] for i in rest["interaction"]} == {"batch", "transaction"}
    oauth = next(ext for ext in rest["security"]["extension"] if ext["url"].endswith("oauth-uris"))
    uris = {ext["url"]: ext["valueUri"] for ext in oauth["extension"]}
    assert uris == {"authorize": "https://jhe.example.org/o/authorize", "token": "https://jhe.example.org/o/token"}


def test_smart_configuration(client):
    response = client.simulate_get("/FHIR/R5/.well-known/smart-configuration")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    body = response.json
    assert body["authorization_endpoint"] == "http://falconframework.org/o/authorize"
    assert body["token_endpoint"] == "http://falconframework.org/o/token"
    assert body["code_challenge_methods_supported"] == ["S256"]


def test_hook_register_fhir_resource_types_serves_types_under_both_prefixes(client, headers):
    for prefix in ("/fhir/r5", "/FHIR/R5"):
        response = client.simulate_get(f"{prefix}/Device", headers=headers["manager"])
        assert response.status_code == 200 and response.json["type"] == "searchset"
    not_offered = client.simulate_get("/fhir/r5/Device/1", headers=headers["manager"])
    assert not_offered.status_code == 405 and not_offered.json["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("method, path, status", [
    ("DELETE", "/fhir/r5/Observation/1", 405),
    ("PUT", "/FHIR/R5/Observation/1", 405),
    ("PATCH", "/fhir/r5/Patient/10001", 405),
    ("POST", "/fhir/r5/Patient", 405),
    ("DELETE", "/fhir/r5/Observation", 405),
    ("POST", "/fhir/r5/metadata", 405),
    ("GET", "/fhir/r5", 405),
    ("GET", "/fhir/r5/Medication", 404),
    ("GET", "/fhir/r5/Observation/1/x/y/z", 404),
])
def test_unsupported_interactions_and_types(client, headers, method, path, status):
    response = client.simulate_request(method, path, headers=headers["manager"])
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json
    assert body["resourceType"] == "OperationOutcome"
    assert set(body["issue"][0]) >= {"severity", "code", "diagnostics"}


def test_unauthenticated_requests_get_an_operation_outcome(client):
    response = client.simulate_get("/FHIR/R5/Observation")
    assert response.status_code == 401
    assert response.json["issue"][0]["code"] == "login"
    assert response.headers["www-authenticate"].startswith("Bearer")
    bad = client.simulate_get("/fhir/r5/Patient", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.json["resourceType"] == "OperationOutcome"


def test_errors_outside_the_fhir_prefixes_keep_their_own_format(client):
    response = client.simulate_get("/not-fhir/at-all")
    assert response.status_code == 404 and "resourceType" not in response.json


def test_a_client_asking_for_plain_json_gets_it(client, headers):
    response = client.simulate_get("/fhir/r5/Patient/10001", headers={**headers["manager"], "Accept": "application/json"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
