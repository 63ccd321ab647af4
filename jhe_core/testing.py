"""Helpers for testing jhe and its plugins: build an app with chosen plugins on a fresh
database, get tokens for demo actors, serve the app on a local port.

    from jhe_core.testing import make_test_app, token_for
    app = make_test_app(enabled=["omh"], plugins=[my_plugin], demo=True)
    client = falcon.testing.TestClient(app)
    headers = auth_headers(token_for("practitioner@example.com"))

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
            drop_everything(db, _all_plugin_models())
    app = create_app(cfg, plugins)
    if demo:
        seed_demo_data(app.exchange)
    return app


def _all_plugin_models():
    """Every installed plugin's models, so a fresh test database has none left over."""
    from jhe_core.plugins import call_each, make_plugin_manager
    pm, _ = make_plugin_manager(load_config(overrides={}, environ={}))
    return [model for _, models in call_each(pm, "register_models") for model in models]


def seed_demo_data(exchange):
    from jhe_core.seed import seed_demo
    with exchange.db.connection_context():
        seed_demo()
        extra = exchange.services.get("seed_demo_extra")
        if extra:
            extra(exchange)


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
