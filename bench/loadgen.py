"""A small, bounded HTTP load generator: keep-alive connections in threads, loopback only.

Each client thread holds one ``http.client`` connection (re-opened when the server closes it, as
gunicorn's sync workers do after every response) and sends GET requests until either the request
budget or the time budget is spent, whichever comes first. Used for the product page and for the
hello baseline alike, so that its own cost cancels out in the ratio.
"""

import http.client
import threading
import time
from dataclasses import dataclass, field

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass
class LoadResult:
    ok: int
    errors: int
    elapsed_s: float
    latencies_ms: list[float] = field(repr=False)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def percentile_ms(self, q: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        # Nearest-rank percentile.
        rank = max(1, int(-(-q * len(ordered) // 100)))
        return ordered[min(rank, len(ordered)) - 1]


class _Budget:
    """A run's budget, shared by its threads: `max_requests` requests until `deadline` (set at the start)."""

    def __init__(self, max_requests):
        self.max_requests = max_requests
        self.deadline = 0.0
        self._issued = 0
        self._lock = threading.Lock()

    def claim(self):
        """The index of the next request, or None when the budget is spent."""
        with self._lock:
            if self._issued >= self.max_requests or time.perf_counter() >= self.deadline:
                return None
            self._issued += 1
            return self._issued - 1


def run(
    host, port, path, *, clients, max_requests, max_seconds, headers=None, expect_status=200, plan=None
) -> LoadResult:
    """GET `path` with `headers`; or, given `plan` (a list of (path, headers)), each request of it once, in order."""
    if host not in LOOPBACK:
        raise ValueError(f"the load generator only targets loopback, not {host!r}")
    headers = dict(headers or {})
    if plan is not None:
        max_requests = min(max_requests, len(plan))
    lock = threading.Lock()
    budget = _Budget(max_requests)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    start_gate = threading.Barrier(clients + 1)

    def client():
        nonlocal errors
        conn = http.client.HTTPConnection(host, port, timeout=30)
        start_gate.wait()
        mine: list[float] = []
        my_status: dict[int, int] = {}
        my_errors = 0
        while (index := budget.claim()) is not None:
            target, sent = plan[index] if plan is not None else (path, headers)
            began = time.perf_counter()
            try:
                conn.request("GET", target, headers=sent)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                my_errors += 1
                continue
            elapsed = (time.perf_counter() - began) * 1000
            my_status[status] = my_status.get(status, 0) + 1
            if status == expect_status:
                mine.append(elapsed)
            else:
                my_errors += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += my_errors
            for status, count in my_status.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    budget.deadline = began + max_seconds
    start_gate.wait()
    for thread in threads:
        thread.join(max_seconds + 60)
    elapsed = time.perf_counter() - began
    return LoadResult(ok=len(latencies), errors=errors, elapsed_s=elapsed, latencies_ms=latencies, statuses=statuses)


@dataclass
class Exchange:
    """One request of a simulated person and its answer, as the person's script sees it."""

    method: str
    path: str
    status: int = 0
    body: bytes = b""
    set_cookies: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    kind: str = ""


def run_people(host, port, people, *, max_seconds, max_requests, think=(0.5, 1.5), seed=0) -> dict:
    """People at work: each a thread with one HTTP connection, running its script with think time.

    A script is a generator: it yields requests (method, path, headers, body, kind) and is sent the
    Exchange of each, so that it can follow what it was answered (a form's token, a link). Each person
    waits a random think time (uniform in `think`, seeded per person) between requests: a closed loop,
    so the rate asked for falls as answers slow down; at most len(people) / mean(think) requests per
    second. A connection error is an Exchange with status 0. Bounded by count and time.
    """
    import random

    if host not in LOOPBACK:
        raise ValueError(f"the load generator only targets loopback, not {host!r}")
    lock = threading.Lock()
    budget = _Budget(max_requests)
    done: list[Exchange] = []
    errors: list[str] = []
    start_gate = threading.Barrier(len(people) + 1)

    def person(index, script):
        rng = random.Random(seed * 1_000_003 + index)
        conn = http.client.HTTPConnection(host, port, timeout=30)
        start_gate.wait()
        time.sleep(rng.uniform(0, think[1]))  # people do not all start at the same instant
        mine: list[Exchange] = []
        answer = None
        try:
            while True:
                try:
                    method, path, headers, body, kind = script.send(answer)
                except StopIteration:
                    break
                if budget.claim() is None:
                    break
                exchange = Exchange(method=method, path=path, kind=kind)
                began = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    exchange.body = response.read()
                    exchange.status = response.status
                    exchange.set_cookies = response.headers.get_all("Set-Cookie") or []
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    with lock:
                        errors.append(f"{method} {path}: {error!r}")
                exchange.latency_ms = (time.perf_counter() - began) * 1000
                mine.append(exchange)
                answer = exchange
                remaining = budget.deadline - time.perf_counter()
                if remaining <= 0:
                    break
                time.sleep(min(remaining, rng.uniform(*think)))
        except Exception as error:  # noqa: BLE001 - a script that breaks is a failure of the run, not a lost thread
            mine.append(Exchange(method="SCRIPT", path=repr(error), kind="script"))
        finally:
            conn.close()
            with lock:
                done.extend(mine)

    threads = [
        threading.Thread(target=person, args=(index, script), daemon=True) for index, script in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    budget.deadline = began + max_seconds
    start_gate.wait()
    for thread in threads:
        thread.join(max_seconds + 60)
    return {"exchanges": done, "errors": errors, "elapsed_s": time.perf_counter() - began}
