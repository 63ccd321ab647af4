"""``create_app``: the one documented lifecycle.

1. config: defaults < jhe.toml < JHE_* environment < explicit overrides
2. plugin manager: specs, core defaults, blocked names, entry points, explicit plugins, check
3. plugin config sections validated against ``register_config_schemas``
4. database bound; core migrations, then ``register_models`` tables (``migrate=True``)
5. registries: ``register_observation_codes``, ``register_data_sources``,
   ``register_fhir_resource_types``
6. Falcon app: core middleware, ``register_middleware``, ``register_routes`` (duplicates are a
   startup error), error rendering through ``handle_exception``
7. ``startup`` hooks
"""

import logging

import falcon

from jhe_core import migrations, registries
from jhe_core.auth import token_cache
from jhe_core.config import as_config
from jhe_core.db import ConnectionMiddleware, bind
from jhe_core.errors import JHEError, MethodNotAllowed, NotFound
from jhe_core.exchange import Exchange
from jhe_core.plugins import StartupError, call_each, make_plugin_manager, validate_plugin_configs

log = logging.getLogger("jhe")


def create_app(config=None, plugins=None, *, migrate: bool = True) -> falcon.App:
    """Build a WSGI app from ``config`` (a ``Config``, a dict of overrides, or None) and the
    installed plugins plus any given in ``plugins`` (modules or objects, or ``(name, obj)``)."""
    exchange = build_exchange(config, plugins, migrate=migrate)
    app = JHEApp(middleware=[ConnectionMiddleware(exchange.db), RequestActorMiddleware(exchange)]
                     + [mw for _, mws in call_each(exchange.pm, "register_middleware", exchange=exchange)
                        for mw in mws])
    app.req_options.strip_url_path_trailing_slash = True
    app.req_options.auto_parse_qs_csv = False
    app.resp_options.default_media_type = "application/json"
    # FHIR bodies and OperationOutcomes are JSON under their own media type.
    json_handler = falcon.media.JSONHandler()
    app.req_options.media_handlers["application/fhir+json"] = json_handler
    app.resp_options.media_handlers["application/fhir+json"] = json_handler
    for path, (_, route) in sorted(exchange.routes.items()):
        if route.suffix:
            app.add_route(path, route.resource, suffix=route.suffix)
        else:
            app.add_route(path, route.resource)
    install_error_handlers(app, exchange)
    token_cache.enable(exchange.db, exchange.config.get("auth.token_cache_seconds"))
    exchange.hook.startup(exchange=exchange)
    app.exchange = exchange
    return app


class JHEApp(falcon.App):
    """A Falcon WSGI app that carries its ``Exchange`` (``app.exchange``)."""

    exchange = None


def build_exchange(config=None, plugins=None, *, migrate: bool = True) -> Exchange:
    """Steps 1-5 of the lifecycle, without HTTP: what the CLI needs."""
    config = as_config(config)
    pm, info = make_plugin_manager(config, plugins)
    validate_plugin_configs(config, pm, info)
    db = bind(config.database_url)
    exchange = Exchange(config=config, pm=pm, db=db, plugins=info)
    plugin_models = [model for _, models in call_each(pm, "register_models") for model in models]
    exchange.services["plugin_models"] = plugin_models
    if migrate:
        with db.connection_context():
            migrations.migrate(db, plugin_models, plugin_migrations(pm))
    exchange.routes = collect_routes(exchange)
    with db.connection_context():
        registries.load(exchange, write=migrate)
    return exchange


def plugin_migrations(pm) -> dict:
    """``MIGRATIONS`` lists declared on plugin modules: ``[(version, description, fn(db))]``."""
    found = {}
    for name, plugin in pm.list_name_plugin():
        declared = getattr(plugin, "MIGRATIONS", None)
        if declared:
            found[name] = declared
    return found


def collect_routes(exchange) -> dict:
    routes = {}
    for plugin_name, answer in call_each(exchange.pm, "register_routes", exchange=exchange):
        for route in answer:
            key = route.path.rstrip("/") or "/"
            if key in routes:
                raise StartupError(f"route {route.path} is claimed by both {routes[key][0]!r} and {plugin_name!r}")
            routes[key] = (plugin_name, type(route)(key, route.resource, route.suffix))
    return routes


class RequestActorMiddleware:
    """Puts the exchange on every request and authenticates non-public resources.

    A resource with ``auth = "public"`` is served to anyone; for every other one the
    ``actor_from_request`` hook must name the caller, else 401.
    """

    def __init__(self, exchange):
        self.exchange = exchange

    def process_request(self, req, resp):
        req.context.exchange = self.exchange
        req.context.actor = None

    def process_resource(self, req, resp, resource, params):
        if resource is None or getattr(resource, "auth", None) == "public":
            return
        actor = self.exchange.hook.actor_from_request(exchange=self.exchange, request=req)
        if actor is None or actor.is_anonymous:
            from jhe_core.errors import Unauthorized
            raise Unauthorized()
        req.context.actor = actor


def install_error_handlers(app, exchange):
    def render(req, resp, error: JHEError):
        answer = exchange.hook.handle_exception(exchange=exchange, request=req, error=error)
        status, body = answer
        resp.status = falcon.code_to_http_status(status)
        for name, value in error.headers.items():
            resp.set_header(name, value)
        if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
            resp.content_type = "application/fhir+json"
        else:
            resp.content_type = "application/json"
        resp.media = body

    def on_jhe_error(req, resp, ex, params):
        render(req, resp, ex)

    def on_http_error(req, resp, ex, params):
        if isinstance(ex, falcon.HTTPRouteNotFound) or ex.status_code == 404:
            error = NotFound(ex.description or f"No route for {req.method} {req.path}.")
        elif ex.status_code == 405:
            error = MethodNotAllowed(f"Method {req.method} is not allowed on {req.path}.")
        else:
            error = JHEError(ex.description or ex.title or "Bad request.")
            error.status = ex.status_code
            if ex.status_code == 401:
                error.issues[0].code = "login"
        error.headers.update(dict(ex.headers or {}))
        render(req, resp, error)

    def on_unexpected(req, resp, ex, params):
        log.exception("unhandled error on %s %s", req.method, req.path)
        error = JHEError("Internal server error.", code="exception")
        error.status = 500
        render(req, resp, error)

    app.add_error_handler(Exception, on_unexpected)
    app.add_error_handler(falcon.HTTPError, on_http_error)
    app.add_error_handler(JHEError, on_jhe_error)
