"""Helpers shared by the figures: people with roles, sessions, query counting, timing."""

import itertools
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


def timed(func):
    began = time.perf_counter()
    result = func()
    return time.perf_counter() - began, result
