"""Hostile workbooks that an import must refuse quickly, built in memory for the tests and the bench.

ISO 9001 7.1.3/7.1.4 (infrastructure kept fit for use): an upload is the one place where anyone
holding the quality officer's role hands the server bytes it has not produced. Each builder makes
one kind of attack small enough to upload (kilobytes) and costly to read naively; the tests assert
each is refused and writes nothing, and ``make bench`` (figure ``hostile_import_max_s``) times the
worst of them through the upload view.

The packages are written by hand (no openpyxl), so that they can lie the way a hostile file does:
no ``<dimension>``, a shared-string table far larger than the sheet, thousands of sheets.
"""

import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def column_letter(index):
    """1 -> A, 27 -> AA (as Excel names columns)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline_cell(row, column, value):
    return f'<c r="{column_letter(column)}{row}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(rows_xml, *, dimension=None):
    """A worksheet part around `rows_xml` (an iterable of str, joined), with or without a dimension."""
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    return (head + "<sheetData>" + "".join(rows_xml) + "</sheetData></worksheet>").encode()


def rows_xml(rows):
    """Rows of values (a list of lists, first row = 1) as <row> elements of inline strings."""
    for number, values in enumerate(rows, start=1):
        cells = "".join(inline_cell(number, column, value) for column, value in enumerate(values, start=1) if value)
        yield f'<row r="{number}">{cells}</row>'


def package(sheets, *, shared_strings=None, extra=None):
    """An .xlsx archive: `sheets` is a list of (name, worksheet XML bytes)."""
    types = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    ]
    book = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">']
    book.append("<sheets>")
    rels = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    ]
    for n, (name, _xml) in enumerate(sheets, start=1):
        types.append(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        book.append(f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>')
        rels.append(f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="/xl/worksheets/sheet{n}.xml"/>')
    if shared_strings is not None:
        types.append(
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        rels.append(f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="/xl/sharedStrings.xml"/>')
    types.append("</Types>")
    book.append("</sheets></workbook>")
    rels.append("</Relationships>")
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "".join(types))
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", "".join(book))
        archive.writestr("xl/_rels/workbook.xml.rels", "".join(rels))
        for n, (_name, xml) in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def workbook(rows, *, dimension=True):
    """A plain one-sheet workbook of inline strings (the shape the tests start from)."""
    width = max((len(values) for values in rows), default=1)
    ref = f"A1:{column_letter(width)}{max(len(rows), 1)}" if dimension else None
    return package([("Sheet1", sheet_xml(rows_xml(rows), dimension=ref))])


# -- the hostile kinds --------------------------------------------------------------------------------------


def huge_shared_strings(headings, count=2_000_000):
    """A two-row sheet whose shared-string table holds `count` strings (parsed whole when a workbook opens)."""
    strings = "".join(f"<si><t>s{n}</t></si>" for n in range(count))
    table = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN_NS}" count="{count}" '
        f'uniqueCount="{count}">{strings}</sst>'
    ).encode()
    cells = "".join(f'<c r="{column_letter(n)}2" t="s"><v>{n}</v></c>' for n in range(1, len(headings) + 1))
    sheet = sheet_xml([next(rows_xml([headings])), f'<row r="2">{cells}</row>'])
    return package([("Sheet1", sheet)], shared_strings=table)


def _shared_table(strings):
    body = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN_NS}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">{body}</sst>'
    ).encode()


def shared_string_in_every_cell(headings, cells=10_000, length=32_767):
    """`cells` cells under the headings, all pointing at one shared string of `length` characters (at most
    Excel's own limit): kilobytes to upload, `cells` x `length` characters once each cell is kept as text."""
    width = len(headings)

    def body():
        yield next(rows_xml([headings]))
        for number in range(2, 2 + -(-cells // width)):
            yield (
                f'<row r="{number}">'
                + "".join(
                    f'<c r="{column_letter(column)}{number}" t="s"><v>0</v></c>' for column in range(1, width + 1)
                )
                + "</row>"
            )

    return package([("Sheet1", sheet_xml(body()))], shared_strings=_shared_table(["x" * length]))


def string_over_excel_limit(headings, length=1_000_000, *, shared=True):
    """One cell holding a string of `length` characters, more than the 32,767 Excel allows in a cell: as a
    shared string, or inline in the sheet."""
    text = "x" * length
    if shared:
        cell, table = '<c r="A2" t="s"><v>0</v></c>', _shared_table([text])
    else:
        cell, table = inline_cell(2, 1, text), None
    sheet = sheet_xml([next(rows_xml([headings])), f'<row r="2">{cell}</row>'])
    return package([("Sheet1", sheet)], shared_strings=table)


def huge_sheet_without_dimension(headings, rows=1_000_000):
    """`rows` rows and no <dimension>: only reading tells how big the sheet is."""

    def body():
        yield next(rows_xml([headings]))
        for number in range(2, rows + 2):
            yield f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>R{number}</t></is></c></row>'

    return package([("Sheet1", sheet_xml(body()))])


def lying_dimension(headings, rows=1_000_000):
    """The same sheet declaring itself A1:B2."""
    xml = huge_sheet_without_dimension(headings, rows)
    declared = b'<dimension ref="A1:B2"/><sheetData>'
    return _rewrite(xml, "xl/worksheets/sheet1.xml", lambda c: c.replace(b"<sheetData>", declared, 1))


def problem_cells(headings, rows=2_000, columns=400):
    """Headings, then `rows` x `columns` values in columns without headings: every cell a problem."""

    def body():
        yield next(rows_xml([headings]))
        for number in range(2, rows + 2):
            yield f'<row r="{number}">' + "<c><v>1</v></c>" * columns + "</row>"

    return package([("Sheet1", sheet_xml(body()))])


def wide_row(headings, cells=2_000_000):
    """One row of `cells` cells without coordinates: a single row larger than any register."""

    def body():
        yield next(rows_xml([headings]))
        yield '<row r="2">' + "<c><v>1</v></c>" * cells + "</row>"

    return package([("Sheet1", sheet_xml(body()))])


def empty_rows(headings, rows=5_000_000):
    """Millions of empty <row/> elements: nothing to import, much to parse."""

    def body():
        yield next(rows_xml([headings]))
        yield "<row/>" * rows

    return package([("Sheet1", sheet_xml(body()))])


def zip_bomb(headings, size=300 * 1024 * 1024):
    """A workbook with one member of `size` zero bytes (about a thousandth of that compressed)."""
    return package([("Sheet1", sheet_xml(rows_xml([headings])))], extra={"docProps/padding.xml": b"\0" * size})


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    b'<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    b'<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>\n'
)


def xml_bomb(headings, *, prefix=b""):
    """Entities expanding to a billion characters in the sheet; `prefix` goes before the DOCTYPE
    (e.g. a comment holding a tag, to fool a scanner that stops at the first tag it sees)."""
    body = sheet_xml(['<row r="1"><c r="A1" t="inlineStr"><is><t>&amp;lol6;</t></is></c></row>']).split(b"?>", 1)[1]
    head, rest = BILLION_LAUGHS.split(b"?>\n", 1)
    xml = head + b"?>\n" + prefix + rest + body.replace(b"&amp;lol6;", b"&lol6;")
    return package([("Sheet1", xml)])


def many_sheets(headings, count=5_000):
    """`count` sheets, each a copy of a small valid one."""
    sheet = sheet_xml(rows_xml([headings]))
    return package([(f"S{n}", sheet) for n in range(count)])


def _rewrite(data, name, transform):
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item.filename, transform(content) if item.filename == name else content)
    return out.getvalue()


def all_kinds(headings, *, scale=1.0):
    """Every hostile kind, by name; `scale` shrinks the big ones (the bench's smoke run) but keeps each over
    the framework's default limits (20,000 rows, 200,000 cells, 32,767 characters a cell, 500 a cell on average)."""

    def n(full, least):
        return max(int(full * scale), least)

    return {
        "huge_shared_strings": lambda: huge_shared_strings(headings, n(2_000_000, 300_000)),
        "shared_string_in_every_cell": lambda: shared_string_in_every_cell(headings, n(10_000, 4_000)),
        "string_over_excel_limit": lambda: string_over_excel_limit(headings, n(1_000_000, 40_000)),
        "inline_string_over_excel_limit": lambda: string_over_excel_limit(headings, n(1_000_000, 40_000), shared=False),
        "huge_sheet_without_dimension": lambda: huge_sheet_without_dimension(headings, n(1_000_000, 30_000)),
        "lying_dimension": lambda: lying_dimension(headings, n(1_000_000, 30_000)),
        "problem_cells_2000x400": lambda: problem_cells(headings, 2_000, 400),
        "wide_row": lambda: wide_row(headings, n(2_000_000, 300_000)),
        "empty_rows": lambda: empty_rows(headings, n(5_000_000, 300_000)),
        "zip_bomb": lambda: zip_bomb(headings, n(300 * 1024 * 1024, 120 * 1024 * 1024)),
        "xml_bomb": lambda: xml_bomb(headings),
        "xml_bomb_behind_a_comment": lambda: xml_bomb(headings, prefix=b"<!-- <a> -->"),
        "many_sheets": lambda: many_sheets(headings, n(5_000, 500)),
    }
