"""Rows claimed before something changed are re-checked at delivery (issue 13 item 3): withdrawn, never sent."""

import dataclasses
from unittest import mock

import pytest
from django.core import mail

from qms.core.models import User
from qms.reminders import registry, services
from qms.reminders.models import Delivery
from qms.reminders.services import reminders_deliver_pending, reminders_sweep
from tests.factories import make_staff

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


def claim_only(as_of=TODAY):
    """The sweep's claim, without its delivery: as if the worker stopped between the two."""
    with mock.patch.object(services, "reminders_deliver_pending"):
        return reminders_sweep(as_of=as_of).reminders


def test_a_person_deactivated_after_the_claim_gets_nothing_and_the_rows_say_why(items):
    person, other = make_staff(), make_staff()
    items.add(person, other, due=days(-1), title="Shared")
    items.add(person, due=days(3), title="Coming")
    assert claim_only() == 3
    User.objects.filter(pk=person.pk).update(is_active=False)

    result = reminders_deliver_pending()

    assert (result.sent, result.withdrawn) == (1, 2)
    assert [message.to for message in mail.outbox] == [[other.email]]
    rows = Delivery.objects.filter(recipient=person)
    assert {(row.status, row.outcome) for row in rows} == {(Delivery.Status.WITHDRAWN, Delivery.Outcome.INACTIVE)}
    assert all(row.closed_at and not row.sent_at for row in rows)
    assert reminders_deliver_pending().withdrawn == 0  # closed for good: not looked at again


def test_an_item_closed_after_the_claim_is_not_reminded(items):
    person = make_staff()
    closed = items.add(person, due=days(-1), title="Closed meanwhile")
    items.add(person, due=days(-1), title="Still open")
    claim_only()
    items.remove(closed)  # the provider no longer yields it: closed

    result = reminders_deliver_pending()

    assert (result.sent, result.withdrawn) == (1, 1)
    (digest,) = mail.outbox
    assert "Still open" in digest.body and "Closed meanwhile" not in digest.body
    row = Delivery.objects.get(title="Closed meanwhile")
    assert (row.status, row.outcome) == (Delivery.Status.WITHDRAWN, Delivery.Outcome.CLOSED)


def test_a_rescheduled_or_reassigned_item_is_withdrawn_with_its_reason(items):
    person, successor = make_staff(), make_staff()
    moved = items.add(person, due=days(-1), title="Moved")
    reassigned = items.add(person, due=days(-1), title="Reassigned")
    claim_only()
    items[items.index(moved)] = dataclasses.replace(moved, due_date=days(-5))
    items[items.index(reassigned)] = dataclasses.replace(reassigned, recipient_ids=(successor.pk,))

    assert reminders_deliver_pending().withdrawn == 2
    assert mail.outbox == []
    outcomes = dict(Delivery.objects.values_list("title", "outcome"))
    assert outcomes == {"Moved": Delivery.Outcome.RESCHEDULED, "Reassigned": Delivery.Outcome.NOT_YOURS}


def test_a_failing_provider_withdraws_nothing(items):
    person = make_staff()
    items.add(person, due=days(-1), title="Sent as claimed")
    claim_only()
    provider = registry.get("test_item")

    def broken(*, until, user=None):
        raise RuntimeError("database hiccup")
        yield  # pragma: no cover

    items.providers[:] = [dataclasses.replace(provider, items=broken)]
    assert reminders_deliver_pending().sent == 1
    assert "Sent as claimed" in mail.outbox[0].body


def test_a_row_claimed_after_the_check_began_is_not_withdrawn_for_being_unseen(items):
    person = make_staff()
    items.add(person, due=days(-1), title="Seen")
    claim_only()
    checked = services._still_due(services._ready(services.timezone.now(), services.timezone.now()))
    later = items.add(person, due=days(20), title="Claimed by a sweep running alongside")
    claim_only()
    row = Delivery.objects.get(object_id=later.object_id)
    assert services._withdrawal(row, checked, checked_at=services.timezone.now()) is None


@pytest.mark.parametrize("change", ["reassigned", "rescheduled"])
def test_a_row_claimed_by_a_sweep_alongside_after_the_check_is_left_for_the_next_run(items, change):
    person, successor = make_staff(), make_staff()
    item = items.add(person, due=days(-1), title="Changed meanwhile")
    claim_only()
    read = services._still_due

    def check_then_change(ready):
        # This run has read the items; then the item changes and a sweep alongside claims the new row.
        checked = read(ready)
        if change == "reassigned":
            items[0] = dataclasses.replace(item, recipient_ids=(successor.pk,))
        else:
            items[0] = dataclasses.replace(item, recipient_ids=(person.pk, successor.pk), due_date=days(-3))
        claim_only()
        return checked

    with mock.patch.object(services, "_still_due", check_then_change):
        first = reminders_deliver_pending()
    new = Delivery.objects.get(recipient=successor)
    assert first.withdrawn == 0  # what this run read says nothing about a row claimed after it
    assert new.status == Delivery.Status.PENDING and successor.email not in {m.to[0] for m in mail.outbox}

    assert reminders_deliver_pending().sent >= 1
    new.refresh_from_db()
    assert new.status == Delivery.Status.SENT
    assert [successor.email] in [message.to for message in mail.outbox]
