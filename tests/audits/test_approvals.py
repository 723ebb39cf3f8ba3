"""Leadership is led to what awaits its approval (ISO 9001 5.1, 7.5.2 c, 9.2.2 a, 10.2)."""

from django.utils import translation

from audits import approvals
from cms import services as cms_services
from cms.approvals import revisions_awaiting
from cms.models import ProcessDocumentPage
from qms.nonconformities import services as nc_services
from qms.nonconformities.models import Nonconformity
from qms.nonconformities.selectors import major_awaiting_closure
from tests import factories as f
from tests.audits import builders as b
from tests.cms.builders import make_document

S = Nonconformity.Status


def _revision_awaiting_approval():
    """A revision submitted by one quality officer, at the review step; returns the page and another officer.

    Nobody reviews or approves what they submitted (ISO 9001 5.3, cms.selectors.approval_refusal).
    """
    unit = f.make_unit(code="QLVH", name="Phòng Quản lý Văn hóa")
    officer, submitter = f.make_officer(unit=unit), f.make_officer(unit=unit)
    page = make_document("QT-VH-01", unit=unit, user=officer, title="Cấp giấy phép biểu diễn")
    cms_services.document_submit(
        page=page, user=submitter, change_summary="Rút ngắn thời hạn", changes={"title": "Cấp phép biểu diễn"}
    )
    return page, officer


def test_a_revision_awaits_the_approver_after_the_review(db):
    page, officer = _revision_awaiting_approval()
    submitter = ProcessDocumentPage.objects.get(pk=page.pk).current_workflow_state.requested_by
    approver = f.make_approver()
    # First the quality officers' review step: it awaits the officer, not yet the approver.
    assert [item.page.pk for item in revisions_awaiting(officer)] == [page.pk]
    assert revisions_awaiting(approver) == []
    # Her own submission does not await the officer who submitted it: she may not approve it.
    assert revisions_awaiting(submitter) == []
    cms_services.document_task_approve(page=page, user=officer)
    pending = revisions_awaiting(approver)
    assert [item.page.pk for item in pending] == [page.pk]
    assert pending[0].submitted_by == submitter and pending[0].change_summary == "Rút ngắn thời hạn"
    assert pending[0].url == f"/admin/pages/{page.pk}/edit/"
    assert revisions_awaiting(f.make_staff()) == []


def test_a_revision_an_approver_edited_during_approval_no_longer_awaits_her(db):
    page, officer = _revision_awaiting_approval()
    cms_services.document_task_approve(page=page, user=officer)
    approver, editor = f.make_approver(), f.make_approver()
    ProcessDocumentPage.objects.get(pk=page.pk).get_latest_revision_as_object().save_revision(user=editor)
    assert [item.page.pk for item in revisions_awaiting(approver)] == [page.pk]
    assert revisions_awaiting(editor) == []


def _major_ready_to_close():
    unit = f.make_unit()
    owner, doer, officer = f.make_staff(unit=unit), f.make_staff(unit=unit), f.make_officer(unit=unit)
    nc = f.make_nonconformity(unit=unit, severity="major", owner=owner)
    nc_services.nonconformity_transition(nonconformity=nc, target=S.INVESTIGATING, user=owner)
    nc_services.nonconformity_update(nonconformity=nc, user=owner, root_cause="Thiếu bước kiểm tra", reason="5 why")
    action = f.make_action(nc, owner=doer, user=owner)
    nc_services.nonconformity_transition(nonconformity=nc, target=S.ACTION_PLANNED, user=owner)
    nc_services.action_complete(action=action, user=doer, evidence="Đã sửa biểu mẫu BM-01")
    nc_services.action_verify(action=action, user=officer, effective=True, comment="Không tái diễn")
    nc.refresh_from_db()
    return nc, officer


def test_a_major_nonconformity_ready_to_close_awaits_an_approver_only(db):
    nc, officer = _major_ready_to_close()
    assert nc.status == S.AWAITING_VERIFICATION
    approver = f.make_approver()
    assert list(major_awaiting_closure(approver)) == [nc]
    assert list(major_awaiting_closure(officer)) == []  # officers may not close a major one
    minor = f.make_nonconformity(severity="minor")
    assert minor not in major_awaiting_closure(approver)


def test_a_draft_programme_with_audits_awaits_the_approver(db):
    officer = f.make_officer(unit=f.make_unit())
    empty = b.make_programme(year=2027, user=officer)
    planned = b.make_programme(year=2026, user=officer)
    b.make_audit(programme=planned, units=[f.make_unit()], user=officer)
    approver = f.make_approver()
    awaiting = approvals.awaiting_for(approver)
    assert awaiting.programmes == [planned] and empty not in awaiting.programmes
    assert approvals.awaiting_for(officer).programmes == []
    # An administrator counts in every role (`roles.is_approver`), as the docstring's "and superusers" says.
    superuser = f.make_user(is_superuser=True, is_staff=True)
    assert approvals.awaiting_for(superuser).programmes == [planned]


def test_the_home_page_shows_the_approver_her_approvals_in_her_language(client, db):
    page, officer = _revision_awaiting_approval()
    cms_services.document_task_approve(page=page, user=officer)
    nc, _officer = _major_ready_to_close()
    approver = f.make_approver(language="vi")
    client.force_login(approver)
    with translation.override("vi"):
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    panel = html[html.index('id="approvals-pending"') :]
    assert "QT-VH-01" in panel and f"/admin/pages/{page.pk}/edit/" in panel
    assert nc.reference in panel and nc.get_absolute_url() in panel
    assert "Chờ bạn phê duyệt" in panel


def test_staff_see_no_approvals_panel(client, db):
    _revision_awaiting_approval()
    client.force_login(f.make_staff())
    assert 'id="approvals-pending"' not in client.get("/").content.decode()
