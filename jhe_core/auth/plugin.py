"""Core plugin ``core.auth``: the OAuth2 / OpenID Connect authorization server under ``/o/``,
bearer-token authentication of every other request, and the ``client`` / ``token`` commands.

Essential: it cannot be disabled, but a plugin answering ``actor_from_request`` first (e.g. a
session cookie) takes precedence.
"""

from jhe_core import Route, hookimpl
from jhe_core.auth import keys
from jhe_core.auth.browser import AuthorizeResource, LoginResource, LogoutResource
from jhe_core.auth.endpoints import (DiscoveryResource, IntrospectResource, JWKSResource, RevokeResource,
                                     TokenResource, UserinfoResource)
from jhe_core.auth.tokens import authenticate, bearer_from_header
from jhe_core.errors import Unauthorized


@hookimpl
def register_routes(exchange):
    return [
        Route("/o/.well-known/openid-configuration", DiscoveryResource()),
        Route("/o/.well-known/jwks.json", JWKSResource()),
        Route("/o/authorize", AuthorizeResource()),
        Route("/o/token", TokenResource()),
        Route("/o/revoke_token", RevokeResource()),
        Route("/o/introspect", IntrospectResource()),
        Route("/o/userinfo", UserinfoResource()),
        Route("/o/login", LoginResource()),
        Route("/o/logout", LogoutResource()),
    ]


@hookimpl
def register_commands(cli):
    from jhe_core.auth.commands import add_commands  # click code only when the CLI runs
    add_commands(cli)


@hookimpl
def startup(exchange):
    """Create (or load and check) the ID-token key, the cookie secret and the static patient
    PKCE pair before the first request, so worker processes share them."""
    from jhe_core.services.invitations import patient_pkce
    keys.signing_key(exchange)
    keys.session_secret(exchange)
    patient_pkce(exchange)


@hookimpl(trylast=True)
def actor_from_request(request):
    token = bearer_from_header(request.get_header("Authorization"))
    if token is None:
        return None
    actor, problem = authenticate(token)
    if problem:
        raise Unauthorized(problem, headers={
            "WWW-Authenticate": f'Bearer realm="jhe", error="invalid_token", error_description="{problem}"'})
    return actor
