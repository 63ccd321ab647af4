"""Core plugin ``core.auth``: bearer-token authentication (and, with the OAuth2 server, the
/o/ routes). Essential: it cannot be disabled, but a plugin answering ``actor_from_request``
first (e.g. a session cookie) takes precedence."""

from jhe_core import hookimpl
from jhe_core.auth.tokens import actor_for_token, bearer_from_header
from jhe_core.errors import Unauthorized


@hookimpl(trylast=True)
def actor_from_request(request):
    token = bearer_from_header(request.get_header("Authorization"))
    if token is None:
        return None
    actor = actor_for_token(token)
    if actor is None:
        raise Unauthorized("Invalid or expired token.",
                           headers={"WWW-Authenticate": 'Bearer realm="jhe", error="invalid_token"'})
    return actor
