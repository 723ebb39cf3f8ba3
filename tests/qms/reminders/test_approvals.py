"""Approvers are led to their approvals by their digest (issue 14 item 7; ISO 9001 5.1, 7.5.2 c, 9.2.2 a, 10.2).

Three kinds: a revision awaiting a decision at its workflow step (to the step's groups, never to its
submitter or an editor of it), a major nonconformity ready to close, a draft audit programme with
audits (both to the approvers). Through the real engine: sweep, ledger, digest, withdrawal.
"""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import TaskState

from audits import reminders as audit_reminders
from audits import services as audit_services
from audits.models import AuditProgramme
from cms import reminders as cms_reminders
from cms import services as cms_services
from cms.models import ProcessDocumentPage
from qms.core.models import User
from qms.nonconformities import reminders as nc_reminders
from qms.nonconformities import services as nc_services
from qms.nonconformities.models import Nonconformity, Verification
from qms.reminders import registry, services
from qms.reminders.models import Delivery, LeadTime
from qms.reminders.selectors import due_for_user
from qms.reminders.services import reminders_deliver_pending, reminders_sweep
from tests import factories as f
from tests.audits import builders as audit_builders
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FAR = TODAY + datetime.timedelta(days=400)
S = Nonconformity.Status


def after(n):
    return TODAY + datetime.timedelta(days=n)


def items(kind, *, until=FAR, user=None):
    return list(registry.get(kind).items(until=until, user=user))


def claim_only(as_of=TODAY):
    """The sweep's claim without its delivery: as if the worker stopped between the two."""
    with mock.patch.object(services, "reminders_deliver_pending"):
        return reminders_sweep(as_of=as_of).reminders


@pytest.fixture
def revision():
    """A revision of QT-AP-01 submitted by one quality officer, at the review step."""
    unit = f.make_unit(code="VP", name="Văn phòng")
    author = f.make_officer(unit=unit)
    page = make_document("QT-AP-01", unit=unit, user=author, title="Tiếp nhận hồ sơ")
    submitter, reviewer = f.make_officer(), f.make_officer()
    approver, editor = f.make_approver(language="vi"), f.make_approver()
    gone = f.make_approver()
    User.objects.filter(pk=gone.pk).update(is_active=False)
    cms_services.document_submit(page=page, user=submitter, change_summary="Rút ngắn thời hạn trả kết quả")
    return {
        "page": page,
        "unit": unit,
        "author": author,
        "submitter": submitter,
        "reviewer": reviewer,
        "approver": approver,
        "editor": editor,
        "gone": gone,
    }


def _to_approval_step(cast):
    cms_services.document_task_approve(page=cast["page"], user=cast["reviewer"])


def _task_state(page):
    return ProcessDocumentPage.objects.get(pk=page.pk).current_workflow_state.current_task_state


def test_every_approval_kind_has_a_label_a_provider_and_default_lead_times():
    for kind in (cms_reminders.REVISION_DECISION, nc_reminders.MAJOR_NC_CLOSURE, audit_reminders.PROGRAMME_APPROVAL):
        assert registry.get(kind) is not None and str(registry.kind_label(kind)) != kind
        assert LeadTime.objects.filter(kind=kind, is_active=True).exists()


def test_a_revision_at_the_review_step_is_due_to_the_reviewers_but_never_its_submitter(revision):
    (item,) = items(cms_reminders.REVISION_DECISION)
    state = _task_state(revision["page"])
    assert item.object_id == state.pk
    officers = {revision["author"].pk, revision["reviewer"].pk}
    assert officers <= set(item.recipient_ids)
    assert revision["submitter"].pk not in item.recipient_ids
    assert revision["approver"].pk not in item.recipient_ids  # not her step yet
    assert item.due_date == timezone.localtime(state.started_at).date() + datetime.timedelta(days=5)
    assert item.url == f"/admin/pages/{revision['page'].pk}/edit/"
    assert item.unit_id == revision["unit"].pk
    assert item.title == "QT-AP-01 Tiếp nhận hồ sơ"
    assert items(cms_reminders.REVISION_DECISION, user=revision["submitter"]) == []


def test_at_the_approval_step_it_goes_to_the_approvers_but_not_one_who_edited_it(revision):
    _to_approval_step(revision)
    page = ProcessDocumentPage.objects.get(pk=revision["page"].pk)
    page.get_latest_revision_as_object().save_revision(user=revision["editor"])  # edits during approval
    (item,) = items(cms_reminders.REVISION_DECISION)
    assert item.object_id == _task_state(page).pk
    assert set(item.recipient_ids) == {revision["approver"].pk}  # not the editor, not an inactive approver
    assert [i.object_id for i in items(cms_reminders.REVISION_DECISION, user=revision["approver"])] == [item.object_id]
    assert items(cms_reminders.REVISION_DECISION, user=revision["editor"]) == []
    assert items(cms_reminders.REVISION_DECISION, user=revision["reviewer"]) == []
    assert [entry.kind for entry in due_for_user(revision["approver"])] == [cms_reminders.REVISION_DECISION]


@override_settings(QMS_APPROVAL_DUE_DAYS=10)
def test_the_days_given_to_decide_are_a_setting(revision):
    (item,) = items(cms_reminders.REVISION_DECISION)
    started = timezone.localtime(_task_state(revision["page"]).started_at).date()
    assert item.due_date == started + datetime.timedelta(days=10)


def _major_ready_to_close(unit=None):
    unit = unit or f.make_unit()
    owner, doer, officer = f.make_staff(unit=unit), f.make_staff(unit=unit), f.make_officer(unit=unit)
    nc = f.make_nonconformity(unit=unit, severity="major", owner=owner)
    nc_services.nonconformity_transition(nonconformity=nc, target=S.INVESTIGATING, user=owner)
    nc_services.nonconformity_update(nonconformity=nc, user=owner, root_cause="Thiếu bước kiểm tra", reason="5 why")
    action = f.make_action(nc, owner=doer, user=owner)
    nc_services.nonconformity_transition(nonconformity=nc, target=S.ACTION_PLANNED, user=owner)
    nc_services.action_complete(action=action, user=doer, evidence="Đã sửa biểu mẫu BM-01")
    nc_services.action_verify(action=action, user=officer, effective=True, comment="Không tái diễn")
    nc.refresh_from_db()
    assert nc.status == S.AWAITING_VERIFICATION
    return nc, officer


def test_a_major_nonconformity_ready_to_close_is_due_to_the_approvers_from_when_it_became_ready():
    approver, other = f.make_approver(), f.make_approver()
    nc, officer = _major_ready_to_close()
    minor = f.make_nonconformity(severity="minor")
    # Ready since the later of its status change and its last verification.
    now = timezone.now()
    Nonconformity.objects.filter(pk=nc.pk).update(status_changed_at=now - datetime.timedelta(days=10))
    Verification.objects.filter(action__nonconformity=nc).update(verified_at=now - datetime.timedelta(days=3))
    (item,) = items(nc_reminders.MAJOR_NC_CLOSURE)
    assert item.object_id == nc.pk and item.object_id != minor.pk
    assert set(item.recipient_ids) == {approver.pk, other.pk}
    assert item.due_date == timezone.localdate(now - datetime.timedelta(days=3)) + datetime.timedelta(days=5)
    assert item.url == nc.get_absolute_url() and item.unit_id == nc.unit_id
    assert nc.reference in item.title
    assert items(nc_reminders.MAJOR_NC_CLOSURE, user=officer) == []  # officers may not close a major one
    assert [i.object_id for i in items(nc_reminders.MAJOR_NC_CLOSURE, user=approver)] == [nc.pk]


def test_a_draft_programme_with_audits_is_due_to_the_approvers_before_its_first_audit():
    approver = f.make_approver()
    officer = f.make_officer(unit=f.make_unit())
    empty = audit_builders.make_programme(year=2030, user=officer)
    later = audit_builders.make_programme(year=2031, user=officer)
    audit_builders.make_audit(
        programme=later, units=[f.make_unit()], user=officer, planned_start=after(90), planned_end=after(91)
    )
    soon = audit_builders.make_programme(year=2032, user=officer)
    for start in (after(3), after(40)):
        audit_builders.make_audit(
            programme=soon, units=[f.make_unit()], user=officer, planned_start=start, planned_end=start
        )
    found = {item.object_id: item for item in items(audit_reminders.PROGRAMME_APPROVAL)}
    assert set(found) == {later.pk, soon.pk} and empty.pk not in found
    assert found[later.pk].due_date == after(5)  # five days from its first audit being planned
    assert found[soon.pk].due_date == after(2)  # but approved the day before its first audit at the latest
    assert found[soon.pk].recipient_ids == (approver.pk,)
    assert found[soon.pk].url == soon.get_absolute_url()
    assert items(audit_reminders.PROGRAMME_APPROVAL, user=officer) == []
    audit_services.programme_approve(programme=soon, user=approver)
    assert {item.object_id for item in items(audit_reminders.PROGRAMME_APPROVAL)} == {later.pk}


def _programme_with_an_audit(year):
    programme = audit_builders.make_programme(year=year)
    unit = f.make_unit()
    audit_builders.make_audit(programme=programme, units=[unit], planned_start=after(30), planned_end=after(31))
    return programme


def test_the_sweep_puts_every_approval_in_the_approvers_one_digest_in_her_language(revision):
    _to_approval_step(revision)
    nc, _officer = _major_ready_to_close()
    _programme_with_an_audit(2033)
    result = reminders_sweep(as_of=TODAY)
    assert result.digests_sent >= 1
    approver = revision["approver"]
    # Wagtail's own workflow notifications go out too; the digest is the one "[QMS]" message.
    (digest,) = [m for m in mail.outbox if m.to == [approver.email] and m.subject.startswith("[QMS]")]
    assert "QT-AP-01 Tiếp nhận hồ sơ" in digest.body
    assert f"/admin/pages/{revision['page'].pk}/edit/" in digest.body
    assert nc.reference in digest.body and "2033" in digest.body
    assert "Bản sửa đổi chờ anh/chị quyết định" in digest.body
    assert "Sự không phù hợp nặng chờ phê duyệt đóng" in digest.body
    assert "Chương trình đánh giá chờ phê duyệt" in digest.body
    # The editor is still reminded of the closure and the programme, never of the revision.
    to_submitter = [message for message in mail.outbox if message.to == [revision["submitter"].email]]
    assert all("QT-AP-01" not in message.body for message in to_submitter)


def test_a_revision_decided_between_claim_and_delivery_is_withdrawn_not_sent(revision):
    _to_approval_step(revision)
    state_id = _task_state(revision["page"]).pk
    assert claim_only() >= 1
    row = Delivery.objects.get(kind=cms_reminders.REVISION_DECISION, recipient=revision["approver"])
    assert row.object_id == state_id
    cms_services.document_task_approve(page=revision["page"], user=revision["approver"])
    assert TaskState.objects.get(pk=state_id).status == TaskState.STATUS_APPROVED

    reminders_deliver_pending()

    row.refresh_from_db()
    assert (row.status, row.outcome) == (Delivery.Status.WITHDRAWN, Delivery.Outcome.CLOSED)
    assert all("QT-AP-01" not in message.body for message in mail.outbox)


def test_a_programme_approved_or_a_nonconformity_closed_after_the_claim_is_withdrawn():
    approver = f.make_approver()
    nc, _officer = _major_ready_to_close()
    programme = _programme_with_an_audit(2034)
    claim_only()
    nc_services.nonconformity_transition(nonconformity=nc, target=S.CLOSED, user=approver)
    audit_services.programme_approve(programme=programme, user=approver)
    assert AuditProgramme.objects.get(pk=programme.pk).status == AuditProgramme.Status.APPROVED

    reminders_deliver_pending()

    rows = Delivery.objects.filter(
        kind__in=[nc_reminders.MAJOR_NC_CLOSURE, audit_reminders.PROGRAMME_APPROVAL], recipient=approver
    )
    assert {(row.kind, row.status, row.outcome) for row in rows} == {
        (nc_reminders.MAJOR_NC_CLOSURE, Delivery.Status.WITHDRAWN, Delivery.Outcome.CLOSED),
        (audit_reminders.PROGRAMME_APPROVAL, Delivery.Status.WITHDRAWN, Delivery.Outcome.CLOSED),
    }
    assert all(nc.reference not in message.body for message in mail.outbox if message.to == [approver.email])


def _queries(kind):
    with CaptureQueriesContext(connection) as captured:
        found = items(kind)
    return len(found), len(captured)


def test_the_providers_read_in_bulk_whatever_the_number_of_items():
    f.make_approver()
    submitter = f.make_officer()
    years = iter(range(2040, 2050))
    counts = {}
    for added in (1, 3):  # 1 item of each kind, then 4
        for n in range(added):
            page = make_document(unit=f.make_unit())
            cms_services.document_submit(page=page, user=submitter, change_summary=f"Sửa đổi {n}")
            _major_ready_to_close()
            _programme_with_an_audit(next(years))
        for kind in (
            cms_reminders.REVISION_DECISION,
            nc_reminders.MAJOR_NC_CLOSURE,
            audit_reminders.PROGRAMME_APPROVAL,
        ):
            counts.setdefault(kind, []).append(_queries(kind))
    for kind, ((few, few_queries), (many, many_queries)) in counts.items():
        assert (few, many) == (1, 4), kind
        assert many_queries == few_queries, kind
