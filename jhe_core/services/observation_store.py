"""Storing accepted Observations: ids reserved first (so the stored JSON text carries its
``id`` and ``meta``), then multi-row INSERTs in one transaction."""

import datetime
import json
from dataclasses import dataclass

import peewee

from jhe_core import models as m
from jhe_core.db import is_postgres
from jhe_core.errors import Conflict
from jhe_core.fhir.dates import format_instant


@dataclass
class _Stored:
    index: int
    observation: m.Observation


def store_candidates(exchange, candidates, atomic, fail) -> list[_Stored]:
    """Insert every candidate in one transaction, ids allocated first so the stored JSON has them."""
    if not candidates:
        return []
    now = m.utcnow()
    rows = []
    with _write_transaction(exchange.db):
        ids = allocate_ids(exchange.db, len(candidates))
        for candidate, new_id in zip(candidates, ids):
            rows.append((candidate.index, _row(candidate, new_id, now)))
        try:
            with exchange.db.atomic():
                insert_rows([row for _, row in rows])
            inserted = rows
        except peewee.IntegrityError:
            # A concurrent upload stored one of these identifiers since we checked.
            if atomic:
                raise Conflict("an Observation with one of these identifiers already exists.",
                               path="identifier") from None
            inserted = []
            for index, row in rows:
                try:
                    with exchange.db.atomic():
                        insert_rows([row])
                    inserted.append((index, row))
                except peewee.IntegrityError:
                    fail(index, Conflict("an Observation with this identifier already exists.", path="identifier"))
    return [_Stored(index, m.Observation(**row)) for index, row in inserted]


def _row(candidate, new_id: int, now: datetime.datetime) -> dict:
    source = candidate.resource
    meta = {key: value for key, value in (source.get("meta") or {}).items() if key not in ("versionId", "lastUpdated")}
    meta.update({"versionId": "1", "lastUpdated": format_instant(now)})
    resource = {"resourceType": "Observation", "id": str(new_id), "meta": meta}
    resource.update((key, value) for key, value in source.items() if key not in ("resourceType", "id", "meta"))
    start, end = candidate.effective
    if start is None:  # no time anywhere in the resource: the upload time keeps date order total
        start = end = now
    system, value = candidate.identifier or (None, None)
    return {
        "id": new_id, "patient": candidate.patient_id, "code": candidate.code.id,
        "data_source": candidate.data_source_id, "status": source["status"],
        "effective_start": start, "effective_end": end or start,
        "identifier_system": system, "identifier_value": value,
        "version_id": 1, "created": now, "last_updated": now,
        "resource": json.dumps(resource, separators=(",", ":"), ensure_ascii=False),
    }



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
    highest = m.Observation.select(peewee.fn.MAX(m.Observation.id)).scalar() or 0
    return list(range(highest + 1, highest + 1 + count))


def insert_rows(rows: list[dict], batch_size: int = 100) -> None:
    """Multi-row INSERTs of 100 rows. The statement is written here rather than by
    ``insert_many``: generating SQL for 1,300 parameters cost more than running it."""
    if not rows:
        return
    db = m.Observation._meta.database
    fields = [m.Observation._meta.fields[name] for name in rows[0]]
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    one_row = "(" + ", ".join([db.param] * len(fields)) + ")"
    table = m.Observation._meta.table_name
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        params = [field.db_value(row[field.name]) for row in chunk for field in fields]
        db.execute_sql(f'INSERT INTO "{table}" ({columns}) VALUES {", ".join([one_row] * len(chunk))}', params)
