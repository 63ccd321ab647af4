"""Helpers for testing jhe and its plugins: build an app with chosen plugins on a fresh
database, get tokens for demo actors, serve the app on a local port.

    from jhe_core.testing import make_test_app, token_for
    app = make_test_app(enabled=["omh"], plugins=[my_plugin], demo=True)
    client = falcon.testing.TestClient(app)
    headers = auth_headers(token_for("practitioner@example.com"))

For plugin authors: ``token_for_patient``, ``grant_consent`` (a patient consented to codes from a
data source in a study), ``upload`` / ``read_back`` (FHIR Bundles and search), ``attachment_data``
and ``api_list`` (``/api/v1`` lists); see docs/plugins.md.

The database is ``$JHE_TEST_DATABASE_URL`` when set (the suite runs once on SQLite and once on
PostgreSQL), else an in-memory SQLite database.
"""

import os
import tempfile
import threading
from contextlib import contextmanager
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from socketserver import ThreadingMixIn

from jhe_core import models as m
from jhe_core.app import create_app
from jhe_core.auth.tokens import issue_tokens
from jhe_core.config import load_config
from jhe_core.db import bind
from jhe_core.migrations import drop_everything

MEMORY_URL = "sqlite:///:memory:"
DEMO_PATIENT_EMAILS = {10001: "john.smith@example.com", 10002: "maria.garcia@example.com",
                       10003: "wei.chen@example.com"}


def database_url_for_tests() -> str:
    return os.environ.get("JHE_TEST_DATABASE_URL") or MEMORY_URL


def make_test_app(*, enabled=None, disabled=(), plugins=None, config=None, demo=True,
                  database_url=None, data_dir=None):
    """A fresh app: every table dropped and re-created, demo data loaded when ``demo``.

    :param enabled: entry-point plugin names to load (None: all installed).
    :param disabled: plugin names to block.
    :param plugins: extra plugin objects, or ``(name, object)`` pairs.
    :param config: further config overrides (nested dict).
    """
    url = database_url or database_url_for_tests()
    overrides = {
        "database_url": url,
        "data_dir": data_dir or tempfile.mkdtemp(prefix="jhe-test-"),
        "plugins": {"enabled": list(enabled) if enabled is not None else None, "disabled": list(disabled)},
    }
    for key, value in (config or {}).items():
        if isinstance(value, dict) and isinstance(overrides.get(key), dict):
            overrides[key] = {**overrides[key], **value}
        else:
            overrides[key] = value
    cfg = load_config(overrides=overrides, environ={k: v for k, v in os.environ.items()
                                                    if not k.startswith("JHE_") or k.startswith("JHE_TEST")})
    if url != MEMORY_URL:
        db = bind(url)
        with db.connection_context():
            drop_everything(db, _all_plugin_models(plugins))
    app = create_app(cfg, plugins)
    if demo:
        seed_demo_data(app.exchange)
    return app


def _all_plugin_models(plugins=None):
    """Every installed and given plugin's models, so a fresh test database has none left over."""
    from jhe_core.plugins import call_each, make_plugin_manager
    pm, _ = make_plugin_manager(load_config(overrides={}, environ={}), plugins)
    return [model for _, models in call_each(pm, "register_models") for model in models]


def seed_demo_data(exchange):
    from jhe_core.seed import seed_demo
    with exchange.db.connection_context():
        seed_demo(exchange=exchange)


def token_for(email: str, scopes=("openid", "read", "write"), client_id: str | None = "jhe-cli") -> str:
    """An access token for the user with ``email`` (as the password grant would give)."""
    user = m.User.get(m.User.email == email.lower())
    client = m.OAuthClient.get_or_none(m.OAuthClient.client_id == client_id) if client_id else None
    from jhe_core.config import Config, DEFAULTS
    body = issue_tokens(Config(DEFAULTS), user=user, client=client, scopes=scopes, refresh=False)
    return body["access_token"]


def auth_headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def demo_tokens() -> dict[str, str]:
    """Tokens for every demo actor, keyed by role name."""
    return {
        "manager": token_for("practitioner@example.com"),
        "member": token_for("member@example.com"),
        "viewer": token_for("viewer@example.com"),
        "other_manager": token_for("manager2@example.com"),
        "superuser": token_for("admin@example.com"),
        "patient": token_for(DEMO_PATIENT_EMAILS[10001]),
        "other_patient": token_for(DEMO_PATIENT_EMAILS[10002]),
    }


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve_in_thread(app, host: str = "127.0.0.1"):
    """Serve ``app`` on a free local port; yields the base URL (``http://127.0.0.1:PORT``)."""
    server = make_server(host, 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


# -------------------------------------------------------------------------
# For plugin authors: consent set-up, uploads and reads through the public APIs
# -------------------------------------------------------------------------

OMH_SYSTEM = "https://w3id.org/openmhealth"


def token_for_patient(patient_id: int, scopes=("openid", "read", "write")) -> str:
    """An access token for the patient's own account."""
    patient = m.Patient.get_by_id(patient_id)
    return token_for(patient.user.email, scopes=scopes)


def grant_consent(patient_id: int, study_id: int, codes, *, data_source=None) -> None:
    """Make ``patient_id`` able to share ``codes`` from ``data_source`` in ``study_id``: the study
    requests each code and uses the data source, the patient is enrolled and has consented.

    :param codes: code strings (``"omh:heart-rate:2.0"``, or ``"system|code"``) or code ids.
    :param data_source: a data source id or name (a plugin's source is numbered by the database).
    """
    from jhe_core.services import consents, studies
    study = m.Study.get_by_id(study_id)
    patient = m.Patient.get_by_id(patient_id)
    concepts = [_code_row(code) for code in codes]
    with m.Study._meta.database.atomic():
        for concept in concepts:
            studies.add_scope_request(study, concept.id)
        if data_source is not None:
            source = (m.DataSource.get(m.DataSource.name == data_source) if isinstance(data_source, str)
                      else m.DataSource.get_by_id(data_source))
            studies.add_data_source(study, source.id)
        studies.enroll_patients(study, [patient.id])  # the patient must be in the study's organization
        consents.record_consents(patient, [(study, concept, True) for concept in concepts])


def _code_row(code) -> m.CodeableConcept:
    if isinstance(code, int):
        return m.CodeableConcept.get_by_id(code)
    system, sep, value = code.partition("|")
    if not sep:
        system, value = None, code
    query = m.CodeableConcept.select().where(m.CodeableConcept.coding_code == value)
    if system:
        query = query.where(m.CodeableConcept.coding_system == system)
    row = query.order_by(m.CodeableConcept.id).first()
    if row is None:
        raise LookupError(f"no observation code {code!r} is registered (is the plugin declaring it loaded?)")
    return row


def upload(client, token: str, resources, *, transaction: bool = False) -> list[dict]:
    """POST ``resources`` (Observation dicts) as one FHIR ``batch`` (or ``transaction``) Bundle
    to ``/fhir/r5`` through a ``falcon.testing.TestClient``; returns the response entries, each
    with ``response.status`` (``"201 Created"``) and ``location``, or ``outcome`` on failure.

    :raises AssertionError: when the Bundle as a whole is refused (a failed transaction).
    """
    bundle = {"resourceType": "Bundle", "type": "transaction" if transaction else "batch",
              "entry": [{"resource": resource, "request": {"method": "POST", "url": "Observation"}}
                        for resource in resources]}
    result = client.simulate_post("/fhir/r5", json=bundle, headers={
        **auth_headers(token), "Content-Type": "application/fhir+json"})
    assert result.status_code == 200, f"upload refused: {result.status_code} {result.text}"
    return result.json["entry"]


def entry_statuses(entries) -> list[int]:
    """The HTTP status of each entry of a batch response (``[201, 403, ...]``)."""
    return [int(entry["response"]["status"].split()[0]) for entry in entries]


def read_back(client, token: str, patient_id: int, code: str) -> list[dict]:
    """Every Observation of ``patient_id`` with ``code`` the caller may read, through FHIR search
    (``/fhir/r5/Observation?patient=...&code=...``), following ``next`` links.

    :param code: ``"system|code"``, or a bare Open mHealth code (``"omh:heart-rate:2.0"``).
    """
    from urllib.parse import urlsplit
    token_param = code if "|" in code else f"{OMH_SYSTEM}|{code}"
    path, query = "/fhir/r5/Observation", {"patient": str(patient_id), "code": token_param}
    query_string, found = None, []
    while True:
        result = client.simulate_get(path, params=query, query_string=query_string, headers=auth_headers(token))
        assert result.status_code == 200, f"search refused: {result.status_code} {result.text}"
        bundle = result.json
        found += [entry["resource"] for entry in bundle.get("entry", [])]
        link = next((link["url"] for link in bundle.get("link", []) if link.get("relation") == "next"), None)
        if link is None:
            return found
        parts = urlsplit(link)
        path, query, query_string = parts.path, None, parts.query


def attachment_data(observation: dict):
    """The decoded JSON an Observation carries in ``valueAttachment`` (an OMH data point)."""
    import base64
    import json
    return json.loads(base64.b64decode(observation["valueAttachment"]["data"]).decode("utf-8"))


def api_list(client, token: str, path: str, **params) -> list[dict]:
    """Every item of an ``/api/v1`` list (``{count, next, previous, results}``), following ``next``."""
    from urllib.parse import urlsplit
    items, query, query_string = [], {k: str(v) for k, v in params.items()}, None
    while True:
        result = client.simulate_get(path, params=query, query_string=query_string, headers=auth_headers(token))
        assert result.status_code == 200, f"{path}: {result.status_code} {result.text}"
        body = result.json
        items += body["results"]
        if not body.get("next"):
            return items
        parts = urlsplit(body["next"])
        path, query, query_string = parts.path, None, parts.query
