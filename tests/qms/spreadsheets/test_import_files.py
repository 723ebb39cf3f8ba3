"""Bad files get a clear message and write nothing (every kind the issue lists)."""

import zipfile
from io import BytesIO

import openpyxl
import pytest
from openpyxl import Workbook

from qms.core.models import OrganisationUnit, User
from qms.spreadsheets.imports import ImportFileError, get_importer, run_import
from tests.factories import make_officer, make_unit

from .xlsx import PEOPLE_HEADINGS, UNIT_HEADINGS, corrupt, rewrite_member, with_xml_bomb, xlsx

pytestmark = pytest.mark.django_db

GOOD_UNITS = [("QLVH", "Phòng Quản lý văn hoá", "", ""), ("VP", "Văn phòng", "", "")]


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def officer():
    return make_officer(username="officer")


def snapshot():
    return (
        OrganisationUnit.objects.count(),
        OrganisationUnit.history.count(),
        User.objects.count(),
        User.history.count(),
    )


def refused(data, officer, importer="units"):
    before = snapshot()
    with pytest.raises(ImportFileError) as caught:
        run_import(get_importer(importer), data, user=officer, filename="bad.xlsx", commit=True)
    assert snapshot() == before, "a refused file wrote something"
    return caught.value.message


def problems(data, officer, importer="units"):
    before = snapshot()
    result = run_import(get_importer(importer), data, user=officer, filename="bad.xlsx", commit=True)
    assert not result.committed and result.problems
    assert snapshot() == before, "a file with problems wrote something"
    return [str(problem) for problem in result.problems]


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True
    from qms.spreadsheets.apps import check_defusedxml

    assert check_defusedxml() == []


def test_a_good_file_imports(officer):
    result = run_import(
        get_importer("units"), xlsx(GOOD_UNITS, headings=UNIT_HEADINGS), user=officer, filename="u.xlsx", commit=True
    )
    assert result.committed and result.counts()["created"] == 2


def test_not_an_xlsx(officer):
    assert "not an Excel workbook" in refused(b"code,name\nQLVH,Phong\n", officer)
    assert "not an Excel workbook" in refused(b"%PDF-1.4 ...", officer)


def test_an_old_xls_or_encrypted_workbook(officer):
    assert ".xls" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, officer)


def test_a_zip_that_is_not_a_workbook(officer):
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "not an Excel workbook" in refused(out.getvalue(), officer)


def test_an_empty_file(officer):
    assert "empty" in refused(b"", officer)


def test_a_corrupt_archive(officer):
    assert "damaged" in refused(corrupt(xlsx(GOOD_UNITS, headings=UNIT_HEADINGS)), officer)


def test_a_truncated_archive(officer):
    data = xlsx(GOOD_UNITS, headings=UNIT_HEADINGS)
    message = refused(data[: len(data) // 2], officer)
    assert "damaged" in message or "not an Excel workbook" in message


@pytest.mark.parametrize(
    "member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml"]
)
def test_an_xml_bomb(officer, member):
    data = xlsx(GOOD_UNITS, headings=UNIT_HEADINGS)
    if member not in zipfile.ZipFile(BytesIO(data)).namelist():
        pytest.skip(f"openpyxl wrote no {member}")
    assert "possible attack" in refused(with_xml_bomb(data, member), officer)


def test_openpyxl_itself_refuses_entities_in_a_sheet():
    """Second line of defence, below our own scan: openpyxl reads sheets through defusedxml."""
    from defusedxml import EntitiesForbidden
    from openpyxl.xml.functions import iterparse

    bomb = with_xml_bomb(xlsx(GOOD_UNITS, headings=UNIT_HEADINGS))
    sheet = zipfile.ZipFile(BytesIO(bomb)).open("xl/worksheets/sheet1.xml")
    with pytest.raises(EntitiesForbidden):
        for _event in iterparse(sheet):
            pass


def test_a_zip_bomb(officer, monkeypatch):
    from qms.spreadsheets.imports import safety

    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 50_000)
    data = rewrite_member(
        xlsx(GOOD_UNITS, headings=UNIT_HEADINGS), "docProps/app.xml", lambda content: content + b" " * 100_000
    )
    assert "unreasonable size" in refused(data, officer)


def test_a_huge_sheet_by_its_declared_dimension(officer, settings):
    settings.QMS_IMPORT_MAX_ROWS = 50
    book = Workbook()
    ws = book.active
    ws.append(UNIT_HEADINGS)
    ws.cell(row=5000, column=1, value="X")  # the dimension says A1:D5000
    out = BytesIO()
    book.save(out)
    assert "more than 50 rows" in refused(out.getvalue(), officer)


def test_a_huge_sheet_without_a_dimension(officer, settings):
    settings.QMS_IMPORT_MAX_ROWS = 50
    rows = [(f"U{n}", f"Unit {n}", "", "") for n in range(80)]
    data = rewrite_member(
        xlsx(rows, headings=UNIT_HEADINGS),
        "xl/worksheets/sheet1.xml",
        lambda content: content.replace(b'<dimension ref="A1:B81"/>', b"").replace(b'<dimension ref="A1:D81"/>', b""),
    )
    assert "more than 50 rows" in refused(data, officer)


def test_a_file_over_the_size_limit(officer, settings):
    settings.QMS_IMPORT_MAX_BYTES = 1000
    assert "larger than" in refused(xlsx(GOOD_UNITS, headings=UNIT_HEADINGS), officer)


def test_merged_cells(officer):
    assert "merged cells (A2:B2)" in refused(xlsx(GOOD_UNITS, headings=UNIT_HEADINGS, merge="A2:B2"), officer)


def test_extra_sheets(officer):
    message = refused(xlsx(GOOD_UNITS, headings=UNIT_HEADINGS, extra_sheets=["Notes"]), officer)
    assert "2 sheets" in message and "Notes" in message


def test_missing_columns(officer):
    message = refused(xlsx([("QLVH", "")], headings=["Unit code", "Parent unit code"]), officer)
    assert "Required columns are missing: Unit name" in message


def test_no_heading_row(officer):
    assert "No heading row" in refused(xlsx([("a", "b"), ("c", "d")]), officer)


def test_headings_but_no_rows(officer):
    assert "no rows" in refused(xlsx([], headings=UNIT_HEADINGS), officer)


def test_formulas(officer):
    rows = [("QLVH", '=CONCAT("Phòng ","A")', "", ""), ("VP", "Văn phòng", "", "")]
    assert problems(xlsx(rows, headings=UNIT_HEADINGS), officer) == [
        'Row 2, column “Unit name”: contains a formula (=CONCAT("Phòng ","A")); type the value itself.'
    ]


def test_error_values(officer):
    data = rewrite_member(
        xlsx([("QLVH", "x", "", "")], headings=UNIT_HEADINGS),
        "xl/worksheets/sheet1.xml",
        lambda c: c.replace(b'<c r="B2" t="inlineStr"><is><t>x</t></is></c>', b'<c r="B2" t="e"><v>#N/A</v></c>'),
    )
    listed = problems(data, officer)
    if listed == []:
        pytest.skip("openpyxl wrote shared strings")
    assert listed == ["Row 2, column “Unit name”: contains an error value (#N/A)."] or "error value" in listed[0]


def test_wrong_types(officer):
    rows = [("nv.an", "Nguyễn Văn An", "not-an-email", "", "Boss", "fr"), ("b c", "Lê B", "b@x.vn", "", "", "")]
    listed = problems(xlsx(rows, headings=PEOPLE_HEADINGS), officer, "people")
    assert listed == [
        "Row 2, column “E-mail”: “not-an-email” is not an e-mail address.",
        "Row 2, column “Language”: “fr” is not one of: vi, en.",
        "Row 2, column “Roles”: “Boss” is not one of: Staff, Quality officers, Approvers, Auditors.",
        "Row 3, column “Username”: use only letters, digits and @ . + - _ (no spaces).",
    ]


def test_duplicate_identifiers(officer):
    rows = [("QLVH", "A", "", ""), ("VP", "B", "", ""), ("qlvh ", "C", "", "")]
    assert problems(xlsx(rows, headings=UNIT_HEADINGS), officer) == [
        "Row 4, column “Unit code”: “qlvh” is already on row 2; each row must have its own identifier."
    ]


def test_unknown_units_and_people(officer):
    make_unit(code="VP")
    rows = [("QLVH", "A", "NOPE", ""), ("TT", "B", "VP", "ghost")]
    assert problems(xlsx(rows, headings=UNIT_HEADINGS), officer) == [
        "Row 2, column “Parent unit code”: there is no unit with code “NOPE”, neither in the product nor in this file.",
        "Row 3, column “Manager (username)”: there is no person with username “ghost”.",
    ]
    people = [("nv.an", "Nguyễn Văn An", "an@x.vn", "NOWHERE", "", "")]
    assert problems(xlsx(people, headings=PEOPLE_HEADINGS), officer, "people") == [
        "Row 2, column “Unit code”: there is no unit with code “NOWHERE”."
    ]


def test_a_bad_row_among_good_ones_writes_nothing(officer):
    rows = [("A1", "Good", "", ""), ("A2", "Good too", "", ""), ("A3", "Bad", "MISSING", "")]
    problems(xlsx(rows, headings=UNIT_HEADINGS), officer)
    assert not OrganisationUnit.objects.filter(code__in=["A1", "A2"]).exists()


def test_unknown_columns_and_values_without_heading(officer):
    rows = [("QLVH", "A", "", "", "", "stray")]
    listed = problems(xlsx(rows, headings=UNIT_HEADINGS + ["Budget"]), officer)
    assert listed == [
        "Row 1, column “Budget”: unknown column; rename it to one of the template's or delete it.",
        "Row 2, column “F”: a value in a column without a heading.",
    ]


def test_a_loop_of_parents(officer):
    rows = [("A", "A", "B", ""), ("B", "B", "A", "")]
    listed = problems(xlsx(rows, headings=UNIT_HEADINGS), officer)
    assert "Row 2, column “Parent unit code”: the units of this file form a loop of parents." in listed
