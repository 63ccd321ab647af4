"""The portal plugin: the practitioners' console, a static single-page app served at /portal/.

The app itself (plain ES modules, CSS, no build step) lives in ``static/``; it talks only to
``/api/v1`` and logs in through the core's ``/o/`` OAuth2 endpoints as the public client
named by ``[plugins.portal] client_id``.
"""

import logging

import peewee

from jhe_core import Route, hookimpl
from jhe_core import models as m

from jhe_plugins.portal.static_files import STATIC_DIR, PortalResource

log = logging.getLogger("jhe.portal")
REDIRECT_PATH = "/portal/callback"

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
        "register_client": {
            "type": "boolean", "default": True,
            "description": "Create the public OAuth2 client at start when it does not exist yet.",
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


@hookimpl
def startup(exchange):
    settings = exchange.plugin_config("portal")
    if not settings.get("register_client", True):
        return
    try:
        with exchange.db.connection_context():
            ensure_client(settings.get("client_id", "jhe-portal"))
    except peewee.DatabaseError as exc:  # tables not created yet (an app built without migrating)
        log.warning("portal: could not register its OAuth2 client: %s", exc)


def ensure_client(client_id: str):
    """The console's first-party public client, so a fresh server's /portal/ can log in.
    An existing client is left as the deployer configured it."""
    client, created = m.OAuthClient.get_or_create(client_id=client_id, defaults={
        "name": "Practitioner console", "client_type": "public", "redirect_uris": REDIRECT_PATH,
        "grant_types": "authorization_code refresh_token", "skip_authorization": True})
    if not created and REDIRECT_PATH not in client.redirect_uri_list:
        log.warning("portal: OAuth2 client %r does not allow the redirect URI %s; logins will fail",
                    client_id, REDIRECT_PATH)
    return client
