"""The CommonHealth invitation link: ``<prefix><exchange host>|<one-time code>``."""

from urllib.parse import urlparse

from jhe_plugins.commonhealth.settings import link_prefix


def build_link(settings: dict, code: str, base_url: str) -> str:
    prefix = link_prefix(settings)
    if not settings.get("include_host", True):
        return f"{prefix}{code}"
    host = settings.get("host") or urlparse(base_url).netloc or base_url
    return f"{prefix}{host}|{code}"


def code_from_link(link: str) -> str:
    """The code a link carries (what the app does when it opens the link)."""
    return link.rsplit("|", 1)[-1].rsplit("=", 1)[-1]
