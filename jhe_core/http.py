"""Small helpers for resources: reading bodies and query parameters, validated at the edge."""

import json

import falcon

from jhe_core.errors import BadRequest, UnsupportedMediaType

JSON_TYPES = ("application/json", "application/fhir+json")
FORM_TYPE = "application/x-www-form-urlencoded"


def json_body(req, *, required: bool = True, allow_types=JSON_TYPES):
    """The request body parsed as JSON; a precise 4xx for a wrong type or bad JSON."""
    media = (req.content_type or "").split(";")[0].strip().lower()
    raw = req.bounded_stream.read()
    if not raw:
        if required:
            raise BadRequest("Request body is empty; expected JSON.")
        return None
    if media and media not in allow_types and not media.endswith("+json"):
        raise UnsupportedMediaType(f"Unsupported media type {media!r}; send {' or '.join(allow_types)}.")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"Request body is not valid JSON: {exc}") from None


def json_object(req, **kw) -> dict:
    body = json_body(req, **kw)
    if body is not None and not isinstance(body, dict):
        raise BadRequest("Request body must be a JSON object.")
    return body or {}


def query_int(req, name: str, default=None, *, minimum=None, maximum=None):
    raw = req.get_param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"Query parameter {name} must be an integer, got {raw!r}.", path=name) from None
    if minimum is not None and value < minimum:
        raise BadRequest(f"Query parameter {name} must be >= {minimum}.", path=name)
    if maximum is not None and value > maximum:
        value = maximum
    return value


def query_bool(req, name: str, default: bool = False) -> bool:
    raw = req.get_param(name)
    if raw is None:
        return default
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no", ""):
        return False
    raise BadRequest(f"Query parameter {name} must be true or false, got {raw!r}.", path=name)


def send_json(resp, body, status: int = 200, media_type: str = "application/json"):
    """Write a JSON body; ``body`` may be a pre-serialised string (stored resources)."""
    resp.status = falcon.code_to_http_status(status)
    resp.content_type = media_type
    resp.text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"), default=str)


def public(resource_class):
    """Class decorator: the resource needs no authentication."""
    resource_class.auth = "public"
    return resource_class
