"""The feedback lifecycle through its services (ISO 9001 8.2.1 c), 10.2): every rule, every refusal."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qms.core.records import ConflictError, NotPermitted
from qms.feedback import services
from qms.feedback.models import Feedback, FeedbackMessage
from qms.nonconformities.models import Nonconformity
from tests import factories as f

from .conftest import assigned, receive

pytestmark = pytest.mark.django_db
S = Feedback.Status


@pytest.fixture
def people(db):
    unit = f.make_unit(code="QLVH")
    return {
        "unit": unit,
        "officer": f.make_officer(unit=unit),
        "handler": f.make_staff(unit=unit),
        "approver": f.make_approver(unit=unit),
        "approver2": f.make_approver(unit=unit),
    }


def test_references_count_per_year():
    first, second = receive(), receive(text="Một phản ánh khác")
    year = timezone.localdate().year
    assert (first.reference, second.reference) == (f"PAKN-{year}-0001", f"PAKN-{year}-0002")


def test_receiving_sets_the_default_due_date_and_acknowledges_by_email(settings, django_capture_on_commit_callbacks):
    settings.QMS_FEEDBACK_ANSWER_WORKING_DAYS = 10
    monday = timezone.make_aware(datetime.datetime(2026, 11, 2, 9))
    with django_capture_on_commit_callbacks(execute=True):
        feedback = receive(email="Citizen@Example.test", received_at=monday)
    assert feedback.due_date == datetime.date(2026, 11, 16)  # ten working days, weekends skipped
    assert feedback.email == "citizen@example.test"
    assert [m.to for m in mail.outbox] == [["citizen@example.test"]]
    assert feedback.reference in mail.outbox[0].subject and feedback.reference in mail.outbox[0].body
    assert FeedbackMessage.objects.get().sent_at is not None
    history = feedback.history.get()
    with translation.override(settings.LANGUAGE_CODE):
        assert history.history_change_reason == _("Received from the public feedback form")


def test_anonymous_feedback_needs_no_contact_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = receive(name="")
    assert not feedback.has_contact and mail.outbox == []


def test_empty_text_or_unknown_kind_is_refused():
    with pytest.raises(services.InvalidInput):
        receive(text="  ")
    with pytest.raises(services.InvalidInput):
        receive(kind="spam")
    assert not Feedback.objects.exists()


def test_staff_records_feedback_with_its_channel(people):
    feedback = receive(channel="phone", user=people["handler"], unit=people["unit"])
    assert feedback.channel == "phone" and feedback.received_by == people["handler"]
    assert feedback.history.get().history_user == people["handler"]


def test_an_anonymous_caller_cannot_claim_another_channel():
    with pytest.raises(NotPermitted):
        receive(channel="desk")


def test_full_flow_answer_approved_by_someone_else_is_sent_and_closed(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = assigned(officer=people["officer"], handler=people["handler"], unit=people["unit"], email="a@b.test")
    assert feedback.status == S.ASSIGNED and feedback.handler == people["handler"]
    services.feedback_answer(feedback=feedback, user=people["handler"], answer="Đã xử lý.", substantiated=True)
    with pytest.raises(NotPermitted):
        services.feedback_close(feedback=feedback, user=people["handler"])
    with pytest.raises(services.TransitionNotAllowed):
        services.feedback_close(feedback=feedback, user=people["officer"])  # not answered yet
    with django_capture_on_commit_callbacks(execute=True):
        feedback = services.feedback_approve_answer(feedback=feedback, user=people["approver"])
    feedback.refresh_from_db()
    assert feedback.status == S.ANSWERED and feedback.answer_approved_by == people["approver"]
    assert feedback.answer_sent_at is not None
    assert [m.to for m in mail.outbox] == [["a@b.test"], ["a@b.test"]]
    assert "Đã xử lý." in mail.outbox[1].body
    services.feedback_close(feedback=feedback, user=people["officer"])
    feedback.refresh_from_db()
    assert feedback.status == S.CLOSED and feedback.closed_by == people["officer"]


def test_nobody_approves_their_own_answer(people):
    approver = people["approver"]
    feedback = assigned(officer=people["officer"], handler=approver, unit=people["unit"])
    services.feedback_answer(feedback=feedback, user=approver, answer="Trả lời")
    with pytest.raises(NotPermitted):
        services.feedback_approve_answer(feedback=feedback, user=approver)
    feedback.refresh_from_db()
    assert feedback.status == S.AWAITING_APPROVAL and feedback.answer_approved_by is None
    services.feedback_approve_answer(feedback=feedback, user=people["approver2"])


def test_only_an_approver_approves(people):
    feedback = assigned(officer=people["officer"], handler=people["handler"], unit=people["unit"])
    services.feedback_answer(feedback=feedback, user=people["handler"], answer="Trả lời")
    for person in (people["handler"], f.make_staff(unit=people["unit"])):
        with pytest.raises(NotPermitted):
            services.feedback_approve_answer(feedback=feedback, user=person)


def test_returned_answer_goes_back_to_the_handler_with_the_reason(people):
    feedback = assigned(officer=people["officer"], handler=people["handler"], unit=people["unit"])
    services.feedback_answer(feedback=feedback, user=people["handler"], answer="Trả lời")
    with pytest.raises(services.InvalidInput):
        services.feedback_return_answer(feedback=feedback, user=people["approver"], reason="")
    services.feedback_return_answer(feedback=feedback, user=people["approver"], reason="Thiếu căn cứ pháp lý")
    feedback.refresh_from_db()
    assert feedback.status == S.ASSIGNED
    assert "Thiếu căn cứ pháp lý" in feedback.history.first().history_change_reason


def test_only_the_handler_or_an_officer_answers(people):
    feedback = assigned(officer=people["officer"], handler=people["handler"], unit=people["unit"])
    with pytest.raises(NotPermitted):
        services.feedback_answer(feedback=feedback, user=f.make_staff(unit=people["unit"]), answer="x")
    assert Feedback.objects.get(pk=feedback.pk).status == S.ASSIGNED


def test_a_stale_copy_is_a_conflict(people):
    feedback = receive()
    services.feedback_classify(feedback=feedback, user=people["officer"], kind="suggestion", version=1)
    with pytest.raises(ConflictError):
        services.feedback_classify(feedback=feedback, user=people["officer"], kind="praise", version=1)
    assert Feedback.objects.get(pk=feedback.pk).kind == "suggestion"


def test_reject_needs_a_reason_and_only_before_the_answer(people):
    feedback = receive()
    with pytest.raises(services.InvalidInput):
        services.feedback_reject(feedback=feedback, user=people["officer"], reason=" ")
    services.feedback_reject(feedback=feedback, user=people["officer"], reason="Không thuộc thẩm quyền")
    feedback.refresh_from_db()
    assert feedback.status == S.REJECTED and feedback.rejection_reason == "Không thuộc thẩm quyền"
    with pytest.raises(services.TransitionNotAllowed):
        services.feedback_classify(feedback=feedback, user=people["officer"], kind="complaint")


def test_a_substantiated_complaint_raises_one_nonconformity_linked_both_ways(people):
    feedback = assigned(officer=people["officer"], handler=people["handler"], unit=people["unit"], email="c@d.test")
    with pytest.raises(services.TransitionNotAllowed):
        services.feedback_raise_nonconformity(feedback=feedback, user=people["handler"])  # not yet substantiated
    services.feedback_answer(feedback=feedback, user=people["handler"], answer="Đúng, đã xử lý.", substantiated=True)
    nc = services.feedback_raise_nonconformity(feedback=feedback, user=people["handler"])
    assert nc.source == Nonconformity.Source.COMPLAINT and nc.unit == people["unit"]
    assert feedback.reference in nc.description and "c@d.test" not in nc.description
    assert Nonconformity.objects.get(pk=nc.pk).feedback.pk == feedback.pk
    with pytest.raises(services.TransitionNotAllowed):
        services.feedback_raise_nonconformity(feedback=feedback, user=people["officer"])
    assert Nonconformity.objects.count() == 1
    # Closing waits for the answer, not for the nonconformity.
    services.feedback_approve_answer(feedback=feedback, user=people["approver"])
    services.feedback_close(feedback=feedback, user=people["officer"])
    assert Nonconformity.objects.get(pk=nc.pk).is_open


def test_a_suggestion_raises_no_nonconformity(people):
    feedback = assigned(officer=people["officer"], handler=people["handler"], unit=people["unit"], kind="suggestion")
    services.feedback_set_substantiated(feedback=feedback, user=people["officer"], substantiated=True)
    with pytest.raises(services.TransitionNotAllowed):
        services.feedback_raise_nonconformity(feedback=feedback, user=people["officer"])
    assert not Nonconformity.objects.exists()


def test_an_smtp_outage_keeps_the_message_for_the_next_run(settings, people, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        feedback = receive(email="x@y.test")
    message = FeedbackMessage.objects.get(feedback=feedback)
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.messages_send() == 1
    assert services.messages_send() == 0  # never twice
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("writer", ["approver", "superuser"])
def test_who_wrote_the_answer_is_shown_why_they_may_not_approve_it(people, writer):
    """An approver, or an administrator (a superuser counts in every role), is told why, not shown nothing."""
    from qms.feedback import actions

    person = people["approver"] if writer == "approver" else f.make_user(is_superuser=True, is_staff=True)
    feedback = assigned(officer=people["officer"], handler=person, unit=people["unit"])
    services.feedback_answer(feedback=feedback, user=person, answer="Trả lời")
    feedback.refresh_from_db()
    approve = {step["name"]: step for step in actions.available_actions(person, feedback)}["approve_answer"]
    assert not approve["allowed"] and approve["why_not"]
    other = {step["name"]: step for step in actions.available_actions(people["approver2"], feedback)}
    assert other["approve_answer"]["allowed"]
