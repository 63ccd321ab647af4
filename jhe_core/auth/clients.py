"""OAuth2 clients: registration, authentication and redirect-URI rules.

A registered redirect URI that is only a path (``/portal/callback``) means "this path on this
server": it matches the same path on any of the server's own origins (the configured
``base_url`` and the address the request came in on), so the bundled portal and mobile
clients work on any deployment without re-registration.
"""

import base64
import binascii
import hmac
from urllib.parse import unquote, urlsplit

from jhe_core import models as m
from jhe_core.auth.tokens import hash_secret, new_secret
from jhe_core.errors import BadRequest, Conflict, NotFound

CLIENT_TYPES = ("public", "confidential")
GRANT_TYPES = ("authorization_code", "refresh_token", "password", "client_credentials")


def get_client(client_id: str | None) -> m.OAuthClient | None:
    if not client_id:
        return None
    return m.OAuthClient.get_or_none(m.OAuthClient.client_id == client_id)


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """``(client_id, secret)`` from an HTTP Basic ``Authorization`` header (RFC 6749 2.3.1:
    both parts are form-urlencoded before base64)."""
    if not header:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return None
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


def secret_matches(client: m.OAuthClient, secret: str | None) -> bool:
    if not client.secret_hash or not secret:
        return False
    return hmac.compare_digest(client.secret_hash, hash_secret(secret))


def is_path(uri: str) -> bool:
    return uri.startswith("/") and not uri.startswith("//")


def redirect_allowed(client: m.OAuthClient, redirect_uri: str, own_origins) -> bool:
    """Whether ``redirect_uri`` (absolute, as the client sent it) is one the client registered.
    Comparison is exact (RFC 6749 3.1.2.3), except that a registered path stands for that path
    on each of ``own_origins``."""
    if not redirect_uri:
        return False
    for registered in client.redirect_uri_list:
        if is_path(registered):
            candidates = [f"{origin}{registered}" for origin in own_origins]
        else:
            candidates = [registered]
        if any(hmac.compare_digest(c.encode(), redirect_uri.encode()) for c in candidates):
            return True
    return False


def default_redirect_uri(client: m.OAuthClient, own_origin: str) -> str | None:
    """The redirect URI to use when the request names none: only when exactly one is registered."""
    registered = client.redirect_uri_list
    if len(registered) != 1:
        return None
    return f"{own_origin}{registered[0]}" if is_path(registered[0]) else registered[0]


def check_redirect_uri(uri: str) -> str:
    """A registrable redirect URI: a path on this server, an absolute http(s) URI, or an app's
    private-use scheme (``org.example.app:/callback``); never with a fragment."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    absolute = bool(scheme) and scheme not in ("javascript", "data", "vbscript", "file") and (
        bool(parts.netloc) or scheme not in ("http", "https"))
    if parts.fragment or not (is_path(uri) or absolute):
        raise BadRequest(f"Redirect URI {uri!r} must be an absolute URI without a fragment, or a path such as "
                         "/portal/callback.", path="redirect_uri")
    return uri


def create_client(client_id: str, *, name: str = "", client_type: str = "public", redirect_uris=(),
                  grant_types=(), skip_authorization: bool = True) -> tuple[m.OAuthClient, str | None]:
    """Register a client; returns it and, for a confidential client, its secret (shown once)."""
    client_id = (client_id or "").strip()
    if not client_id or len(client_id) > 100 or any(ch.isspace() for ch in client_id):
        raise BadRequest("Client id must be 1 to 100 characters without spaces.", path="client_id")
    if get_client(client_id) is not None:
        raise Conflict(f"A client with id {client_id!r} already exists.", path="client_id")
    if client_type not in CLIENT_TYPES:
        raise BadRequest(f"Client type must be one of {', '.join(CLIENT_TYPES)}.", path="client_type")
    if not grant_types:
        grant_types = (("authorization_code", "refresh_token", "client_credentials") if client_type == "confidential"
                       else ("authorization_code", "refresh_token"))
    unknown = [g for g in grant_types if g not in GRANT_TYPES]
    if unknown:
        raise BadRequest(f"Unknown grant type {unknown[0]!r}; use {', '.join(GRANT_TYPES)}.", path="grant_types")
    if "client_credentials" in grant_types and client_type != "confidential":
        raise BadRequest("The client_credentials grant needs a confidential client.", path="grant_types")
    redirect_uris = [check_redirect_uri(uri) for uri in redirect_uris]
    if "authorization_code" in grant_types and not redirect_uris:
        raise BadRequest("The authorization_code grant needs at least one redirect URI.", path="redirect_uris")
    secret = new_secret() if client_type == "confidential" else None
    client = m.OAuthClient.create(
        client_id=client_id, name=name or client_id, client_type=client_type,
        secret_hash=hash_secret(secret) if secret else None, redirect_uris=" ".join(redirect_uris),
        grant_types=" ".join(dict.fromkeys(grant_types)), skip_authorization=skip_authorization)
    return client, secret


def list_clients() -> list[m.OAuthClient]:
    return list(m.OAuthClient.select().order_by(m.OAuthClient.client_id))


def delete_client(client_id: str) -> None:
    client = get_client(client_id)
    if client is None:
        raise NotFound(f"No client with id {client_id!r}.")
    client.delete_instance()  # codes and tokens go with it (ON DELETE CASCADE)
