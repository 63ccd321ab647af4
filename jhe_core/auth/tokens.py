"""Access and refresh tokens: random strings handed out once, stored as SHA-256 hashes."""

import datetime
import hashlib
import secrets

from jhe_core import models as m
from jhe_core.actors import UNKNOWN, Actor
from jhe_core.auth import token_cache
from jhe_core.prepared import Prepared, as_instance

SCOPES = ("openid", "email", "read", "write")


def hash_secret(value: str) -> str:
    """The stored form of a token, code or client secret (high-entropy, so no salt is needed)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def store_tokens(config, *, access_token: str, refresh_token: str | None, user=None, client=None,
                 scopes=(), expires_in: int | None = None,
                 family: int | None = None) -> tuple[m.AccessToken, m.RefreshToken | None]:
    """Store the hashes of freshly generated tokens; the plain values are never kept.

    :param family: the family of the refresh token this one replaces (rotation); a new grant
        starts its own."""
    now = m.utcnow()
    scope = " ".join(scopes)
    lifetime = int(expires_in or config.get("auth.access_token_lifetime"))
    refresh_row = None
    if refresh_token:
        refresh_row = m.RefreshToken.create(
            token_hash=hash_secret(refresh_token), client=client, user=user, scopes=scope, family=family,
            expires=now + datetime.timedelta(seconds=int(config.get("auth.refresh_token_lifetime"))))
        if family is None:
            refresh_row.family = refresh_row.id
            m.RefreshToken.update(family=refresh_row.id).where(m.RefreshToken.id == refresh_row.id).execute()
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
    m.RefreshToken.update(revoked=m.utcnow()).where(m.RefreshToken.id == row.id,
                                                    m.RefreshToken.revoked.is_null()).execute()
    revoke_access_tokens(m.AccessToken.refresh_token == row.id)


def family_of(row: m.RefreshToken) -> int:
    return row.family if row.family is not None else row.id  # tokens stored before families


def revoke_refresh_family(row: m.RefreshToken) -> None:
    """Revoke every refresh token rotated from the same grant as ``row`` (and their access
    tokens): RFC 9700 4.14.2, for a replayed code or a rotated-away token presented again."""
    family = family_of(row)
    members = m.RefreshToken.select(m.RefreshToken.id).where(
        (m.RefreshToken.family == family) | (m.RefreshToken.id == family))
    m.RefreshToken.update(revoked=m.utcnow()).where(m.RefreshToken.id.in_(members),
                                                    m.RefreshToken.revoked.is_null()).execute()
    revoke_access_tokens(m.AccessToken.refresh_token.in_(members))


def revoke_access_token(row: m.AccessToken) -> None:
    revoke_access_tokens(m.AccessToken.id == row.id)


def revoke_access_tokens(condition) -> None:
    """Revoke the live access tokens matching ``condition``; this worker stops accepting them
    at once (others within ``auth.token_cache_seconds``)."""
    m.AccessToken.update(revoked=m.utcnow()).where(condition, m.AccessToken.revoked.is_null()).execute()
    token_cache.forget_all()


# Whole rows (never partial instances, which could overwrite columns if saved).
TOKEN_FIELDS = tuple(m.AccessToken._meta.sorted_fields)
USER_FIELDS = tuple(m.User._meta.sorted_fields)
CLIENT_FIELDS = tuple(m.OAuthClient._meta.sorted_fields)

# Every authenticated request runs this: one query for the token, its user and client, and
# whether the user is a practitioner and/or a patient.
TOKEN_LOOKUP = Prepared(lambda token_hash: (
    m.AccessToken.select(*TOKEN_FIELDS, *USER_FIELDS, *CLIENT_FIELDS, m.Practitioner.id, m.Patient.id)
    .join(m.User, m.JOIN.LEFT_OUTER, on=(m.AccessToken.user == m.User.id))
    .join(m.Practitioner, m.JOIN.LEFT_OUTER, on=(m.Practitioner.user == m.User.id))
    .switch(m.User)
    .join(m.Patient, m.JOIN.LEFT_OUTER, on=(m.Patient.user == m.User.id))
    .switch(m.AccessToken)
    .join(m.OAuthClient, m.JOIN.LEFT_OUTER, on=(m.AccessToken.client == m.OAuthClient.id))
    .where(m.AccessToken.token_hash == token_hash)))


def _found_token(token_hash: str):
    """``(token row with .user and .client set, practitioner id, patient id)`` or None."""
    values = TOKEN_LOOKUP.first(token_hash)
    if values is None:
        return None
    cut = [len(TOKEN_FIELDS), len(USER_FIELDS), len(CLIENT_FIELDS)]
    token_values, rest = values[:cut[0]], values[cut[0]:]
    user_values, rest = rest[:cut[1]], rest[cut[1]:]
    client_values, (practitioner_id, patient_id) = rest[:cut[2]], rest[cut[2]:]
    row = as_instance(m.AccessToken, TOKEN_FIELDS, token_values)
    row.user = as_instance(m.User, USER_FIELDS, user_values) if row.user_id is not None else None
    row.client = as_instance(m.OAuthClient, CLIENT_FIELDS, client_values) if row.client_id is not None else None
    return row, practitioner_id, patient_id


def _problem(found) -> str | None:
    """Why a found token (or None) cannot be used, or None when it can."""
    if found is None:
        return "Invalid token."
    row = found[0]
    if row.revoked is not None:
        return "Token has been revoked."
    if row.expires <= m.utcnow():
        return "Token has expired."
    if row.user_id is not None and not row.user.is_active:
        return "User inactive or deleted."
    return None


def lookup_access_token(token: str) -> tuple[m.AccessToken | None, str | None]:
    """The token row and, when it cannot be used, why (the message a 401 carries). Always
    read from the database (introspection answers with what is stored now)."""
    found = _found_token(hash_secret(token))
    return (found[0] if found else None), _problem(found)


def find_access_token(token: str) -> m.AccessToken | None:
    """The live token row for a bearer string: not expired, not revoked, user still active."""
    row, problem = lookup_access_token(token)
    return None if problem else row


def actor_for_row(row: m.AccessToken, practitioner_id=UNKNOWN, patient_id=UNKNOWN) -> Actor:
    return Actor(user=row.user if row.user_id else None, client=row.client if row.client_id else None,
                 scopes=frozenset(row.scopes.split()), token=row,
                 known_practitioner_id=practitioner_id, known_patient_id=patient_id)


def authenticate(token: str) -> tuple[Actor | None, str | None]:
    """The actor a bearer token stands for, or None and the reason it is refused. A token found
    live recently is taken from this worker's ``token_cache`` (the rows it holds are shared
    between requests and never modified)."""
    token_hash = hash_secret(token)
    cache = token_cache.current()
    found = cache.get(token_hash) if cache is not None else None
    remembered = found is not None
    if not remembered:
        found = _found_token(token_hash)
    problem = _problem(found)
    if problem:
        return None, problem
    row, practitioner_id, patient_id = found
    if cache is not None and not remembered:
        cache.put(token_hash, found, (row.expires - m.utcnow()).total_seconds())
    return actor_for_row(row, practitioner_id, patient_id), None


def actor_for_token(token: str) -> Actor | None:
    return authenticate(token)[0]


def bearer_from_header(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
