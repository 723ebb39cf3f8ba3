"""What a digest says (issue 13 item 5): days overdue, escalations by unit with their owners, a summary on top."""

import pytest
from django.core import mail

from qms.reminders.services import reminders_sweep
from tests.factories import make_officer, make_staff, make_unit

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


def test_an_escalation_digest_groups_by_unit_names_the_owner_and_counts_days_overdue(items):
    finance, archive = make_unit(name="Finance"), make_unit(name="Archive")
    officer = make_officer(language="en")
    alice = make_staff(unit=finance, first_name="Alice", last_name="Tran")
    bao = make_staff(unit=archive, first_name="Bao", last_name="Le")
    items.add(alice, due=days(-20), unit=finance, title="Late A1")
    items.add(alice, due=days(-16), unit=finance, title="Late A2")
    items.add(bao, due=days(-30), unit=archive, title="Late B1")
    items.add(officer, due=days(-2), title="My own late item")
    items.add(officer, due=days(5), title="My coming item")

    reminders_sweep(as_of=TODAY)

    (digest,) = [message for message in mail.outbox if message.to == [officer.email]]
    body = digest.body
    html = digest.alternatives[0][0]
    # The officer's own item has no unit: listed as such, so that the counts add up.
    assert "4 overdue in 2 units: Finance (2), Archive (1), No unit (1); 1 coming up" in body
    assert body.index("4 overdue") < body.index("== ")  # the summary comes first
    assert "overdue by 20 days" in body and "overdue by 30 days" in body and "overdue by 2 days" in body
    escalated = body[body.index("escalated to you") :]
    positions = [escalated.index(text) for text in ("Finance", "Late A1", "Archive", "Late B1")]
    assert positions == sorted(positions)
    assert "owner: Tran Alice" in body or "owner: Alice Tran" in body
    assert "Test items" in body  # the kind still shows beside each escalated item
    assert "overdue by 20 days" in html and "4 overdue in 2 units" in html and "owner:" in html


def test_in_vietnamese_too(items):
    unit = make_unit(name="Văn phòng")
    officer = make_officer(language="vi")
    owner = make_staff(unit=unit)
    items.add(owner, due=days(-15), unit=unit, title="Việc trễ")
    reminders_sweep(as_of=TODAY)
    (digest,) = [message for message in mail.outbox if message.to == [officer.email]]
    assert "1 việc quá hạn tại 1 đơn vị: Văn phòng (1)" in digest.body
    assert "quá hạn 15 ngày" in digest.body and "người phụ trách:" in digest.body


def test_a_digest_without_overdue_items_has_a_short_summary(items):
    person = make_staff(language="en")
    items.add(person, due=days(3))
    reminders_sweep(as_of=TODAY)
    assert "1 coming up" in mail.outbox[0].body and "overdue by" not in mail.outbox[0].body


def test_an_escalated_item_of_several_people_names_the_first_and_counts_the_others(items):
    unit = make_unit(name="Records")
    officer = make_officer(language="en")
    members = [make_staff(unit=unit, first_name=name, last_name="Pham") for name in ("An", "Binh", "Chi")]
    items.add(*members, due=days(-20), unit=unit, title="Revision to acknowledge")
    reminders_sweep(as_of=TODAY)
    (digest,) = [message for message in mail.outbox if message.to == [officer.email]]
    assert "owner: Pham An and 2 others" in digest.body or "owner: An Pham and 2 others" in digest.body
