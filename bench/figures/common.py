"""Helpers shared by the figures: people with roles, sessions, query counting, timing."""

import itertools
import statistics
import time

from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

_seq = itertools.count(1)


def make_person(*role_names, unit=None, username=None):
    from qms.core.models import User

    n = next(_seq)
    user = User.objects.create_user(
        username=username or f"bench{n}", password="bench-only-pw", email=f"bench{n}@example.test", unit=unit
    )
    if role_names:
        user.groups.set(Group.objects.filter(name__in=role_names))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_cookie(user) -> str:
    """A real session in the database, as a log-in would leave it; the header the load generator sends."""
    from django.conf import settings

    client = client_for(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def count_queries(func):
    with CaptureQueriesContext(connection) as captured:
        result = func()
    return len(captured.captured_queries), result


def second_view_queries(client, url):
    """The queries of a second GET of `url` (the first fills the per-process caches), which must answer 200."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    queries, _response = count_queries(lambda: client.get(url))
    return queries


def timed(func):
    began = time.perf_counter()
    result = func()
    return time.perf_counter() - began, result


HELLO = "/bench/hello"


def median_vs_hello(context, path, *, headers=None, log_name):
    """(page ms, hello ms, successful requests): median service time of `path` and of the hello view, one
    client, one request at a time, on the same single-worker gunicorn; alternated, the first pair warms up."""
    from bench import loadgen
    from bench.server import Gunicorn

    sizes = context.sizes
    connection.close()  # SQLite: the harness holds no lock while gunicorn's workers read
    requests = 20 if sizes.smoke else 200
    with Gunicorn(workers=1, log_path=context.run_dir / f"gunicorn-{log_name}.log") as server:
        runs = {}
        for target in (HELLO, path, HELLO, path):
            runs.setdefault(target, []).append(
                loadgen.run(
                    server.host,
                    server.port,
                    target,
                    headers=headers or {},
                    clients=1,
                    max_requests=requests,
                    max_seconds=sizes.load_seconds,
                )
            )
    hello, page = runs[HELLO][-1], runs[path][-1]
    if not page.ok or not hello.ok:
        raise RuntimeError(f"no successful request: hello {hello.statuses}, {path} {page.statuses}")
    return statistics.median(page.latencies_ms), statistics.median(hello.latencies_ms), page.ok
