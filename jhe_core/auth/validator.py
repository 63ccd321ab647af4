"""The oauthlib ``RequestValidator``: where oauthlib's protocol logic meets jhe's tables.

One validator is built per HTTP request (cheap) so it knows the request's context: the
server's own origins (for path-only redirect URIs), the issuer, the caller's address (login
rate limits) and whether only confidential clients may call (introspection).
"""

import datetime
import hmac
import json

from oauthlib.oauth2 import RequestValidator
from oauthlib.oauth2.rfc6749 import errors

from jhe_core import models as m
from jhe_core.auth import clients, logins, tokens
from jhe_core.errors import TooManyRequests


class RequestContext:
    """What the validator needs to know about the HTTP request it serves."""

    def __init__(self, exchange, *, own_origins, issuer, address=None, confidential_only=False):
        self.exchange = exchange
        self.config = exchange.config
        self.own_origins = list(dict.fromkeys(own_origins))
        self.issuer = issuer
        self.address = address
        self.confidential_only = confidential_only


class JHERequestValidator(RequestValidator):
    def __init__(self, context: RequestContext):
        self.context = context
        self.config = context.config
        self._clients = {}

    # ---------------------------------------------------------------- clients
    def _client(self, client_id):
        if client_id not in self._clients:
            self._clients[client_id] = clients.get_client(client_id)
        return self._clients[client_id]

    def _credentials(self, request):
        basic = clients.basic_credentials(request.headers.get("Authorization"))
        if basic:
            return basic
        return request.client_id, request.client_secret

    def client_authentication_required(self, request, *args, **kwargs):
        client_id, secret = self._credentials(request)
        if client_id and not request.client_id:
            request.client_id = client_id
        if self.context.confidential_only:
            return True
        client = self._client(client_id)
        return client is None or client.client_type == "confidential" or bool(secret)

    def authenticate_client(self, request, *args, **kwargs):
        client_id, secret = self._credentials(request)
        client = self._client(client_id)
        if client is None or client.client_type != "confidential" or not clients.secret_matches(client, secret):
            return False
        if request.client_id and request.client_id != client.client_id:
            return False  # Basic credentials and a body client_id naming another client
        request.client, request.client_id = client, client.client_id
        return True

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        client = self._client(client_id)
        if client is None or client.client_type != "public" or self.context.confidential_only:
            return False
        request.client = client
        return True

    def validate_client_id(self, client_id, request, *args, **kwargs):
        client = self._client(client_id)
        if client is not None:
            request.client = client
        return client is not None

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type == "client_credentials" and client.client_type != "confidential":
            return False
        return grant_type in client.grant_type_list

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        return response_type == "code" and "authorization_code" in client.grant_type_list

    # ---------------------------------------------------------------- redirects and scopes
    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        client = self._client(client_id)
        return client is not None and clients.redirect_allowed(client, redirect_uri, self.context.own_origins)

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs):
        client = self._client(client_id)
        return client and clients.default_redirect_uri(client, self.context.own_origins[0])

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        return bool(scopes) and all(scope in tokens.SCOPES for scope in scopes)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return ["read", "write"]

    def is_pkce_required(self, client_id, request):
        client = self._client(client_id)
        return client is None or client.client_type == "public"

    # ---------------------------------------------------------------- authorization codes
    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        lifetime = int(self.config.get("auth.authorization_code_lifetime"))
        m.AuthorizationCode.create(
            code_hash=tokens.hash_secret(code["code"]), client=request.client, user=request.user,
            purpose="login", redirect_uri=request.redirect_uri, scopes=" ".join(request.scopes),
            code_challenge=request.code_challenge, code_challenge_method=request.code_challenge_method,
            nonce=request.nonce, expires=m.utcnow() + datetime.timedelta(seconds=lifetime))

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        row = m.AuthorizationCode.get_or_none(m.AuthorizationCode.code_hash == tokens.hash_secret(code))
        if row is None or (row.client_id is not None and row.client_id != client.id):
            raise errors.InvalidGrantError(description="Invalid authorization code.", request=request)
        if row.used:
            # RFC 6749 4.1.2: a replayed code may be stolen; withdraw what it gave out.
            revoke_tokens_of_code(row)
            raise errors.InvalidGrantError(description="The authorization code has already been used.",
                                           request=request)
        if row.expires <= m.utcnow():
            raise errors.InvalidGrantError(description="The authorization code has expired.", request=request)
        user = m.User.get_or_none(m.User.id == row.user_id)
        if user is None or not user.is_active:
            raise errors.InvalidGrantError(description="The user is inactive or deleted.", request=request)
        request.user, request.scopes, request.jhe_code = user, row.scopes.split(), row
        return True

    def get_code_challenge(self, code, request):
        row = getattr(request, "jhe_code", None)
        return row.code_challenge if row is not None else None

    def get_code_challenge_method(self, code, request):
        row = getattr(request, "jhe_code", None)
        return row.code_challenge_method if row is not None else None

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs):
        row = request.jhe_code
        if row.purpose == "invitation":  # not issued through /o/authorize: any registered URI
            return clients.redirect_allowed(client, redirect_uri, self.context.own_origins)
        return bool(redirect_uri) and hmac.compare_digest(row.redirect_uri.encode(), redirect_uri.encode())

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        pass  # claimed atomically in save_bearer_token, before any token exists

    # ---------------------------------------------------------------- users and refresh tokens
    def validate_user(self, username, password, client, request, *args, **kwargs):
        if "password" not in client.grant_type_list:
            raise errors.UnauthorizedClientError(description="This client may not use the password grant.",
                                                 request=request)
        try:
            user = logins.authenticate(self.config, username, password, self.context.address)
        except TooManyRequests as exc:
            raise errors.InvalidGrantError(description=exc.message, request=request) from None
        request.user = user
        return user is not None

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        row = m.RefreshToken.get_or_none(m.RefreshToken.token_hash == tokens.hash_secret(refresh_token))
        if row is None or row.client_id != client.id:
            raise errors.InvalidGrantError(description="Invalid refresh token.", request=request)
        if row.revoked is not None:
            # A rotated-away (or revoked) token came back: a copy may be in other hands, so the
            # tokens rotated from it stop working too (RFC 9700 4.14.2).
            tokens.revoke_refresh_family(row)
            raise errors.InvalidGrantError(description="The refresh token has been revoked.", request=request)
        if row.expires <= m.utcnow():
            raise errors.InvalidGrantError(description="The refresh token has expired.", request=request)
        user = m.User.get_or_none(m.User.id == row.user_id) if row.user_id else None
        if row.user_id and (user is None or not user.is_active):
            raise errors.InvalidGrantError(description="The user is inactive or deleted.", request=request)
        request.user, request.jhe_refresh = user, row
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        return request.jhe_refresh.scopes.split()

    def rotate_refresh_token(self, request):
        return True

    # ---------------------------------------------------------------- tokens
    def save_bearer_token(self, token, request, *args, **kwargs):
        database = m.AccessToken._meta.database
        with database.atomic():
            code_row = getattr(request, "jhe_code", None)
            if request.grant_type == "authorization_code" and code_row is not None:
                claimed = (m.AuthorizationCode.update(used=True)
                           .where(m.AuthorizationCode.id == code_row.id, m.AuthorizationCode.used == False)  # noqa: E712
                           .execute())
                if not claimed:  # a concurrent request redeemed it first
                    raise errors.InvalidGrantError(request=request)
            old_refresh, family = getattr(request, "jhe_refresh", None), None
            if request.grant_type == "refresh_token" and old_refresh is not None:
                tokens.revoke_refresh_token(old_refresh)  # rotation: the old pair stops working
                family = tokens.family_of(old_refresh)  # and the new one continues its line
            access_row, refresh_row = tokens.store_tokens(
                self.config, access_token=token["access_token"], refresh_token=token.get("refresh_token"),
                user=request.user, client=request.client, scopes=request.scopes, expires_in=token["expires_in"],
                family=family)
            if code_row is not None and request.grant_type == "authorization_code":
                issued = {"access_token": access_row.id, "refresh_token": refresh_row.id if refresh_row else None}
                (m.AuthorizationCode.update(claims=json.dumps({"issued": issued}))
                 .where(m.AuthorizationCode.id == code_row.id).execute())

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        """RFC 7009: revoke the token if it was issued to the calling client; unknown tokens are
        not an error."""
        token_hash = tokens.hash_secret(token)
        refresh = m.RefreshToken.get_or_none(m.RefreshToken.token_hash == token_hash)
        if refresh is not None and refresh.client_id == request.client.id:
            tokens.revoke_refresh_token(refresh)
            return
        access = m.AccessToken.get_or_none(m.AccessToken.token_hash == token_hash)
        if access is not None and access.client_id == request.client.id:
            tokens.revoke_access_token(access)

    def introspect_token(self, token, token_type_hint, request, *args, **kwargs):
        token_hash = tokens.hash_secret(token)
        row, problem = tokens.lookup_access_token(token)
        kind = "access_token"
        if row is None or problem:
            row = m.RefreshToken.get_or_none(m.RefreshToken.token_hash == token_hash)
            kind = "refresh_token"
            if row is None or row.revoked is not None or row.expires <= m.utcnow():
                return None
        claims = {"scope": row.scopes, "token_type": "Bearer" if kind == "access_token" else kind,
                  "exp": int(row.expires.replace(tzinfo=datetime.timezone.utc).timestamp()),
                  "iat": int(row.created.replace(tzinfo=datetime.timezone.utc).timestamp()),
                  "iss": self.context.issuer}
        if row.client_id:
            claims["client_id"] = row.client.client_id
        if row.user_id:
            claims["sub"] = str(row.user_id)
            claims["username"] = row.user.email
        return claims


def revoke_tokens_of_code(row: m.AuthorizationCode) -> None:
    """Revoke what a redeemed authorization code gave out (recorded in its ``claims``), including
    the refresh tokens rotated from it since."""
    try:
        issued = json.loads(row.claims or "{}").get("issued") or {}
    except ValueError:
        return
    if issued.get("refresh_token"):
        refresh = m.RefreshToken.get_or_none(m.RefreshToken.id == issued["refresh_token"])
        if refresh is not None:  # and every token refreshed from it since
            tokens.revoke_refresh_family(refresh)
    if issued.get("access_token"):
        tokens.revoke_access_tokens(m.AccessToken.id == issued["access_token"])
