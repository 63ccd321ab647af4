"""Password logins, rate-limited per account and per address.

Failed attempts are rows in ``LoginAttempt`` (keys ``user:<email>`` and ``ip:<address>``), so the
limit holds across worker processes. Once a key has ``auth.login_attempts_per_window`` failures
within ``auth.login_window_seconds``, every attempt for it is refused, even with the right
password, until the window has passed. A success clears the account's failures (not the
address's: one known password must not unlock guessing at others).
"""

import datetime

import peewee

from jhe_core import models as m
from jhe_core.auth.passwords import verify_password
from jhe_core.errors import TooManyRequests


def _keys(email: str, address: str | None) -> list[str]:
    keys = [f"user:{email}"]
    if address:
        keys.append(f"ip:{address}")
    return keys


def check_rate_limit(config, email: str, address: str | None) -> None:
    """Raise ``TooManyRequests`` when the account or the address is locked out."""
    limit = int(config.get("auth.login_attempts_per_window"))
    window = int(config.get("auth.login_window_seconds"))
    since = m.utcnow() - datetime.timedelta(seconds=window)
    counts = (m.LoginAttempt.select(m.LoginAttempt.key, peewee.fn.COUNT(m.LoginAttempt.id).alias("n"))
              .where(m.LoginAttempt.key.in_(_keys(email, address)), m.LoginAttempt.attempted > since)
              .group_by(m.LoginAttempt.key))
    for row in counts:
        if row.n >= limit:
            what = "this account" if row.key.startswith("user:") else "your address"
            raise TooManyRequests(f"Too many failed login attempts for {what}; try again in {window} seconds.",
                                  headers={"Retry-After": str(window)})


def record_failure(config, email: str, address: str | None) -> None:
    window = int(config.get("auth.login_window_seconds"))
    now = m.utcnow()
    with m.LoginAttempt._meta.database.atomic():
        m.LoginAttempt.delete().where(m.LoginAttempt.attempted < now - datetime.timedelta(seconds=window)).execute()
        m.LoginAttempt.insert_many([{"key": key, "attempted": now} for key in _keys(email, address)]).execute()


def authenticate(config, email: str, password: str, address: str | None) -> m.User | None:
    """The active user with this email and password, or None. Raises ``TooManyRequests`` while
    the account or address is locked out."""
    email = (email or "").strip().lower()
    check_rate_limit(config, email, address)
    user = m.User.get_or_none(m.User.email == email) if email else None
    encoded = user.password_hash if user is not None and user.is_active else None
    if not verify_password(password or "", encoded):
        record_failure(config, email, address)
        return None
    m.LoginAttempt.delete().where(m.LoginAttempt.key == f"user:{email}").execute()
    m.User.update(last_login=m.utcnow()).where(m.User.id == user.id).execute()
    return user
