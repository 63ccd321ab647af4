"""The first planner statistics of the Observation table on PostgreSQL.

A new database's ``observation`` table has none: PostgreSQL then takes each Bundle's
identifier look-up (``identifier_value IN`` 100 values) to match half the table and scans it,
until autovacuum first analyses the table, a minute or more after the first uploads (a fresh
server ingested 3-8x slower meanwhile). So each worker, once it has stored enough rows to make
it worth it, checks whether the table has statistics and runs the first ``ANALYZE`` itself;
later ones are autovacuum's. On SQLite this does nothing.
"""

import weakref

from jhe_core import models as m
from jhe_core.db import is_postgres

FIRST_ANALYZE_ROWS = 1000


class FirstStatistics:
    """``note(db, count)`` after storing ``count`` rows; analyses the table once, if needed."""

    def __init__(self, after_rows: int = FIRST_ANALYZE_ROWS):
        self.after_rows = after_rows
        # database -> rows stored since this process last looked; absent once it has statistics
        self._stored = weakref.WeakKeyDictionary()
        self._done = weakref.WeakSet()

    def note(self, db, count: int) -> None:
        if db in self._done or not is_postgres(db):
            return
        stored = self._stored.get(db, 0) + count
        if stored < self.after_rows:
            self._stored[db] = stored
            return
        self._stored[db] = 0
        table = m.Observation._meta.table_name
        # reltuples is -1 before the first ANALYZE (or VACUUM), 0 if that saw an empty table
        (known,) = db.execute_sql("SELECT reltuples > 0 FROM pg_class WHERE oid = %s::regclass",
                                  (f'"{table}"',)).fetchone()
        if not known:
            db.execute_sql(f'ANALYZE "{table}"')
        self._done.add(db)


first_statistics = FirstStatistics()
