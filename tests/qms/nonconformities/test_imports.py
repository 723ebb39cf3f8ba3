"""Importing nonconformities from a spreadsheet goes through the service: references, history, no duplicates."""

import io

import pytest
from openpyxl import Workbook

from qms.nonconformities.models import Nonconformity
from qms.spreadsheets.imports import get_importer, run_import
from tests import factories as f

pytestmark = pytest.mark.django_db


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["title", "unit", "description", "source", "severity", "reported_on", "reported_by", "clauses"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_raises_nonconformities_with_history_and_is_idempotent():
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    reporter = f.make_staff(unit=unit, username="mai")
    data = _xlsx(
        [
            [
                "Trả chậm hồ sơ",
                "QLVH",
                "Chậm 2 ngày",
                "Phản ánh, khiếu nại của người dân, khách hàng",
                "Nặng",
                "05/10/2026",
                "mai",
                "8.5.1, 9.1.2",
            ],
            ["Sai biểu mẫu", "qlvh", "Biểu mẫu cũ", "staff_report", None, None, None, None],
        ]
    )
    importer = get_importer("nonconformities")
    preview = run_import(importer, data, user=officer, filename="so-cu.xlsx", commit=False)
    assert preview.ok and not Nonconformity.objects.exists()
    result = run_import(importer, data, user=officer, filename="so-cu.xlsx", commit=True)
    assert result.committed and result.counts()["created"] == 2
    first = Nonconformity.objects.get(title="Trả chậm hồ sơ")
    assert first.source == "complaint" and first.severity == "major" and first.reported_by == reporter
    assert first.reference.startswith("NC-2026-") and first.status == "reported"
    assert sorted(first.clauses.values_list("number", flat=True)) == ["8.5.1", "9.1.2"]
    entry = first.history.earliest()
    assert entry.history_user == officer and "so-cu.xlsx" in entry.history_change_reason
    again = run_import(importer, data, user=officer, filename="so-cu.xlsx", commit=True)
    assert again.counts()["unchanged"] == 2 and Nonconformity.objects.count() == 2


def test_import_with_a_bad_row_writes_nothing():
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    data = _xlsx(
        [
            ["Đúng", "QLVH", "Mô tả", "staff_report", "minor", None, None, None],
            ["Sai đơn vị", "KHONGCO", "Mô tả", "staff_report", "minor", None, None, None],
            ["Sai điều khoản", "QLVH", "Mô tả", "staff_report", "minor", None, None, "99.9"],
        ]
    )
    result = run_import(get_importer("nonconformities"), data, user=officer, filename="x.xlsx", commit=True)
    assert not result.committed
    assert {problem.row for problem in result.problems} == {3, 4}
    assert not Nonconformity.objects.exists()


@pytest.mark.parametrize(
    ("language", "source", "severity"),
    [
        ("vi", "Phản ánh / khiếu nại của người dân / khách hàng", "Nhẹ"),
        ("en", "Citizen or customer complaint", "Minor"),
    ],
)
def test_template_example_uses_labels_and_imports_back(language, source, severity):
    """The example row speaks the person's language, and the template filled as shown imports as it is."""
    from openpyxl import load_workbook

    from qms.spreadsheets.template_workbook import build_template

    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    importer = get_importer("nonconformities")
    data = build_template(importer, language=language)
    sheet = load_workbook(io.BytesIO(data)).active
    row = {heading.value: cell.value for heading, cell in zip(sheet[1], sheet[2], strict=True)}
    assert source in row.values() and severity in row.values()
    assert "complaint" not in row.values() and "minor" not in row.values()
    # The drop-down offers the same words (one entry each: no comma inside an entry).
    lists = [v.formula1.strip('"').split(",") for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert any(source in entries for entries in lists) and any(severity in entries for entries in lists)
    result = run_import(importer, data, user=officer, filename="mau.xlsx", commit=True)
    assert result.committed, result.problems
    nc = Nonconformity.objects.get()
    assert nc.source == "complaint" and nc.severity == "minor"


def test_choices_accept_codes_and_labels_in_any_case():
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    data = _xlsx(
        [
            ["Một", "QLVH", "Mô tả", "COMPLAINT", "MAJOR", None, None, None],
            ["Hai", "QLVH", "Mô tả", "phản ánh, khiếu nại của người dân, khách hàng", "nhẹ", None, None, None],
            ["Ba", "QLVH", "Mô tả", "citizen or customer complaint", "Minor", None, None, None],
        ]
    )
    result = run_import(get_importer("nonconformities"), data, user=officer, filename="x.xlsx", commit=True)
    assert result.committed, result.problems
    assert set(Nonconformity.objects.values_list("source", "severity")) == {
        ("complaint", "major"),
        ("complaint", "minor"),
    }
