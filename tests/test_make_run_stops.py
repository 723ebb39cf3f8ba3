"""`make run` stops everything within seconds of Ctrl-C and leaves nothing behind (#14.15): the web server, the
worker and beat, each in its own session, are stopped by scripts/run.py, make's only child."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_marked(marker):
    """The pids of every process whose environment holds `marker` (what run.py's children inherit)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            continue
    return found


def test_ctrl_c_stops_the_web_server_the_worker_and_beat_within_seconds(tmp_path):
    marker = f"QMS_RUN_TEST_{uuid.uuid4().hex}"
    port = free_port()
    env = {
        **os.environ,
        marker: "1",
        "PORT": str(port),
        "DJANGO_SETTINGS_MODULE": "qms.settings.dev",
        "QMS_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
    }
    for name in ("QMS_REQUIRE_SERVICES", "CACHE_URL"):
        env.pop(name, None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    run = subprocess.Popen([sys.executable, "scripts/run.py"], cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:  # up: the site answers, and the worker and beat are running beside it
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
                if len(processes_marked(marker)) >= 4:  # run.py, the web server (and its reloader), worker, beat
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "make run did not come up"
            assert run.poll() is None, "scripts/run.py ended by itself"
            time.sleep(0.5)
        started = time.monotonic()
        os.killpg(run.pid, signal.SIGINT)  # the terminal's Ctrl-C goes to make's process group
        run.wait(timeout=15)
        stopped = time.monotonic() - started
        time.sleep(0.5)
        left = processes_marked(marker)
    finally:
        for pid in processes_marked(marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert left == [], f"left running: {left}"
    assert stopped < 8, f"took {stopped:.1f} s"
