"""CPU time spent by the server, the database and the load generator during a workload.

Wall-clock throughput on a shared 2-core machine depends on whatever else runs; CPU time per
request does not (much). From it, ``capacity`` estimates the throughput of this machine with
nothing else running: cores / (server + database + client CPU seconds per request), which is
what a CPU-bound closed loop with enough concurrency reaches.
"""

import os
import resource
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User + system seconds of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def client_cpu() -> float:
    """This process (its client threads) and its finished children (wrk)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class CpuMeter:
    """Snapshots of CPU seconds: the server's processes, the PostgreSQL backends serving the
    benchmark database (none for SQLite, whose work happens inside the server), the client."""

    def __init__(self, server=None, database_url: str | None = None):
        self.server = server
        self.database_url = database_url if database_url and database_url.startswith("postgres") else None

    def _backend_pids(self) -> list[int]:
        if not self.database_url:
            return []
        import psycopg
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                      "AND pid <> pg_backend_pid()").fetchall()
        return [row[0] for row in rows]

    def snapshot(self) -> dict:
        server = 0.0
        if self.server is not None and self.server.process is not None:
            server = process_cpu(self.server.process.pid) + sum(process_cpu(pid) for pid in self.server.worker_pids())
        backends = {pid: process_cpu(pid) for pid in self._backend_pids()}
        return {"server": server, "database": backends, "client": client_cpu()}

    @staticmethod
    def per_request(before: dict, after: dict, requests: int, cores: int) -> dict:
        """CPU milliseconds per request by part, and the capacity they imply on ``cores``."""
        if not requests:
            return {}
        # A backend that appeared during the workload started from zero.
        database = sum(after["database"][pid] - before["database"].get(pid, 0.0) for pid in after["database"])
        parts = {"server": after["server"] - before["server"], "database": database,
                 "client": after["client"] - before["client"]}
        total = sum(parts.values())
        return {
            "cpu_ms_per_request": {name: round(value / requests * 1000, 3) for name, value in parts.items()},
            "capacity_rps": round(cores * requests / total, 1) if total > 0 else None,
        }
