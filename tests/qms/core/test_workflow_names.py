"""The approval workflow's, its steps' and the role groups' names in the reader's language (issue 20;
ISO 9001 7.5.2 c: who reviews and who approves is read off the screen or the e-mail a person gets),
while the stored names, which the edit forms show and save, stay as the migrations wrote them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Workflow
from wagtail.users.models import UserProfile

from qms.core import workflow_names
from tests import factories
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db

ENGLISH = ["Document approval", "Approval by approvers", "Review by quality officers"]


def _awaiting_approvers(unit):
    """A revision past the quality officers' review, waiting for the approvers' step."""
    from cms.services import document_submit, document_task_approve

    submitter = factories.make_officer(unit=unit)
    page = make_document(user=submitter, unit=unit, title="Quy trình mua hàng")
    document_submit(page=page, user=submitter, change_summary="Sửa đổi điều 3")
    document_task_approve(page=page, user=factories.make_officer(unit=unit))
    return page


def _english(person):
    profile = UserProfile.get_for_user(person)
    profile.preferred_language = "en"
    profile.save()
    return person


def test_a_vietnamese_approvers_dashboard_names_the_step_in_vietnamese(client):
    unit = factories.make_unit()
    approver = factories.make_approver(unit=unit)
    _awaiting_approvers(unit)
    client.force_login(approver)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Quy trình mua hàng" in html, "the page awaiting her is on her dashboard"
    assert "Lãnh đạo phê duyệt" in html and "Thư ký ISO xem xét" in html
    assert not [name for name in ENGLISH if name in html]


def test_an_english_approvers_dashboard_keeps_the_english_names(client):
    unit = factories.make_unit()
    approver = _english(factories.make_approver(unit=unit, language="en"))
    _awaiting_approvers(unit)
    client.force_login(approver)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Approval by approvers" in html and "Review by quality officers" in html
    assert "Lãnh đạo phê duyệt" not in html


def test_the_rejection_email_names_the_workflow_and_step_in_the_submitters_language(mailoutbox):
    from wagtail.models import Page

    from cms.services import document_submit

    unit = factories.make_unit()
    submitter = factories.make_officer(unit=unit)
    page = make_document(user=submitter, unit=unit)
    document_submit(page=page, user=submitter, change_summary="Sửa đổi điều 3")
    mailoutbox.clear()
    reviewer = factories.make_officer(unit=unit)
    state = Page.objects.get(pk=page.pk).current_workflow_state
    state.current_task_state.task.specific.on_action(state.current_task_state, reviewer, "reject")
    mail = next(message for message in mailoutbox if message.to == [submitter.email])
    assert "Phê duyệt tài liệu" in mail.body and "Thư ký ISO xem xét" in mail.body
    assert not [name for name in ENGLISH if name in mail.subject + mail.body]


def test_the_workflow_history_and_reports_name_the_workflow_in_vietnamese(client):
    unit = factories.make_unit()
    page = _awaiting_approvers(unit)
    admin = factories.make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    for url in (
        reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
        # The editor's status side panel, with the workflow status dialog inside it.
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
    ):
        html = client.get(url).content.decode()
        assert "Phê duyệt tài liệu" in html or "Lãnh đạo phê duyệt" in html, url
        assert not [name for name in ENGLISH if name in html], url


def test_the_moderation_email_names_the_step_in_the_recipients_language(mailoutbox):
    unit = factories.make_unit()
    vietnamese = factories.make_approver(unit=unit)
    english = _english(factories.make_approver(unit=unit, language="en"))
    mailoutbox.clear()
    _awaiting_approvers(unit)
    to = {message.to[0]: message for message in mailoutbox}
    vi_mail, en_mail = to[vietnamese.email], to[english.email]
    assert "Lãnh đạo phê duyệt" in vi_mail.subject + vi_mail.body
    assert "Approval by approvers" not in vi_mail.subject + vi_mail.body
    assert "Approval by approvers" in en_mail.subject and "Approval by approvers" in en_mail.body
    assert "Lãnh đạo phê duyệt" not in en_mail.subject + en_mail.body


def test_the_edit_forms_show_and_keep_the_stored_names(client):
    admin = factories.make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    workflow = Workflow.objects.get(name="Document approval")
    task = GroupApprovalTask.objects.get(name="Approval by approvers")
    group = Group.objects.get(name="Approvers")
    for url, stored in (
        (reverse("wagtailadmin_workflows:edit", args=[workflow.pk]), "Document approval"),
        (reverse("wagtailadmin_workflows:edit_task", args=[task.pk]), "Approval by approvers"),
        (reverse("wagtailusers_groups:edit", args=[group.pk]), "Approvers"),
    ):
        html = client.get(url).content.decode()
        assert f'value="{stored}"' in html, url
    # Saving the task's form as shown keeps its stored name.
    response = client.post(
        reverse("wagtailadmin_workflows:edit_task", args=[task.pk]),
        {"name": "Approval by approvers", "groups": [group.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    assert task.name == "Approval by approvers"


def test_group_names_are_translated_where_a_person_reads_them(client):
    admin = factories.make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(reverse("wagtailusers_groups:index")).content.decode()
    assert "Người phê duyệt" in html and "Thư ký ISO" in html


def test_only_whole_names_are_translated():
    from django.utils import translation

    with translation.override("vi"):
        html = workflow_names.translate_html(
            '<p title="Approval by approvers">Approval by approvers</p>'
            '<input name="name" value="Document approval"><textarea>Document approval</textarea>'
            "<p>Document approvals</p><td>Approvers</td><p>Approvers sign here</p>"
        )
    assert '<p title="Lãnh đạo phê duyệt">Lãnh đạo phê duyệt</p>' in html
    assert 'value="Document approval"' in html and "<textarea>Document approval</textarea>" in html
    assert "<p>Document approvals</p>" in html, "a longer word is not the name"
    assert "<td>Người phê duyệt</td>" in html, "a group's name standing alone"
    assert "<p>Approvers sign here</p>" in html, "a group's name inside a sentence may be anyone's words"


def test_a_page_without_any_name_is_left_as_it_is(monkeypatch):
    """Most admin pages (a register's list, a record) hold no workflow or group name: they are not walked
    chunk by chunk, which would cost a register's long list several hello views' time (issue 21)."""
    from django.utils import translation

    walked = []
    monkeypatch.setattr(workflow_names, "_translated_text", lambda text, *args: walked.append(text) or text)
    page = "<table>" + '<tr><td title="NC-1">Hồ sơ trả chậm</td><td>Phòng QLVH</td></tr>' * 50 + "</table>"
    with translation.override("vi"):
        assert workflow_names.translate_html(page) is page
        workflow_names.translate_html(page + "<td>Approvers</td>")
    assert walked  # a page with a group's name is walked


def test_the_roles_an_officer_cannot_change_are_named_in_her_language(client):
    target = factories.make_approver()
    client.force_login(factories.make_officer(language="vi"))
    html = client.get(reverse("wagtailusers_users:edit", args=[target.pk])).content.decode()
    assert "Vai trò bạn không thay đổi được tại đây: Người phê duyệt." in html


def test_a_units_process_owners_group_is_named_in_the_readers_language():
    from django.utils import translation

    with translation.override("vi"):
        html = workflow_names.translate_html("<td>Process owners QA</td><td>Process owners of QA</td><td>Editors</td>")
    assert html == "<td>Chủ quy trình QA</td><td>Process owners of QA</td><td>Editors</td>"
