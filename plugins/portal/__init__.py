"""The portal plugin: the practitioners' console, a static single-page app served at /portal/.

The app itself (plain ES modules, CSS, no build step) lives in ``static/``; it talks only to
``/api/v1`` and logs in through the core's ``/o/`` OAuth2 endpoints as the public client
named by ``[plugins.portal] client_id``.
"""

from jhe_core import Route, hookimpl

from jhe_plugins.portal.static_files import STATIC_DIR, PortalResource

CONFIG_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "client_id": {
            "type": "string", "minLength": 1, "default": "jhe-portal",
            "description": "OAuth2 public client the console logs in as (redirect URI /portal/callback).",
        },
        "scope": {
            "type": "string", "minLength": 1, "default": "openid read write",
            "description": "Scopes the console asks for at /o/authorize.",
        },
        "title": {
            "type": "string", "minLength": 1, "default": "JupyterHealth Exchange",
            "description": "Name shown in the console's header and the browser tab.",
        },
    },
}


@hookimpl
def register_config_schemas():
    return {"portal": CONFIG_SCHEMA}


@hookimpl
def register_routes(exchange):
    resource = PortalResource(STATIC_DIR, exchange.plugin_config("portal"))
    return [
        Route("/portal", resource),
        Route("/portal/callback", resource, suffix="callback"),
        Route("/portal/{path:path}", resource, suffix="file"),
    ]
