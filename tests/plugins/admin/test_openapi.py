"""The OpenAPI document: valid OpenAPI 3.1, served as YAML and JSON, in agreement with the
routes the app serves; Swagger UI and ReDoc pages with their assets served locally."""

import re

import pytest
import yaml

from jhe_plugins.admin.openapi import openapi_path

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def document(client):
    return client.simulate_get("/api/v1/schema", query_string="format=json").json


def test_document_is_valid_openapi_3_1(document):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)
    assert document["openapi"] == "3.1.0"


def test_yaml_by_default_json_on_request(client, document):
    as_yaml = client.simulate_get("/api/v1/schema/")
    assert as_yaml.status_code == 200 and as_yaml.headers["content-type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(as_yaml.text) == document
    by_accept = client.simulate_get("/api/v1/schema", headers={"Accept": "application/json"})
    assert by_accept.headers["content-type"] == "application/json" and by_accept.json == document
    assert yaml.safe_load(client.simulate_get("/api/schema").text) == document


def test_schema_and_pages_are_public(client):
    for path in ("/api/v1/schema", "/api/schema", "/api/v1/schema/swagger-ui/", "/api/v1/schema/redoc/"):
        assert client.simulate_get(path).status_code == 200, path


def test_document_lists_exactly_the_served_api_operations(app, document):
    served = set()
    for path, (_, route) in app.exchange.routes.items():
        if not path.startswith("/api/v1/") or path.startswith("/api/v1/schema"):
            continue
        for method in METHODS:
            if hasattr(route.resource, f"on_{method.lower()}"):
                served.add((method, openapi_path(path)))
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    # Other plugins may add /api/v1 routes of their own (the invitation link); everything this
    # plugin serves is documented, and nothing documented is missing.
    assert documented <= served
    from jhe_plugins.admin.routes import api_endpoints
    own = {(m, openapi_path(p)) for p, resource in api_endpoints() for m in METHODS
           if hasattr(resource, f"on_{m.lower()}")}
    assert own == documented


def test_every_reference_resolves(document):
    text = str(document)
    for name in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert name in document["components"]["schemas"], name
    for name in set(re.findall(r"#/components/responses/(\w+)", text)):
        assert name in document["components"]["responses"], name


def test_swagger_ui_and_redoc_use_local_assets(client):
    swagger = client.simulate_get("/api/v1/schema/swagger-ui").text
    redoc = client.simulate_get("/api/v1/schema/redoc").text
    for page in (swagger, redoc):
        assert "cdn" not in page.lower() and "unpkg" not in page.lower()
        for asset in re.findall(r'(?:src|href)="([^"]+)"', page):
            path = asset.split("://", 1)[-1].split("/", 1)[1]
            answer = client.simulate_get("/" + path)
            assert answer.status_code == 200 and len(answer.content) > 100, asset
    assert 'data-spec-url="http://falconframework.org/api/v1/schema?format=json"' in swagger
    assert client.simulate_get("/api/v1/schema/static/nothing.js").status_code == 404
    assert client.simulate_get("/api/v1/schema/static/swagger-ui-bundle.js").headers["content-type"].startswith(
        "text/javascript")
