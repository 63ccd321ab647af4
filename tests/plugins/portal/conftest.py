"""Browser fixtures for the console's end-to-end tests: headless Chromium (the Debian package)
driven by Playwright on a fresh profile per module, and a fresh browser context per test."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import requests

from jhe_core.testing import auth_headers, token_for
from portal_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, add_demo_data, log_in


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    profile = tempfile.mkdtemp(prefix="jhe-portal-chromium-")
    with sync_api.sync_playwright() as playwright:
        # launch() runs the browser on a fresh temporary profile; contexts below are isolated.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             env={**os.environ, "HOME": profile, "XDG_CONFIG_HOME": profile,
                                                  "XDG_CACHE_HOME": profile})
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture()
def context(browser, live_server):
    """A fresh browser context (no cookies, no storage) per test; page errors fail the test."""
    context = browser.new_context(base_url=live_server, viewport=DESKTOP)
    context.set_default_timeout(15000)
    context.errors = []
    context.on("page", lambda page: page.on("pageerror", lambda error: context.errors.append(str(error))))
    yield context
    errors = list(context.errors)
    context.close()
    assert not errors, f"JavaScript errors in the console: {errors}"


@pytest.fixture(scope="module")
def api(live_server):
    """``api(method, path, role="manager", **kw)``: the admin REST API with a demo actor's token."""
    tokens = {"manager": token_for("practitioner@example.com"), "other_manager": token_for("manager2@example.com"),
              "superuser": token_for("admin@example.com")}

    def call(method, path, role="manager", **kw):
        return requests.request(method, f"{live_server}/api/v1/{path}", headers=auth_headers(tokens[role]),
                                timeout=10, **kw)
    return call


@pytest.fixture(scope="module")
def demo_data(app, api):
    add_demo_data(app.exchange, api)


@pytest.fixture()
def manager(context):
    """A page logged in as the demo manager, on the Organizations screen."""
    return log_in(context, "practitioner@example.com")
