"""Storing accepted Observations: each row is made ready first, but for its id (the column
values in database form, the JSON text around the id); then, in one transaction, ids are
reserved and the rows written with multi-row INSERTs.

On SQLite that transaction holds the database's only write lock, which caps ingest with two
workers once validation is cheap, so it does as little as it can (serialising the resources
inside it held the lock ~20% longer)."""

import datetime
import json
from dataclasses import dataclass

import peewee

from jhe_core import models as m
from jhe_core.db import is_postgres
from jhe_core.errors import Conflict
from jhe_core.fhir.dates import format_instant
from jhe_core.services.table_statistics import first_statistics

# The columns written, in INSERT order; ``id`` and ``resource`` are filled in once the id is known.
_COLUMNS = ("id", "patient", "code", "data_source", "status", "effective_start", "effective_end",
            "identifier_system", "identifier_value", "version_id", "created", "last_updated", "resource")
_ID_PREFIX = '{"resourceType":"Observation","id":"'


@dataclass
class _Stored:
    index: int
    observation: m.Observation


@dataclass
class _Draft:
    """A row ready but for its id."""

    index: int
    fields: dict  # Python values of the columns but id and resource
    values: list  # the same in database form, in ``_COLUMNS`` order
    text_after_id: str  # the stored JSON text after ``"id":"<id>``

    def text(self, new_id: int) -> str:
        return f'{_ID_PREFIX}{new_id}"{self.text_after_id}'

    def params(self, new_id: int) -> list:
        return [new_id, *self.values, self.text(new_id)]

    def stored(self, new_id: int) -> _Stored:
        return _Stored(self.index, m.Observation(id=new_id, resource=self.text(new_id), **self.fields))


def store_candidates(exchange, candidates, atomic, fail) -> list[_Stored]:
    """Insert every candidate in one transaction, ids allocated first so the stored JSON has them."""
    if not candidates:
        return []
    now = m.utcnow()
    drafts = [_draft(candidate, now) for candidate in candidates]
    with _write_transaction(exchange.db):
        ids = allocate_ids(exchange.db, len(drafts))
        try:
            with exchange.db.atomic():
                insert_rows(drafts, ids)
            inserted = list(zip(drafts, ids))
        except peewee.IntegrityError:
            # A concurrent upload stored one of these identifiers since we checked.
            if atomic:
                raise Conflict("an Observation with one of these identifiers already exists.",
                               path="identifier") from None
            inserted = []
            for draft, new_id in zip(drafts, ids):
                try:
                    with exchange.db.atomic():
                        insert_rows([draft], [new_id])
                    inserted.append((draft, new_id))
                except peewee.IntegrityError:
                    fail(draft.index, Conflict("an Observation with this identifier already exists.",
                                               path="identifier"))
    first_statistics.note(exchange.db, len(inserted))
    return [draft.stored(new_id) for draft, new_id in inserted]


def _draft(candidate, now: datetime.datetime) -> _Draft:
    source = candidate.resource
    meta = {key: value for key, value in (source.get("meta") or {}).items() if key not in ("versionId", "lastUpdated")}
    meta.update({"versionId": "1", "lastUpdated": format_instant(now)})
    rest = {"meta": meta}
    rest.update((key, value) for key, value in source.items() if key not in ("resourceType", "id", "meta"))
    start, end = candidate.effective
    if start is None:  # no time anywhere in the resource: the upload time keeps date order total
        start = end = now
    system, value = candidate.identifier or (None, None)
    fields = {
        "patient": candidate.patient_id, "code": candidate.code.id,
        "data_source": candidate.data_source_id, "status": source["status"],
        "effective_start": start, "effective_end": end or start,
        "identifier_system": system, "identifier_value": value,
        "version_id": 1, "created": now, "last_updated": now,
    }
    model_fields = m.Observation._meta.fields
    values = [model_fields[name].db_value(fields[name]) for name in _COLUMNS[1:-1]]
    # '{"meta":...}' becomes ',"meta":...}', to follow '{"resourceType":"Observation","id":"<id>"'
    text = json.dumps(rest, separators=(",", ":"), ensure_ascii=False)
    return _Draft(candidate.index, fields, values, "," + text[1:])


def _write_transaction(db):
    """A transaction that holds the write lock from its start on SQLite, so the ids read in
    ``allocate_ids`` stay free until the insert (PostgreSQL uses its sequence instead)."""
    if not is_postgres(db) and not db.in_transaction():
        return db.atomic("IMMEDIATE")
    return db.atomic()


def allocate_ids(db, count: int) -> list[int]:
    """``count`` fresh Observation ids, reserved before the insert so the JSON text can carry them."""
    table = m.Observation._meta.table_name
    if is_postgres(db):
        cursor = db.execute_sql(
            f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, %s)", (count,))
        return [row[0] for row in cursor.fetchall()]
    highest = db.execute_sql(f'SELECT MAX("id") FROM "{table}"').fetchone()[0] or 0
    return list(range(highest + 1, highest + 1 + count))


def insert_rows(drafts: list[_Draft], ids: list[int], batch_size: int = 100) -> None:
    """Multi-row INSERTs of 100 rows. The statement is written here rather than by
    ``insert_many``: generating SQL for 1,300 parameters cost more than running it."""
    db = m.Observation._meta.database
    fields = [m.Observation._meta.fields[name] for name in _COLUMNS]
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    one_row = "(" + ", ".join([db.param] * len(fields)) + ")"
    table = m.Observation._meta.table_name
    for start in range(0, len(drafts), batch_size):
        chunk = zip(drafts[start:start + batch_size], ids[start:start + batch_size])
        params = [value for draft, new_id in chunk for value in draft.params(new_id)]
        count = len(params) // len(fields)
        db.execute_sql(f'INSERT INTO "{table}" ({columns}) VALUES {", ".join([one_row] * count)}', params)
