"""A tiny hostile spreadsheet must not tie up a web process (issue 12 item 4).

Every hostile kind is refused as a whole file, with a message naming the limit, and writes
nothing. How fast is measured by ``make bench`` (hostile_import_max_s), not here: these tests
are not timed, they only prove that reading stops at the limit.
"""

from io import BytesIO

import pytest
from django.urls import reverse

from qms.core.models import OrganisationUnit
from qms.spreadsheets import hostile_files, imports
from qms.spreadsheets.imports import ImportFileError, get_importer, normalise, read_sheet, reading, run_import, safety
from qms.spreadsheets.models import ImportUpload
from tests.factories import make_officer

from .xlsx import UNIT_HEADINGS, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def officer():
    return make_officer(username="officer")


def refused(data, officer):
    before = (OrganisationUnit.objects.count(), OrganisationUnit.history.count())
    with pytest.raises(ImportFileError) as caught:
        run_import(get_importer("units"), data, user=officer, filename="bad.xlsx", commit=True)
    assert (OrganisationUnit.objects.count(), OrganisationUnit.history.count()) == before
    return caught.value.message


def upload(client, data, name="hostile.xlsx"):
    file = BytesIO(data)
    file.name = name
    return client.post(reverse("spreadsheets_admin:upload", kwargs={"key": "units"}), {"file": file})


# -- problems are capped ------------------------------------------------------------------------------------


def test_the_first_200_problems_are_kept_and_the_rest_counted(officer):
    rows = [(f"U{n}", f"Unit {n}", "", "", "stray", "stray") for n in range(300)]  # 600 problems
    result = run_import(
        get_importer("units"), xlsx(rows, headings=UNIT_HEADINGS), user=officer, filename="u.xlsx", commit=True
    )
    assert not result.committed and not OrganisationUnit.objects.exists()
    assert len(result.problems) == imports.MAX_PROBLEMS == 200
    assert result.problem_count == 600 and result.problems_more == 400
    assert str(result.problems[0]) == "Row 2, column “E”: a value in a column without a heading."
    assert [p.row for p in result.problems] == sorted(p.row for p in result.problems)
    assert result.outcomes == [], "with the list of problems full, the rows are not tried"


def test_under_200_problems_the_clean_rows_are_still_tried(officer):
    rows = [("A1", "Good", "", ""), ("A2", "Bad", "MISSING", ""), ("A3", "Stray", "", "", "x")]
    result = run_import(
        get_importer("units"), xlsx(rows, headings=UNIT_HEADINGS), user=officer, filename="u.xlsx", commit=True
    )
    assert result.problem_count == 2 and result.problems_more == 0
    assert [outcome.number for outcome in result.outcomes] == [2]
    assert not OrganisationUnit.objects.exists()


def log_in(client, language):
    from wagtail.users.models import UserProfile

    officer = make_officer()
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = language
    profile.save()
    client.force_login(officer)


def test_the_preview_says_how_many_more(client):
    log_in(client, "en")
    rows = [(f"U{n}", f"Unit {n}", "", "", "stray") for n in range(250)]
    preview = client.get(upload(client, xlsx(rows, headings=UNIT_HEADINGS))["Location"])
    body = preview.content.decode()
    assert body.count("a value in a column without a heading") == 200
    assert "250 problems found" in body and "…and 50 more problems." in body


def test_the_more_line_is_in_vietnamese_too(client):
    log_in(client, "vi")
    rows = [(f"U{n}", f"Unit {n}", "", "", "stray") for n in range(250)]
    body = client.get(upload(client, xlsx(rows, headings=UNIT_HEADINGS))["Location"]).content.decode()
    assert "Có 250 lỗi" in body and "và 50 lỗi khác" in body


# -- cells and rows are capped, whatever the sheet declares ---------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda h: hostile_files.huge_sheet_without_dimension(h, rows=1_200),
        lambda h: hostile_files.lying_dimension(h, rows=1_200),
        lambda h: hostile_files.wide_row(h, cells=1_500),
        lambda h: hostile_files.problem_cells(h, rows=20, columns=100),
    ],
    ids=["no-dimension", "lying-dimension", "one-wide-row", "problem-cells"],
)
def test_a_sheet_with_more_cells_than_the_limit_is_refused(officer, settings, build):
    settings.QMS_IMPORT_MAX_CELLS = 1_000
    settings.QMS_IMPORT_MAX_ROWS = 5_000
    assert "more than 1,000 cells" in refused(build(UNIT_HEADINGS), officer)


def test_reading_stops_at_the_cell_limit(settings, monkeypatch):
    """Not after parsing everything: the reader has seen at most the limit (plus one) when it refuses."""
    settings.QMS_IMPORT_MAX_CELLS = 1_000
    settings.QMS_IMPORT_MAX_ROWS = 50_000
    seen = []
    parse_cell = reading._CellParser.parse_cell

    def counting(self, element):
        seen.append(1)
        return parse_cell(self, element)

    monkeypatch.setattr(reading._CellParser, "parse_cell", counting)
    monkeypatch.setattr(safety, "MARKUP_SLACK", 10**9)  # the cheap count of tags would refuse it first
    with pytest.raises(ImportFileError, match="more than 1,000 cells"):
        read_sheet(hostile_files.huge_sheet_without_dimension(UNIT_HEADINGS, rows=40_000))
    assert len(seen) <= 1_001


@pytest.mark.parametrize(
    "build",
    [
        lambda h: hostile_files.huge_sheet_without_dimension(h, rows=80),
        lambda h: hostile_files.lying_dimension(h, rows=80),
        lambda h: hostile_files.empty_rows(h, rows=5_000),
    ],
    ids=["no-dimension", "lying-dimension", "empty-rows"],
)
def test_a_sheet_with_more_rows_than_the_limit_is_refused(officer, settings, build):
    settings.QMS_IMPORT_MAX_ROWS = 50
    assert "more than 50 rows" in refused(build(UNIT_HEADINGS), officer)


def test_a_huge_shared_string_table_is_refused_before_it_is_parsed(officer, settings):
    settings.QMS_IMPORT_MAX_CELLS = 1_000
    assert "more than 1,000 cells" in refused(hostile_files.huge_shared_strings(UNIT_HEADINGS, 5_000), officer)


# -- the text the cells hold is capped: one shared string is kept once per cell pointing at it ----------------


@pytest.mark.parametrize("shared", [True, False], ids=["shared", "inline"])
def test_a_string_longer_than_excel_allows_is_refused_at_upload(client, shared):
    log_in(client, "en")
    response = upload(client, hostile_files.string_over_excel_limit(UNIT_HEADINGS, 32_768, shared=shared))
    assert response.status_code == 200, "refused files stay on the upload form"
    assert any("unreasonable size" in error for error in response.context["form"].errors["file"])
    assert not ImportUpload.objects.exists() and not OrganisationUnit.objects.exists()


def test_a_string_of_excels_own_limit_is_read():
    data = hostile_files.string_over_excel_limit(UNIT_HEADINGS, 32_767)
    assert read_sheet(data).rows[1] == (2, {1: "x" * 32_767})


def test_one_huge_shared_string_in_every_cell_is_refused_at_upload(client):
    """Within every count (cells, rows, bytes: a few kilobytes zipped), but 200 million characters once each
    cell keeps its text: refused on the total of text read, at the default limits."""
    log_in(client, "en")
    data = hostile_files.shared_string_in_every_cell(UNIT_HEADINGS, cells=6_000)
    assert len(data) < 100 * 1024
    response = upload(client, data)
    assert response.status_code == 200, "refused files stay on the upload form"
    assert any("unreasonable size" in error for error in response.context["form"].errors["file"])
    assert not ImportUpload.objects.exists() and not OrganisationUnit.objects.exists()


def test_the_total_of_text_follows_the_cells_limit(settings):
    settings.QMS_IMPORT_MAX_CELLS = 1_000  # 500,000 characters in all
    with pytest.raises(ImportFileError, match="unreasonable size"):
        read_sheet(hostile_files.shared_string_in_every_cell(UNIT_HEADINGS, cells=20, length=30_000))
    assert len(read_sheet(hostile_files.shared_string_in_every_cell(UNIT_HEADINGS, cells=12, length=30_000)).rows) == 4


def test_many_sheets_are_refused_from_the_workbook_part(officer):
    message = refused(hostile_files.many_sheets(UNIT_HEADINGS, 300), officer)
    assert "300 sheets" in message and "S0, S1" in message and "…" in message


def test_a_zip_bomb_is_refused_by_its_declared_size(officer):
    assert "unreasonable size" in refused(hostile_files.zip_bomb(UNIT_HEADINGS, 120 * 1024 * 1024), officer)


@pytest.mark.parametrize("prefix", [b"", b"<!-- <a> -->", b"<?pi <a>?>", b"<!-- -- <x/> -->\n  "])
def test_a_doctype_behind_a_comment_holding_a_tag_is_found(officer, prefix):
    assert "possible attack" in refused(hostile_files.xml_bomb(UNIT_HEADINGS, prefix=prefix), officer)


def test_a_prolog_longer_than_any_real_file_is_refused(officer):
    data = hostile_files.xml_bomb(UNIT_HEADINGS, prefix=b"<!--" + b" " * 200_000 + b"-->")
    assert "possible attack" in refused(data, officer)


def test_a_comment_before_the_root_element_is_harmless():
    sheet = hostile_files.sheet_xml(hostile_files.rows_xml([UNIT_HEADINGS, ["A", "B"]]))
    sheet = sheet.replace(b"?>\n", b"?>\n<!-- made by hand <b> -->", 1)
    data = hostile_files.package([("Sheet1", sheet)])
    assert read_sheet(data).rows[1] == (2, {1: "A", 2: "B"})


# -- every hostile kind through the upload view: refused, nothing stored, nothing written ---------------------


@pytest.mark.parametrize("kind", list(hostile_files.all_kinds(UNIT_HEADINGS, scale=0)))
def test_every_hostile_file_is_refused_at_upload(client, kind):
    client.force_login(make_officer())
    data = hostile_files.all_kinds(UNIT_HEADINGS, scale=0)[kind]()
    response = upload(client, data)
    assert response.status_code == 200, "refused files stay on the upload form"
    assert response.context["form"].errors["file"]
    assert not ImportUpload.objects.exists() and not OrganisationUnit.objects.exists()


# -- the workbook is parsed once per upload --------------------------------------------------------------------


def test_upload_preview_and_commit_parse_the_workbook_once(client, monkeypatch):
    calls = []
    real = reading._read_book  # every parse of a workbook goes through it

    def counting(data, *args):
        calls.append(len(data))
        return real(data, *args)

    monkeypatch.setattr(reading, "_read_book", counting)
    client.force_login(make_officer())
    rows = [("QLVH", "Phòng Quản lý văn hoá", "", ""), ("VP", "Văn phòng", "", "")]
    location = upload(client, xlsx(rows, headings=UNIT_HEADINGS))["Location"]
    assert client.get(location).status_code == 200
    assert client.post(location).status_code == 302
    assert set(OrganisationUnit.objects.values_list("code", flat=True)) == {"QLVH", "VP"}
    assert len(calls) == 1
    stored = ImportUpload.objects.get()
    assert stored.status == "committed" and bytes(stored.sheet) == b"", "the parsed rows are forgotten on commit"


def test_a_person_keeps_only_the_five_newest_pending_uploads(officer):
    from qms.spreadsheets.services import PENDING_PER_PERSON, import_upload_create

    data = xlsx([("QLVH", "Phòng", "", "")], headings=UNIT_HEADINGS)
    made = [
        import_upload_create(importer=get_importer("units"), data=data, filename=f"{n}.xlsx", user=officer)
        for n in range(7)
    ]
    kept = set(ImportUpload.objects.values_list("pk", flat=True))
    assert kept == {upload.pk for upload in made[-PENDING_PER_PERSON:]}


def test_an_upload_without_a_kept_sheet_must_be_uploaded_again(client):
    log_in(client, "en")
    location = upload(client, xlsx([("QLVH", "Phòng", "", "")], headings=UNIT_HEADINGS))["Location"]
    ImportUpload.objects.update(sheet=b"")  # as left by the migration for a preview then pending
    response = client.post(location, follow=True)
    assert "upload the file again" in response.content.decode()
    assert not OrganisationUnit.objects.exists()


def test_the_parsed_sheet_round_trips_every_cell_type():
    import datetime as dt

    from qms.spreadsheets.imports import Sheet

    sheet = Sheet(
        rows=[(1, {1: "a", 2: 12, 3: 1.5, 4: True}), (2, {1: dt.datetime(2026, 1, 2, 3, 4), 2: dt.date(2026, 1, 2)})],
        problems=[(2, 3, "formula", "=A1")],
    )
    sheet.rows.append((3, {1: dt.time(8, 30), 2: dt.timedelta(hours=2)}))
    again = Sheet.from_bytes(sheet.to_bytes())
    assert again.rows == sheet.rows and again.problems == sheet.problems


# -- invisible characters ----------------------------------------------------------------------------------


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e"])
def test_invisible_characters_do_not_make_a_new_key(officer, invisible):
    rows = [("QLVH-01", "A", "", ""), (f"QLVH-01{invisible}", "B", "", "")]
    result = run_import(
        get_importer("units"), xlsx(rows, headings=UNIT_HEADINGS), user=officer, filename="u.xlsx", commit=True
    )
    assert [str(p) for p in result.problems] == [
        "Row 3, column “Unit code”: “QLVH-01” is already on row 2; each row must have its own identifier."
    ]
    assert normalise(f"\u200b QLVH-01{invisible} ") == normalise("qlvh-01")


def test_an_invisible_character_is_not_stored(officer):
    rows = [("\u200bQL\u00adVH", "Phòng\u2060 Quản lý văn hoá\ufeff", "", "")]
    run_import(get_importer("units"), xlsx(rows, headings=UNIT_HEADINGS), user=officer, filename="u.xlsx", commit=True)
    unit = OrganisationUnit.objects.get()
    assert (unit.code, unit.name) == ("QLVH", "Phòng Quản lý văn hoá")


def test_text_is_compared_in_nfc():
    decomposed = "Pho\u0300ng"  # o + combining grave
    assert normalise(decomposed) == normalise("Phòng")


# -- the streaming reader reads what openpyxl reads ------------------------------------------------------------


def openpyxl_rows(data):
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(data), read_only=True)
    rows = []
    for cells in book.worksheets[0].iter_rows():
        values = {cell.column: cell.value for cell in cells if getattr(cell, "value", None) is not None}
        if values:
            rows.append((cells[0].row if hasattr(cells[0], "row") else None, values))
    book.close()
    return [values for _number, values in rows]


def test_the_reader_reads_types_dates_and_formulas_as_openpyxl_does():
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["Code", "Date", "When", "Yes", "Count", "Share", "Formula"])
    ws.append(["QT-07", dt.date(2026, 1, 2), dt.datetime(2026, 3, 4, 5, 6), True, 12, 1.5, "=A1"])
    ws.append(["  x  ", None, dt.time(8, 30), False, -3, 0.125, None])
    ws["B3"].number_format = "0.00"
    ws["B3"] = 45000
    out = BytesIO()
    book.save(out)
    sheet = read_sheet(out.getvalue())
    plain = [{i: v for i, v in values.items()} for _n, values in sheet.rows]
    expected = openpyxl_rows(out.getvalue())
    expected[1].pop(7)  # the formula is a problem, not a value
    assert plain == expected
    assert sheet.problems == [(2, 7, "formula", "=A1")]


def test_the_reader_reads_shared_rich_and_typed_strings_as_openpyxl_does():
    ns = hostile_files.MAIN_NS
    table = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{ns}">'
        "<si><t>Mã đơn vị</t></si><si><r><t>Phòng </t></r><r><rPr><b/></rPr><t>Quản lý</t></r></si>"
        '<si><t xml:space="preserve"> QLVH </t><rPh sb="0" eb="1"><t>phonetic</t></rPh></si></sst>'
    ).encode()
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="b"><v>1</v></c><c r="C3" t="str"><v>text</v></c>'
        '<c r="D3" t="e"><v>#N/A</v></c><c r="E3"><v>7</v></c><c r="F3"><v>2.5</v></c><c r="G3" s="0"/></row>'
        "<row><c><v>1</v></c><c><v>2</v></c></row>"
    )
    data = hostile_files.package([("Sheet1", hostile_files.sheet_xml([rows]))], shared_strings=table)
    sheet = read_sheet(data)
    assert sheet.rows == [
        (1, {1: "Mã đơn vị", 2: "Phòng Quản lý"}),
        (3, {1: " QLVH ", 2: True, 3: "text", 5: 7, 6: 2.5}),
        (4, {1: 1, 2: 2}),
    ]
    assert sheet.problems == [(3, 4, "error", "#N/A")]
    expected = openpyxl_rows(data)
    expected[1].pop(4)
    assert [values for _n, values in sheet.rows] == expected


def test_the_sheet_reader_expands_no_entity_even_past_the_prolog_check(monkeypatch):
    """Second line of defence: lxml reads the sheet without loading a DTD or expanding an entity."""
    monkeypatch.setattr(safety, "_prolog_is_safe", lambda head: True)
    try:
        sheet = read_sheet(hostile_files.xml_bomb(UNIT_HEADINGS))
    except ImportFileError as error:  # refused (damaged or unsafe) is as good as unexpanded
        assert "damaged" in error.message or "possible attack" in error.message
        return
    values = [value for _number, cells in sheet.rows for value in cells.values()]
    assert all("lol" not in str(value) for value in values)


def test_a_styles_part_stuffed_with_elements_is_refused_before_openpyxl_reads_it(officer):
    sheet = hostile_files.sheet_xml(hostile_files.rows_xml([UNIT_HEADINGS, ["A", "B"]]))
    styles = f'<?xml version="1.0"?>\n<styleSheet xmlns="{hostile_files.MAIN_NS}">'.encode()
    styles += b"<numFmts/>" * 150_000 + b"</styleSheet>"
    data = hostile_files.package([("Sheet1", sheet)], extra={"xl/styles.xml": styles})
    assert "unreasonable size" in refused(data, officer)
