"""The export layer: every export is read back with openpyxl and its cells and types checked."""

import datetime as dt
import tracemalloc
import zoneinfo
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from qms.spreadsheets.export import TABLE_HEADER_ROW, XLSX_CONTENT_TYPE, Column, RegisterWorkbook, xlsx_response
from qms.spreadsheets.testing import read_register, response_bytes
from tests.factories import make_officer

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

COLUMNS = [
    Column("Code", lambda r: r["code"]),
    Column("Count", lambda r: r["count"], kind="int"),
    Column("Amount", lambda r: r["amount"], kind="decimal"),
    Column("Due", lambda r: r["due"], kind="date"),
    Column("Closed at", lambda r: r["closed"], kind="datetime"),
    Column(gettext_lazy("Yes"), lambda r: r["public"], kind="bool"),
]
ROWS = [
    {
        "code": "QT-07",
        "count": 3,
        "amount": Decimal("1234.50"),
        "due": dt.date(2026, 12, 31),
        # 23:30 UTC is 06:30 the next day in Ho Chi Minh City.
        "closed": dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC),
        "public": True,
    },
    {"code": "QT-08", "count": None, "amount": 2, "due": None, "closed": None, "public": False},
]


def export(rows=ROWS, columns=COLUMNS, user=None, language="vi", **kwargs):
    with translation.override(language):
        response = xlsx_response(
            title=kwargs.pop("title", "Register of tests"),
            columns=columns,
            rows=rows,
            user=user,
            filename=kwargs.pop("filename", "tests.xlsx"),
            **kwargs,
        )
    return response


@pytest.mark.django_db
def test_table_cells_are_typed_and_the_sheet_is_laid_out():
    officer = make_officer(first_name="Lan", last_name="Nguyễn")
    response = export(user=officer, filters_description="Unit: QLVH")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert 'attachment; filename="tests.xlsx"' == response["Content-Disposition"]
    sheet = read_register(response_bytes(response))

    organisation, title, filters, exported = sheet.header_block
    assert organisation
    assert title == "Register of tests"
    assert filters == "Bộ lọc: Unit: QLVH"
    assert officer.username in exported and "Asia/Ho_Chi_Minh" in exported

    assert sheet.headings == ["Code", "Count", "Amount", "Due", "Closed at", "Có"]
    first, second = sheet.cells
    assert [c.data_type for c in first] == ["s", "n", "n", "d", "d", "s"] or [c.data_type for c in first] == [
        "s",
        "n",
        "n",
        "n",
        "n",
        "s",
    ]
    assert first[0].value == "QT-07"
    assert first[1].value == 3 and isinstance(first[1].value, int)
    assert first[2].value == 1234.5 and first[2].number_format == "#,##0.00"
    assert first[3].is_date and first[3].value == dt.datetime(2026, 12, 31) and first[3].number_format == "dd/mm/yyyy"
    assert first[4].is_date and first[4].value == dt.datetime(2026, 11, 29, 6, 30)
    assert first[4].number_format == "dd/mm/yyyy hh:mm"
    assert first[5].value == "Có"
    assert [c.value for c in second] == ["QT-08", None, 2, None, None, "Không"]

    ws = sheet.worksheet
    assert ws.freeze_panes == f"A{TABLE_HEADER_ROW + 1}"
    assert ws.auto_filter.ref == f"A{TABLE_HEADER_ROW}:F{TABLE_HEADER_ROW + 2}"
    widths = {letter: ws.column_dimensions[letter].width for letter in "ABCDEF"}
    assert all(6 <= width <= 60 for width in widths.values()), widths
    assert ws.cell(row=TABLE_HEADER_ROW, column=1).font.b


@pytest.mark.django_db
def test_english_headings_formats_and_yes_no():
    sheet = read_register(response_bytes(export(language="en")))
    assert sheet.headings[-1] == "Yes"
    assert sheet.header_block[2] == "Filter: All records"
    assert sheet.rows[0][-1] == "Yes" and sheet.rows[1][-1] == "No"
    assert sheet.cells[0][3].number_format == "yyyy-mm-dd"


@pytest.mark.django_db
def test_datetimes_are_in_the_exporting_persons_zone():
    from wagtail.users.models import UserProfile

    officer = make_officer()
    profile = UserProfile.get_for_user(officer)
    profile.current_time_zone = "Asia/Tokyo"
    profile.save()
    sheet = read_register(response_bytes(export(user=officer)))
    assert sheet.rows[0][4] == dt.datetime(2026, 11, 29, 8, 30)
    assert "Asia/Tokyo" in sheet.header_block[3]


DANGEROUS = ["=1+1", '=HYPERLINK("http://x","y")', "+41 22", "-5", "@SUM(A1)", "\tcmd", "\rcmd", "=", "#N/A", "#REF!"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_looks_like_a_formula_stays_literal_text(text):
    columns = [Column("Value", lambda r: r), Column("As number", lambda r: r, kind="int")]
    response = export(rows=[text], columns=columns, filters_description=text, title=text)
    sheet = read_register(response_bytes(response))
    cell = sheet.cells[0][0]
    assert cell.data_type == "s"
    assert cell.value == text
    # in a number column, a number ("-5") is a number; anything else is kept as text, not lost
    number = sheet.cells[0][1]
    assert (number.data_type, number.value) in {("s", text), ("n", -5)}
    # the header block too
    assert sheet.header_block[1] == text
    assert sheet.worksheet.cell(row=2, column=1).data_type == "s"


@pytest.mark.django_db
def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    columns = [Column("Value", lambda r: r)]
    sheet = read_register(response_bytes(export(rows=["a\x00b\x07c\nd"], columns=columns)))
    assert sheet.rows == [["abc\nd"]]


@pytest.mark.django_db
def test_numbers_given_as_text_become_numbers_and_nonsense_stays_text():
    columns = [Column("N", lambda r: r, kind="int"), Column("D", lambda r: r, kind="decimal")]
    sheet = read_register(response_bytes(export(rows=["12", "1.5", "abc", float("nan"), True], columns=columns)))
    assert [row[0] for row in sheet.rows] == [12, 1.5, "abc", "nan", "True"]
    assert [c[0].data_type for c in sheet.cells] == ["n", "n", "s", "s", "s"]


@pytest.mark.django_db
def test_summary_sheet_and_several_sheets_in_one_workbook():
    officer = make_officer()
    with translation.override("en"):
        book = RegisterWorkbook(title="Audit report", user=officer, organisation="Sở Văn hoá")
        book.add_summary("Summary", [("Audit", "=A-01"), ("Date", dt.date(2026, 11, 2)), ("Findings", 4)])
        book.add_table("Summary", COLUMNS, iter(ROWS))  # same title: renamed, not an error
        book.add_table("Bad/name:*?[x]", COLUMNS, [])
        out = BytesIO()
        book.save(out)
    wb = load_workbook(BytesIO(out.getvalue()))
    assert wb.sheetnames == ["Summary", "Summary (2)", "Bad name    x"]
    ws = wb["Summary"]
    assert ws["A1"].value == "Sở Văn hoá" and ws["A2"].value == "Audit report"
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(6, 9)] == [
        ("Audit", "=A-01"),
        ("Date", dt.datetime(2026, 11, 2)),
        ("Findings", 4),
    ]
    assert ws["B6"].data_type == "s" and ws["B7"].is_date and ws["B8"].data_type == "n"
    empty = read_register(out.getvalue(), sheet=2)
    assert empty.rows == [] and empty.headings[0] == "Code"


@pytest.mark.django_db
def test_organisation_name_from_settings_or_the_site(settings):
    from wagtail.models import Page, Site

    settings.QMS_ORGANISATION_NAME = "UBND Tỉnh X"
    assert read_register(response_bytes(export())).header_block[0] == "UBND Tỉnh X"

    settings.QMS_ORGANISATION_NAME = gettext_lazy("Quality management system")  # the unconfigured default
    root = Page.get_first_root_node()
    home = root.add_child(instance=Page(title="Sở Văn hoá và Thể thao", slug="so-vh"))
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    assert read_register(response_bytes(export())).header_block[0] == "Sở Văn hoá và Thể thao"


@pytest.mark.django_db
def test_a_queryset_iterator_is_streamed():
    from qms.core.models import OrganisationUnit
    from tests.factories import make_unit

    for n in range(3):
        make_unit(code=f"U-{n}", name=f"=unit {n}")
    columns = [Column("Code", lambda u: u.code), Column("Name", lambda u: u.name)]
    sheet = read_register(
        response_bytes(export(rows=OrganisationUnit.objects.order_by("code").iterator(), columns=columns))
    )
    assert sheet.rows == [["U-0", "=unit 0"], ["U-1", "=unit 1"], ["U-2", "=unit 2"]]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Column("x", str, kind="money")


def _peak_memory_of_export(n_rows, path):
    columns = [
        Column("Identifier", lambda n: f"NC-{n:06d}"),
        Column("Title", lambda n: f"=Nonconformity number {n} found in the process of receiving files"),
        Column("Due", lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n % 365), kind="date"),
    ]
    tracemalloc.start()
    try:
        book = RegisterWorkbook(title="Big", user=None, organisation="Org")
        count = book.add_table("Big", columns, (n for n in range(n_rows)))
        with open(path, "wb") as fh:
            book.save(fh)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_rows(tmp_path):
    """Write-only mode: ten times the rows, about the same memory (registers grow for years; 100,000 rows
    must export in bounded memory, and this shows the bound without spending minutes on 100,000)."""
    small_count, small_peak = _peak_memory_of_export(2_000, tmp_path / "small.xlsx")
    big_count, big_peak = _peak_memory_of_export(20_000, tmp_path / "big.xlsx")
    assert (small_count, big_count) == (2_000, 20_000)
    assert big_peak < small_peak + 2 * 1024 * 1024, (
        f"2,000 rows: {small_peak / 1e6:.1f} MB, 20,000: {big_peak / 1e6:.1f} MB"
    )
    assert big_peak < 30 * 1024 * 1024
    wb = load_workbook(tmp_path / "big.xlsx", read_only=True)
    first = next(wb.active.iter_rows(min_row=TABLE_HEADER_ROW + 1, max_row=TABLE_HEADER_ROW + 1, values_only=True))
    assert first == (
        "NC-000000",
        "=Nonconformity number 0 found in the process of receiving files",
        dt.datetime(2026, 1, 1),
    )
    wb.close()


@pytest.mark.django_db
def test_words_and_formats_are_the_workbooks_language_not_the_active_one():
    """Bool words and date formats are decided once per workbook, in its language, whatever is active later."""
    columns = [Column("B", lambda r: r[0], kind="bool"), Column("D", lambda r: r[1], kind="date")]
    with translation.override("en"):
        book = RegisterWorkbook(title="T", user=None, organisation="Org", language="vi")
        book.add_table("T", columns, [(True, dt.date(2026, 1, 2)), (False, None), (None, dt.date(2026, 3, 4))])
        out = BytesIO()
        book.save(out)
    sheet = read_register(out.getvalue())
    assert [row[0] for row in sheet.rows] == ["Có", "Không", None]
    assert [cell[1].number_format for cell in sheet.cells if cell[1].value] == ["dd/mm/yyyy", "dd/mm/yyyy"]


def _at(n):
    """Every third value a plain date in a datetime column (the date format), the others 23:00 UTC or earlier."""
    return dt.datetime(2026, 1, 1, n % 24, tzinfo=dt.UTC) if n % 3 else dt.date(2026, 2, 1) + dt.timedelta(days=n)


@pytest.mark.django_db
def test_every_row_keeps_its_own_typed_values_and_formats():
    """Typed cells of many rows and columns, across two sheets of one workbook: no value or format leaks."""
    columns = [
        Column("N", lambda n: n, kind="int"),
        Column("Twice", lambda n: n * 2, kind="int"),
        Column("Half", lambda n: Decimal(n) / 2, kind="decimal"),
        Column("Odd", lambda n: Decimal(n) + Decimal("0.5") if n % 2 else n, kind="int"),
        Column("Day", lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n), kind="date"),
        Column("At", _at, kind="datetime"),
        Column("Text", lambda n: f"=x{n}" if n % 4 == 0 else f"x{n}"),
    ]
    with translation.override("en"):
        book = RegisterWorkbook(title="T", user=None, organisation="Org")
        book.add_table("First", columns, range(WIDTH_ROWS))
        book.add_table("Second", columns, range(5))
        out = BytesIO()
        book.save(out)
    for index, count in ((0, WIDTH_ROWS), (1, 5)):
        sheet = read_register(out.getvalue(), sheet=index)
        assert len(sheet.rows) == count
        for n, (row, cells) in enumerate(zip(sheet.rows, sheet.cells, strict=True)):
            at = _at(n)
            at = at.astimezone(HCM).replace(tzinfo=None) if n % 3 else dt.datetime.combine(at, dt.time())
            assert row == [
                n,
                n * 2,
                n / 2,
                n + 0.5 if n % 2 else n,
                dt.datetime(2026, 1, 1) + dt.timedelta(days=n),
                at,
                f"=x{n}" if n % 4 == 0 else f"x{n}",
            ]
            assert [c.number_format for c in cells] == [
                "0",
                "0",
                "#,##0.00",
                "General" if n % 2 else "0",
                "yyyy-mm-dd",
                "yyyy-mm-dd hh:mm" if n % 3 else "yyyy-mm-dd",
                "General",
            ]
            assert cells[6].data_type == "s"


WIDTH_ROWS = 150  # more than the rows sampled for the widths, so both ways of writing a row are read back


@pytest.mark.django_db
def test_formats_no_cell_uses_stay_out_of_the_file():
    columns = [Column("Day", lambda r: r, kind="date"), Column("N", lambda r: r, kind="decimal")]
    with translation.override("vi"):
        book = RegisterWorkbook(title="T", user=None, organisation="Org")
        book.add_table("T", columns, [None, None])
        out = BytesIO()
        book.save(out)
    assert load_workbook(BytesIO(out.getvalue()))._number_formats == []
