"""Password hashing with scrypt (memory-hard, standard library); constant-time checks."""

import base64
import hashlib
import hmac
import secrets

# n=2**14, r=8: ~16 MiB and ~50 ms per hash: costly to brute-force, cheap enough per login.
N, R, P, DKLEN = 2 ** 14, 8, 1, 32


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=DKLEN, maxmem=64 * 1024 * 1024)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str | None) -> bool:
    if not encoded or not password:
        # Still spend the time, so a missing account is not told apart by timing.
        hashlib.scrypt(b"x", salt=b"0" * 16, n=N, r=R, p=P, dklen=DKLEN, maxmem=64 * 1024 * 1024)
        return False
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        assert scheme == "scrypt"
        expected = _unb64(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, AssertionError):
        return False
    return hmac.compare_digest(actual, expected)
