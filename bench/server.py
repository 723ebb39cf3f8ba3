"""Start and stop the gunicorn that serves both the product page and the hello baseline."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn bench.wsgi on 127.0.0.1:<free port>, default (sync) workers as in docs/operations.md "Scaling out"."""

    def __init__(self, *, workers: int, log_path: Path):
        self.workers = workers
        self.port = free_port()
        self.host = "127.0.0.1"
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed in __exit__ through the process
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi:application",
            "--workers",
            str(self.workers),
            "--bind",
            f"{self.host}:{self.port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ]
        self.process = subprocess.Popen(command, stdout=log, stderr=log, env=os.environ.copy())
        self._log = log
        try:
            self._wait_ready()
        except BaseException:  # not started, or interrupted while starting: never leave it running
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
                conn.request("GET", "/bench/hello")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer on {self.host}:{self.port} within {timeout} s")

    def get(self, path, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return False
