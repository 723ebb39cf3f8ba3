"""The register in Excel and back (ISO 9001 6.1, 7.5): a real .xlsx through the shared layers, the import's
template, dry run and all-or-nothing, re-import by reference."""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from qms.risks import register, services
from qms.risks.imports import RiskImporter
from qms.risks.models import Risk
from qms.spreadsheets.export import TABLE_HEADER_ROW
from qms.spreadsheets.imports import get_importer, import_reason, run_import
from tests import factories as f

from .builders import make_risk

pytestmark = pytest.mark.django_db


def _xlsx(headings, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_rows(data, index=0):
    sheet = load_workbook(io.BytesIO(data)).worksheets[index]
    rows = list(sheet.iter_rows(min_row=TABLE_HEADER_ROW, values_only=True))
    return rows[0], rows[1:]


def _risks_sheet_only(data):
    """What docs/risks.md tells people to do with an exported register before importing it back: an import
    reads one sheet, so the reviews sheet goes; the columns after the import's own (score, band, treatment,
    residual level, status...) are decided on the risk's page, never imported, so they go too."""
    book = load_workbook(io.BytesIO(data))
    book.remove(book.worksheets[1])
    sheet = book.worksheets[0]
    sheet.delete_cols(len(RiskImporter().columns) + 1, sheet.max_column)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def officer(db):
    return f.make_officer(unit=f.make_unit(code="VP"), username="officer_vp")


def _workbook_bytes(officer, **kwargs):
    with translation.override("vi"):
        book = register.register_workbook(user=officer, **kwargs)
        response = book.response(register.register_filename())
    return b"".join(response.streaming_content)


def test_export_reads_back_with_typed_cells_and_formula_safe_text(officer):
    risk = make_risk(user=officer, unit=officer.unit, likelihood=4, impact=4, title="=HYPERLINK(1)")
    services.risk_plan_treatment(risk=risk, user=officer, treatment="reduce")
    services.risk_review(risk=risk, user=officer, residual_likelihood=2, residual_impact=3, effectiveness="effective")
    data = _workbook_bytes(officer)
    headings, rows = _sheet_rows(data)
    row = dict(zip(headings, rows[0], strict=False))
    title = load_workbook(io.BytesIO(data)).worksheets[0].cell(row=TABLE_HEADER_ROW + 1, column=3)
    assert title.value == "=HYPERLINK(1)" and title.data_type == "s"  # literal text, never a formula
    assert row["Số hiệu"] == risk.reference
    assert row["Khả năng xảy ra"] == 4 and row["Điểm"] == 16 and row["Mức rủi ro"] == "Cao"
    assert row["Điểm còn lại"] == 6
    _headings, reviews = _sheet_rows(_workbook_bytes(officer), index=1)
    assert len(reviews) == 1


def test_an_exported_register_imports_back_unchanged_and_an_edit_updates(officer):
    make_risk(user=officer, unit=officer.unit, owner=officer, likelihood=2, impact=3)
    importer = get_importer("risks")
    data = _risks_sheet_only(_workbook_bytes(officer))
    with translation.override("vi"):
        again = run_import(importer, data, user=officer, filename="so-rui-ro.xlsx", commit=True)
    assert again.ok, again.problems
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 1}
    risk = Risk.objects.get()
    headings = ["Số hiệu", "Loại", "Tiêu đề", "Mã đơn vị", "Khả năng xảy ra", "Mức độ ảnh hưởng", "Người phụ trách"]
    edited = _xlsx(headings, [[risk.reference, "Rủi ro", risk.title, "VP", 4, 4, officer.username]])
    with translation.override("vi"):
        result = run_import(importer, edited, user=officer, filename="sua.xlsx", commit=True)
    assert result.counts()["updated"] == 1, result.problems
    risk.refresh_from_db()
    assert risk.score == 16 and risk.history.first().history_change_reason == import_reason("sua.xlsx")


def test_new_rows_dry_run_then_all_or_nothing(officer):
    importer = get_importer("risks")
    headings = ["Kind", "Title", "Unit code", "Likelihood", "Impact", "Owner"]
    good = ["risk", "Thiếu công chức một cửa", "VP", 3, 3, officer.username]
    opportunity = ["opportunity", "Dịch vụ công toàn trình", "VP", 4, 5, officer.username]
    bad = ["risk", "Mất dữ liệu", "VP", 9, 1, officer.username]
    preview = run_import(importer, _xlsx(headings, [good, opportunity]), user=officer, filename="a.xlsx", commit=False)
    assert preview.ok, preview.problems
    assert not Risk.objects.exists()
    failed = run_import(importer, _xlsx(headings, [good, bad]), user=officer, filename="b.xlsx", commit=True)
    assert not failed.committed and not Risk.objects.exists()
    assert "5" in " ".join(str(p) for p in failed.problems)
    done = run_import(importer, _xlsx(headings, [good, opportunity]), user=officer, filename="a.xlsx", commit=True)
    assert done.committed and done.counts()["created"] == 2
    assert set(Risk.objects.values_list("kind", "status")) == {("risk", "assessed"), ("opportunity", "assessed")}
    twice = run_import(importer, _xlsx(headings, [good, opportunity]), user=officer, filename="a.xlsx", commit=True)
    assert twice.counts() == {"created": 0, "updated": 0, "unchanged": 2}


def test_staff_may_not_import(db):
    staff = f.make_staff(unit=f.make_unit())
    assert not get_importer("risks").has_permission(staff)
