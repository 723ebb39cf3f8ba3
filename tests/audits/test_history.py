"""The audit workspace reads as a person reads it: history with names and local times, scope and dates in the
reader's formats (ISO 9001 7.5.3: retained information must stay legible)."""

import datetime

from django.utils import formats, timezone, translation

from audits import selectors, services
from audits.models import Audit
from qms.core.models import IsoClause
from tests import factories as f
from tests.audits import builders as b

UTC = datetime.UTC


def _changes(entries, reason):
    return next(entry.changes for entry in entries if entry.reason == reason)


def test_history_names_the_related_records_of_a_scope_change(audit, officer, audited_unit):
    document = b.make_process_document(unit=audited_unit, identifier="QT-HIS-01")
    other = f.make_unit(code="KHTCX", name="Kế hoạch Tài chính")
    member = f.make_auditor(unit=f.make_unit(), first_name="Lan", last_name="Trần")
    services.audit_update(
        audit=audit,
        lead_auditor=audit.lead_auditor,
        user=officer,
        reason="Mở rộng phạm vi",
        units=[audited_unit, other],
        documents=[document],
        clauses=[IsoClause.objects.get(number="8.2"), IsoClause.objects.get(number="7.5.3")],
        team=[member],
    )
    with translation.override("en"):
        entries = selectors.audit_history(audit)
    shown = [change for entry in entries for change in entry.changes]
    text = repr(shown)
    assert "{'audit'" not in text and "isoclause" not in text and "pk=" not in text
    values = {new for _field, _old, new in shown}
    assert "8.2, 7.5.3" in values or "7.5.3, 8.2" in values
    assert any("QLVHX – Phòng Văn hóa" in new and "KHTCX – Kế hoạch Tài chính" in new for new in values)
    assert "QT-HIS-01" in values
    assert str(member) in values
    labels = {field for field, _old, _new in shown}
    assert {"Clauses in scope", "Units in scope", "Process documents in scope", "Audit team"} <= labels
    # An empty many-to-many before the change reads as a dash.
    assert ("Process documents in scope", "–", "QT-HIS-01") in shown


def test_history_of_an_empty_foreign_key_is_a_dash_not_a_deleted_object(running_audit, auditor):
    finding = services.finding_record(
        audit=running_audit, classification="observation", statement="S", evidence="E", user=auditor
    )
    services.finding_update(
        finding=finding, clause=IsoClause.objects.get(number="8.2"), user=auditor, reason="Thêm điều khoản"
    )
    with translation.override("en"):
        changes = _changes(selectors.audit_history(running_audit), "Thêm điều khoản")
    assert changes == [("Clause", "–", "8.2")]


def test_history_shows_state_changes_in_the_readers_zone_and_format(audit, auditor):
    meeting = datetime.datetime(2026, 4, 1, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội
    services.audit_start_preparation(audit=audit, user=auditor)
    services.audit_open(audit=audit, user=auditor, meeting_at=meeting, notes="Khai mạc", reason="Khai mạc")
    with translation.override("en"), timezone.override("Asia/Ho_Chi_Minh"):
        changes = _changes(selectors.audit_history(audit), "Khai mạc")
        local = formats.date_format(timezone.localtime(meeting), "SHORT_DATETIME_FORMAT")
        day = formats.date_format(datetime.date(2026, 4, 1), "SHORT_DATE_FORMAT")
    assert ("Opening meeting", "–", local) in changes
    assert "8:30" in local
    assert ("Actual start", "–", day) in changes
    assert ("Status", "Preparing", "In progress") in changes  # labels, not 'preparing' / 'in_progress'


def test_workspace_history_shows_names_not_raw_rows(client, audit, officer, auditor):
    services.audit_update(
        audit=audit,
        lead_auditor=audit.lead_auditor,
        user=officer,
        reason="Thêm điều khoản",
        units=list(audit.scope_units.all()),
        clauses=[IsoClause.objects.get(number="8.2"), IsoClause.objects.get(number="9.2")],
    )
    client.force_login(auditor)
    body = client.get(f"/audits/{audit.pk}/").content.decode()
    history = body[body.index('id="history"') :]
    assert "Thêm điều khoản" in history
    assert "{&#x27;audit&#x27;" not in history and "{'audit'" not in history
    assert "9.2" in history


def test_scope_is_listed_with_commas(client, officer, auditor, programme, audited_unit):
    second = f.make_unit(code="VHX2", name="Phòng Thể thao")
    audit = b.make_audit(
        programme=programme,
        lead=auditor,
        units=[audited_unit, second],
        clauses=[IsoClause.objects.get(number="8.2"), IsoClause.objects.get(number="8.5")],
        user=officer,
    )
    client.force_login(auditor)
    body = client.get(f"/audits/{audit.pk}/").content.decode()
    assert '<dd class="scope-clauses">8.2, 8.5</dd>' in body
    assert "QLVHX – Phòng Văn hóa, VHX2 – Phòng Thể thao</dd>" in body
    assert '<dd class="scope-documents">–</dd>' in body
    assert "; </dd>" not in body


def test_audit_lists_show_planned_start_and_end_in_the_readers_format(client, officer, auditor, programme):
    audit = b.make_audit(
        programme=programme,
        lead=auditor,
        user=officer,
        planned_start=datetime.date(2026, 5, 4),
        planned_end=datetime.date(2026, 5, 6),
    )
    english = f.make_auditor(unit=f.make_unit(), language="en")
    client.force_login(english)
    with translation.override("en"):
        expected = " – ".join(
            formats.date_format(day, "SHORT_DATE_FORMAT") for day in (audit.planned_start, audit.planned_end)
        )
    body = client.get("/audits/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert expected in body
    detail = client.get(f"/audits/{audit.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert expected in detail
    if not expected.startswith("04/05/2026"):
        assert "04/05/2026" not in detail  # no fixed d/m/Y on an English page
    assert Audit.objects.filter(pk=audit.pk).exists()


def test_audit_templates_format_dates_only_in_the_readers_formats():
    """A fixed "d/m/Y" on an English page mixes m/d and d/m (QA); only the locale's short formats are used."""
    import re
    from pathlib import Path

    import audits

    root = Path(audits.__file__).parent / "templates"
    formats_used = {
        (path.name, match)
        for path in root.rglob("*.html")
        for match in re.findall(r'\|date:"([^"]*)"', path.read_text(encoding="utf-8"))
    }
    assert formats_used
    assert {fmt for _name, fmt in formats_used} <= {"SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"}, formats_used
