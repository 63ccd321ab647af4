"""Database connections: PostgreSQL URLs; the PostgreSQL pool hands a just-returned connection
out again without a round trip, and still replaces one the server closed while it sat idle."""

import psycopg
import pytest
from playhouse.pool import PooledPostgresqlDatabase

from jhe_core.db import PostgresPool, make_database
from jhe_core.testing import database_url_for_tests

URL = database_url_for_tests()
postgres_only = pytest.mark.skipif(not URL.startswith("postgres"), reason="PostgreSQL only (JHE_TEST_DATABASE_URL)")


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
