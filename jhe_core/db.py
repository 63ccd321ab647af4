"""Database: one peewee ``DatabaseProxy`` bound per app to SQLite (WAL) or PostgreSQL.

The proxy lives here because peewee models bind to it at class definition; which database it
points at is decided by ``create_app`` from config, so two apps in one process need two
processes or sequential use (tests build one app per module).
"""

import collections
import os
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import peewee
from playhouse.pool import PooledPostgresqlDatabase

from jhe_core.config import ConfigError

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "cache_size": -32000,
}


class MemorySqliteDatabase(peewee.SqliteDatabase):
    """An in-memory database for tests: one connection shared by all threads, never closed
    (closing it would throw the data away)."""

    def close(self):
        return False


class SqlitePool(peewee.SqliteDatabase):
    """SQLite with idle connections kept for reuse, most recently returned first.

    A new connection would re-run the pragmas and, when it was the last one open, checkpoint the
    WAL on close (45% of the CPU of a read by id). The last connection returned is the next one
    handed out, so requests one after another share one warm page cache (a write through another
    connection empties it). A ``deque`` needs no lock of its own: with peewee's pool (a lock, a
    heap and clock reads per check-out) reads by id over HTTP ran ~15% slower."""

    def __init__(self, *args, max_idle: int = 32, **kwargs):
        super().__init__(*args, **kwargs)
        self._idle = collections.deque()
        self._max_idle = max_idle

    def _connect(self):
        try:
            return self._idle.pop()
        except IndexError:
            return super()._connect()

    def _close(self, conn):
        if conn.in_transaction:  # never hand a half-done transaction to the next request
            conn.rollback()
        if len(self._idle) < self._max_idle:
            self._idle.append(conn)
        else:
            conn.close()

    def close_all(self) -> None:
        """Close the idle connections (before forking workers)."""
        while self._idle:
            self._idle.pop().close()


class PostgresPool(PooledPostgresqlDatabase):
    """Pooled PostgreSQL that trusts a connection returned to the pool moments ago.

    peewee checks every connection it hands out with a ``SELECT 1`` round trip — as long as a
    whole read by id. A connection back in the pool less than ``PING_AFTER`` seconds ago, whose
    last transaction ended cleanly, is handed out as it is; an idle one is still checked (the
    server may have closed it meanwhile)."""

    PING_AFTER = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._returned_at = {}  # connection key -> monotonic time it came back to the pool

    def _is_closed(self, conn):
        returned = self._returned_at.pop(self.conn_key(conn), None)
        if conn.closed or self._adapter.txn_status(conn) != self._adapter.txn_idle:
            return super()._is_closed(conn)
        if returned is not None and time.monotonic() - returned < self.PING_AFTER:
            return False
        return super()._is_closed(conn)

    def _close(self, conn, close_conn=False):
        if not close_conn:
            self._returned_at[self.conn_key(conn)] = time.monotonic()
        return super()._close(conn, close_conn)


def make_database(url: str) -> peewee.Database:
    """A peewee database for a ``sqlite:///path`` or ``postgresql://user@host:port/name`` URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path[1:] if parsed.path.startswith("//") else parsed.path) or ":memory:"
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            path = url[len("sqlite:///"):]
        if path == ":memory:":
            return MemorySqliteDatabase(":memory:", pragmas=SQLITE_PRAGMAS, check_same_thread=False,
                                        thread_safe=False)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqlitePool(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    if parsed.scheme in ("postgres", "postgresql"):
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return PostgresPool(
            parsed.path.lstrip("/") or "postgres",
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            # ?host=/var/run/postgresql: a Unix socket, as libpq spells it
            host=options.pop("host", None) or parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            max_connections=int(options.pop("max_connections", 32)),
            stale_timeout=300,
            **options,
        )
    raise ConfigError(f"database_url: expected sqlite:///PATH or postgresql://..., got {url!r}")


def bind(url: str) -> peewee.Database:
    """Point the shared proxy at a new database for ``url`` and return it."""
    db = make_database(url)
    activate(db)
    return db


def activate(db) -> None:
    """Point the shared proxy at ``db`` (closing this thread's connection to the previous one)."""
    current = database.obj
    if current is db:
        return
    if current is not None and not current.is_closed():
        current.close()
    database.initialize(db)


def is_postgres(db=None) -> bool:
    db = db or database.obj
    return isinstance(db, peewee.PostgresqlDatabase)


def rows_planned_now(db, sql: str, params) -> list[tuple]:
    """Run ``sql`` planned with these values and the table sizes of now. psycopg 3 prepares a
    statement after five runs and PostgreSQL may then keep a generic plan made when a table
    was empty (a scan that grows with the table) or that ignores the values' selectivity (a
    search count went from 1 ms to 13 ms)."""
    db = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    if not is_postgres(db):
        return db.execute_sql(sql, params).fetchall()
    with peewee.__exception_wrapper__:
        cursor = db.cursor()
        cursor.execute(sql, params, prepare=False)
        return cursor.fetchall()


class ConnectionMiddleware:
    """One connection per request, returned to the pool (or closed) afterwards.

    (A connection kept by each thread instead saved a little on reads, but every write through
    another thread's connection emptied the others' page caches: ingest at 1M rows spent 40-60%
    more CPU.)

    It also points the shared proxy at this app's database: a process serves one app, but
    tests build several side by side and use them in turn."""

    def __init__(self, db):
        self.db = db

    def process_request(self, req, resp):
        if database.obj is not self.db:
            database.initialize(self.db)
        database.connect(reuse_if_open=True)

    def process_response(self, req, resp, resource, req_succeeded):
        if not database.is_closed():
            database.close()


def env_database_url() -> str | None:
    return os.environ.get("JHE_DATABASE_URL")
