"""Start ``jhe serve`` in a subprocess on a data dir, time its cold start, read its workers'
memory from /proc, stop it."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.client import Connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One ``jhe serve`` process tree (gunicorn master + workers) that this benchmark started."""

    def __init__(self, data_dir: Path, database_url: str, workers: int, threads: int, settings: dict | None = None):
        self.data_dir, self.database_url = Path(data_dir), database_url
        self.settings = settings or {}  # extra JHE_* environment settings, e.g. JHE_SERVER__ACCESS_LOG
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.process = None
        self.log_path = self.data_dir / "server.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/fhir/r5"

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, token: str, probe_path: str, timeout: float = 60) -> dict:
        """Start, then poll ``probe_path`` (an authenticated GET) until it answers 200.

        :returns: seconds from spawning the process to the first listening socket and to the
            first authenticated answer.
        """
        env = {key: value for key, value in os.environ.items() if not key.startswith("JHE_")}
        env.update(JHE_DATA_DIR=str(self.data_dir), JHE_DATABASE_URL=self.database_url, **self.settings)
        jhe = Path(sys.executable).with_name("jhe")
        command = [str(jhe) if jhe.exists() else "jhe", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--workers", str(self.workers), "--threads", str(self.threads)]
        log = open(self.log_path, "ab")
        began = time.perf_counter()
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        listening = None
        deadline = began + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jhe serve exited with {self.process.returncode}; see {self.log_path}")
            if listening is None:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.05).close()
                    listening = time.perf_counter() - began
                except OSError:
                    time.sleep(0.002)
                    continue
            connection = Connection(self.root_url, token, timeout=10)
            try:
                status, _ = connection.request("GET", probe_path)
            except OSError:
                status = None
            finally:
                connection.close()
            if status == 200:
                return {"listening_s": round(listening, 3), "first_answer_s": round(time.perf_counter() - began, 3)}
            if status not in (None, 502, 503):
                raise RuntimeError(f"cold-start probe {probe_path} answered {status}")
            time.sleep(0.002)
        raise RuntimeError(f"jhe serve did not answer within {timeout}s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def memory(self) -> dict:
        """Peak and current resident memory (MiB) of the master and of each worker."""
        def status(pid):
            fields = {}
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    name, _, value = line.partition(":")
                    if name in ("VmHWM", "VmRSS"):
                        fields[name] = round(int(value.split()[0]) / 1024, 1)
            except OSError:
                pass
            return fields
        workers = [status(pid) for pid in self.worker_pids()]
        return {
            "master_rss_mib": status(self.process.pid).get("VmRSS") if self.process else None,
            "worker_peak_rss_mib": [w.get("VmHWM") for w in workers],
            "worker_rss_mib": [w.get("VmRSS") for w in workers],
        }

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
