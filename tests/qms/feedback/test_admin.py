"""The officer's register in the Wagtail admin: list with filters, inspect with the same actions as the site,
the transitions through the services, the Excel register and the satisfaction results; nothing deleted."""

import pytest
from django.test import Client

from qms.feedback import services
from qms.feedback.models import Feedback
from qms.spreadsheets.testing import read_register, response_bytes
from tests import factories as f

from .conftest import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(db):
    officer = f.make_officer()
    client = Client()
    client.force_login(officer)
    client.officer = officer
    return client


def test_the_list_filters_by_status_and_overdue(officer_client):
    first, second = receive(), receive(text="Khác")
    services.feedback_reject(feedback=second, user=officer_client.officer, reason="Trùng")
    html = officer_client.get("/admin/feedback/?status=received").content.decode()
    assert first.reference in html and second.reference not in html
    assert officer_client.get("/admin/feedback/?overdue=true").status_code == 200


def test_inspect_offers_the_actions_and_they_go_through_the_services(officer_client):
    unit, handler = f.make_unit(code="QLVH"), f.make_staff()
    feedback = receive()
    html = officer_client.get(f"/admin/feedback/inspect/{feedback.pk}/").content.decode()
    assert 'data-action="classify"' in html and 'data-action="assign"' in html
    response = officer_client.post(
        f"/admin/feedback-act/{feedback.pk}/assign/",
        {"assign-version": feedback.version, "assign-unit": unit.pk, "assign-handler": handler.pk},
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.status, feedback.handler, feedback.unit) == ("assigned", handler, unit)
    assert feedback.history.first().history_user == officer_client.officer
    # A stale form changes nothing.
    officer_client.post(f"/admin/feedback-act/{feedback.pk}/reject/", {"reject-version": 1, "reject-reason": "Trùng"})
    assert Feedback.objects.get(pk=feedback.pk).status == "assigned"


def test_inspect_is_the_kits_record_as_a_person_reads_it(officer_client):
    """The fields read as the timeline reads them (nothing as "None", a yes or no rather than True or False),
    without the bookkeeping, the anonymous sender's key or the stored file; the timeline is the kit's."""
    feedback = receive(email="binh@example.test")
    response = officer_client.get(f"/admin/feedback/inspect/{feedback.pk}/")
    names = response.context["view"].fields
    assert not {"id", "version", "sender_key", "attachment"} & set(names) and "email" in names
    shown = dict(zip(names, (str(field["value"]) for field in response.context["fields"]), strict=True))
    assert "None" not in shown.values() and shown["phone"] == "–"
    assert shown["concerns_regulation"] not in ("True", "False")
    assert [entry.reason for entry in response.context["timeline"]] == [feedback.history.first().history_change_reason]


def test_an_approver_cannot_run_an_officers_action(db):
    approver = f.make_approver()
    feedback = receive()
    client = Client()
    client.force_login(approver)
    client.post(f"/admin/feedback-act/{feedback.pk}/reject/", {"reject-version": 1, "reject-reason": "x"})
    assert Feedback.objects.get(pk=feedback.pk).status == "received"


def test_no_delete_and_no_raw_edit(officer_client):
    feedback = receive()
    assert officer_client.post(f"/admin/feedback/delete/{feedback.pk}/").status_code in (302, 403)
    assert Feedback.objects.filter(pk=feedback.pk).exists()
    assert officer_client.get(f"/admin/feedback/edit/{feedback.pk}/").status_code == 302


def test_the_excel_register_and_the_satisfaction_results(officer_client):
    feedback = receive(text='=HYPERLINK("http://evil")')
    services.survey_respond(rating=5)
    sheet = read_register(response_bytes(officer_client.get("/admin/feedback-register.xlsx")))
    assert sheet.rows[0][0] == feedback.reference
    text_column = sheet.headings.index(str(sheet.headings[6]))
    assert sheet.cells[0][text_column].data_type == "s"  # a citizen's "=..." stays text
    results = officer_client.get("/admin/satisfaction.xlsx")
    assert results.status_code == 200
    summary = read_register(response_bytes(results), sheet=0)
    assert summary.title


def test_the_survey_questions_history_is_the_kits_timeline(officer_client):
    """Added and edited in the admin, a survey question's history page sends the reader to the kit's inspect
    view, whose timeline shows the old and new text with the person and the reason."""
    from django.urls import reverse

    from qms.feedback.models import SurveyQuestion

    officer_client.post(
        reverse("survey_questions_admin:add"), {"text": "Thái độ cán bộ?", "order": 1, "is_active": "on"}
    )
    question = SurveyQuestion.objects.get()
    edit = reverse("survey_questions_admin:edit", args=[question.pk])
    officer_client.post(edit, {"text": "Thái độ của cán bộ?", "order": 1, "is_active": "on"})
    inspect = reverse("survey_questions_admin:inspect", args=[question.pk])
    assert officer_client.get(reverse("survey_questions_admin:history", args=[question.pk])).url == inspect
    response = officer_client.get(inspect)
    timeline = response.context["timeline"]
    assert [entry.user for entry in timeline] == [officer_client.officer] * 2
    assert [entry.reason for entry in timeline] == [row.history_change_reason for row in question.history.all()]
    assert "<del>Thái độ cán bộ?</del> → <ins>Thái độ của cán bộ?</ins>" in response.content.decode()


def test_a_survey_responses_history_never_shows_the_senders_key(officer_client):
    """The kit's record and timeline of a response, before and after an edit: the comment's old and new values
    are there, the key that links the anonymous citizen's answers never is (neither the old nor the new one)."""
    from django.urls import reverse

    from qms.core.records import save_with_history

    response = services.survey_respond(rating=2, comment="Chờ lâu", sender_address="203.0.113.7")
    first_key = response.sender_key
    assert first_key
    history = reverse("survey_responses_admin:history", args=[response.pk])
    inspect = reverse("survey_responses_admin:inspect", args=[response.pk])
    assert officer_client.get(history).url == inspect
    assert first_key not in officer_client.get(history, follow=True).content.decode()
    response.comment = "Chờ rất lâu"
    response.sender_key = services.sender_key("198.51.100.9")
    save_with_history(response, user=officer_client.officer, reason="Sửa lỗi nhập")
    page = officer_client.get(history, follow=True)
    html = page.content.decode()
    assert "sender_key" not in page.context["view"].fields and "comment" in page.context["view"].fields
    assert "<del>Chờ lâu</del> → <ins>Chờ rất lâu</ins>" in html and "Sửa lỗi nhập" in html
    assert first_key not in html and response.sender_key not in html


def test_a_models_secret_fields_stay_out_of_its_record_view_and_timeline(officer_client, monkeypatch):
    """The kit's general rule, even for a field the history does keep: a field a model names in
    `secret_fields` is neither a field of its inspect view nor a change in its timeline."""
    from django.urls import reverse

    from qms.core.records import save_with_history
    from qms.core.timeline import timeline
    from qms.feedback.models import SurveyQuestion

    question = SurveyQuestion(text="Câu hỏi cũ", order=1)
    save_with_history(question, user=officer_client.officer, reason="Thêm")
    question.text, question.order = "Câu hỏi mới", 7
    save_with_history(question, user=officer_client.officer, reason="Sửa")
    monkeypatch.setattr(SurveyQuestion, "secret_fields", ("order",), raising=False)
    assert [(change.old, change.new) for change in timeline(question)[0].changes] == [("Câu hỏi cũ", "Câu hỏi mới")]
    page = officer_client.get(reverse("survey_questions_admin:inspect", args=[question.pk]))
    assert "order" not in page.context["view"].fields and "text" in page.context["view"].fields
    assert [(change.old, change.new) for change in page.context["timeline"][0].changes] == [
        ("Câu hỏi cũ", "Câu hỏi mới")
    ]
