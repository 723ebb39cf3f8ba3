"""The Excel audit report, opened again with openpyxl, and the printable page."""

import io

import openpyxl

from audits import services
from qms.core.models import IsoClause


def _prepare(audit, auditor, unit):
    items = services.checklist_generate(audit=audit, user=auditor)
    services.checklist_item_update(
        item=items[0],
        version=items[0].version,
        evidence="=SUM(A1:A2) sổ tiếp nhận",
        result="nonconformity",
        user=auditor,
    )
    clause = IsoClause.objects.get(number="8.2.1")
    major = services.finding_record(
        audit=audit,
        classification="major",
        statement="Không có kênh tiếp nhận phản ánh",
        evidence="Phỏng vấn",
        clause=clause,
        unit=unit,
        user=auditor,
        checklist_item=items[0],
    )
    services.finding_record(
        audit=audit,
        classification="opportunity",
        statement="Nên số hóa sổ",
        evidence="Sổ giấy",
        clause=clause,
        user=auditor,
    )
    services.finding_record(
        audit=audit, classification="good_practice", statement="Tốt", evidence="Quan sát", user=auditor
    )
    return major, services.finding_raise_nonconformity(finding=major, user=auditor)


def test_excel_report_reads_back(client, running_audit, auditor, audited_unit):
    major, nc = _prepare(running_audit, auditor, audited_unit)
    client.force_login(auditor)
    response = client.get(f"/audits/{running_audit.pk}/report.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cover, checklist, findings = book.worksheets
    cover_rows = [row[:2] for row in cover.iter_rows(min_row=6, values_only=True) if row[0]]
    values = [value for _label, value in cover_rows]
    assert running_audit.reference in values
    assert str(auditor) in values
    assert any(audited_unit.name in str(value) for value in values)
    # Three headed count blocks follow the details: by classification, by clause, checklist results.
    headings = [i for i, (_label, value) in enumerate(cover_rows) if value in (None, "")]
    by_class = [value for _label, value in cover_rows[headings[-3] + 1 : headings[-2]]]
    by_clause = {str(label).strip(): value for label, value in cover_rows[headings[-2] + 1 : headings[-1]]}
    results = [value for _label, value in cover_rows[headings[-1] + 1 :]]
    assert by_class == [1, 0, 0, 1, 1]  # major, minor, observation, opportunity, good practice
    assert by_clause["8.2.1"] == 2 and len(by_clause) == 2
    assert results == [3, 0, 1, 0, 0]  # not assessed, conforming, nonconformity, observation, opportunity
    heading = [cell.value for cell in checklist[6]]
    first = [cell.value for cell in checklist[7]]
    assert len(heading) == 7 and first[1] == "8.2.1"
    assert "=SUM(A1:A2) sổ tiếp nhận" in first
    assert checklist.cell(row=7, column=first.index("=SUM(A1:A2) sổ tiếp nhận") + 1).data_type == "s"
    rows = [[cell.value for cell in row] for row in findings.iter_rows(min_row=7)]
    assert len(rows) == 3
    assert rows[0][0] == major.reference and nc.reference in rows[0]
    assert rows[0][2] == "8.2.1"


def test_printable_report(client, running_audit, auditor, audited_unit):
    major, nc = _prepare(running_audit, auditor, audited_unit)
    client.force_login(auditor)
    body = client.get(f"/audits/{running_audit.pk}/report/").content.decode()
    assert major.reference in body and nc.reference in body
    assert "window.print()" in body
