"""The sweep: lead times, one digest per person in their language, preferences, escalation, the ledger."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qms.core.models import User
from qms.reminders.models import Delivery, LeadTime
from qms.reminders.services import reminders_sweep
from tests.factories import make_officer, make_staff, make_unit

from .conftest import MONDAY, TODAY, days

pytestmark = pytest.mark.django_db


def sent_to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def test_an_item_is_reminded_at_each_lead_time_step_once(items):
    owner = make_staff(language="en")
    items.add(owner, due=days(30), title="Review QT-07")

    reminders_sweep(as_of=days(-1))  # 31 days before: not yet
    assert mail.outbox == []

    reminders_sweep(as_of=TODAY)  # 30 days before
    reminders_sweep(as_of=TODAY)  # the same day again: nothing new
    reminders_sweep(as_of=days(5))  # still in the 30-day step
    assert len(sent_to(owner)) == 1
    assert "Review QT-07" in mail.outbox[0].body

    reminders_sweep(as_of=days(23))  # 7 days before
    reminders_sweep(as_of=days(29))  # 1 day before
    reminders_sweep(as_of=days(30))  # due today: still the 1-day step
    assert len(sent_to(owner)) == 3
    assert sorted(Delivery.objects.values_list("cycle", flat=True)) == [
        f"{days(30)}/before-1",
        f"{days(30)}/before-30",
        f"{days(30)}/before-7",
    ]


def test_a_missed_step_is_caught_up_by_the_next_sweep(items):
    owner = make_staff()
    items.add(owner, due=days(5))
    reminders_sweep(as_of=TODAY)  # the worker was down on the 7-days-before day
    assert Delivery.objects.get().cycle == f"{days(5)}/before-7"
    assert len(mail.outbox) == 1


def test_overdue_items_repeat_every_seven_days(items):
    owner = make_staff()
    items.add(owner, due=days(-1))
    for offset in range(0, 15):
        reminders_sweep(as_of=days(offset))
    # overdue by 1 (repeat 0), by 8 (repeat 1), by 15 (repeat 2)
    assert len(sent_to(owner)) == 3
    assert set(Delivery.objects.values_list("reason", flat=True)) == {Delivery.Reason.OVERDUE}


def test_one_digest_per_person_grouping_all_their_items(items):
    owner, other = make_staff(), make_staff()
    items.add(owner, due=days(-3), title="Overdue action")
    items.add(owner, due=days(7), title="Review coming up")
    items.add(owner, other, due=days(1), title="Shared item")
    result = reminders_sweep(as_of=TODAY)
    assert result.digests_sent == 2
    (digest,) = sent_to(owner)
    for title in ("Overdue action", "Review coming up", "Shared item"):
        assert title in digest.body
    assert digest.body.index("Overdue action") < digest.body.index("Review coming up")
    assert len(sent_to(other)) == 1


def test_digest_in_the_persons_language_with_html_and_absolute_links(items):
    vietnamese, english = make_staff(language="vi"), make_staff(language="en")
    items.add(vietnamese, due=days(-2), title="QT-01")
    items.add(english, due=days(-2), title="QT-02")
    reminders_sweep(as_of=TODAY)
    (vi_mail,) = sent_to(vietnamese)
    (en_mail,) = sent_to(english)
    assert "quá hạn" in vi_mail.subject
    assert "Quá hạn" in vi_mail.body
    assert "overdue" in en_mail.subject
    assert "Overdue" in en_mail.body
    html, mimetype = en_mail.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://testserver/admin/items/' in html
    assert "http://testserver/admin/items/" in en_mail.body


def test_weekly_people_get_coming_up_items_on_the_weekly_day_but_overdue_always(items):
    weekly = make_staff(digest_frequency=User.DigestFrequency.WEEKLY)
    items.add(weekly, due=days(20), title="Coming up")
    reminders_sweep(as_of=TODAY)  # a Wednesday
    assert mail.outbox == []
    items.add(weekly, due=days(-1), title="Overdue")
    reminders_sweep(as_of=TODAY)
    (digest,) = sent_to(weekly)
    assert "Overdue" in digest.body and "Coming up" not in digest.body
    reminders_sweep(as_of=MONDAY)
    assert "Coming up" in sent_to(weekly)[-1].body
    assert len(sent_to(weekly)) == 2


def test_escalation_to_the_unit_manager_and_quality_officers_after_the_grace_period(items):
    manager = make_staff()
    unit = make_unit(manager=manager)
    owner = make_staff(unit=unit)
    officer = make_officer(language="en")
    items.add(owner, due=days(-14), unit=unit, title="Late action")

    reminders_sweep(as_of=TODAY)  # overdue by 14: within the grace period
    assert sent_to(manager) == [] and sent_to(officer) == []
    assert len(sent_to(owner)) == 1

    reminders_sweep(as_of=days(1))  # overdue by 15
    assert len(sent_to(manager)) == 1
    assert len(sent_to(officer)) == 1
    assert "Late action" in sent_to(manager)[0].body
    assert "escalated to you" in sent_to(officer)[0].body
    reminders_sweep(as_of=days(2))
    assert len(sent_to(manager)) == 1  # once per escalation cycle


def test_the_owner_is_not_sent_an_escalation_copy_of_their_own_item(items):
    officer = make_officer()
    unit = make_unit(manager=officer)
    items.add(officer, due=days(-30), unit=unit)
    reminders_sweep(as_of=TODAY)
    assert list(Delivery.objects.values_list("reason", flat=True)) == [Delivery.Reason.OVERDUE]


def test_people_without_email_or_inactive_are_skipped(items):
    no_mail = make_staff()
    User.objects.filter(pk=no_mail.pk).update(email="")
    gone = make_staff(is_active=False)
    items.add(no_mail, gone, due=days(-1))
    assert reminders_sweep(as_of=TODAY).reminders == 0
    assert mail.outbox == []


def test_lead_times_edited_by_quality_officers_are_used(items):
    owner = make_staff()
    items.add(owner, due=days(10))
    LeadTime.objects.create(kind="test_item", days_before="10", overdue_every_days=0)
    reminders_sweep(as_of=TODAY)
    assert Delivery.objects.get().cycle == f"{days(10)}/before-10"
    LeadTime.objects.filter(kind="test_item").update(is_active=False)
    reminders_sweep(as_of=days(10))
    assert Delivery.objects.count() == 1


def test_dry_run_reports_who_would_get_what_and_records_nothing(items):
    owner = make_staff()
    items.add(owner, due=days(-1), title="Late")
    result = reminders_sweep(as_of=TODAY, dry_run=True)
    assert [row.title for row in result.planned[owner.pk]] == ["Late"]
    assert Delivery.objects.count() == 0 and mail.outbox == []
    reminders_sweep(as_of=TODAY)
    assert reminders_sweep(as_of=TODAY, dry_run=True).planned == {}


def test_query_count_does_not_grow_with_the_number_of_items(items, monkeypatch):
    from qms.reminders import services

    monkeypatch.setattr(services, "CLAIM_BATCH", 10)  # 33 items span several spooled batches
    owner = make_staff()
    make_officer()

    def queries_for(count, as_of):
        for _ in range(count):
            items.add(owner, due=days(-20))
        with CaptureQueriesContext(connection) as captured:
            reminders_sweep(as_of=as_of)
        return len(captured)

    few = queries_for(3, TODAY)
    many = queries_for(30, days(100))  # a new cycle for all 33 items, still one digest per person
    assert few == many
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 3 * 2 + 33 * 2


def test_a_failing_provider_is_skipped_and_the_others_still_send(items):
    from qms.reminders import registry
    from qms.reminders.selectors import due_for_user

    @registry.provider("broken", label="Broken", order=0)
    def broken(*, until, user=None):
        raise RuntimeError("a field went missing")
        yield  # pragma: no cover

    items.providers.append(broken)

    owner = make_staff()
    items.add(owner, due=days(-1), title="Still sent")
    assert reminders_sweep(as_of=TODAY).digests_sent == 1
    assert "Still sent" in mail.outbox[0].body
    assert [item.title for item in due_for_user(owner, as_of=TODAY)] == ["Still sent"]
