"""Weekly readers lose nothing when their weekly day's sweep does not run (issue 13 item 4)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from qms.core.models import User
from qms.reminders.models import Delivery
from qms.reminders.services import reminders_deliver_pending, reminders_sweep
from tests.factories import make_staff

from .conftest import MONDAY, TODAY, days

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_the_weeks_reminders_go_out_by_the_delivery_run_when_the_weekly_day_sweep_was_skipped(items):
    weekly = make_staff(digest_frequency=User.DigestFrequency.WEEKLY)
    items.add(weekly, due=days(20), title="Review in three weeks")
    items.add(weekly, due=days(9), title="Audit next week")
    reminders_sweep(as_of=TODAY)  # Wednesday: claimed, held until Monday
    items.add(weekly, due=days(4) + datetime.timedelta(days=3), title="Came into view on Friday")
    reminders_sweep(as_of=days(2))  # Friday
    assert mail.outbox == []
    assert set(Delivery.objects.values_list("deliver_from", flat=True)) == {at(MONDAY, 7)}

    # Monday's sweep never runs (the worker was down at 07:00). Before the weekly moment nothing goes out.
    assert reminders_deliver_pending(now=at(MONDAY, 6, 55), today=MONDAY).sent == 0
    assert reminders_deliver_pending(now=at(MONDAY, 7, 5), today=MONDAY).sent == 1

    (digest,) = mail.outbox
    for title in ("Review in three weeks", "Audit next week", "Came into view on Friday"):
        assert title in digest.body
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


def test_an_item_seen_at_two_steps_during_the_week_is_listed_once(items):
    weekly = make_staff(digest_frequency=User.DigestFrequency.WEEKLY)
    items.add(weekly, due=days(8), title="Two steps this week")  # step 30 on Wednesday, step 7 on Thursday
    reminders_sweep(as_of=TODAY)
    reminders_sweep(as_of=days(1))
    assert Delivery.objects.count() == 2
    reminders_sweep(as_of=MONDAY)
    (digest,) = mail.outbox
    assert digest.body.count("Two steps this week") == 1
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2


def test_daily_readers_are_not_held(items):
    daily = make_staff()
    items.add(daily, due=days(20))
    reminders_sweep(as_of=TODAY)
    assert len(mail.outbox) == 1 and Delivery.objects.get().deliver_from is None
