"""Run the benchmark: ``python -m bench.run [options]`` (see ``--help`` and docs/performance.md).

Locally (the default) it fills a fresh database (SQLite in a new data dir, or PostgreSQL),
starts ``jhe serve`` on it, measures cold start, reads, searches, lists, a full study download,
ingest, memory and size, then repeats the ingest on an empty database for comparison. With
``--base-url`` and ``--token`` it measures a server that is already running (GET workloads,
download and ingest on what it discovers through the API).
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):  # run as a script: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loader, report, targets, workloads
from bench.client import Connection
from bench.cpu import CpuMeter
from bench.server import Server

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/jhe_bench"
# Bundles of 100 uploaded before the timed ingest workloads, and in each of them (~3 s at 1M rows).
WARMUP_BUNDLES = 200
BUNDLES_PER_WORKLOAD = 200


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database to (re)create for the run (default %(default)s); "
                             "a second one with suffix _empty is used for the empty-database ingest")
    parser.add_argument("--size", default="100k", help="observations to load: 100k, 1m or a number")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="server worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--seconds", type=float, default=None, help="duration of each GET measurement")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections for throughput")
    parser.add_argument("--quick", action="store_true", help="a small smoke run (under two minutes)")
    parser.add_argument("--base-url", help="measure a running server at this root URL instead")
    parser.add_argument("--token", help="bearer token for --base-url")
    parser.add_argument("--data-dir", type=Path, help="where to create the data dir (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the data dir afterwards")
    parser.add_argument("--skip-empty", action="store_true", help="skip the empty-database ingest comparison")
    parser.add_argument("--output", type=Path, help="results JSON path (default bench/results/<stamp>.json)")
    args = parser.parse_args(argv)
    if args.quick:
        args.size = args.size if args.size != "100k" else "20k"
        args.seconds = args.seconds or 2
    args.seconds = args.seconds or 5
    if bool(args.base_url) != bool(args.token):
        parser.error("--base-url and --token go together")
    return args


def database_url(args, data_dir: Path, suffix: str = "") -> str:
    if args.database == "sqlite":
        return f"sqlite:///{data_dir / 'jhe.db'}"
    parts = urlsplit(args.database_url)
    return urlunsplit(parts._replace(path=parts.path + suffix))


def recreate_postgres(url: str) -> None:
    """Drop and create the benchmark's own database (never another)."""
    import psycopg
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("jhe_bench"):
        raise SystemExit(f"refusing to drop {name!r}: benchmark databases are named jhe_bench*")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def database_size(url: str, data_dir: Path, observations: int) -> dict:
    if url.startswith("sqlite"):
        total = sum(path.stat().st_size for path in data_dir.glob("jhe.db*"))
        table = None
    else:
        import psycopg
        with psycopg.connect(url) as connection:
            total = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            table = connection.execute("SELECT pg_total_relation_size('observation')").fetchone()[0]
    return {"total_mib": round(total / 2**20, 1),
            "observation_table_mib": round(table / 2**20, 1) if table else None,
            "bytes_per_observation": round((table or total) / observations) if observations else None}


def prepare(args, name: str, size: int, suffix: str = "") -> tuple[Path, str, dict]:
    base = args.data_dir or Path(tempfile.gettempdir())
    data_dir = base / f"jhe-bench-{name}-{os.getpid()}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    url = database_url(args, data_dir, suffix)
    if args.database == "postgresql":
        recreate_postgres(url)
    began = time.perf_counter()
    manifest = loader.load(data_dir, url, size)
    manifest["load_timings"]["total_s"] = round(time.perf_counter() - began, 1)
    return data_dir, url, manifest


def measure_gets(results, root, token, paths, args, meter=None):
    for name, listing in paths.items():
        if not listing:
            print(f"  {name}: skipped (nothing to request)", file=sys.stderr)
            continue
        for connections in (1, args.connections):
            row = workloads.get_workload(name, root, token, listing, connections=connections, seconds=args.seconds,
                                         warmup=1, meter=meter)
            results["workloads"].append(row)
            print(f"  {name} c={connections}: {row['rps']:.0f} req/s p50 {row['p50_ms']} ms "
                  f"p99 {row['p99_ms']} ms errors {row['errors']} cpu {row.get('cpu_ms_per_request')} "
                  f"capacity {row.get('capacity_rps')}", file=sys.stderr, flush=True)


def measure_ingest(root, token, manifest, args, rng, *, singles: bool, meter=None) -> list[dict]:
    source = workloads.UploadSource(manifest["uploads"], rng)
    workloads.check_ingest(root, token, source)
    # Sustained rates, as a server taking uploads all day sees them: the first Bundles after the
    # read workloads find the indexes' pages out of the caches (this machine's kernel drops file
    # pages untouched for 60 s). The warm-up is recorded as its own row, outside the targets.
    warmup = workloads.ingest_workload(root, token, source, kind="batch", concurrency=4,
                                       requests=10 if args.quick else WARMUP_BUNDLES, per_request=100, meter=meter)
    warmup["workload"] = "ingest_warmup"
    _say(warmup)
    rows = [warmup]
    bundles = 10 if args.quick else BUNDLES_PER_WORKLOAD
    for kind in ("batch", "transaction"):
        for concurrency in (1, 4, 8):
            rows.append(workloads.ingest_workload(root, token, source, kind=kind, concurrency=concurrency,
                                                  requests=bundles, per_request=100, meter=meter))
            _say(rows[-1])
    if singles:
        for concurrency in (1, 4, 8):
            rows.append(workloads.ingest_workload(root, token, source, kind="create", concurrency=concurrency,
                                                  requests=100 if args.quick else 1000, per_request=1,
                                                  meter=meter))
            _say(rows[-1])
    return rows


def _say(row):
    print(f"  {row['workload']} c={row['concurrency']}: {row['obs_per_s']:.0f} obs/s p50 {row['p50_ms']} ms "
          f"errors {row['errors']} cpu {row.get('cpu_ms_per_request')} capacity {row.get('capacity_obs_per_s')} "
          f"{row['failures'][:1]}", file=sys.stderr, flush=True)


def run_local(args, results, rng) -> None:
    size = loader.parse_size(args.size)
    print(f"loading {size:,} observations into {args.database}...", file=sys.stderr, flush=True)
    data_dir, url, manifest = prepare(args, "loaded", size)
    results["load"] = manifest["load_timings"]
    results["observations_at_start"] = manifest["observations"]
    results["database_size"] = database_size(url, data_dir, manifest["observations"])
    token = manifest["token"]
    server = Server(data_dir, url, args.workers, args.threads)
    probe = f"/fhir/r5/Observation/{manifest['read_ids'][0]}"
    try:
        results["cold_start"] = {"first_run": server.start(token, probe)}
        server.stop()
        server = Server(data_dir, url, args.workers, args.threads)
        results["cold_start"]["restart"] = server.start(token, probe)
        print(f"  cold start: {results['cold_start']}", file=sys.stderr, flush=True)
        root = server.root_url
        results["load_before"] = report.load_average()
        meter = CpuMeter(server, url)
        paths = targets.build(manifest, Connection(root, token), rng, args.quick)
        measure_gets(results, root, token, paths, args, meter)
        results["workloads"].append(workloads.download_workload(root, token, manifest["download_study"]))
        _say_download(results["workloads"][-1])
        results["workloads"] += measure_ingest(root, token, manifest, args, rng, singles=True, meter=meter)
        results["memory"] = server.memory()
    finally:
        server.stop()
        if not args.keep:
            _remove(data_dir)
    if args.skip_empty:
        return
    print("ingest on an empty database...", file=sys.stderr, flush=True)
    data_dir, url, manifest = prepare(args, "empty", 0, "_empty")
    server = Server(data_dir, url, args.workers, args.threads)
    try:
        server.start(manifest["token"], "/fhir/r5/Observation?_count=1")
        results["empty_ingest"] = measure_ingest(server.root_url, manifest["token"], manifest, args, rng,
                                                 singles=False, meter=CpuMeter(server, url))
    finally:
        server.stop()
        if not args.keep:
            _remove(data_dir)


def _say_download(row):
    print(f"  study download: {row['observations']} observations in {row['pages']} pages, "
          f"{row['obs_per_s']:.0f} obs/s", file=sys.stderr, flush=True)


def _remove(data_dir: Path) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)


def run_remote(args, results, rng) -> None:
    root = args.base_url.rstrip("/")
    connection = Connection(root, args.token)
    manifest = targets.discover(connection, rng, args.quick)
    results["load_before"] = report.load_average()
    paths = targets.build(manifest, connection, rng, args.quick)
    measure_gets(results, root, args.token, paths, args)
    if manifest.get("download_study"):
        results["workloads"].append(workloads.download_workload(root, args.token, manifest["download_study"]))
        _say_download(results["workloads"][-1])
    if manifest["uploads"]:
        results["workloads"] += measure_ingest(root, args.token, manifest, args, rng, singles=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    rng = random.Random(20240502)
    results = {
        "settings": {"database": "remote" if args.base_url else args.database, "size_label": args.size,
                     "workers": args.workers, "threads": args.threads, "seconds": args.seconds,
                     "connections": [1, args.connections], "quick": args.quick,
                     "base_url": args.base_url},
        "machine": report.machine(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_at_start": report.load_average(),
        "workloads": [],
    }
    began = time.perf_counter()
    try:
        if args.base_url:
            run_remote(args, results, rng)
        else:
            run_local(args, results, rng)
    except Exception as exc:  # keep what was measured; the error is part of the record
        results["error"] = f"{type(exc).__name__}: {exc}"
        print(f"benchmark stopped: {results['error']}", file=sys.stderr)
    results["load_after"] = report.load_average()
    results["duration_s"] = round(time.perf_counter() - began, 1)
    results["targets"] = report.check_targets(results)
    path = report.write(results, args.output)
    print(report.table(results))
    print(f"\nresults: {path} ({results['duration_s']} s)")
    return 1 if results.get("error") else 0


if __name__ == "__main__":
    sys.exit(main())
