"""Build .xlsx files, good and bad, inside the tests."""

import zipfile
from io import BytesIO

from openpyxl import Workbook

UNIT_HEADINGS = ["Unit code", "Unit name", "Parent unit code", "Manager (username)"]
PEOPLE_HEADINGS = ["Username", "Full name", "E-mail", "Unit code", "Roles", "Language"]


def xlsx(rows, *, headings=None, extra_sheets=(), merge=None, title="Sheet"):
    book = Workbook()
    ws = book.active
    ws.title = title
    if headings:
        ws.append(headings)
    for row in rows:
        ws.append(list(row))
    for name in extra_sheets:
        book.create_sheet(name)
    if merge:
        ws.merge_cells(merge)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_member(data, name, transform):
    """The same archive with one member's bytes transformed."""
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                content = transform(content)
            target.writestr(item.filename, content)
    return out.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>\n'
)


def with_xml_bomb(data, member="xl/worksheets/sheet1.xml"):
    def transform(content):
        body = content.split(b"?>", 1)[1] if content.startswith(b"<?xml") else content
        return BILLION_LAUGHS + body.replace(b"<sheetData>", b"<sheetData><!-- &lol4; -->", 1)

    return rewrite_member(data, member, transform)


def corrupt(data):
    """Flip bytes in the middle of the compressed sheet data: the archive's CRC check fails."""
    archive = zipfile.ZipFile(BytesIO(data))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    damaged = bytearray(data)
    for offset in range(start, min(start + 20, start + info.compress_size - 1)):
        damaged[offset] ^= 0xFF
    return bytes(damaged)
