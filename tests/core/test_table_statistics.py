"""A new PostgreSQL database gets its Observation statistics from the app, not a minute later."""

import pytest

from jhe_core import models as m
from jhe_core.db import is_postgres
from jhe_core.services.table_statistics import FirstStatistics
from jhe_core.testing import make_test_app


@pytest.fixture(scope="module")
def db():
    app = make_test_app(enabled=[])  # fresh tables; the demo observations stored through ingest
    with app.exchange.db.connection_context():
        yield app.exchange.db


def reltuples(db) -> float:
    return db.execute_sql("SELECT reltuples FROM pg_class WHERE oid = 'observation'::regclass").fetchone()[0]


def test_the_first_analyze_comes_once_enough_rows_are_stored(db):
    if not is_postgres(db):
        statistics = FirstStatistics(after_rows=1)
        statistics.note(db, 5)  # SQLite: nothing to do, nothing fails
        assert db not in statistics._done
        return
    stored = m.Observation.select().count()
    assert stored > 0 and reltuples(db) <= 0  # never analysed: the planner would guess
    statistics = FirstStatistics(after_rows=100)
    statistics.note(db, 99)
    assert reltuples(db) <= 0
    statistics.note(db, 1)
    assert reltuples(db) == stored
    assert db in statistics._done
