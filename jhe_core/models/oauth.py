"""OAuth2 clients, authorization codes (incl. patient invitations), tokens, login attempts.

Secrets, codes and tokens are stored only as SHA-256 hashes; the plain value exists once,
in the response that hands it out.
"""

import peewee

from jhe_core.models.accounts import User
from jhe_core.models.base import BaseModel, utcnow
from jhe_core.models.patients import Patient


class OAuthClient(BaseModel):
    client_id = peewee.CharField(max_length=100, unique=True)
    name = peewee.CharField(max_length=200, default="")
    client_type = peewee.CharField(max_length=20, default="public")  # public | confidential
    secret_hash = peewee.CharField(max_length=255, null=True)
    redirect_uris = peewee.TextField(default="")  # space-separated
    grant_types = peewee.TextField(default="authorization_code refresh_token password")
    skip_authorization = peewee.BooleanField(default=True)  # first-party: no consent screen
    created = peewee.DateTimeField(default=utcnow)

    @property
    def redirect_uri_list(self) -> list[str]:
        return self.redirect_uris.split()

    @property
    def grant_type_list(self) -> list[str]:
        return self.grant_types.split()


class AuthorizationCode(BaseModel):
    """A one-time authorization code: from the login flow, or a patient invitation
    (``purpose="invitation"``, long-lived, bound to the static patient PKCE challenge)."""

    code_hash = peewee.CharField(max_length=64, unique=True)
    client = peewee.ForeignKeyField(OAuthClient, null=True, on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    patient = peewee.ForeignKeyField(Patient, null=True, backref="invitations", on_delete="CASCADE")
    purpose = peewee.CharField(max_length=20, default="login")  # login | invitation
    redirect_uri = peewee.TextField(default="")
    scopes = peewee.TextField(default="")
    code_challenge = peewee.CharField(max_length=128, null=True)
    code_challenge_method = peewee.CharField(max_length=10, null=True)
    nonce = peewee.CharField(max_length=255, null=True)
    claims = peewee.TextField(null=True)
    expires = peewee.DateTimeField()
    used = peewee.BooleanField(default=False)
    created = peewee.DateTimeField(default=utcnow)


class RefreshToken(BaseModel):
    token_hash = peewee.CharField(max_length=64, unique=True)
    client = peewee.ForeignKeyField(OAuthClient, null=True, on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, null=True, on_delete="CASCADE")
    scopes = peewee.TextField(default="")
    expires = peewee.DateTimeField()
    revoked = peewee.DateTimeField(null=True)
    created = peewee.DateTimeField(default=utcnow)
    # The id of the grant's first refresh token; every token rotated from it shares it, so a
    # replayed code or a rotated-away token can withdraw the whole line at once.
    family = peewee.IntegerField(null=True, index=True)


class AccessToken(BaseModel):
    token_hash = peewee.CharField(max_length=64, unique=True)
    client = peewee.ForeignKeyField(OAuthClient, null=True, on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, null=True, on_delete="CASCADE")
    refresh_token = peewee.ForeignKeyField(RefreshToken, null=True, on_delete="SET NULL")
    scopes = peewee.TextField(default="")
    expires = peewee.DateTimeField()
    revoked = peewee.DateTimeField(null=True)
    created = peewee.DateTimeField(default=utcnow)


class LoginAttempt(BaseModel):
    """Failed logins, per account and per address, for rate limiting across workers."""

    key = peewee.CharField(max_length=300, index=True)  # "user:<email>" or "ip:<address>"
    attempted = peewee.DateTimeField(default=utcnow, index=True)
