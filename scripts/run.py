"""`make run`: the web server, one Celery worker and beat, until Ctrl-C stops them all.

Each child runs in its own session, so the terminal's Ctrl-C reaches only this
script, which then stops them within seconds: every process of each child's group
(the web server and its autoreloader, the worker, beat) gets SIGTERM, and whatever
is still there after a short grace gets SIGKILL. A second Ctrl-C skips the grace.
Started by the Makefile as its only command, so make waits for exactly one child.
"""

import os
import signal
import subprocess
import sys
import time

# Between SIGTERM and SIGKILL: the worker's warm shutdown, which on the filesystem broker waits for
# its current 2 s poll (about 2-4 s in all). A task cut short is redelivered (acks_late).
GRACE_SECONDS = 4.0


def commands(port):
    """Beat runs as its own process, not embedded in the worker (`--beat`): an embedded beat is a child
    of the worker that notices a shutdown only at its next tick, which kept `make run` from stopping."""
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "qms"]
    return {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}"],
        # One process, no peers to gossip or mingle with: the quickest to start and to stop.
        "worker": [
            *celery,
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        "beat": [*celery, "beat", "--loglevel=INFO", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
    }


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_group(pgid, signum):
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def wait_until(condition, seconds, processes):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for process in processes:
            process.poll()  # reap, so that an exited leader does not keep its group alive as a zombie
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def stop(processes, *, hurry=False):
    """Stop every child and everything in its process group; returns once none is left.

    SIGTERM goes to whole groups at once: the worker's main process starts its warm
    shutdown, and beat's child process, which would otherwise notice only at its next
    tick (up to several seconds later), stops at once.
    """
    everyone = list(processes.values())
    names = {process.pid: name for name, process in processes.items()}

    def nothing_left():
        return not any(group_alive(process.pid) for process in everyone)

    for process in everyone:
        signal_group(process.pid, signal.SIGTERM)
    if not wait_until(nothing_left, 0 if hurry else GRACE_SECONDS, everyone):
        late = ", ".join(names[process.pid] for process in everyone if group_alive(process.pid))
        print(f"Not stopped after {GRACE_SECONDS:.0f} s, killed: {late}", flush=True)
        for process in everyone:
            signal_group(process.pid, signal.SIGKILL)
        wait_until(nothing_left, 1, everyone)
    for process in everyone:
        try:
            process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass


def main():
    port = os.environ.get("PORT", "8000")
    processes = {name: subprocess.Popen(command, start_new_session=True) for name, command in commands(port).items()}
    stopping = []

    def on_signal(signum, frame):
        stopping.append(signum)
        if len(stopping) > 1:
            raise KeyboardInterrupt  # a second Ctrl-C: no more grace

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        # Until Ctrl-C, or until one of them ends by itself (which stops the other).
        while not stopping and all(process.poll() is None for process in processes.values()):
            time.sleep(0.2)
        print("\nStopping the web server, the worker and beat...", flush=True)
        stop(processes)
    except KeyboardInterrupt:
        stop(processes, hurry=True)
    failed = [name for name, process in processes.items() if process.returncode not in (0, -signal.SIGTERM, None)]
    return 0 if stopping or not failed else 1


if __name__ == "__main__":
    sys.exit(main())
