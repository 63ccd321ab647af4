"""Routing ``{base}/{type}...`` to the served types of the registry, at request time.

Types come from ``register_fhir_resource_types`` (read after routes are collected), so the
routes are generic: these resources look the type up and call its responder, answering 404
for a type that is not served and 405 for an interaction it does not offer.
"""

from jhe_core.errors import MethodNotAllowed, NotFound

INTERACTION_OF = {("collection", "GET"): "search-type", ("collection", "POST"): "create",
                  ("search", "GET"): "search-type", ("search", "POST"): "search-type",
                  ("item", "GET"): "read", ("history", "GET"): "vread"}
RESPONDER_OF = {("collection", "GET"): "on_get", ("collection", "POST"): "on_post",
                ("search", "GET"): "on_get", ("search", "POST"): "on_post_search",
                ("item", "GET"): "on_get", ("history", "GET"): "on_get"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _responder(exchange, type_name, kind, method):
    resource_type = exchange.fhir_types.get(type_name)
    if resource_type is None:
        raise NotFound(f"Resource type {type_name} is not served here.", code="not-supported")
    target = resource_type.collection_resource if kind in ("collection", "search") else resource_type.item_resource
    interaction = INTERACTION_OF.get((kind, method))
    name = RESPONDER_OF.get((kind, method))
    responder = getattr(target, name, None) if name else None
    if responder is None or interaction not in resource_type.interactions:
        raise MethodNotAllowed(f"{method} is not supported on {type_name} here.", code="not-supported")
    return responder


def _dispatcher(kind):
    class Dispatcher:
        def __init__(self, exchange):
            self.exchange = exchange

    def make(method):
        def responder(self, req, resp, type, id=None, vid=None):
            target = _responder(self.exchange, type, kind, method)
            if kind in ("item", "history"):
                target(req, resp, id, vid)
            else:
                target(req, resp)
        return responder

    for method in METHODS:
        setattr(Dispatcher, f"on_{method.lower()}", make(method))
    Dispatcher.__name__ = Dispatcher.__qualname__ = f"Type{kind.title()}Dispatcher"
    return Dispatcher


TypeCollection = _dispatcher("collection")
TypeSearch = _dispatcher("search")
TypeItem = _dispatcher("item")
TypeHistory = _dispatcher("history")
