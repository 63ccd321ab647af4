"""Helpers for the console's browser tests: Chromium settings, screenshots, logging in through
the server's own login form."""

import shutil
from pathlib import Path

from jhe_core.seed import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-output" / "portal"
DESKTOP = {"width": 1280, "height": 860}
TABLET = {"width": 820, "height": 1180}


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # A modal is pinned to the viewport: capture what the user sees; else the whole page.
    modal_open = page.locator("dialog[open]").count() > 0
    page.screenshot(path=str(path), full_page=not modal_open)
    return path


def log_in(context, email: str, password: str = DEMO_PASSWORD, shot: str | None = None):
    """Open the console, press "Log in", sign in on the server's form; returns the page showing
    the Organizations screen."""
    page = context.new_page()
    page.goto("/portal/")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/o/**")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/portal/#/organizations")
    page.get_by_role("heading", name="Organizations").wait_for()
    return page
