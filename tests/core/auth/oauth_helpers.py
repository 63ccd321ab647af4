"""Helpers for the OAuth tests: PKCE pairs, form posts, scraping the sign-in form."""

import base64
import hashlib
import html
import re
import secrets

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PASSWORD = "jhe-demo-2024"


def pkce_pair() -> tuple[str, str]:
    """As the guide's Step 1 does it."""
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("utf-8").rstrip("=")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("utf-8")).digest()).decode("utf-8").rstrip("=")
    return verifier, challenge


def form_field(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert match, f"no field {name!r} in page"
    return html.unescape(match.group(1))
