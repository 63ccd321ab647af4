"""Shared fixtures: one app per test module on a fresh database (SQLite in memory, or the
PostgreSQL named by $JHE_TEST_DATABASE_URL), demo data loaded, tokens for every demo actor."""

import falcon.testing
import pytest

from jhe_core.testing import auth_headers, demo_tokens, make_test_app, serve_in_thread


@pytest.fixture(scope="module")
def app():
    return make_test_app()


@pytest.fixture(scope="module")
def client(app):
    return falcon.testing.TestClient(app)


@pytest.fixture(scope="module")
def tokens(app):
    return demo_tokens()


@pytest.fixture(scope="module")
def headers(tokens):
    """``headers["manager"]`` etc.: Authorization headers per demo actor."""
    return {role: auth_headers(token) for role, token in tokens.items()}


@pytest.fixture(scope="module")
def live_server(app):
    """The module's app served over real HTTP on a free local port."""
    with serve_in_thread(app) as base_url:
        yield base_url
