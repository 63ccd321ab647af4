"""The workloads: GETs through wrk, ingest and paged download through the Python client.

Every function returns plain dicts (one row of the results table each).
"""

import datetime
import json
import os
import random
import time

from bench import data, wrk
from bench.client import Connection, run_closed_loop
from bench.cpu import CpuMeter
from bench.targets import FHIR, relative, study_search

INGEST_START = datetime.datetime(2025, 7, 1)
CORES = os.cpu_count() or 1


def get_workload(name: str, base_url: str, token: str, paths: list[str], *, connections: int,
                 seconds: float, warmup: float = 1.0, meter: CpuMeter | None = None) -> dict:
    """One GET workload at ``connections`` concurrent connections (after a short warm-up)."""
    if warmup:
        wrk.run(base_url, token, paths, connections=connections, seconds=warmup)
    before = meter.snapshot() if meter else None
    row = wrk.run(base_url, token, paths, connections=connections, seconds=seconds)
    if meter:
        row.update(CpuMeter.per_request(before, meter.snapshot(), row["requests"], CORES))
    row.update(workload=name, concurrency=connections, distinct_paths=len(paths))
    return row


class UploadSource:
    """New, valid data points for the patients of the manifest: each patient's streams continue
    after the loaded data, with fresh uuids, so every upload is accepted (201)."""

    def __init__(self, uploads: list[dict], rng: random.Random):
        if not uploads:
            raise ValueError("the manifest names no patient with consented data streams to upload for")
        self.uploads, self.rng = uploads, rng
        self.clock = {u["patient"]: INGEST_START + datetime.timedelta(minutes=rng.randint(0, 600)) for u in uploads}

    def observations(self, count: int, upload: dict | None = None) -> list[dict]:
        """``count`` Observations of one patient (a phone syncing its backlog), all their streams."""
        upload = upload or self.rng.choice(self.uploads)
        streams = list(upload["streams"].items())
        resources = []
        for index in range(count):
            code, device = streams[index % len(streams)]
            moment = self.clock[upload["patient"]] = self.clock[upload["patient"]] + datetime.timedelta(
                seconds=self.rng.randint(60, 900))
            point, _ = data.data_point(code, moment, self.rng)
            resources.append(data.observation(code, upload["patient"], device, point))
        return resources


def ingest_workload(base_url: str, token: str, source: UploadSource, *, kind: str, concurrency: int,
                    requests: int, per_request: int, meter: CpuMeter | None = None) -> dict:
    """``requests`` uploads of ``per_request`` Observations each, ``concurrency`` at a time.
    ``kind`` is ``batch`` or ``transaction`` (Bundles to the base) or ``create`` (POST Observation)."""
    jobs = []
    for _ in range(requests):
        resources = source.observations(per_request)
        if kind == "create":
            jobs.append(("POST", f"{FHIR}/Observation", json.dumps(resources[0]).encode()))
        else:
            jobs.append(("POST", FHIR, json.dumps(data.bundle(resources, kind)).encode()))
    before = meter.snapshot() if meter else None
    result = run_closed_loop(base_url, token, jobs, concurrency)
    cpu = CpuMeter.per_request(before, meter.snapshot(), requests, CORES) if meter else {}
    if cpu.get("capacity_rps"):
        cpu["capacity_obs_per_s"] = round(cpu["capacity_rps"] * per_request, 1)
    return {
        "workload": f"ingest_{kind}" + (f"_{per_request}" if kind != "create" else ""),
        "tool": "python",
        "concurrency": concurrency,
        "requests": requests,
        "observations": requests * per_request,
        "seconds": round(result.seconds, 2),
        "rps": round(requests / result.seconds, 1),
        "obs_per_s": round(requests * per_request / result.seconds, 1),
        "p50_ms": round(result.percentile(0.50) * 1000, 2),
        "p95_ms": round(result.percentile(0.95) * 1000, 2),
        "p99_ms": round(result.percentile(0.99) * 1000, 2),
        "errors": sum(count for status, count in result.statuses.items() if status not in (200, 201)),
        "statuses": {str(k): v for k, v in result.statuses.items()},
        "failures": result.failures,
        **cpu,
    }


def bundle_errors(body: bytes) -> list[str]:
    """Entry statuses of a batch-response that are not 201 (a batch answers 200 overall)."""
    bundle = json.loads(body)
    return [entry.get("response", {}).get("status", "?") for entry in bundle.get("entry", [])
            if not str(entry.get("response", {}).get("status", "")).startswith("201")]


def check_ingest(base_url: str, token: str, source: UploadSource) -> None:
    """One batch and one transaction of 5, checked entry by entry before any timing, so a
    workload never measures fast rejections."""
    connection = Connection(base_url, token)
    try:
        for kind in ("batch", "transaction"):
            body = json.dumps(data.bundle(source.observations(5), kind)).encode()
            status, answer = connection.request("POST", FHIR, body)
            problems = bundle_errors(answer) if status == 200 else [str(status)]
            if problems:
                raise RuntimeError(f"ingest check ({kind}) failed: {problems[:3]} {answer[:600]!r}")
    finally:
        connection.close()


def download_workload(base_url: str, token: str, study: int, count: int = 1000) -> dict:
    """Every Observation of one study, page by page through ``next`` links."""
    connection = Connection(base_url, token)
    path, pages, observations, latencies = study_search(study, count), 0, 0, []
    began = time.perf_counter()
    total = None
    while path:
        started = time.perf_counter()
        status, body = connection.request("GET", path)
        latencies.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"download page {pages + 1}: {status} {body[:300]!r}")
        bundle = json.loads(body)
        total = bundle.get("total", total)
        pages += 1
        observations += sum(1 for entry in bundle.get("entry", []) if entry.get("search", {}).get("mode") == "match")
        link = next((l["url"] for l in bundle.get("link", []) if l["relation"] == "next"), None)
        path = relative(link) if link else None
    seconds = time.perf_counter() - began
    connection.close()
    latencies.sort()
    return {
        "workload": "study_download", "tool": "python", "concurrency": 1, "study": study,
        "page_size": count, "pages": pages, "observations": observations, "total": total,
        "seconds": round(seconds, 2), "obs_per_s": round(observations / seconds, 1) if seconds else 0,
        "rps": round(pages / seconds, 1) if seconds else 0,
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2) if latencies else None,
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 2) if latencies else None,
        "errors": 0 if total in (None, observations) else abs(total - observations),
    }
