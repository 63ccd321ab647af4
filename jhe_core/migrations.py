"""Ordered, versioned schema migrations for the core and for plugins' models.

Each migration is ``(version, description, function(db))``; applied versions are recorded in
``SchemaVersion`` per component. Plugin models (``register_models``) are created after the
core's migrations, and a plugin may declare ``MIGRATIONS`` on its module for later changes.
"""

import logging

import peewee
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator
from playhouse.migrate import migrate as schema_migrate

from jhe_core import models as m
from jhe_core.db import is_postgres

log = logging.getLogger("jhe.migrations")

# Tables created by migration 1. Later migrations add what came after, so an older
# database is brought forward step by step.
INITIAL_MODELS = [model for model in m.CORE_MODELS if model is not m.LoginAttempt]

ID_FLOORS = {m.Patient: 10001, m.Study: 10001, m.DataSource: 70001}


def _initial_schema(db):
    db.create_tables(INITIAL_MODELS, safe=True)
    if is_postgres(db):
        for model, floor in ID_FLOORS.items():
            table = model._meta.table_name
            db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f"GREATEST({floor - 1}, (SELECT COALESCE(MAX(id), 0) FROM \"{table}\")))")
    m.Organization.insert(id=m.ROOT_ORGANIZATION_ID, name="ROOT", type="root", part_of=None) \
        .on_conflict_ignore().execute()
    if is_postgres(db):
        db.execute_sql("SELECT setval(pg_get_serial_sequence('organization', 'id'), "
                       "GREATEST(1, (SELECT MAX(id) FROM organization)))")


def _login_attempts(db):
    db.create_tables([m.LoginAttempt], safe=True)


def _refresh_token_families(db):
    # Migration 1 creates the table from today's model, so a new database has the column already.
    table = m.RefreshToken._meta.table_name
    if "family" not in {column.name for column in db.get_columns(table)}:
        migrator = PostgresqlMigrator(db) if is_postgres(db) else SqliteMigrator(db)
        schema_migrate(migrator.add_column(table, "family", m.RefreshToken.family))
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "refresh_token_family" ON "{table}" ("family")')


CORE_MIGRATIONS = [
    (1, "initial schema", _initial_schema),
    (2, "login attempts table for per-account and per-address rate limiting", _login_attempts),
    (3, "refresh token families: a replayed code or rotated-away token revokes its whole line",
     _refresh_token_families),
]


def applied_versions(db, component: str) -> set[int]:
    if not db.table_exists(m.SchemaVersion._meta.table_name):
        return set()
    return {row.version for row in m.SchemaVersion.select().where(m.SchemaVersion.component == component)}


def apply(db, component: str, migrations) -> list[int]:
    """Apply the pending ``migrations`` of ``component`` in order; returns the versions applied."""
    db.create_tables([m.SchemaVersion], safe=True)
    done = applied_versions(db, component)
    applied = []
    for version, description, function in sorted(migrations, key=lambda item: item[0]):
        if version in done:
            continue
        with db.atomic():
            function(db)
            m.SchemaVersion.insert(component=component, version=version).on_conflict_ignore().execute()
        log.info("migrated %s to version %s: %s", component, version, description)
        applied.append(version)
    return applied


def migrate(db, plugin_models=(), plugin_migrations=None) -> dict[str, list[int]]:
    """Bring the core and the plugins' tables up to date. Safe to run concurrently at start:
    the first worker does the work; the others find nothing pending."""
    result = {"core": apply(db, "core", CORE_MIGRATIONS)}
    if plugin_models:
        db.create_tables(list(plugin_models), safe=True)
    for component, migrations in (plugin_migrations or {}).items():
        result[component] = apply(db, component, migrations)
    return result


def current_version(db, component: str = "core") -> int:
    versions = applied_versions(db, component)
    return max(versions) if versions else 0


def head_version(component_migrations=CORE_MIGRATIONS) -> int:
    return max(version for version, _, _ in component_migrations)


def drop_everything(db, plugin_models=()):
    """Drop every table (tests and ``jhe init --reset`` only)."""
    models = list(plugin_models) + list(reversed(m.CORE_MODELS))
    if is_postgres(db):
        db.drop_tables(models, safe=True, cascade=True)
        return
    # SQLite empties a table before dropping it, and RESTRICT keys (organization.part_of)
    # would refuse that; the whole schema is going, so switch the checks off meanwhile.
    db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        db.drop_tables(models, safe=True)
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")


__all__ = ["migrate", "apply", "current_version", "head_version", "CORE_MIGRATIONS", "drop_everything",
           "peewee"]
