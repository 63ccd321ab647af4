"""Migrations on an empty database and on an older schema, on SQLite and PostgreSQL."""

import pytest

from jhe_core import migrations
from jhe_core import models as m
from jhe_core.db import bind
from jhe_core.testing import database_url_for_tests


@pytest.fixture
def db():
    database = bind(database_url_for_tests())
    with database.connection_context():
        migrations.drop_everything(database)
        yield database
        migrations.drop_everything(database)


def test_empty_database_migrates_to_head(db):
    applied = migrations.migrate(db)
    assert applied["core"] == [1, 2, 3]
    assert migrations.current_version(db) == migrations.head_version()
    for model in m.CORE_MODELS:
        assert db.table_exists(model._meta.table_name), model.__name__
    assert m.Organization.get_by_id(0).name == "ROOT"


def test_migrating_twice_changes_nothing(db):
    migrations.migrate(db)
    assert migrations.migrate(db) == {"core": []}


def test_older_schema_is_brought_forward_keeping_data(db):
    # A database as the first release left it: only migration 1.
    migrations.apply(db, "core", migrations.CORE_MIGRATIONS[:1])
    assert migrations.current_version(db) == 1
    assert not db.table_exists("login_attempt")
    org = m.Organization.create(name="Kept Clinic", type="prov", part_of=0)

    assert migrations.migrate(db)["core"] == [2, 3]
    assert db.table_exists("login_attempt")
    assert m.Organization.get_by_id(org.id).name == "Kept Clinic"
    m.LoginAttempt.create(key="user:a@example.com")
    assert m.LoginAttempt.select().count() == 1


def test_refresh_tokens_stored_before_families_join_one(db):
    # A refresh_token table as releases before migration 3 made it: no family column.
    migrations.apply(db, "core", migrations.CORE_MIGRATIONS[:2])
    db.execute_sql('DROP INDEX "refresh_token_family"')
    db.execute_sql('ALTER TABLE "refresh_token" DROP COLUMN "family"')
    assert "family" not in {column.name for column in db.get_columns("refresh_token")}
    db.execute_sql("INSERT INTO refresh_token (token_hash, scopes, expires, created) "
                   "VALUES ('old-hash', 'read', '2999-01-01 00:00:00', '2024-01-01 00:00:00')")

    assert migrations.migrate(db)["core"] == [3]
    assert "family" in {column.name for column in db.get_columns("refresh_token")}
    assert "refresh_token_family" in {index.name for index in db.get_indexes("refresh_token")}
    from jhe_core.auth import tokens
    old = m.RefreshToken.get(m.RefreshToken.token_hash == "old-hash")
    assert old.family is None and tokens.family_of(old) == old.id
    tokens.revoke_refresh_family(old)
    assert m.RefreshToken.get_by_id(old.id).revoked is not None


def test_new_ids_start_where_the_guides_expect(db):
    migrations.migrate(db)
    from jhe_core.models.base import create_with_id_floor
    user = m.User.create(email="p@example.com", user_type="patient")
    patient = create_with_id_floor(m.Patient, 10001, user=user, name_family="F", name_given="G",
                                   birth_date="2000-01-01")
    assert patient.id == 10001
    second = create_with_id_floor(m.Patient, 10001, user=m.User.create(email="q@example.com"),
                                  name_family="F", name_given="G", birth_date="2000-01-01")
    assert second.id == 10002
    assert m.Organization.create(name="First", part_of=0).id >= 1


def test_plugin_migrations_are_versioned_per_component(db):
    steps = []
    plugin = [(1, "one", lambda d: steps.append(1)), (2, "two", lambda d: steps.append(2))]
    assert migrations.migrate(db, plugin_migrations={"sample": plugin[:1]})["sample"] == [1]
    assert migrations.migrate(db, plugin_migrations={"sample": plugin})["sample"] == [2]
    assert steps == [1, 2]
