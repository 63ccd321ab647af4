"""Key material kept in the data directory: the RS256 key that signs ID tokens (served as a
JWKS), and the secret that signs login-session and CSRF cookies.

Files are created once, atomically (several workers may start together), readable only by
the owner. ``auth.signing_key_file`` names a PEM private key to use instead of a generated one.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from jhe_core.config import ConfigError

SIGNING_KEY_FILE = "oidc-signing-key.pem"
SESSION_SECRET_FILE = "session-secret"


def keys_dir(config) -> Path:
    return config.data_dir / "keys"


def read_or_create(path: Path, make) -> bytes:
    """The file's bytes; when it is missing, write ``make()`` there first (mode 0600). A
    concurrent creator may win the race; then its content is the one everybody uses."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(make())
    try:
        os.link(temporary, path)  # atomic, and fails if the file appeared meanwhile
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)
    return path.read_bytes()


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class SigningKey:
    private_key: object
    kid: str
    public_jwk: dict

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})


def _new_private_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_signing_key(config) -> SigningKey:
    configured = config.get("auth.signing_key_file")
    if configured:
        try:
            pem = Path(configured).expanduser().read_bytes()
        except OSError as exc:
            raise ConfigError(f"auth.signing_key_file: cannot read {configured}: {exc.strerror}") from None
    else:
        pem = read_or_create(keys_dir(config) / SIGNING_KEY_FILE, _new_private_key_pem)
    try:
        private_key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"auth.signing_key_file: not an unencrypted PEM private key ({exc})") from None
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ConfigError("auth.signing_key_file: ID tokens are signed with RS256, so the key must be RSA")
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    # RFC 7638 thumbprint: a kid that changes exactly when the key does.
    thumbprint = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    kid = b64url(hashlib.sha256(thumbprint.encode("ascii")).digest())
    public_jwk = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": jwk["n"], "e": jwk["e"]}
    return SigningKey(private_key, kid, public_jwk)


def signing_key(exchange) -> SigningKey:
    """The app's ID-token key, loaded once per app (created at startup when missing)."""
    key = exchange.services.get("core.auth.signing_key")
    if key is None:
        key = exchange.services["core.auth.signing_key"] = load_signing_key(exchange.config)
    return key


def jwks(exchange) -> dict:
    return {"keys": [signing_key(exchange).public_jwk]}


def session_secret(exchange) -> bytes:
    secret = exchange.services.get("core.auth.session_secret")
    if secret is None:
        secret = read_or_create(keys_dir(exchange.config) / SESSION_SECRET_FILE,
                                lambda: secrets.token_hex(32).encode("ascii"))
        exchange.services["core.auth.session_secret"] = secret
    return secret


def mac(exchange, message: str) -> str:
    """An HMAC-SHA256 tag of ``message`` under the session secret."""
    return b64url(hmac.new(session_secret(exchange), message.encode("utf-8"), hashlib.sha256).digest())
