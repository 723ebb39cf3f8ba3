"""The admin audit registers download through the shared Excel layer: header block, labels, local times."""

import datetime

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from audits import services
from audits.models import Audit, AuditProgramme, ChecklistQuestion, Finding
from qms.core.models import IsoClause
from qms.spreadsheets.testing import read_register, response_bytes
from tests import factories as f

UTC = datetime.UTC


def _closed(running_audit, auditor):
    services.audit_finish_fieldwork(audit=running_audit, user=auditor)
    services.audit_close(audit=running_audit, user=auditor, conclusion="Phù hợp")
    # 01:11 UTC is 08:11 in Hà Nội: the time QA saw exported as 01:11.
    Audit.objects.filter(pk=running_audit.pk).update(closed_at=datetime.datetime(2026, 4, 2, 1, 11, tzinfo=UTC))
    running_audit.refresh_from_db()
    return running_audit


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return read_register(response_bytes(response))


def _row(sheet, heading, value):
    column = sheet.headings.index(heading)
    return dict(zip(sheet.headings, next(row for row in sheet.rows if row[column] == value), strict=True))


def _label(model, name):
    return str(capfirst(model._meta.get_field(name).verbose_name))


def test_audit_register_has_labels_local_times_and_the_header_block(client, officer, running_audit, auditor):
    audit = _closed(running_audit, auditor)
    client.force_login(officer)
    sheet = _download(client, "/admin/audit_register/?export=xlsx")
    with translation.override("vi"):
        title = gettext("Audit register")
        reference, kind, status, closed_at = (_label(Audit, n) for n in ("reference", "kind", "status", "closed_at"))
        expected_kind, expected_status = str(Audit.Kind.PROCESS.label), str(Audit.Status.CLOSED.label)
    assert sheet.title != "Sheet1"
    assert sheet.header_block[1] == title
    assert str(officer) in sheet.header_block[3] or officer.username in sheet.header_block[3]
    assert "Asia/Ho_Chi_Minh" in sheet.header_block[3]
    assert sheet.headings[0] == reference
    row = _row(sheet, reference, audit.reference)
    assert row[kind] == expected_kind
    assert row[status] == expected_status
    assert row[closed_at] == datetime.datetime(2026, 4, 2, 8, 11)
    values = {value for value in row.values() if isinstance(value, str)}
    assert not values & {"process", "closed", "in_progress", "follow_up"}
    assert "8.2" in values  # clauses in scope by number


def test_audit_register_in_english_with_the_filter_in_the_header(client, running_audit, auditor, programme):
    english = f.make_officer(unit=f.make_unit(), language="en")
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(english)
    profile.preferred_language = "en"
    profile.save()
    other = services.programme_create(year=2031, objectives="Khác", user=english)
    assert other.pk != programme.pk
    client.force_login(english)
    sheet = _download(client, f"/admin/audit_register/?export=xlsx&status=in_progress&programme={programme.pk}")
    assert sheet.header_block[1] == "Audit register"
    assert "Status: In progress" in sheet.header_block[2]
    assert sheet.headings[:3] == ["Reference", "Title", "Programme"]
    row = _row(sheet, "Reference", running_audit.reference)
    assert row["Status"] == "In progress" and row["Kind"] == "Process audit"
    assert row["Planned start"] == datetime.datetime(2026, 3, 1)
    assert sheet.cells[0][sheet.headings.index("Planned start")].number_format == "yyyy-mm-dd"
    assert row["Opening meeting"] is not None
    assert row["Closed at"] is None
    assert len(sheet.rows) == 1


def test_the_audit_list_offers_the_register_and_no_raw_csv(client, officer, audit):
    client.force_login(officer)
    body = client.get("/admin/audit_register/?status=planned").content.decode()
    assert "export=xlsx" in body and "export=csv" not in body
    response = client.get("/admin/audit_register/?export=csv")
    assert "text/csv" not in response.get("Content-Type", "")


def test_programme_register(client, officer, audit, programme):
    approver = f.make_approver(unit=f.make_unit())
    services.programme_approve(programme=programme, user=approver)
    AuditProgramme.objects.filter(pk=programme.pk).update(approved_at=datetime.datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    client.force_login(officer)
    sheet = _download(client, "/admin/audit_programmes/?export=xlsx")
    with translation.override("vi"):
        title = gettext("Audit programmes")
        approved = str(AuditProgramme.Status.APPROVED.label)
    assert sheet.header_block[1] == title
    row = sheet.rows[0]
    assert row[0] == 2026
    assert approved in row and "approved" not in row
    assert datetime.datetime(2026, 1, 5, 9, 0) in row
    assert str(approver) in row
    assert audit.reference in row[-1]


def test_finding_register(client, officer, running_audit, auditor):
    finding = services.finding_record(
        audit=running_audit,
        classification="minor",
        statement="Hồ sơ trả chậm",
        evidence="Sổ theo dõi",
        clause=IsoClause.objects.get(number="8.2"),
        unit=running_audit.scope_units.first(),
        user=auditor,
    )
    Finding.objects.filter(pk=finding.pk).update(recorded_at=datetime.datetime(2026, 4, 1, 3, 15, tzinfo=UTC))
    client.force_login(officer)
    sheet = _download(client, "/admin/audit_findings/?export=xlsx")
    with translation.override("vi"):
        title = gettext("Audit findings")
        minor = str(Finding.Classification.MINOR.label)
    assert sheet.header_block[1] == title
    row = sheet.rows[0]
    assert row[0] == running_audit.reference and row[1] == 1
    assert minor in row and "minor" not in row
    assert "8.2" in row and str(finding.unit) in row
    assert datetime.datetime(2026, 4, 1, 10, 15) in row
    assert str(auditor) in row


def test_question_bank_exports_with_the_import_headings(client, officer):
    from qms.spreadsheets.imports import get_importer, validate

    ChecklistQuestion.objects.create(clause=IsoClause.objects.get(number="7.5.3"), text="Bản hiện hành?", sort_order=3)
    client.force_login(officer)
    content = response_bytes(client.get("/admin/audit_questions/?export=xlsx"))
    sheet = read_register(content)
    assert sheet.rows == [["7.5.3", None, "Bản hiện hành?", 3, "Có"]]
    assert sheet.headings[0] == "Điều khoản ISO 9001"
    # The register imports back as it is (docs/registers-and-imports.md).
    rows, problems, *_rest = validate(get_importer("checklist-questions"), content)
    assert not problems and len(rows) == 1
