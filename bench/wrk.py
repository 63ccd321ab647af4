"""GET workloads with wrk (C, epoll): it drives thousands of requests per second on a fraction
of a core, so the Python server stays what is measured.

Each request picks one of many paths at random (a file of paths, so caches and indexes see a
realistic spread) and carries the bearer token. A Lua ``done`` hook prints the summary as JSON.
"""

import json
import os
import shutil
import subprocess
import tempfile
from urllib.parse import urlsplit

LUA = r"""
local paths = {}
local token = os.getenv("BENCH_TOKEN")
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Accept"] = "application/fhir+json, application/json"
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d},"latency_us":{"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def run(base_url: str, token: str, paths: list[str], *, connections: int, seconds: float,
        threads: int = 1) -> dict:
    """Requests per second and latency percentiles (milliseconds) for GETs of ``paths``."""
    if not paths:
        raise ValueError("no paths to request")
    parts = urlsplit(base_url)
    prefix = parts.path.rstrip("/")
    with tempfile.TemporaryDirectory(prefix="jhe-wrk-") as tmp:
        script = os.path.join(tmp, "bench.lua")
        listing = os.path.join(tmp, "paths.txt")
        with open(script, "w") as handle:
            handle.write(LUA)
        with open(listing, "w") as handle:
            handle.write("\n".join(prefix + path for path in paths) + "\n")
        env = dict(os.environ, BENCH_TOKEN=token, BENCH_PATHS=listing)
        command = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
                   "--timeout", "30s", "-s", script, f"{parts.scheme}://{parts.netloc}/"]
        completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = next((row for row in completed.stdout.splitlines() if row.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {completed.stdout[-500:]} {completed.stderr[-500:]}")
    raw = json.loads(line[len("BENCH_JSON "):])
    seconds_run = raw["duration_us"] / 1e6
    failed = sum(raw["errors"].values())
    return {
        "tool": "wrk",
        "connections": connections,
        "requests": raw["requests"],
        "seconds": round(seconds_run, 2),
        "rps": round(raw["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "errors": failed,
        "error_detail": raw["errors"] if failed else {},
        "p50_ms": raw["latency_us"]["p50"] / 1000,
        "p95_ms": raw["latency_us"]["p95"] / 1000,
        "p99_ms": raw["latency_us"]["p99"] / 1000,
        "max_ms": raw["latency_us"]["max"] / 1000,
        "mb_per_s": round(raw["bytes"] / seconds_run / 1e6, 2) if seconds_run else 0.0,
    }
