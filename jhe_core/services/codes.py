"""The codes (CodeableConcept rows) every search and ingest looks up, kept per database.

Codes are only ever added (by ``register_observation_codes``, seeding, administrators), never
changed or removed, so a lookup that finds a code can trust it; one that misses reloads once,
which picks up codes another worker added. This spares each request a query.
"""

import threading
import weakref

from jhe_core import models as m
from jhe_core.db import database

_by_database = weakref.WeakKeyDictionary()  # database -> {(system, code): row}
_lock = threading.Lock()


def _load(db) -> dict:
    rows = {(c.coding_system, c.coding_code): c for c in m.CodeableConcept.select()}
    with _lock:
        _by_database[db] = rows
    return rows


def known_codes() -> dict:
    """``{(system, code): CodeableConcept}`` for the active database (treat rows as read-only)."""
    db = database.obj
    return _by_database.get(db) or _load(db)


def find(system: str, code: str):
    """The row for ``(system, code)``, or None (after one reload, so new codes are seen)."""
    row = known_codes().get((system, code))
    return row if row is not None else _load(database.obj).get((system, code))


def matching_ids(tokens) -> list[int]:
    """Ids of the codes matching ``(system or None, code)`` pairs (None: any system)."""
    def match(codes):
        return sorted({row.id for (system, code), row in codes.items()
                       for wanted_system, wanted in tokens
                       if code == wanted and (wanted_system is None or wanted_system == system)})
    found = match(known_codes())
    return found if len(found) >= len(tokens) else match(_load(database.obj))
