"""Limits on password guessing (django-axes, qms.core.lockout) and session lifetime."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, make_officer, make_staff, make_user

pytestmark = pytest.mark.django_db

LOGINS = {"site": "/accounts/login/", "admin": "/admin/login/"}


def guess(client, url, username, password, **headers):
    return client.post(url, {"username": username, "password": password}, **headers)


@pytest.mark.parametrize("where", LOGINS)
def test_repeated_failures_lock_the_account_even_for_the_right_password(client, where):
    person = make_officer()
    for _ in range(25):
        guess(client, LOGINS[where], person.username, "wrong-guess")
    response = guess(client, LOGINS[where], person.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("where", LOGINS)
@pytest.mark.parametrize(
    "language, words",
    [("vi", "Đăng nhập sai quá nhiều lần"), ("en", "Too many failed log-in attempts")],
)
def test_the_lockout_is_explained_in_the_persons_language(client, where, language, words):
    person = make_officer()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guess(client, LOGINS[where], person.username, "wrong-guess")
    response = guess(client, LOGINS[where], person.username, PASSWORD)
    assert response.status_code == 429
    assert words in response.content.decode()


def test_the_lockout_is_per_username_and_address(client):
    person, other = make_staff(), make_staff()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guess(client, LOGINS["site"], person.username, "wrong-guess")
    assert guess(client, LOGINS["site"], other.username, PASSWORD).status_code == 302
    client.logout()
    elsewhere = guess(client, LOGINS["site"], person.username, PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 302


def test_a_forged_forwarded_address_does_not_reset_the_count(client):
    person = make_staff()
    for n in range(settings.AXES_FAILURE_LIMIT):
        guess(client, LOGINS["site"], person.username, "wrong-guess", HTTP_X_FORWARDED_FOR=f"10.1.0.{n}")
    assert guess(client, LOGINS["site"], person.username, PASSWORD).status_code == 429


def test_a_success_before_the_limit_resets_the_count(client):
    person = make_staff()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        guess(client, LOGINS["site"], person.username, "wrong-guess")
    assert guess(client, LOGINS["site"], person.username, PASSWORD).status_code == 302


def test_an_administrator_sees_and_lifts_lockouts(client):
    person = make_staff()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guess(client, LOGINS["site"], person.username, "wrong-guess")
    attempt = AccessAttempt.objects.get(username=person.username)

    client.force_login(make_officer())
    assert client.get(reverse("lockouts:index")).status_code in (302, 403)
    client.post(reverse("lockouts:delete", args=[attempt.pk]))
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()

    client.force_login(make_user(is_superuser=True))
    listing = client.get(reverse("lockouts:index"))
    assert listing.status_code == 200 and person.username in listing.content.decode()
    client.post(reverse("lockouts:delete", args=[attempt.pk]))
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    client.logout()
    assert guess(client, LOGINS["site"], person.username, PASSWORD).status_code == 302


def test_sessions_end_after_the_idle_time(client, monkeypatch):
    """Each request within the idle time renews the session (at most once a minute); a gap longer ends it."""
    import time

    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False
    client.force_login(make_user())
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])

    def expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    assert client.get("/").status_code == 200
    first = expiry()
    clock[0] += 30  # within the minute: not written again
    client.get("/")
    assert expiry() == first
    clock[0] += 7 * 60 * 60  # seven hours later, still within eight hours of the last renewal
    with freeze(clock[0]):
        assert client.get("/").status_code == 200
        assert expiry() > first
    with freeze(clock[0] + 8 * 60 * 60 + 60):  # then idle past the limit: logged out
        assert "_auth_user_id" not in client.session


def freeze(timestamp):
    import datetime
    from unittest import mock

    from django.utils import timezone

    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return mock.patch.object(timezone, "now", lambda: moment)


def test_idle_time_and_browser_close_come_from_the_environment():
    from tests.qms.core.test_env import run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)",
        extra_env={"SESSION_COOKIE_AGE": "1800", "SESSION_EXPIRE_AT_BROWSER_CLOSE": "true"},
        settings="qms.settings.dev",
    )
    assert result.stdout.strip().splitlines()[-1] == "1800 True", result.stderr


def test_behind_a_proxy_lockouts_count_the_clients_address_not_the_proxys(client, settings):
    """Behind one proxy, REMOTE_ADDR is the proxy for everyone: the client is the last X-Forwarded-For entry,
    and what the client itself put further left is not believed."""
    from qms.core.lockout import client_address

    settings.QMS_TRUSTED_PROXIES = 1
    person = make_user(username="lan")
    proxy = "10.0.0.1"
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        guess(client, LOGINS["site"], person.username, "wrong", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    # Locked from the guesser's address only: the person, behind the same proxy, still logs in.
    response = guess(
        client, LOGINS["site"], person.username, PASSWORD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert response.status_code == 302
    # A forged entry on the left does not move the guesser to another address.
    request = type("R", (), {"META": {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}})()
    assert client_address(request) == "203.0.113.9"
    settings.QMS_TRUSTED_PROXIES = 0
    assert client_address(request) == proxy
