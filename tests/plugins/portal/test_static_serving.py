"""The portal plugin serves its single-page app: the shell, assets with the right types and cache
headers, runtime settings, and nothing outside its static folder."""

import re

import falcon.testing
import pytest

from jhe_core.testing import make_test_app
from jhe_plugins.portal.static_files import STATIC_DIR


@pytest.fixture(scope="module")
def app():
    return make_test_app(enabled=["portal"], demo=False,
                         config={"plugins": {"portal": {"title": "Test Exchange"}}})


@pytest.fixture(scope="module")
def client(app):
    return falcon.testing.TestClient(app)


@pytest.mark.parametrize("path", ["/portal", "/portal/", "/portal/callback", "/portal/patients"])
def test_shell_is_served_without_login(client, path):
    response = client.simulate_get(path, params={"code": "x", "state": "y"} if "callback" in path else None)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script type="module" src="/portal/js/main.js">' in response.text
    assert response.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path, content_type", [
    ("/portal/js/main.js", "text/javascript; charset=utf-8"),
    ("/portal/js/views/patients.js", "text/javascript; charset=utf-8"),
    ("/portal/portal.css", "text/css; charset=utf-8"),
    ("/portal/favicon.svg", "image/svg+xml"),
])
def test_assets_have_their_content_type(client, path, content_type):
    response = client.simulate_get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    relative = path.removeprefix("/portal/")
    assert response.content == (STATIC_DIR / relative).read_bytes()
    assert int(response.headers["content-length"]) == len(response.content)


def test_etag_revalidation_answers_304(client):
    first = client.simulate_get("/portal/js/api.js")
    etag = first.headers["etag"]
    again = client.simulate_get("/portal/js/api.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    changed = client.simulate_get("/portal/js/api.js", headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200


def test_head_sends_headers_only(client):
    response = client.simulate_head("/portal/portal.css")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.content == b""


def test_runtime_settings_come_from_config(client):
    response = client.simulate_get("/portal/config.json")
    assert response.status_code == 200
    assert response.json == {"clientId": "jhe-portal", "scope": "openid read write", "title": "Test Exchange"}


@pytest.mark.parametrize("path", [
    "/portal/../pyproject.toml",
    "/portal/js/../../__init__.py",
    "/portal/%2e%2e/static_files.py",
    "/portal/js/%2e%2e/%2e%2e/__init__.py",
    "/portal/..%2f__init__.py",
    "/portal/.hidden.js",
    "/portal/missing.js",
    "/portal/js/nothing-here.css",
    "/portal/static_files.py",
])
def test_nothing_outside_the_static_folder_is_served(client, path):
    response = client.simulate_get(path)
    assert response.status_code == 404
    assert b"import" not in response.content
    assert response.json["detail"]


def test_every_module_the_shell_imports_exists():
    """Each relative import in the app's modules names a file that ships in the package."""
    import re
    for module in STATIC_DIR.rglob("*.js"):
        for target in re.findall(r'from\s+"(\.{1,2}/[^"]+)"', module.read_text()):
            assert (module.parent / target).resolve().is_file(), f"{module.name} imports missing {target}"


def test_no_external_assets():
    """No CDN, no external fonts: every URL the app loads is on this server."""
    for path in STATIC_DIR.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            text = path.read_text()
            assert "@import url(" not in text and "fonts.googleapis" not in text
            assert not re.search(r'(src|href)="https?://', text), path


def test_the_console_client_is_registered_at_start(app):
    """A fresh server (no demo data) can log in to the console: its public client exists."""
    from jhe_core import models as m
    with app.exchange.db.connection_context():
        client = m.OAuthClient.get(m.OAuthClient.client_id == "jhe-portal")
    assert client.client_type == "public"
    assert client.redirect_uri_list == ["/portal/callback"]
    assert set(client.grant_type_list) == {"authorization_code", "refresh_token"}
