"""A failing mail server: the digest stays pending, is retried with back-off, then delivered once."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from qms.reminders import services
from qms.reminders.models import Delivery
from qms.reminders.services import reminders_deliver_pending, reminders_sweep, retry_delay
from qms.reminders.tasks import deliver_pending
from tests.factories import make_staff

from . import backends
from .conftest import TODAY, days

pytestmark = pytest.mark.django_db

FLAKY = "tests.qms.reminders.backends.FlakyBackend"


@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_failed_send_stays_pending_is_retried_after_back_off_then_delivered_once(
    items, django_capture_on_commit_callbacks
):
    owner = make_staff()
    items.add(owner, due=days(-1), title="Late action")
    backends.failures_left = 1
    with (
        mock.patch.object(services, "schedule_retry") as schedule_retry,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = reminders_sweep(as_of=TODAY)
    assert (result.digests_sent, result.digests_retried) == (0, 1)
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.PENDING
    assert row.attempts == 0 and "unreachable" in row.last_error  # the server's failure, not the person's
    assert row.next_attempt_at > timezone.now()
    schedule_retry.assert_called_once_with(retry_delay(1))
    assert mail.outbox == []

    # Before the back-off has passed nothing is sent, not even by another sweep.
    assert reminders_deliver_pending().sent == 0
    reminders_sweep(as_of=TODAY)
    assert mail.outbox == []

    later = row.next_attempt_at + datetime.timedelta(seconds=1)
    assert reminders_deliver_pending(now=later).sent == 1
    assert reminders_deliver_pending(now=later).sent == 0
    reminders_sweep(as_of=TODAY)
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT and row.sent_at is not None and row.last_error == ""


@override_settings(EMAIL_BACKEND=FLAKY, QMS_REMINDERS_RETRY_BASE_SECONDS=0)
def test_the_retry_task_delivers_pending_digests_and_is_idempotent(items):
    owner = make_staff()
    items.add(owner, due=days(-1))
    backends.failures_left = 2
    with mock.patch.object(services, "schedule_retry"):
        reminders_sweep(as_of=TODAY)
        assert deliver_pending.apply().get() == {"sent": 0, "retried": 1, "undeliverable": 0, "withdrawn": 0}
    assert Delivery.objects.get().attempts == 0  # an unreachable server never counts toward giving up
    assert deliver_pending.apply().get() == {"sent": 1, "retried": 0, "undeliverable": 0, "withdrawn": 0}
    assert deliver_pending.apply().get() == {"sent": 0, "retried": 0, "undeliverable": 0, "withdrawn": 0}
    assert len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_mail_server_refusing_everything_is_not_hammered(items):
    people = [make_staff() for _ in range(5)]
    for person in people:
        items.add(person, due=days(-1))
    backends.failures_left = 100
    with mock.patch.object(services, "schedule_retry"):
        result = reminders_sweep(as_of=TODAY)
    backends.failures_left = 0
    assert result.digests_retried == services.MAX_CONSECUTIVE_FAILURES
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 5


def test_back_off_doubles_and_is_capped_under_the_visibility_timeout():
    assert [retry_delay(n) for n in (1, 2, 3)] == [60, 120, 240]
    assert retry_delay(30) == 3000 < 3600


def test_an_unreachable_broker_does_not_break_the_caller():
    with mock.patch.object(deliver_pending, "apply_async", side_effect=ConnectionError("broker down")):
        services.schedule_retry(60)  # logged, not raised: the next sweep catches up


def test_the_sweep_task_runs_the_sweep_for_today_or_a_given_day(items):
    from qms.reminders.tasks import sweep

    owner = make_staff()
    items.add(owner, due=days(-1))
    summary = {"claimed": 1, "sent": 1, "retried": 0, "undeliverable": 0, "withdrawn": 0}
    assert sweep.apply(kwargs={"as_of": TODAY.isoformat()}).get() == summary
    # Run again: nothing newly claimed (the number reported is what the ledger took, not what was offered).
    assert sweep.apply(kwargs={"as_of": TODAY.isoformat()}).get() == {**summary, "claimed": 0, "sent": 0}
    assert len(mail.outbox) == 1
