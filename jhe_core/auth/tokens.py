"""Access and refresh tokens: random strings handed out once, stored as SHA-256 hashes."""

import datetime
import hashlib
import secrets

from jhe_core import models as m
from jhe_core.actors import Actor


def hash_secret(value: str) -> str:
    """The stored form of a token, code or client secret (high-entropy, so no salt is needed)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def issue_tokens(config, *, user=None, client=None, scopes=("read", "write"), refresh: bool = True) -> dict:
    """Create an access token (and a refresh token) and return the token response body."""
    now = m.utcnow()
    lifetime = int(config.get("auth.access_token_lifetime"))
    scope = " ".join(scopes)
    body = {"token_type": "Bearer", "expires_in": lifetime, "scope": scope}
    refresh_row = None
    if refresh:
        body["refresh_token"] = new_secret()
        refresh_row = m.RefreshToken.create(
            token_hash=hash_secret(body["refresh_token"]), client=client, user=user, scopes=scope,
            expires=now + datetime.timedelta(seconds=int(config.get("auth.refresh_token_lifetime"))))
    body["access_token"] = new_secret()
    m.AccessToken.create(token_hash=hash_secret(body["access_token"]), client=client, user=user,
                         refresh_token=refresh_row, scopes=scope,
                         expires=now + datetime.timedelta(seconds=lifetime))
    return body


def find_access_token(token: str) -> m.AccessToken | None:
    """The live token row for a bearer string: not expired, not revoked, user still active."""
    row = (m.AccessToken.select(m.AccessToken, m.User, m.OAuthClient)
           .join(m.User, m.JOIN.LEFT_OUTER, on=(m.AccessToken.user == m.User.id))
           .switch(m.AccessToken)
           .join(m.OAuthClient, m.JOIN.LEFT_OUTER, on=(m.AccessToken.client == m.OAuthClient.id))
           .where(m.AccessToken.token_hash == hash_secret(token))
           .first())
    if row is None or row.revoked is not None or row.expires <= m.utcnow():
        return None
    if row.user_id is not None and not row.user.is_active:
        return None
    return row


def actor_for_token(token: str) -> Actor | None:
    row = find_access_token(token)
    if row is None:
        return None
    return Actor(user=row.user if row.user_id else None, client=row.client if row.client_id else None,
                 scopes=frozenset(row.scopes.split()), token=row)


def bearer_from_header(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
