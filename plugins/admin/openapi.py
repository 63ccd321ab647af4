"""The OpenAPI 3.1 document of /api/v1, generated from the route table and the ``operation``
each responder carries, so it lists exactly what the server answers."""

import re

from jhe_core import __version__

from jhe_plugins.admin.api import PREFIX
from jhe_plugins.admin.schemas import SCHEMAS, ref

METHODS = ("get", "post", "put", "patch", "delete")
_CONVERTER = re.compile(r"\{(\w+):[^}]*\}")
ERROR_TEXT = {
    400: "Bad input; ``detail`` names the field.",
    401: "Authentication credentials were not provided or are invalid.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    415: "The body is not JSON.",
}


def openapi_path(template: str) -> str:
    """``/patients/{patient_id:int(...)}`` -> ``/patients/{patient_id}``."""
    return _CONVERTER.sub(r"{\1}", template)


def _response_schema(response: str) -> dict:
    if response.startswith("list:"):
        return {"type": "object", "required": ["count", "next", "previous", "results"], "properties": {
            "count": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": ref(response[5:])},
        }}
    if response.startswith("array:"):
        return {"type": "array", "items": ref(response[6:])}
    return ref(response)


def _operation(method: str, path: str, responder) -> dict:
    op = getattr(responder, "operation", None)
    if op is None:
        raise LookupError(f"{method.upper()} {path}: responder has no @operation description")
    path_params = re.findall(r"\{(\w+)\}", path)
    operation_id = method + "".join(part.title() for part in re.split(r"[^a-zA-Z]+", path[len(PREFIX):]) if part)
    doc = {
        "operationId": operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": [{"name": name, "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647}}
                       for name in path_params]
        + [{"name": p.name, "in": "query", "required": p.required, "description": p.description,
            "schema": p.schema} for p in op.query],
    }
    if op.description:
        doc["description"] = op.description
    if op.body:
        doc["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(op.body)}}}
    success = {"description": op.summary}
    if op.response is not None:
        success["content"] = {op.media_type: {"schema": _response_schema(op.response)}}
    responses = {str(op.status): success}
    errors = set(op.errors) | ({401} if not op.public else set()) | ({400, 415} if op.body else set())
    for status in sorted(errors):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    doc["responses"] = responses
    if op.public:
        doc["security"] = []
    return doc


def build_document(endpoints, server_url: str) -> dict:
    """The document for ``endpoints`` (``[(path template, resource)]``)."""
    paths = {}
    for template, resource in endpoints:
        path = openapi_path(template)
        item = {}
        for method in METHODS:
            responder = getattr(resource, f"on_{method}", None)
            if responder is not None:
                item[method] = _operation(method, path, responder)
        paths[path] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "JupyterHealth Exchange admin API",
            "version": __version__,
            "description": "The /api/v1 REST API: organizations, practitioners, patients, studies, consents, "
                           "data sources and observations. JSON keys are camelCase (snake_case is accepted "
                           "in requests). Lists are pages of {count, next, previous, results}.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "An OAuth2 access token from /o/token."}},
            "schemas": SCHEMAS,
            "responses": {f"E{status}": {"description": text, "content": {
                "application/json": {"schema": ref("Error")}}} for status, text in ERROR_TEXT.items()},
        },
    }


def operation_keys(document: dict) -> set[tuple[str, str]]:
    """``{(METHOD, path)}`` of a document, for comparing it with the routes."""
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}
