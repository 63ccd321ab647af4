"""Database connections: SQLite's idle connections (last returned, first out; no open
transaction handed on); PostgreSQL URLs; the PostgreSQL pool hands a just-returned connection
out again without a round trip, and still replaces one the server closed while it sat idle."""

import sqlite3

import psycopg
import pytest
from playhouse.pool import PooledPostgresqlDatabase

from jhe_core.db import PostgresPool, SqlitePool, make_database
from jhe_core.testing import database_url_for_tests

URL = database_url_for_tests()
postgres_only = pytest.mark.skipif(not URL.startswith("postgres"), reason="PostgreSQL only (JHE_TEST_DATABASE_URL)")


def test_sqlite_hands_out_the_connection_returned_last_and_never_an_open_transaction(tmp_path):
    db = make_database(f"sqlite:///{tmp_path / 'jhe.db'}")
    assert isinstance(db, SqlitePool)
    db.connect()
    first = db.connection()
    db.execute_sql("CREATE TABLE t (x INTEGER)")
    db.execute_sql("BEGIN")  # a request that forgot its transaction
    db.execute_sql("INSERT INTO t VALUES (1)")
    db._state.transactions.clear()  # as if peewee had lost track of it
    db.close()
    db.connect()
    assert db.connection() is first  # the warm one, pragmas already set
    assert db.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute_sql("SELECT count(*) FROM t").fetchone() == (0,)  # rolled back on return
    db.close()
    db.close_all()
    with pytest.raises(sqlite3.ProgrammingError):
        first.execute("SELECT 1")  # closed, not left behind for forked workers


def test_sqlite_keeps_a_bounded_number_of_idle_connections(tmp_path):
    db = SqlitePool(str(tmp_path / "jhe.db"), max_idle=2)
    raw = [db._connect() for _ in range(3)]
    for conn in raw:
        db._close(conn)
    assert list(db._idle) == raw[:2]
    with pytest.raises(sqlite3.ProgrammingError):
        raw[2].execute("SELECT 1")
    db.close_all()


def test_a_postgresql_url_may_name_a_unix_socket_directory():
    db = make_database("postgresql://postgres@/jhe?host=/var/run/postgresql&max_connections=4")
    assert db.connect_params["host"] == "/var/run/postgresql" and db.database == "jhe"
    assert db._max_connections == 4


@pytest.fixture
def pool():
    db = make_database(URL)
    assert isinstance(db, PostgresPool)
    yield db
    db.close_all()


def backend_pid(db) -> int:
    with db.connection_context():
        return db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


@postgres_only
def test_a_connection_just_returned_is_reused_without_a_check(pool, monkeypatch):
    first = backend_pid(pool)
    checks = []
    # peewee's own check, which PostgresPool falls back on, records its calls here
    monkeypatch.setattr(PooledPostgresqlDatabase, "_is_closed", lambda self, conn: checks.append(conn) or False,
                        raising=False)
    assert backend_pid(pool) == first
    assert checks == []  # peewee's own check (a SELECT 1 round trip) was not needed


@postgres_only
def test_an_idle_connection_closed_by_the_server_is_replaced(pool, monkeypatch):
    first = backend_pid(pool)
    monkeypatch.setattr(PostgresPool, "PING_AFTER", 0.0)  # every returned connection counts as idle
    with psycopg.connect(URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (first,))
    second = backend_pid(pool)  # answers: the dead connection was noticed and discarded
    assert second != first
