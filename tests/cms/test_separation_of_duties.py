"""Separation of duties in the "Document approval" workflow (ISO 9001 5.3, 7.5.2 c): nobody approves,
at any step, a revision they submitted or whose text they saved since the last publication."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from wagtail.models import TaskState

from cms import services
from cms.errors import DocumentPermissionError
from cms.models import ProcessDocumentPage
from qms.core import roles
from qms.core.models import User
from tests import factories
from tests.cms.admin_forms import edit_form_data
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    unit = factories.make_unit()
    return {
        "unit": unit,
        "owner": factories.make_staff(unit=unit),
        "officer": factories.make_officer(),
        "officer2": factories.make_officer(),
        "approver": factories.make_approver(),
        "approver2": factories.make_approver(),
    }


APPROVE = {"workflow-action-name": "approve"}


def _page(page):
    return ProcessDocumentPage.objects.get(pk=page.pk)


def _task(page):
    page = _page(page)
    state = page.current_workflow_state.current_task_state
    return page, state, state.task.specific


def _act(client, page, action):
    _page_, task_state, _task_ = _task(page)
    return client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]), {})


def _edit(client, page, **kwargs):
    page = _page(page)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form_data(page, **kwargs))


def _action_names(page, user):
    page, _state, task = _task(page)
    return [name for name, _label, _modal in task.get_actions(page, user)]


def test_the_submitter_is_not_offered_approval_and_is_refused_when_posting(client, people):
    officer = people["officer"]
    page = make_document(unit=people["unit"], user=officer, title="Old")
    client.force_login(officer)
    response = _edit(client, page, action="action-submit", title="New", change_summary="Rút ngắn thời hạn")
    assert response.status_code == 302
    assert _page(page).workflow_in_progress
    # Review step: the officer who submitted may request changes, not approve.
    assert "approve" not in _action_names(page, officer) and "reject" in _action_names(page, officer)
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "/workflow/action/approve/" not in editor
    assert "Bạn đã trình bản sửa đổi này" in editor  # why there is no Approve, in their language
    _state = _task(page)[1]
    response = _act(client, page, "approve")
    assert response.status_code in (302, 403)
    assert TaskState.objects.get(pk=_state.pk).status == TaskState.STATUS_IN_PROGRESS
    # Saving (title unchanged) and approving from the editor: no Approve to choose, so it only saves.
    _edit(client, page, action="action-workflow-action", title="New", change_summary="x", **APPROVE)
    assert TaskState.objects.get(pk=_state.pk).status == TaskState.STATUS_IN_PROGRESS
    # A second officer offered Approve edits and approves in one post: the edit makes it their text.
    client.force_login(people["officer2"])
    assert "approve" in _action_names(page, people["officer2"])
    response = _edit(client, page, action="action-workflow-action", title="Newer", change_summary="y", **APPROVE)
    assert response.status_code == 302
    assert TaskState.objects.get(pk=_state.pk).status == TaskState.STATUS_IN_PROGRESS
    assert "approve" not in _action_names(page, people["officer2"])
    # A third officer reviews; the approver approves.
    reviewer = factories.make_officer()
    client.force_login(reviewer)
    _act(client, page, "approve")
    # Wagtail's re-approval on edit: the step approved the text it started on, so it runs again on the
    # edited text before the workflow moves on.
    assert _task(page)[2].name == "Review by quality officers"
    _act(client, page, "approve")
    # Nor at the approval step: the submitter is refused whatever their groups.
    officer.groups.add(Group.objects.get(name=roles.APPROVERS))
    assert "approve" not in _action_names(page, User.objects.get(pk=officer.pk))
    client.force_login(people["approver"])
    _act(client, page, "approve")
    page = _page(page)
    assert page.title == "Newer"
    version = page.versions.get(number=2)
    assert (version.reviewed_by, version.approved_by) == (reviewer, people["approver"])


def test_an_approver_who_edits_during_approval_cannot_approve_their_own_text(client, people):
    page = make_document(unit=people["unit"], owner=people["owner"], user=people["officer"], title="Old")
    services.document_submit(page=page, user=people["owner"], change_summary="Bổ sung bước")
    services.document_task_approve(page=page, user=people["officer"])
    approver = people["approver"]
    assert "approve" in _action_names(page, approver)
    client.force_login(approver)
    assert _edit(client, page, title="Approver's text", change_summary="Bổ sung bước").status_code == 302
    assert "approve" not in _action_names(page, approver)
    _act(client, page, "approve")
    assert _page(page).title == "Old" and _page(page).workflow_in_progress
    with translation.override("vi"), pytest.raises(DocumentPermissionError) as refused:
        services.document_task_approve(page=page, user=approver)
    assert "Bạn đã soạn hoặc sửa bản sửa đổi này" in str(refused.value.message)
    # Another approver approves; with re-approval on edit the review step sees the new text again.
    services.document_task_approve(page=page, user=people["approver2"])
    assert _page(page).workflow_in_progress and _task(page)[2].name == "Review by quality officers"
    assert "approve" in _action_names(page, people["officer"])  # the reviewer did not write this text
    services.document_task_approve(page=page, user=people["officer"])
    if _page(page).workflow_in_progress:
        services.document_task_approve(page=page, user=people["approver2"])
    assert _page(page).title == "Approver's text"
    assert _page(page).versions.get(number=2).approved_by == people["approver2"]


def test_the_writer_of_a_draft_someone_else_submitted_cannot_approve_it(client, people):
    """Officer A writes and saves the draft, officer B presses Submit: the text under review is A's."""
    writer, submitter = people["officer"], people["officer2"]
    page = make_document(unit=people["unit"], user=factories.make_officer(), title="Old")
    client.force_login(writer)
    assert _edit(client, page, title="A's text", change_summary="Viết lại").status_code == 302
    assert not _page(page).workflow_in_progress
    services.document_submit(page=page, user=submitter, change_summary="Viết lại")
    assert "approve" not in _action_names(page, writer)
    with translation.override("vi"), pytest.raises(DocumentPermissionError) as refused:
        services.document_task_approve(page=page, user=writer)
    assert "Bạn đã soạn hoặc sửa bản sửa đổi này" in str(refused.value.message)
    reviewer = factories.make_officer()
    assert "approve" in _action_names(page, reviewer)  # someone who wrote none of it


def test_the_task_refuses_the_submitter_through_its_api(people):
    page = make_document(unit=people["unit"], owner=people["owner"], user=people["officer"])
    services.document_submit(page=page, user=people["officer"], change_summary="Sửa biểu mẫu")
    page, state, task = _task(page)
    assert task.approval_refusal(page, people["officer"])
    assert task.approval_refusal(page, people["officer2"]) is None
    with translation.override("en"), pytest.raises(PermissionDenied) as refused:
        task.on_action(state, people["officer"], "approve")
    assert "You submitted this revision" in str(refused.value.message)
    assert TaskState.objects.get(pk=state.pk).status == TaskState.STATUS_IN_PROGRESS
    with translation.override("vi"), pytest.raises(DocumentPermissionError) as refused:
        services.document_task_approve(page=page, user=people["officer"])
    assert "Bạn đã trình bản sửa đổi này" in str(refused.value.message)
