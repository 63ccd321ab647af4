"""Patient invitation codes: one-time authorization codes a patient's app exchanges for a token.

A practitioner invites a patient; the invitation link carries a code. The mobile app posts it
to ``/o/token/`` with ``grant_type=authorization_code``, its ``client_id``, one of its
registered ``redirect_uri`` values and ``code_verifier`` = the deployment's static patient
verifier, and receives a token for the patient (scopes ``openid read write``).

The code is bound to a static PKCE challenge (the guide's ``PATIENT_AUTHORIZATION_CODE_*``):
``auth.patient_code_challenge`` / ``auth.patient_code_verifier``. When both are empty, a pair
is generated once into ``<data_dir>/keys/patient-pkce.json`` and used from then on (the app
must then be configured with that verifier; ``patient_code_verifier(exchange)`` returns it).
"""

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import string

from jhe_core import models as m
from jhe_core.auth.keys import keys_dir, read_or_create
from jhe_core.auth.tokens import hash_secret
from jhe_core.config import ConfigError
from jhe_core.errors import BadRequest

PKCE_FILE = "patient-pkce.json"
INVITATION_SCOPES = "openid read write"
CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 30  # ~178 bits; letters and digits only, so it survives any link format


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier (RFC 7636 4.2)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("utf-8")).digest()).decode("ascii").rstrip("=")


def _generated_pair() -> bytes:
    verifier = secrets.token_urlsafe(48)
    return json.dumps({"verifier": verifier, "challenge": s256(verifier)}).encode("ascii")


def load_patient_pkce(config) -> tuple[str, str]:
    """``(verifier, challenge)`` from config, else from the generated file. The verifier is ""
    when only the challenge is configured (the server never needs the verifier itself)."""
    verifier = config.get("auth.patient_code_verifier") or ""
    challenge = config.get("auth.patient_code_challenge") or ""
    if verifier and challenge:
        if not hmac.compare_digest(s256(verifier).encode(), challenge.encode()):
            raise ConfigError("auth.patient_code_challenge is not the S256 challenge of auth.patient_code_verifier")
        return verifier, challenge
    if verifier:
        return verifier, s256(verifier)
    if challenge:
        return "", challenge
    stored = json.loads(read_or_create(keys_dir(config) / PKCE_FILE, _generated_pair))
    return stored["verifier"], stored["challenge"]


def patient_pkce(exchange) -> tuple[str, str]:
    pair = exchange.services.get("core.auth.patient_pkce")
    if pair is None:
        pair = exchange.services["core.auth.patient_pkce"] = load_patient_pkce(exchange.config)
    return pair


def patient_code_verifier(exchange) -> str:
    """The static verifier the patient app sends with an invitation code ("" if only the
    challenge is configured)."""
    return patient_pkce(exchange)[0]


def issue_invitation_code(exchange, patient: m.Patient, lifetime: int | None = None) -> str:
    """A new one-time invitation code for ``patient`` (returned in plain text, stored hashed).

    Valid ``lifetime`` seconds (default ``auth.invitation_code_lifetime``, two weeks); the
    patient's earlier invitation codes stop working.
    """
    if patient.user_id is None:
        raise BadRequest("This patient has no user account to sign in with.")
    seconds = int(lifetime if lifetime is not None else exchange.config.get("auth.invitation_code_lifetime"))
    if seconds < 1:
        raise BadRequest("The invitation lifetime must be at least one second.", path="lifetime")
    _, challenge = patient_pkce(exchange)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with m.AuthorizationCode._meta.database.atomic():
        m.AuthorizationCode.delete().where(m.AuthorizationCode.patient == patient.id,
                                           m.AuthorizationCode.purpose == "invitation").execute()
        m.AuthorizationCode.create(
            code_hash=hash_secret(code), client=None, user=patient.user_id, patient=patient.id,
            purpose="invitation", redirect_uri="", scopes=INVITATION_SCOPES, code_challenge=challenge,
            code_challenge_method="S256", expires=m.utcnow() + datetime.timedelta(seconds=seconds))
    return code
