"""Recently authenticated bearer tokens, remembered by each worker for a few seconds.

Every API request authenticates its token; on a plain read that look-up is half the work (and,
on PostgreSQL, a round trip). A worker therefore remembers a token it has found live for
``auth.token_cache_seconds`` (default 5; 0 turns the cache off), never past the token's own
expiry. Revoking a token or deleting an account forgets everything this worker remembered at
once; other workers stop accepting a revoked token within those seconds — the price of the
cache, documented in docs/auth.md (the same bound applies to an account deactivated in the
database). An entry never outlives its token. Keys are the tokens' SHA-256 hashes, as in the
database; tokens found dead are not remembered.
"""

import time
import weakref

from jhe_core.db import database

MAX_ENTRIES = 10_000  # bounds memory when many clients call one worker

# database -> its cache: tests run several apps (and databases) in one process.
_caches = weakref.WeakKeyDictionary()


class TokenCache:
    def __init__(self, seconds: float, max_entries: int = MAX_ENTRIES):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries = {}  # token hash -> (found, monotonic deadline)

    def get(self, token_hash: str):
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry[1] <= time.monotonic():
            self._entries.pop(token_hash, None)
            return None
        return entry[0]

    def put(self, token_hash: str, found, seconds_left: float) -> None:
        lifetime = min(self.seconds, seconds_left)
        if lifetime <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.pop(next(iter(self._entries), None), None)  # the oldest entry
        self._entries[token_hash] = (found, time.monotonic() + lifetime)

    def clear(self) -> None:
        self._entries.clear()


def enable(db, seconds: float) -> None:
    """Remember live tokens of ``db`` for ``seconds`` in this process (0: do not)."""
    if seconds > 0:
        _caches[db] = TokenCache(seconds)
    else:
        _caches.pop(db, None)


def current() -> TokenCache | None:
    """The cache of the database requests are using now, if it has one."""
    db = database.obj
    return None if db is None else _caches.get(db)


def forget_all() -> None:
    """After a token was revoked or an account removed: look every token up again."""
    cache = current()
    if cache is not None:
        cache.clear()
