"""The CommonHealth plugin: invitation links that open the CommonHealth app, the invitation
email, and ``GET /api/v1/patients/{id}/invitation_link``.

The code inside a link is the core's patient invitation code (``jhe_core.services.invitations``);
the app exchanges it at ``/o/token/`` with the deployment's static PKCE verifier.
"""

from jhe_core import Route, hookimpl

from jhe_plugins.commonhealth.links import build_link
from jhe_plugins.commonhealth.message import invitation_message as compose_message
from jhe_plugins.commonhealth.resources import InvitationLinkResource
from jhe_plugins.commonhealth.settings import SCHEMA

NAME = "commonhealth"


@hookimpl
def register_config_schemas():
    return {NAME: SCHEMA}


@hookimpl
def register_routes(exchange):
    return [Route("/api/v1/patients/{id:int(min=0, max=2147483647)}/invitation_link", InvitationLinkResource(exchange))]


@hookimpl
def invitation_link(exchange, patient, code, base_url):
    return build_link(exchange.plugin_config(NAME), code, base_url)


@hookimpl
def invitation_message(exchange, patient, link):
    return compose_message(exchange.plugin_config(NAME), patient, link)
