"""Findings, "raise nonconformity" exactly once, follow-up verification and closure rules."""

import threading

import pytest
from django.db import connection

from audits import services
from audits.models import Audit, Finding
from qms.core.models import IsoClause
from qms.nonconformities.models import Nonconformity
from tests import factories as f
from tests.audits import builders as b


def record(audit, user, classification="minor", **extra):
    return services.finding_record(
        audit=audit,
        classification=classification,
        statement=extra.pop("statement", "Hồ sơ trả chậm không có văn bản xin lỗi"),
        evidence=extra.pop("evidence", "Sổ theo dõi: 3/20 hồ sơ trả chậm"),
        clause=extra.pop("clause", IsoClause.objects.get(number="8.2.1")),
        unit=extra.pop("unit", audit.scope_units.first()),
        user=user,
        **extra,
    )


def test_findings_are_numbered_per_audit(running_audit, auditor):
    first, second = record(running_audit, auditor), record(running_audit, auditor, "observation")
    assert (first.number, second.number) == (1, 2)
    assert second.reference == f"{running_audit.reference}/02"
    assert first.history.first().history_user == auditor


def test_findings_wait_for_the_opening_meeting(audit, auditor):
    with pytest.raises(services.AuditError):
        record(audit, auditor)


def test_nonconformity_finding_needs_a_unit(running_audit, auditor):
    with pytest.raises(services.AuditError):
        record(running_audit, auditor, unit=None)


def test_raise_nonconformity_creates_it_once(running_audit, auditor, audited_unit):
    finding = record(running_audit, auditor, "major")
    nc = services.finding_raise_nonconformity(finding=finding, user=auditor)
    again = services.finding_raise_nonconformity(finding=finding, user=auditor)
    assert nc.pk == again.pk
    assert Nonconformity.objects.count() == 1
    assert nc.source == Nonconformity.Source.INTERNAL_AUDIT
    assert nc.severity == Nonconformity.Severity.MAJOR
    assert nc.unit == audited_unit
    assert list(nc.clauses.all()) == [finding.clause]
    assert finding.reference in nc.title
    finding.refresh_from_db()
    assert finding.nonconformity == nc


def test_raise_nonconformity_refuses_an_observation(running_audit, auditor):
    finding = record(running_audit, auditor, "observation")
    with pytest.raises(services.AuditError):
        services.finding_raise_nonconformity(finding=finding, user=auditor)
    assert not Nonconformity.objects.exists()


def test_a_raised_finding_stays_a_nonconformity(running_audit, auditor):
    finding = record(running_audit, auditor)
    services.finding_raise_nonconformity(finding=finding, user=auditor)
    with pytest.raises(services.AuditError):
        services.finding_update(finding=finding, classification="observation", user=auditor)


@pytest.mark.postgres
# serialized_rollback: the role groups come from a data migration that a flush would remove.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_presses_at_once_raise_one_nonconformity():
    officer = f.make_officer(unit=f.make_unit())
    unit = f.make_unit()
    auditor = f.make_auditor(unit=f.make_unit())
    audit = b.make_audit(lead=auditor, units=[unit], user=officer)
    services.audit_start_preparation(audit=audit, user=auditor)
    services.audit_open(audit=audit, user=auditor)
    finding = record(audit, auditor, unit=unit)
    barrier, results, errors = threading.Barrier(2), [], []

    def press():
        try:
            barrier.wait()
            results.append(services.finding_raise_nonconformity(finding=finding, user=auditor).pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    assert Nonconformity.objects.count() == 1


def close_ready(audit, auditor):
    services.audit_finish_fieldwork(audit=audit, user=auditor, notes="Họp kết thúc")


def test_closing_requires_every_nonconformity_raised(running_audit, auditor):
    finding = record(running_audit, auditor)
    record(running_audit, auditor, "opportunity")
    close_ready(running_audit, auditor)
    with pytest.raises(services.AuditError) as error:
        services.audit_close(audit=running_audit, user=auditor)
    assert finding.reference in error.value.message
    running_audit.refresh_from_db()
    assert running_audit.status == Audit.Status.REPORTING
    services.finding_raise_nonconformity(finding=finding, user=auditor)
    services.audit_close(audit=running_audit, user=auditor, conclusion="Hệ thống phù hợp")
    running_audit.refresh_from_db()
    assert running_audit.status == Audit.Status.CLOSED and running_audit.closed_at
    reasons = [h.history_change_reason for h in running_audit.history.all()]
    assert "Audit closed" in reasons or "Kết thúc cuộc đánh giá" in reasons or len(reasons) >= 5


def test_closing_skips_no_step(audit, auditor):
    with pytest.raises(services.AuditError):
        services.audit_close(audit=audit, user=auditor)
    with pytest.raises(services.AuditError):
        services.audit_open(audit=audit, user=auditor)


def test_a_closed_audit_is_read_only(running_audit, auditor):
    close_ready(running_audit, auditor)
    services.audit_close(audit=running_audit, user=auditor)
    with pytest.raises(services.AuditError):
        record(running_audit, auditor)
    with pytest.raises(services.AuditError):
        services.audit_update(audit=running_audit, title="Khác", user=auditor)


def test_follow_up_verifies_earlier_findings_before_closing(running_audit, auditor, officer, programme):
    finding = record(running_audit, auditor)
    nc = services.finding_raise_nonconformity(finding=finding, user=auditor)
    record(running_audit, auditor, "good_practice")
    close_ready(running_audit, auditor)
    services.audit_close(audit=running_audit, user=auditor)

    follow_up = b.make_audit(
        programme=programme,
        lead=auditor,
        units=list(running_audit.scope_units.all()),
        kind=Audit.Kind.FOLLOW_UP,
        follow_up_of=running_audit,
        user=officer,
    )
    items = services.checklist_generate(audit=follow_up, user=auditor)
    assert [item.source for item in items if item.source == "follow_up"] == ["follow_up"]  # not the good practice
    services.audit_start_preparation(audit=follow_up, user=auditor)
    services.audit_open(audit=follow_up, user=auditor)
    services.audit_finish_fieldwork(audit=follow_up, user=auditor)
    with pytest.raises(services.AuditError):
        services.audit_close(audit=follow_up, user=auditor)
    with pytest.raises(services.AuditError):  # its nonconformity is still open
        services.finding_verify(finding=finding, follow_up=follow_up, closed=True, user=auditor)
    nc.status = Nonconformity.Status.CLOSED
    nc.save()
    services.finding_verify(finding=finding, follow_up=follow_up, closed=True, notes="Đã khắc phục", user=auditor)
    finding.refresh_from_db()
    assert finding.verification == Finding.Verification.CLOSED and finding.verified_in == follow_up
    services.audit_close(audit=follow_up, user=auditor)


def test_follow_up_kind_needs_the_audit_it_follows(programme, officer, auditor):
    with pytest.raises(services.AuditError):
        b.make_audit(programme=programme, lead=auditor, kind=Audit.Kind.FOLLOW_UP, user=officer)


def test_programme_approval_and_completion(programme, officer, audit, auditor):
    approver = f.make_approver(unit=f.make_unit())
    with pytest.raises(services.AuditError):
        services.programme_approve(programme=programme, user=auditor)
    services.programme_approve(programme=programme, user=approver)
    programme.refresh_from_db()
    assert programme.approved_by == approver and programme.approved_at
    with pytest.raises(services.AuditError):
        services.programme_complete(programme=programme, user=officer)
    services.audit_start_preparation(audit=audit, user=auditor)
    services.audit_open(audit=audit, user=auditor)
    services.audit_finish_fieldwork(audit=audit, user=auditor)
    services.audit_close(audit=audit, user=auditor)
    services.programme_complete(programme=programme, user=officer)
    programme.refresh_from_db()
    assert programme.status == "completed"


def test_link_an_existing_internal_audit_nonconformity(running_audit, auditor, audited_unit):
    finding = record(running_audit, auditor)
    other_source = f.make_nonconformity(unit=audited_unit)
    with pytest.raises(services.AuditError):
        services.finding_link_nonconformity(finding=finding, nonconformity=other_source, user=auditor)
    nc = f.make_nonconformity(unit=audited_unit, source="internal_audit")
    services.finding_link_nonconformity(finding=finding, nonconformity=nc, user=auditor)
    services.finding_link_nonconformity(finding=finding, nonconformity=nc, user=auditor)
    assert services.finding_raise_nonconformity(finding=finding, user=auditor) == nc
    second = record(running_audit, auditor)
    with pytest.raises(services.AuditError):
        services.finding_link_nonconformity(finding=second, nonconformity=nc, user=auditor)


def test_the_workspace_shows_who_changed_what_and_why(client, running_audit, auditor):
    finding = record(running_audit, auditor)
    services.finding_update(finding=finding, statement="Nội dung đã sửa", user=auditor, reason="Làm rõ nội dung")
    client.force_login(auditor)
    body = client.get(f"/audits/{running_audit.pk}/").content.decode()
    history = body[body.index('id="history"') :]
    assert "Làm rõ nội dung" in history and "Nội dung đã sửa" in history and str(auditor) in history
    assert body.count('id="history"') == 1  # once, in the page; never inside its <title>
    title = body[body.index("<title>") : body.index("</title>")]
    assert running_audit.reference in title and "<" not in title[len("<title>") :]


def test_the_raised_nonconformity_is_worded_in_the_organisations_language(running_audit, auditor, settings):
    """The title and description of the nonconformity are a record kept in the organisation's
    language, whatever the language of the auditor who pressed the button (ISO 9001 7.5.2, 10.2)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "vi"
    finding = record(running_audit, auditor)
    with translation.override("en"):
        nonconformity = services.finding_raise_nonconformity(finding=finding, user=auditor)
    assert not nonconformity.title.startswith("Audit finding")
    assert finding.reference in nonconformity.title
    assert "Objective evidence" not in nonconformity.description
