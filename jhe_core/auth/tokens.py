"""Access and refresh tokens: random strings handed out once, stored as SHA-256 hashes."""

import datetime
import hashlib
import secrets

from jhe_core import models as m
from jhe_core.actors import Actor

SCOPES = ("openid", "email", "read", "write")


def hash_secret(value: str) -> str:
    """The stored form of a token, code or client secret (high-entropy, so no salt is needed)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def store_tokens(config, *, access_token: str, refresh_token: str | None, user=None, client=None,
                 scopes=(), expires_in: int | None = None) -> tuple[m.AccessToken, m.RefreshToken | None]:
    """Store the hashes of freshly generated tokens; the plain values are never kept."""
    now = m.utcnow()
    scope = " ".join(scopes)
    lifetime = int(expires_in or config.get("auth.access_token_lifetime"))
    refresh_row = None
    if refresh_token:
        refresh_row = m.RefreshToken.create(
            token_hash=hash_secret(refresh_token), client=client, user=user, scopes=scope,
            expires=now + datetime.timedelta(seconds=int(config.get("auth.refresh_token_lifetime"))))
    access_row = m.AccessToken.create(token_hash=hash_secret(access_token), client=client, user=user,
                                      refresh_token=refresh_row, scopes=scope,
                                      expires=now + datetime.timedelta(seconds=lifetime))
    return access_row, refresh_row


def issue_tokens(config, *, user=None, client=None, scopes=("read", "write"), refresh: bool = True) -> dict:
    """Create an access token (and a refresh token) and return the token response body."""
    body = {"access_token": new_secret(), "expires_in": int(config.get("auth.access_token_lifetime")),
            "token_type": "Bearer", "scope": " ".join(scopes)}
    if refresh:
        body["refresh_token"] = new_secret()
    store_tokens(config, access_token=body["access_token"], refresh_token=body.get("refresh_token"),
                 user=user, client=client, scopes=scopes)
    return body


def revoke_refresh_token(row: m.RefreshToken) -> None:
    """Revoke a refresh token and every access token issued with it."""
    now = m.utcnow()
    m.RefreshToken.update(revoked=now).where(m.RefreshToken.id == row.id, m.RefreshToken.revoked.is_null()).execute()
    m.AccessToken.update(revoked=now).where(m.AccessToken.refresh_token == row.id,
                                            m.AccessToken.revoked.is_null()).execute()


def revoke_access_token(row: m.AccessToken) -> None:
    m.AccessToken.update(revoked=m.utcnow()).where(m.AccessToken.id == row.id,
                                                   m.AccessToken.revoked.is_null()).execute()


def lookup_access_token(token: str) -> tuple[m.AccessToken | None, str | None]:
    """The token row and, when it cannot be used, why (the message a 401 carries)."""
    row = (m.AccessToken.select(m.AccessToken, m.User, m.OAuthClient)
           .join(m.User, m.JOIN.LEFT_OUTER, on=(m.AccessToken.user == m.User.id))
           .switch(m.AccessToken)
           .join(m.OAuthClient, m.JOIN.LEFT_OUTER, on=(m.AccessToken.client == m.OAuthClient.id))
           .where(m.AccessToken.token_hash == hash_secret(token))
           .first())
    if row is None:
        return None, "Invalid token."
    if row.revoked is not None:
        return row, "Token has been revoked."
    if row.expires <= m.utcnow():
        return row, "Token has expired."
    if row.user_id is not None and not row.user.is_active:
        return row, "User inactive or deleted."
    return row, None


def find_access_token(token: str) -> m.AccessToken | None:
    """The live token row for a bearer string: not expired, not revoked, user still active."""
    row, problem = lookup_access_token(token)
    return None if problem else row


def actor_for_row(row: m.AccessToken) -> Actor:
    return Actor(user=row.user if row.user_id else None, client=row.client if row.client_id else None,
                 scopes=frozenset(row.scopes.split()), token=row)


def actor_for_token(token: str) -> Actor | None:
    row = find_access_token(token)
    return None if row is None else actor_for_row(row)


def bearer_from_header(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
