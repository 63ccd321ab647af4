"""Glue between Falcon requests and oauthlib: URIs, bodies, origins, transport checks."""

import json
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import falcon

from jhe_core.auth.validator import RequestContext

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 64 * 1024
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


class FormError(Exception):
    """A request body that is not an acceptable form; ``status`` and message for the reply."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def own_origins(exchange, req) -> list[str]:
    """The origins this server answers on: the configured base URL, then the request's own."""
    return list(dict.fromkeys([exchange.base_url(req), req.prefix.rstrip("/")]))


def issuer(exchange, req) -> str:
    return f"{exchange.base_url(req)}/o"


def request_context(exchange, req, *, confidential_only: bool = False) -> RequestContext:
    return RequestContext(exchange, own_origins=own_origins(exchange, req), issuer=issuer(exchange, req),
                          address=req.remote_addr, confidential_only=confidential_only)


def oauth_uri(exchange, req, query: str | None = None) -> str:
    query = req.query_string if query is None else query
    return f"{exchange.base_url(req)}{req.path}" + (f"?{query}" if query else "")


def oauth_headers(req) -> dict:
    return dict(req.headers)


def read_form_text(req) -> str:
    """The raw form-encoded body (for oauthlib); empty when there is none."""
    length = req.content_length or 0
    if length > MAX_FORM_BYTES:
        raise FormError(413, "Request body is too large.")
    raw = req.bounded_stream.read(MAX_FORM_BYTES + 1)
    if len(raw) > MAX_FORM_BYTES:
        raise FormError(413, "Request body is too large.")
    if not raw:
        return ""
    media = (req.content_type or "").split(";")[0].strip().lower()
    if media != FORM_TYPE:
        raise FormError(415 if media else 400, f"Send the request body as {FORM_TYPE}.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FormError(400, "Request body is not valid UTF-8.") from None
    # Re-encode leniently: oauthlib rejects bodies with unescaped characters (curl -d "scope=read write").
    return urlencode(parse_qsl(text, keep_blank_values=True))


def read_form(req) -> dict[str, str]:
    """A form body as a dict (first value of each field)."""
    text = read_form_text(req)
    return {key: values[0] for key, values in parse_qs(text, keep_blank_values=True).items()}


def insecure(exchange, req) -> bool:
    """``auth.require_https``: plain HTTP is refused except on the local machine."""
    if not exchange.config.get("auth.require_https"):
        return False
    return req.forwarded_scheme != "https" and req.host not in LOCAL_HOSTS


def send_oauth(resp, headers: dict, body, status: int) -> None:
    """Write what an oauthlib endpoint returned."""
    resp.status = falcon.code_to_http_status(status)
    for name, value in (headers or {}).items():
        if name.lower() != "content-type":
            resp.set_header(name, value)
    resp.content_type = "application/json"
    resp.text = body if isinstance(body, str) else json.dumps(body or {})


def send_oauth_error(resp, status: int, error: str, description: str, headers: dict | None = None) -> None:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache", **(headers or {})}
    send_oauth(resp, headers, {"error": error, "error_description": description}, status)


def safe_next(exchange, req, value: str | None, default: str) -> str:
    """A post-login/logout destination on this server only (no open redirects)."""
    if not value:
        return default
    for origin in own_origins(exchange, req):
        if value.startswith(origin + "/"):
            value = value[len(origin):]
            break
    parts = urlsplit(value)
    if (not value.startswith("/") or value.startswith("//") or "\\" in value or parts.scheme or parts.netloc
            or any(ord(ch) < 32 for ch in value)):
        return default
    return value
