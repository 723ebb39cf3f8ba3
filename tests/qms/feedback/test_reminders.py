"""Feedback coming due and overdue goes through the reminder engine to whoever holds the next step, and
escalates to the handling unit's manager (ISO 9001 8.2.1 c); Nghị định 20/2008/NĐ-CP time limits)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from qms.feedback import services
from qms.feedback.models import Feedback
from qms.feedback.reminders import FEEDBACK_ANSWER
from qms.reminders.services import reminders_sweep
from tests import factories as f

from .conftest import assigned, receive

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _sent_to(person):
    return [m for m in mail.outbox if m.to == [person.email]]


def test_overdue_feedback_reminds_its_handler_then_escalates_to_the_units_manager():
    manager = f.make_staff()
    unit = f.make_unit(code="QLDL", manager=manager)
    handler, officer = f.make_staff(unit=unit), f.make_officer()
    feedback = assigned(officer=officer, handler=handler, unit=unit)
    Feedback.objects.filter(pk=feedback.pk).update(due_date=TODAY - datetime.timedelta(days=1))

    reminders_sweep(as_of=TODAY)
    (digest,) = _sent_to(handler)
    assert feedback.reference in digest.body and f"/feedback/{feedback.pk}/" in digest.body
    assert _sent_to(manager) == []

    reminders_sweep(as_of=TODAY + datetime.timedelta(days=2))  # overdue by 3: past the two-day grace
    assert any(feedback.reference in m.body for m in _sent_to(manager))


def test_unassigned_feedback_goes_to_the_officers_and_an_answer_to_approve_to_the_approvers():
    officer, unit = f.make_officer(), f.make_unit()
    approver, other_approver = f.make_approver(), f.make_approver()
    waiting = receive(text="Chưa phân công")
    Feedback.objects.filter(pk=waiting.pk).update(due_date=TODAY)
    to_approve = assigned(officer=officer, handler=approver, unit=unit, text="Chờ phê duyệt")
    services.feedback_answer(feedback=to_approve, user=approver, answer="Trả lời")
    Feedback.objects.filter(pk=to_approve.pk).update(due_date=TODAY)

    result = reminders_sweep(as_of=TODAY, dry_run=True)
    titles = {
        person: [row.title for row in rows if row.kind == FEEDBACK_ANSWER] for person, rows in result.planned.items()
    }
    assert any(waiting.reference in title for title in titles[officer.pk])
    assert any(to_approve.reference in title for title in titles[other_approver.pk])
    # The approver who wrote the answer is not asked to approve it.
    assert not any(to_approve.reference in title for title in titles.get(approver.pk, []))


def test_answered_feedback_is_no_longer_reminded():
    officer, unit, handler, approver = f.make_officer(), f.make_unit(), f.make_staff(), f.make_approver()
    feedback = assigned(officer=officer, handler=handler, unit=unit)
    services.feedback_answer(feedback=feedback, user=handler, answer="Trả lời")
    services.feedback_approve_answer(feedback=feedback, user=approver)
    Feedback.objects.filter(pk=feedback.pk).update(due_date=TODAY - datetime.timedelta(days=5))
    result = reminders_sweep(as_of=TODAY, dry_run=True)
    assert not any(row.kind == FEEDBACK_ANSWER for rows in result.planned.values() for row in rows)
