"""The oauthlib endpoints jhe serves, composed explicitly (oauthlib's pre-built ``Server`` would
also enable and advertise the implicit and device grants), plus ID-token issuing.

Only S256 PKCE is accepted: oauthlib also knows ``plain``, which RFC 7636 allows but which
protects nothing once the authorization request is seen.
"""

import datetime
import hashlib

from oauthlib.oauth2.rfc6749 import grant_types
from oauthlib.oauth2.rfc6749.endpoints import (
    AuthorizationEndpoint,
    IntrospectEndpoint,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256
from oauthlib.oauth2.rfc6749.tokens import BearerToken

from jhe_core.auth import keys
from jhe_core.auth.keys import b64url
from jhe_core.auth.tokens import new_secret
from jhe_core.auth.validator import JHERequestValidator, RequestContext


class S256AuthorizationCodeGrant(grant_types.AuthorizationCodeGrant):
    _code_challenge_methods = {"S256": code_challenge_method_s256}


class PasswordGrant(grant_types.ResourceOwnerPasswordCredentialsGrant):
    """oauthlib calls this grant's token modifiers with the token only; keep the request at hand
    (grants are built per HTTP request) so the ID-token modifier can see it."""

    current_request = None

    def create_token_response(self, request, token_handler):
        self.current_request = request
        return super().create_token_response(request, token_handler)


def enabled_grant_types(config) -> list[str]:
    names = ["authorization_code", "refresh_token"]
    if config.get("auth.password_grant"):
        names.append("password")
    names.append("client_credentials")
    return names


class OAuthServer:
    """oauthlib endpoints bound to one request's context."""

    def __init__(self, context: RequestContext):
        self.context = context
        self.validator = JHERequestValidator(context)
        bearer = BearerToken(self.validator, token_generator=lambda request: new_secret(),
                             refresh_token_generator=lambda request: new_secret(),
                             expires_in=int(context.config.get("auth.access_token_lifetime")))
        code_grant = S256AuthorizationCodeGrant(self.validator)
        grants = {
            "authorization_code": code_grant,
            "refresh_token": grant_types.RefreshTokenGrant(self.validator),
            "password": PasswordGrant(self.validator),
            "client_credentials": grant_types.ClientCredentialsGrant(self.validator),
        }
        grants = {name: grants[name] for name in enabled_grant_types(context.config)}
        grants["authorization_code"].register_token_modifier(self.add_id_token)
        grants["refresh_token"].register_token_modifier(self.add_id_token)
        if "password" in grants:
            password = grants["password"]
            password.register_token_modifier(
                lambda token: self.add_id_token(token, bearer, password.current_request))
        self.authorization = AuthorizationEndpoint("code", bearer, {"code": code_grant})
        self.token = TokenEndpoint("authorization_code", bearer, grants)
        self.revocation = RevocationEndpoint(self.validator)
        self.introspection = IntrospectEndpoint(self.validator)

    def add_id_token(self, token, token_handler, request):
        """OpenID Connect: an RS256-signed ID token whenever ``openid`` is among the scopes."""
        if "openid" not in (request.scopes or ()) or request.user is None:
            return token
        token["id_token"] = id_token(self.context, request.user, request.client.client_id,
                                     access_token=token["access_token"],
                                     nonce=getattr(getattr(request, "jhe_code", None), "nonce", None),
                                     scopes=request.scopes)
        return token


def id_token(context: RequestContext, user, audience: str, *, access_token: str, nonce=None, scopes=()) -> str:
    now = datetime.datetime.now(datetime.timezone.utc)
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    claims = {
        "iss": context.issuer,
        "sub": str(user.id),
        "aud": audience,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + int(context.config.get("auth.access_token_lifetime")),
        "at_hash": b64url(digest[:len(digest) // 2]),
    }
    if user.last_login is not None:
        claims["auth_time"] = int(user.last_login.replace(tzinfo=datetime.timezone.utc).timestamp())
    if nonce:
        claims["nonce"] = nonce
    if "email" in scopes:
        claims.update(email=user.email, email_verified=False)
    return keys.signing_key(context.exchange).sign(claims)
