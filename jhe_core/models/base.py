"""The base model every table derives from, bound to the app's database proxy."""

import datetime

import peewee

from jhe_core.db import database


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    """Which migrations have been applied, per component (``core`` or a plugin name)."""

    component = peewee.CharField(max_length=100)
    version = peewee.IntegerField()
    applied = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("component", "version"), True),)


def create_with_id_floor(model, floor: int, **fields):
    """Create a row whose ids start at ``floor`` (patients and studies at 10001, data sources
    at 70001, as in the guides). PostgreSQL sequences start there from the first migration;
    SQLite assigns max(id)+1, so only the first row needs an explicit id."""
    from jhe_core.db import is_postgres
    if "id" not in fields and not is_postgres() and not model.select(model.id).where(model.id >= floor).exists():
        fields["id"] = floor
    return model.create(**fields)
