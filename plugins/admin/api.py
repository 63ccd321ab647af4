"""What every /api/v1 resource shares: the ``operation`` description each responder carries
(the OpenAPI document is generated from it), and small request/response helpers."""

from dataclasses import dataclass, field

import falcon

from jhe_core import permissions
from jhe_core.http import send_json

PREFIX = "/api/v1"
# Path ids: 32-bit, non-negative; anything else does not match the route (404).
ID = ":int(min=0, max=2147483647)"


@dataclass(frozen=True)
class Param:
    """A query parameter."""

    name: str
    description: str
    schema: dict = field(default_factory=lambda: {"type": "integer", "minimum": 0, "maximum": 2147483647})
    required: bool = False


@dataclass(frozen=True)
class Operation:
    """One responder as the OpenAPI document describes it.

    ``response`` names a component schema; ``"list:X"`` is a page of X, ``"array:X"`` a bare
    array of X, None an empty 204 answer.
    """

    summary: str
    tag: str
    response: str | None
    status: int = 200
    body: str | None = None
    query: tuple = ()
    errors: tuple = (400, 401, 403, 404)
    description: str = ""
    public: bool = False
    media_type: str = "application/json"


def operation(summary: str, **kw):
    """Decorator: attach an ``Operation`` to a responder (``on_get`` and friends)."""
    def attach(responder):
        responder.operation = Operation(summary, **kw)
        return responder
    return attach


PAGING = (
    Param("limit", "Number of results per page (default api.page_size, at most api.max_page_size).",
          {"type": "integer", "minimum": 1}),
    Param("offset", "Index of the first result (with limit).", {"type": "integer", "minimum": 0}),
    Param("page", "Page number, from 1 (with page_size).", {"type": "integer", "minimum": 1}),
    Param("page_size", "Results per page (with page).", {"type": "integer", "minimum": 1}),
)


def require(req, action: str, resource=None) -> None:
    permissions.require(req.context.exchange, req.context.actor, action, resource)


def allowed(req, action: str, resource=None) -> bool:
    return permissions.allowed(req.context.exchange, req.context.actor, action, resource)


def base_url(req) -> str:
    return req.context.exchange.base_url(req)


def send(resp, body, status: int = 200) -> None:
    send_json(resp, body, status)


def no_content(resp) -> None:
    resp.status = falcon.HTTP_204
    resp.text = None
