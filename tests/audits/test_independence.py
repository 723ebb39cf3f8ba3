"""ISO 9001 9.2.2 c: an auditor cannot audit their own unit."""

import pytest

from audits import services
from audits.models import Audit
from tests import factories as f
from tests.audits import builders as b


def test_lead_auditor_of_the_audited_unit_is_refused(programme, officer, audited_unit):
    own = f.make_auditor(unit=audited_unit, first_name="An", last_name="Nguyễn")
    with pytest.raises(services.AuditError) as error:
        b.make_audit(programme=programme, lead=own, units=[audited_unit], user=officer)
    assert "9.2.2" in error.value.message
    assert "An" in error.value.message and audited_unit.name in error.value.message
    assert not Audit.objects.exists()


def test_team_member_of_the_audited_unit_is_refused(programme, officer, auditor, audited_unit):
    member = f.make_auditor(unit=audited_unit)
    with pytest.raises(services.AuditError):
        b.make_audit(programme=programme, lead=auditor, team=[member], units=[audited_unit], user=officer)


def test_auditing_a_document_of_ones_own_unit_is_auditing_that_unit(programme, officer, audited_unit):
    document = b.make_process_document(unit=audited_unit)
    own = f.make_auditor(unit=audited_unit)
    with pytest.raises(services.AuditError):
        b.make_audit(programme=programme, lead=own, documents=[document], user=officer)


def test_adding_the_unit_later_is_checked_too(audit, officer):
    other_unit = f.make_unit()
    member = f.make_auditor(unit=other_unit)
    services.audit_update(audit=audit, team=[member], user=officer)
    with pytest.raises(services.AuditError):
        services.audit_update(audit=audit, units=[*audit.scope_units.all(), other_unit], user=officer)
    audit.refresh_from_db()
    assert other_unit not in audit.scope_units.all()
    assert list(audit.team.all()) == [member]


def test_an_auditor_from_another_unit_is_accepted(audit, auditor, audited_unit):
    assert audit.lead_auditor == auditor
    assert auditor.unit != audited_unit


def test_an_audit_cannot_follow_itself_up(audit, officer):
    with pytest.raises(services.AuditError):
        services.audit_update(audit=audit, kind=Audit.Kind.FOLLOW_UP, follow_up_of=audit, user=officer)


# --- 9.2.2 c at every step: an auditor moved into the audited unit after being assigned ---------


def _move(person, unit):
    person.unit = unit
    person.save(update_fields=["unit"])


def test_an_auditor_moved_into_the_audited_unit_cannot_start_preparation(audit, auditor, audited_unit):
    _move(auditor, audited_unit)
    with pytest.raises(services.AuditError) as error:
        services.audit_start_preparation(audit=audit, user=auditor)
    assert "9.2.2" in error.value.message
    assert str(auditor) in error.value.message and audited_unit.name in error.value.message
    audit.refresh_from_db()
    assert audit.status == Audit.Status.PLANNED


def test_a_team_member_moved_in_stops_the_opening_meeting(audit, auditor, officer, audited_unit):
    member = f.make_auditor(unit=f.make_unit())
    services.audit_update(audit=audit, team=[member], user=officer)
    services.audit_start_preparation(audit=audit, user=auditor)
    _move(member, audited_unit)
    with pytest.raises(services.AuditError) as error:
        services.audit_open(audit=audit, user=auditor)
    assert str(member) in error.value.message
    audit.refresh_from_db()
    assert audit.status == Audit.Status.PREPARING
    # Taking the member off the team lets the audit go on.
    services.audit_update(audit=audit, team=[], user=officer)
    services.audit_open(audit=audit, user=auditor)


def test_findings_closing_meeting_and_closure_are_checked_too(running_audit, auditor, officer, audited_unit):
    _move(auditor, audited_unit)
    with pytest.raises(services.AuditError):
        services.finding_record(
            audit=running_audit,
            classification="observation",
            statement="Sổ theo dõi chưa cập nhật",
            evidence="Sổ tháng 11",
            user=auditor,
        )
    with pytest.raises(services.AuditError):
        services.audit_finish_fieldwork(audit=running_audit, user=officer)
    _move(auditor, f.make_unit())
    services.audit_finish_fieldwork(audit=running_audit, user=officer)
    _move(auditor, audited_unit)
    with pytest.raises(services.AuditError):
        services.audit_close(audit=running_audit, user=officer)


def test_the_refusal_is_in_the_persons_language(audit, auditor, audited_unit):
    from django.utils import translation

    _move(auditor, audited_unit)
    with translation.override("vi"), pytest.raises(services.AuditError) as error:
        services.audit_start_preparation(audit=audit, user=auditor)
    assert "9.2.2 c" in error.value.message and "thuộc" in error.value.message


def test_the_workspace_says_why_before_a_step_is_pressed(client, audit, auditor, audited_unit):
    _move(auditor, audited_unit)
    client.force_login(auditor)
    html = client.get(f"/audits/{audit.pk}/").content.decode()
    warning = html[html.index("independence-warning") :].split("</p>")[0]
    assert "9.2.2 c" in warning and audited_unit.name in warning
    response = client.post(f"/audits/{audit.pk}/step/prepare/", follow=True)
    assert "9.2.2 c" in response.content.decode()
    audit.refresh_from_db()
    assert audit.status == Audit.Status.PLANNED


def test_preparing_the_checklist_is_checked_too(audit, auditor, audited_unit):
    services.audit_start_preparation(audit=audit, user=auditor)
    _move(auditor, audited_unit)
    with pytest.raises(services.AuditError):
        services.checklist_generate(audit=audit, user=auditor)
    with pytest.raises(services.AuditError):
        services.checklist_item_add(audit=audit, question="Có sổ theo dõi không?", user=auditor)
    assert not audit.checklist.exists()
