"""The authorization server's own login session and CSRF tokens, as signed cookies.

``jhe_session`` = ``<user id>.<issued>.<tag>``: the tag is an HMAC over the user id, the issue
time and the user's current password hash, so changing the password ends every session.
Cookies live under ``/o`` only, HttpOnly, SameSite=Lax (the browser must send the session on
the top-level redirect from a client to ``/o/authorize``), Secure when served over HTTPS.

CSRF: a random ``jhe_csrf`` cookie (SameSite=Strict); forms carry an HMAC of it, so a value
planted in the cookie by a sibling site is useless without the server's secret.
"""

import hmac
import secrets
import time

from jhe_core import models as m
from jhe_core.auth.keys import mac

SESSION_COOKIE = "jhe_session"
CSRF_COOKIE = "jhe_csrf"
SESSION_LIFETIME = 8 * 3600
COOKIE_PATH = "/o"


def is_https(req) -> bool:
    return req.forwarded_scheme == "https"


def _session_tag(exchange, user_id: int, issued: int, password_hash: str | None) -> str:
    return mac(exchange, f"session:{user_id}:{issued}:{password_hash or ''}")


def start_session(exchange, req, resp, user: m.User) -> None:
    issued = int(time.time())
    value = f"{user.id}.{issued}.{_session_tag(exchange, user.id, issued, user.password_hash)}"
    resp.set_cookie(SESSION_COOKIE, value, path=COOKIE_PATH, http_only=True, secure=is_https(req),
                    same_site="Lax", max_age=SESSION_LIFETIME)


def end_session(req, resp) -> None:
    resp.unset_cookie(SESSION_COOKIE, path=COOKIE_PATH, same_site="Lax")


def session_user(exchange, req) -> m.User | None:
    """The signed-in user of this browser, if the session cookie is valid and current."""
    value = req.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    try:
        user_id, issued, tag = value.split(".")
        user_id, issued = int(user_id), int(issued)
    except ValueError:
        return None
    if not 0 <= time.time() - issued < SESSION_LIFETIME:
        return None
    user = m.User.get_or_none(m.User.id == user_id)
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(tag.encode(), _session_tag(exchange, user_id, issued, user.password_hash).encode()):
        return None
    return user


def csrf_token(exchange, req, resp) -> str:
    """The token to put in a form; sets the CSRF cookie when the browser has none yet."""
    seed = req.cookies.get(CSRF_COOKIE)
    if not seed or len(seed) > 100:
        seed = secrets.token_urlsafe(32)
        resp.set_cookie(CSRF_COOKIE, seed, path=COOKIE_PATH, http_only=True, secure=is_https(req),
                        same_site="Strict")
    return mac(exchange, f"csrf:{seed}")


def csrf_valid(exchange, req, submitted: str | None) -> bool:
    seed = req.cookies.get(CSRF_COOKIE)
    if not seed or not submitted:
        return False
    return hmac.compare_digest(submitted.encode(), mac(exchange, f"csrf:{seed}").encode())
