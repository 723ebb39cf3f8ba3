"""Each kind of item the apps register: documents, corrective actions, verifications, stuck nonconformities, audits."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from audits import reminders as audit_reminders
from audits import services as audit_services
from cms.acknowledgements import reminders as ack_reminders
from cms.models import ProcessDocumentPage
from qms.core.models import IsoClause
from qms.nonconformities import reminders as nc_reminders
from qms.nonconformities import services as nc_services
from qms.reminders import registry
from qms.reminders.selectors import due_for_user
from qms.reminders.services import reminders_sweep
from tests import factories as f
from tests.audits import builders as audit_builders
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def after(n):
    return TODAY + datetime.timedelta(days=n)


def planned(as_of):
    """{recipient id: [(kind, reason, title)]} of a dry run."""
    result = reminders_sweep(as_of=as_of, dry_run=True)
    return {person: [(row.kind, row.reason, row.title) for row in rows] for person, rows in result.planned.items()}


def test_every_shipped_kind_has_a_provider():
    registered = {provider.kind for provider in registry.providers()}
    assert registered == {
        "document_review",
        "revision_decision",
        "acknowledgement",
        "corrective_action",
        "action_verification",
        "nonconformity_stuck",
        "major_nc_closure",
        "audit_upcoming",
        "finding_without_nc",
        "programme_approval",
        "publication_follow_up",
        "feedback_answer",
        "measurement_due",
        "risk_review",
        "management_review",
    }
    assert all(str(registry.kind_label(kind)) != kind for kind in registered)  # each carries its own label


def test_document_review_coming_up_goes_to_the_process_owner_then_the_unit_manager():
    manager = f.make_staff()
    unit = f.make_unit(manager=manager)
    owner = f.make_staff(unit=unit, language="en")
    owned = make_document("QT-71", unit=unit, owner=owner, title="Cấp phép")
    orphan = make_document("QT-72", unit=unit, title="Không chủ")
    ProcessDocumentPage.objects.filter(pk__in=[owned.pk, orphan.pk]).update(next_review_date=after(7))
    reminders_sweep(as_of=TODAY)
    (to_owner,) = [m for m in mail.outbox if m.to == [owner.email]]
    assert "QT-71 Cấp phép" in to_owner.body and "Document reviews" in to_owner.body
    assert f"/admin/pages/{owned.pk}/edit/" in to_owner.body
    (to_manager,) = [m for m in mail.outbox if m.to == [manager.email]]
    assert "QT-72" in to_manager.body and "QT-71" not in to_manager.body
    assert [item.title for item in due_for_user(owner)] == ["QT-71 Cấp phép"]


def test_a_withdrawn_document_is_not_reminded():
    owner = f.make_staff()
    page = make_document("QT-73", owner=owner)
    ProcessDocumentPage.objects.filter(pk=page.pk).update(next_review_date=after(-3), withdrawn_at=timezone.now())
    assert owner.pk not in planned(TODAY)


@pytest.fixture
def action_cast():
    manager = f.make_staff()
    unit = f.make_unit(manager=manager)
    officer = f.make_officer()
    nc_owner = f.make_staff(unit=unit)
    nc = f.make_nonconformity(unit=unit, owner=nc_owner)
    nc_services.nonconformity_transition(nonconformity=nc, target="investigating", user=officer)
    owner = f.make_staff(unit=unit)
    action = f.make_action(nc, owner=owner, user=officer, due_date=after(7), description="Sửa biểu mẫu BM-01")
    return {"manager": manager, "officer": officer, "nc_owner": nc_owner, "owner": owner, "nc": nc, "action": action}


def test_corrective_action_coming_due_overdue_then_escalated(action_cast):
    owner, manager, officer = action_cast["owner"], action_cast["manager"], action_cast["officer"]
    reference = action_cast["nc"].reference
    assert planned(TODAY)[owner.pk] == [
        (nc_reminders.CORRECTIVE_ACTION, "coming_up", f"{reference}: Sửa biểu mẫu BM-01")
    ]
    assert planned(after(8))[owner.pk][0][1] == "overdue"
    late = planned(after(7 + 8))  # overdue by 8: beyond the 7-day grace of corrective actions
    assert late[manager.pk][0][:2] == (nc_reminders.CORRECTIVE_ACTION, "escalation")
    assert late[officer.pk][0][:2] == (nc_reminders.CORRECTIVE_ACTION, "escalation")


def test_a_completed_action_awaits_verification_by_someone_else(action_cast):
    action, owner, nc_owner, nc = (action_cast[key] for key in ("action", "owner", "nc_owner", "nc"))
    officer = action_cast["officer"]
    nc_services.nonconformity_update(
        nonconformity=nc, user=officer, root_cause="Biểu mẫu cũ thiếu mục", reason="Phân tích 5 why"
    )
    nc_services.nonconformity_transition(nonconformity=nc, target="action_planned", user=officer)
    nc_services.action_start(action=action, user=owner)
    nc_services.action_complete(action=action, user=owner, evidence="Biểu mẫu mới đã ban hành")
    due = planned(after(7))  # verification due 14 days after completion: the 7-day step
    assert (nc_reminders.ACTION_VERIFICATION, "coming_up") in [entry[:2] for entry in due[nc_owner.pk]]
    assert nc_reminders.ACTION_VERIFICATION not in [entry[0] for entry in due.get(owner.pk, [])]


def test_a_nonconformity_stuck_in_one_status_is_reminded_to_its_owner(action_cast):
    nc_owner, nc = action_cast["nc_owner"], action_cast["nc"]
    assert nc_reminders.NONCONFORMITY_STUCK not in [entry[0] for entry in planned(after(30)).get(nc_owner.pk, [])]
    stuck = [entry for entry in planned(after(31))[nc_owner.pk] if entry[0] == nc_reminders.NONCONFORMITY_STUCK]
    assert stuck and stuck[0][1] == "overdue" and nc.reference in stuck[0][2]


def test_audit_coming_up_goes_to_the_whole_audit_team():
    lead = f.make_auditor(unit=f.make_unit())
    member = f.make_auditor(unit=f.make_unit())
    audit = audit_builders.make_audit(
        lead=lead, team=[member], units=[f.make_unit()], planned_start=after(7), planned_end=after(8)
    )
    due = planned(TODAY)
    for person in (lead, member):
        assert due[person.pk] == [(audit_reminders.AUDIT_UPCOMING, "coming_up", f"{audit.reference} {audit.title}")]
    assert [item.title for item in due_for_user(member)] == [f"{audit.reference} {audit.title}"]


def test_a_nonconformity_finding_without_its_nonconformity_is_reminded():
    lead = f.make_auditor(unit=f.make_unit())
    unit = f.make_unit()
    audit = audit_builders.make_audit(lead=lead, units=[unit], clauses=[IsoClause.objects.get(number="8.2")])
    audit_services.audit_start_preparation(audit=audit, user=lead)
    audit_services.audit_open(audit=audit, user=lead, notes="Họp khai mạc")
    audit_services.finding_record(
        audit=audit,
        classification="minor",
        statement="Hồ sơ trả chậm",
        evidence="Sổ theo dõi",
        clause=IsoClause.objects.get(number="8.2.1"),
        unit=unit,
        user=lead,
    )
    assert lead.pk not in planned(after(7))
    assert planned(after(8))[lead.pk][0][:2] == (audit_reminders.FINDING_WITHOUT_NC, "overdue")
    # Once raised it drops out (the provider filters on nonconformity__isnull); not exercised here because
    # audits.services.finding_raise_nonconformity fails on PostgreSQL (FOR UPDATE on an outer join).


def test_a_revision_to_acknowledge_is_reminded_to_those_who_have_not_yet():
    from cms.acknowledgements import services as ack_services
    from tests.cms.acknowledgements.conftest import make_distributed_document

    unit = f.make_unit()
    reader, done = f.make_staff(unit=unit), f.make_staff(unit=unit)
    page, version = make_distributed_document(unit=unit)
    ack_services.version_acknowledge(version=version, user=done)
    due = planned(after(30))
    assert (ack_reminders.ACKNOWLEDGEMENT, "overdue", f"{page.identifier} {page.title}") in due[reader.pk]
    assert ack_reminders.ACKNOWLEDGEMENT not in [entry[0] for entry in due.get(done.pk, [])]
    assert [item.kind for item in due_for_user(reader, as_of=after(30))] == [ack_reminders.ACKNOWLEDGEMENT]
