"""A small keep-alive HTTP client and a closed-loop load runner on threads.

Used for what wrk cannot do well: POSTing pre-built request bodies (ingest), following
``next`` links, and timing single requests. Bodies are encoded before the clock starts, so
the client spends a few microseconds per request and is not what is measured.
"""

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


class Connection:
    """One persistent connection to the server (reconnects when the server closes it)."""

    def __init__(self, base_url: str, token: str | None, timeout: float = 120):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
        self.https = parts.scheme == "https"
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._conn = None

    def _connect(self):
        cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        self._conn = cls(self.host, self.port, timeout=self.timeout)

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str = "application/fhir+json") -> tuple[int, bytes]:
        """``(status, body)``; ``path`` is relative to the base URL, or an absolute URL."""
        if path.startswith("http"):
            parts = urlsplit(path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            path = self.prefix + path
        headers = dict(self.headers, Accept="application/fhir+json, application/json")
        if body is not None:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            if self._conn is None:
                self._connect()
            try:
                self._conn.request(method, path, body=body, headers=headers)
                response = self._conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._conn.close()
                self._conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get_json(self, path: str):
        status, body = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
        return json.loads(body)

    def close(self):
        if self._conn is not None:
            self._conn.close()


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list = field(default_factory=list)  # seconds, one per request
    statuses: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)  # first few unexpected answers

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run_closed_loop(base_url: str, token: str, jobs: list[tuple[str, str, bytes | None]], concurrency: int,
                    expected: tuple = (200, 201)) -> LoadResult:
    """Send every ``(method, path, body)`` job, ``concurrency`` at a time, each thread on its
    own keep-alive connection; returns wall time and per-request latency."""
    lock = threading.Lock()
    position = [0]
    result = LoadResult(len(jobs), 0.0)
    per_thread = [[] for _ in range(concurrency)]
    start_gate = threading.Barrier(concurrency + 1)

    def worker(slot: int):
        connection = Connection(base_url, token)
        start_gate.wait()
        while True:
            with lock:
                index = position[0]
                position[0] += 1
            if index >= len(jobs):
                break
            method, path, body = jobs[index]
            began = time.perf_counter()
            status, answer = connection.request(method, path, body)
            per_thread[slot].append(time.perf_counter() - began)
            with lock:
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status not in expected and len(result.failures) < 3:
                    result.failures.append(f"{method} {path}: {status} {answer[:400]!r}")
        connection.close()

    threads = [threading.Thread(target=worker, args=(slot,), daemon=True) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    start_gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    result.latencies = [latency for slot in per_thread for latency in slot]
    return result
