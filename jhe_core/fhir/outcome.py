"""OperationOutcomes, the FHIR bases, and writing FHIR responses.

The API is served under two prefixes: ``/fhir/r5`` (the guides) and ``/FHIR/R5`` (what current
client libraries call). A response's links use the prefix, scheme and host of its request, so a
client that checks links against the base it was given (fhirpy) can follow them.
"""

import json

import falcon

from jhe_core.errors import JHEError

PREFIXES = ("/fhir/r5", "/FHIR/R5")
FHIR_JSON = "application/fhir+json"

REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
           404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 412: "Precondition Failed",
           413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity",
           429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


def fhir_prefix(path: str) -> str | None:
    """The FHIR prefix ``path`` is under, or None."""
    for prefix in PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix
    return None


def fhir_base(req) -> str:
    """The absolute FHIR base of this request, e.g. ``https://host/FHIR/R5``."""
    return f"{req.forwarded_prefix.rstrip('/')}{fhir_prefix(req.path) or PREFIXES[0]}"


def server_root(req) -> str:
    return req.forwarded_prefix.rstrip("/")


def outcome_issue(issue) -> dict:
    entry = {"severity": issue.severity, "code": issue.code, "diagnostics": issue.text()}
    if issue.path:
        entry["expression"] = [issue.path]
    return entry


def operation_outcome(error: JHEError) -> dict:
    return {"resourceType": "OperationOutcome", "issue": [outcome_issue(issue) for issue in error.issues]}


def information_outcome(messages: list[str], code: str = "informational") -> dict:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": "information", "code": code, "diagnostics": text} for text in messages]}


def status_line(status: int) -> str:
    return f"{status} {REASONS.get(status, '')}".strip()


def response_type(req) -> str:
    """``application/fhir+json``, or ``application/json`` for a client that asks only for that."""
    accept = (req.get_header("Accept") or "").lower()
    if "application/json" in accept and "fhir+json" not in accept:
        return "application/json"
    return FHIR_JSON


def send_fhir(req, resp, body, status: int = 200) -> None:
    """Write a FHIR JSON body; ``body`` may be pre-serialised text (stored resources)."""
    resp.status = falcon.code_to_http_status(status)
    resp.content_type = response_type(req)
    resp.text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"), ensure_ascii=False)
