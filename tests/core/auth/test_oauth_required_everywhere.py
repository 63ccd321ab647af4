"""Every route that is not explicitly public answers 401 without a token, whichever plugin
added it: the list comes from the app's route table, not from a hand-written list."""

import re

import falcon.testing
import pytest

from jhe_core.cli import route_methods
from jhe_core.testing import make_test_app


@pytest.fixture(scope="module")
def app():
    return make_test_app()  # every installed plugin


@pytest.fixture(scope="module")
def client(app):
    return falcon.testing.TestClient(app)


def protected_routes(app):
    for path, (plugin, route) in sorted(app.exchange.routes.items()):
        if getattr(route.resource, "auth", None) == "public":
            continue
        methods = route_methods(route)
        if methods:
            yield plugin, path, route, ("GET" if "GET" in methods else methods[0])


def concrete(path: str) -> str:
    """A URL matching the template: every field becomes 1 (ints) or a word."""
    return re.sub(r"\{([^}:]+)(:int[^}]*)?[^}]*\}", lambda m: "1" if m.group(2) else "x1", path)


def test_the_route_table_has_protected_routes_of_several_families(app):
    families = {path.split("/")[1] for _, path, _, _ in protected_routes(app)}
    assert {"o", "fhir"} <= families
    if "admin" in app.exchange.plugins:
        assert "api" in families


def test_every_protected_route_needs_a_token(app, client):
    checked = []
    for plugin, path, route, method in protected_routes(app):
        for headers, detail in (({}, "Authentication credentials were not provided."),
                                ({"Authorization": "Bearer not-a-real-token"}, "Invalid token.")):
            response = client.simulate_request(method, concrete(path), headers=headers)
            where = f"{method} {path} ({plugin})"
            assert response.status_code == 401, f"{where}: {response.status_code} {response.text[:200]}"
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), where
            if path.startswith("/api/v1") or path.startswith("/o/"):
                assert response.json == {"detail": detail}, where
            elif path.lower().startswith("/fhir"):
                assert response.json["resourceType"] == "OperationOutcome", where
        checked.append(path)
    assert "/o/userinfo" in checked
