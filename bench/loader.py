"""Fill a benchmark database directly: 100k or 1M stored Observations in a minute or two.

Rows are exactly what the ingest pipeline stores (the FHIR JSON text with ``id`` and ``meta``,
the effective time from the data point's time frame, the identifier), written in upload order:
every patient's streams are merged by time, so a patient's rows are spread over the table as
in a database that grew day by day. The Observation indexes are dropped during the load and
rebuilt afterwards (the usual bulk-load practice), then the planner statistics are refreshed.

    python -m bench.loader --data-dir /tmp/jhe-bench --size 100k [--database-url postgresql://...]

writes ``manifest.json`` in the data dir: the access token of the benchmark practitioner and
what the workloads query (patients, deep series, studies, observation ids).
"""

import argparse
import datetime
import heapq
import json
import random
import sys
import time
from pathlib import Path

import peewee

from jhe_core import models as m
from jhe_core.app import build_exchange
from jhe_core.auth.tokens import issue_tokens
from jhe_core.config import load_config
from jhe_core.db import is_postgres

from bench import data
from bench.population import CGM_STUDY, create_population

PERIOD_START = datetime.datetime(2024, 1, 1)
PERIOD_END = datetime.datetime(2025, 7, 1)
CONTINUOUS_READINGS = 6000  # 5-minute glucose readings: about 21 days, 60 pages of 100
# Relative reading frequency of each data type for a regular patient.
STREAM_WEIGHTS = {data.GLUCOSE: 3.0, data.PRESSURE: 1.0, data.HEART_RATE: 4.0, data.STEPS: 3.0}
COLUMNS = ("id", "patient_id", "code_id", "data_source_id", "status", "effective_start", "effective_end",
           "identifier_system", "identifier_value", "version_id", "created", "last_updated", "resource")
SIZES = {"100k": 100_000, "1m": 1_000_000}


def parse_size(text: str) -> int:
    text = text.lower()
    if text in SIZES:
        return SIZES[text]
    if text.endswith("k"):
        return int(float(text[:-1]) * 1000)
    if text.endswith("m"):
        return int(float(text[:-1]) * 1_000_000)
    return int(text)


def plan_streams(population, size: int, rng: random.Random) -> list[tuple]:
    """``(patient, code, device, count, first, step)`` per stream, ``size`` readings in all."""
    continuous = [p for p in population.patients if p.continuous]
    continuous_total = min(size, CONTINUOUS_READINGS * len(continuous))
    streams = []
    for person in continuous:
        count = continuous_total // len(continuous)
        first = PERIOD_START + datetime.timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1439))
        streams.append((person, data.GLUCOSE, person.streams[data.GLUCOSE], count, first,
                        datetime.timedelta(minutes=5)))
    regular = [(person, code, device, STREAM_WEIGHTS[code] * rng.uniform(0.3, 1.7))
               for person in population.patients if not person.continuous
               for code, device in person.streams.items()]
    remaining = size - continuous_total
    total_weight = sum(weight for *_, weight in regular) or 1
    span = PERIOD_END - PERIOD_START
    for person, code, device, weight in regular:
        count = int(remaining * weight / total_weight)
        if count:
            streams.append((person, code, device, count, PERIOD_START, span / count))
    shortfall = size - sum(stream[3] for stream in streams)
    for index in range(shortfall):  # rounding: top up regular streams one reading each
        person, code, device, count, first, _ = streams[-1 - index % max(1, len(regular))]
        streams[-1 - index % max(1, len(regular))] = (person, code, device, count + 1, first, span / (count + 1))
    return streams


def _times(stream_index, stream, rng_seed):
    person, code, device, count, first, step = stream
    rng = random.Random(rng_seed * 1_000_003 + stream_index)
    jitter = max(1, int(step.total_seconds() * (0.1 if step <= datetime.timedelta(minutes=5) else 0.9)))
    for i in range(count):
        yield first + i * step + datetime.timedelta(seconds=rng.randint(0, jitter)), stream_index


def generate_rows(streams, first_id: int, seed: int, rng: random.Random):
    """Rows in upload order (effective time across all patients), ids ascending."""
    merged = heapq.merge(*(_times(i, stream, seed) for i, stream in enumerate(streams)))
    next_id = first_id
    for start, stream_index in merged:
        person, code, device, *_ = streams[stream_index]
        point, end = data.data_point(code, start, rng)
        uploaded = end + datetime.timedelta(seconds=rng.randint(60, 6 * 3600))
        resource = data.observation(code, person.patient_id, device, point)
        stored = {"resourceType": "Observation", "id": str(next_id),
                  "meta": {"versionId": "1", "lastUpdated": uploaded.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"}}
        stored.update((key, value) for key, value in resource.items() if key != "resourceType")
        yield (next_id, person.patient_id, population_code(code), device, "final", start, end,
               data.IDENTIFIER_SYSTEM, point["header"]["uuid"], 1, uploaded, uploaded,
               json.dumps(stored, separators=(",", ":"), ensure_ascii=False))
        next_id += 1


_CODE_IDS = {}


def population_code(code: str) -> int:
    return _CODE_IDS[code]


def write_rows(db, rows, report_every: int = 100_000) -> int:
    """Insert the rows in large batches: COPY on PostgreSQL, executemany on SQLite."""
    table = m.Observation._meta.table_name
    written, started = 0, time.perf_counter()
    if is_postgres(db):
        connection = db.connection()
        with connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table}" ({", ".join(COLUMNS)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
                    if written % report_every == 0:
                        _progress(written, started)
        connection.commit()
        return written
    sql = f'INSERT INTO "{table}" ({", ".join(COLUMNS)}) VALUES ({", ".join("?" * len(COLUMNS))})'
    batch = []
    cursor = db.connection().cursor()
    for row in rows:
        batch.append(row[:5] + (str(row[5]), str(row[6])) + row[7:10] + (str(row[10]), str(row[11]), row[12]))
        if len(batch) == 10_000:
            with db.atomic():
                cursor.executemany(sql, batch)
            written += len(batch)
            batch = []
            if written % report_every == 0:
                _progress(written, started)
    if batch:
        with db.atomic():
            cursor.executemany(sql, batch)
        written += len(batch)
    return written


def _progress(written: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    print(f"  {written:>9,} observations ({written / elapsed:,.0f}/s)", file=sys.stderr, flush=True)


def load(data_dir: Path, database_url: str, size: int, seed: int = 20240501) -> dict:
    """Create the schema, the population and ``size`` observations; returns the manifest."""
    rng = random.Random(seed)
    problems = data.validation_issues(random.Random(seed + 1))
    if problems:
        raise SystemExit("generated data points fail validation: " + "; ".join(problems[:5]))
    config = load_config(overrides={"data_dir": str(data_dir), "database_url": database_url}, environ={})
    exchange = build_exchange(config, migrate=True)
    db = exchange.db
    timings = {}
    with db.connection_context():
        if m.Observation.select().exists():
            raise SystemExit(f"{database_url}: the database already holds observations; use a fresh one")
        started = time.perf_counter()
        with db.atomic():
            patient_count = max(200, size // 200)
            population = create_population(patient_count, max(4, size // 25_000), rng)
        timings["population_s"] = round(time.perf_counter() - started, 2)
        _CODE_IDS.update(population.code_ids)
        streams = plan_streams(population, size, rng)
        started = time.perf_counter()
        m.Observation._schema.drop_indexes(safe=True)
        first_id = (m.Observation.select(peewee.fn.MAX(m.Observation.id)).scalar() or 0) + 1
        written = write_rows(db, generate_rows(streams, first_id, seed, rng))
        timings["observations_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        m.Observation._schema.create_indexes(safe=True)
        timings["indexes_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        if is_postgres(db):
            if written:
                db.execute_sql(f"SELECT setval(pg_get_serial_sequence('observation', 'id'), {first_id + written - 1})")
            db.execute_sql("VACUUM ANALYZE")
        else:
            db.execute_sql("ANALYZE")
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        timings["analyze_s"] = round(time.perf_counter() - started, 2)
        user = m.User.get_by_id(population.practitioner_user_id)
        token = issue_tokens(config, user=user, scopes=("openid", "read", "write"), refresh=False)["access_token"]
        manifest = build_manifest(population, streams, token, written, first_id)
        manifest["read_ids"] = sample_visible_ids(population, 5000)
    db.close()
    manifest["load_timings"] = timings
    (data_dir / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def sample_visible_ids(population, count: int) -> list[int]:
    """Random ids of observations the benchmark practitioner may read."""
    visible = [person.patient_id for person in population.patients if person.visible]
    query = (m.Observation.select(m.Observation.id).where(m.Observation.patient.in_(visible))
             .order_by(peewee.fn.Random()).limit(count))
    return [row[0] for row in query.tuples()]


def build_manifest(population, streams, token, written, first_id) -> dict:
    """What the workloads need to know about this database (all of it visible to the token)."""
    per_study, per_patient_code = {}, {}
    for person, code, device, count, *_ in streams:
        per_patient_code[(person.patient_id, code)] = count
        for study_id in person.study_ids:
            per_study[study_id] = per_study.get(study_id, 0) + count  # an upper bound: all its codes
    visible = [person for person in population.patients if person.visible]
    regular_visible = {person.patient_id for person in visible if not person.continuous}
    regular_studies = [study_id for study_id, (org, kind) in population.study_ids.items()
                       if org in population.visible_organization_ids and kind != CGM_STUDY]
    target = written / 50
    download_study = min(regular_studies, key=lambda study_id: abs(per_study.get(study_id, 0) - target))
    return {
        "token": token,
        "observations": written,
        "first_id": first_id,
        "patients": len(population.patients),
        "visible_patients": len(visible),
        "period": [data_start(), data_end()],
        "uploads": [{"patient": person.patient_id, "organization": person.organization_id,
                     "studies": person.study_ids, "streams": person.streams}
                    for person in visible if person.streams and not person.continuous],
        "deep": [[person.patient_id, data.GLUCOSE] for person in visible if person.continuous],
        "search": [[patient, code] for (patient, code), count in per_patient_code.items()
                   if count >= 100 and patient in regular_visible],
        "organizations": population.visible_organization_ids,
        "studies": sorted(study_id for study_id, (org, _) in population.study_ids.items()
                          if org in population.visible_organization_ids),
        "download_study": download_study,
        "codes": population.code_ids,
    }


def data_start() -> str:
    return PERIOD_START.strftime("%Y-%m-%d")


def data_end() -> str:
    return PERIOD_END.strftime("%Y-%m-%d")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--database-url", default="", help="default: sqlite in the data dir")
    parser.add_argument("--size", default="100k", help="100k, 1m or a number")
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{args.data_dir / 'jhe.db'}"
    manifest = load(args.data_dir, url, parse_size(args.size))
    print(json.dumps({k: v for k, v in manifest.items() if k not in ("uploads", "search", "token", "read_ids")}, indent=1))


if __name__ == "__main__":
    main()
