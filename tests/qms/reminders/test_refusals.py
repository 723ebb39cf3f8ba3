"""A real SMTP peer refusing some addresses: each person's delivery is independent (issue 13, items 1 and 2).

The mail goes through Django's SMTP backend to aiosmtpd on 127.0.0.1, so the refusals are
real SMTP replies (550 / 451 at RCPT), classified as the production code sees them.
Back-offs are skipped by passing a later `now`, never by sleeping.
"""

import datetime
import smtplib
from collections import Counter
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from qms.reminders import services
from qms.reminders.models import Delivery
from qms.reminders.services import reminders_deliver_pending, reminders_sweep
from tests.factories import make_officer, make_staff, make_user

from .conftest import TODAY, days
from .smtp import free_port, smtp_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp():
    with smtp_server() as (handler, port):
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=10,
            QMS_REMINDERS_MAX_ATTEMPTS=3,
        ):
            yield handler


@pytest.fixture(autouse=True)
def no_broker():
    # The retry task would need a broker; the delivery run (called here directly) is what recovers.
    with mock.patch.object(services, "schedule_retry") as schedule_retry:
        yield schedule_retry


def later(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_three_permanently_refused_among_ten_do_not_stop_the_seven_others(items, smtp):
    people = [make_staff() for _ in range(10)]
    for person in people:
        items.add(person, due=days(-2), title=f"Late action of {person.username}")
    refused = {people[0].email, people[4].email, people[9].email}  # first, middle, last: order does not matter
    smtp.refuse_always = set(refused)

    result = reminders_sweep(as_of=TODAY)

    healthy = {person.email for person in people} - refused
    assert Counter(smtp.accepted) == Counter({email: 1 for email in healthy})  # all seven, in the same run
    assert (result.reminders, result.digests_sent, result.digests_retried) == (10, 7, 3)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 7
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING)
    assert {row.recipient.email for row in pending} == refused
    assert all(row.attempts == 1 and "550" in row.last_error for row in pending)


def test_a_temporarily_refused_recipient_is_retried_with_back_off_then_delivered_once(items, smtp):
    person = make_staff()
    items.add(person, due=days(-1))
    smtp.refuse_times[person.email] = 2  # 451 twice

    assert reminders_sweep(as_of=TODAY).digests_retried == 1
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.PENDING and row.next_attempt_at > timezone.now()
    assert reminders_deliver_pending().sent == 0  # the back-off has not passed: not even tried
    assert smtp.refused == [person.email]

    assert reminders_deliver_pending(now=later(5)).retried == 1
    assert reminders_deliver_pending(now=later(60)).sent == 1
    assert reminders_deliver_pending(now=later(120)).sent == 0
    assert smtp.accepted == [person.email]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Delivery.Status.SENT, 2, "")


def test_a_permanently_refused_recipient_is_undeliverable_after_the_limit_and_shown_to_officers(items, smtp, client):
    person = make_staff(username="gone.mailbox")
    items.add(person, due=days(-3), title="QT-04 review overdue")
    smtp.refuse_always = {person.email}

    reminders_sweep(as_of=TODAY)
    assert reminders_deliver_pending(now=later(10)).undeliverable == 0  # attempt 2 of 3
    result = reminders_deliver_pending(now=later(60))  # attempt 3: given up
    assert (result.sent, result.retried, result.undeliverable) == (0, 0, 1)
    row = Delivery.objects.get()
    assert (row.status, row.outcome, row.attempts) == (Delivery.Status.UNDELIVERABLE, Delivery.Outcome.REFUSED, 3)
    assert "550" in row.last_error and row.next_attempt_at is None
    assert reminders_deliver_pending(now=later(600)).undeliverable == 0  # never tried again
    assert smtp.refused == [person.email] * 3 and smtp.accepted == []

    client.force_login(make_officer())  # the admin speaks Vietnamese by default
    page = client.get(reverse("undeliverable_reminder:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "QT-04 review overdue" in html and "Máy chủ thư từ chối địa chỉ" in html and "550" in html
    dashboard = client.get("/admin/").content.decode()
    assert "1 nhắc việc không gửi được" in dashboard


@override_settings(QMS_REMINDERS_MAX_TEMPORARY_ATTEMPTS=4)
def test_a_mail_server_outage_longer_than_the_limit_makes_nobody_undeliverable_and_serves_everyone_in_turn(items, smtp):
    people = [make_staff() for _ in range(7)]
    for person in people:
        items.add(person, due=days(-1))
    with mock.patch.object(services, "reminders_deliver_pending"):
        reminders_sweep(as_of=TODAY)  # claimed only
    tried_by_run = []
    with override_settings(EMAIL_PORT=free_port()):  # nobody listens there: every connection is refused
        for run in range(1, 13):  # three times the limit, each run after every back-off
            result = reminders_deliver_pending(now=later(60 * run))
            assert (result.sent, result.retried, result.undeliverable) == (0, services.MAX_CONSECUTIVE_FAILURES, 0)
            tried = Delivery.objects.filter(last_error__contains="Refused").values_list("pk", flat=True)
            tried_by_run.append(set(tried))
    # Each run starts with whoever waited longest, not with the lowest ids: after three runs all seven were tried.
    assert len(tried_by_run[2]) == 7
    rows = Delivery.objects.all()
    assert {(row.status, row.attempts) for row in rows} == {(Delivery.Status.PENDING, 0)}

    result = reminders_deliver_pending(now=later(60 * 13))  # the server is back

    assert (result.sent, result.undeliverable) == (7, 0)
    assert Counter(smtp.accepted) == Counter({person.email: 1 for person in people})
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_an_emptied_address_is_undeliverable_without_contacting_the_server(items, smtp):
    person = make_staff()
    items.add(person, due=days(-1))
    with mock.patch.object(services, "reminders_deliver_pending"):
        reminders_sweep(as_of=TODAY)  # claimed only
    type(person).objects.filter(pk=person.pk).update(email="")
    for minutes in (0, 10, 60):
        reminders_deliver_pending(now=later(minutes))
    row = Delivery.objects.get()
    assert (row.status, row.outcome, row.attempts) == (Delivery.Status.UNDELIVERABLE, Delivery.Outcome.NO_ADDRESS, 3)
    assert smtp.seen == 0 and smtp.refused == []


def test_only_quality_officers_see_the_undeliverable_list_and_its_count(client):
    staff = make_user()
    client.force_login(staff)
    assert client.get(reverse("undeliverable_reminder:index")).status_code == 302
    client.force_login(make_officer())
    assert client.get(reverse("undeliverable_reminder:index")).status_code == 200
    assert "không gửi được: xem lý do" not in client.get("/admin/").content.decode()  # nothing to act on: no panel


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"no such user")}), services.PERMANENT),
        (smtplib.SMTPRecipientsRefused({"a@x": (452, b"mailbox full")}), services.TEMPORARY),
        (smtplib.SMTPDataError(554, b"message refused"), services.PERMANENT),
        (smtplib.SMTPDataError(451, b"try later"), services.TEMPORARY),
        (smtplib.SMTPSenderRefused(550, b"sender refused", "qms@x"), services.SERVER),  # our config, not theirs
        (smtplib.SMTPAuthenticationError(535, b"bad log-in"), services.SERVER),
        (smtplib.SMTPServerDisconnected("gone"), services.SERVER),
        (ConnectionRefusedError("refused"), services.SERVER),
        (TimeoutError("timed out"), services.SERVER),
        (RuntimeError("the mail backend did not accept the digest"), services.TEMPORARY),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else value,
)
def test_what_counts_as_permanent(error, expected):
    assert services.classify_failure(error) == expected
