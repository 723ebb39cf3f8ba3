"""Reading an export back, for tests of any register (ISO 9001 7.5.3: the copy must be what was recorded).

from qms.spreadsheets.testing import read_register, response_bytes

sheet = read_register(response_bytes(response))          # first sheet
assert sheet.headings == ["Identifier", "Title", ...]
assert sheet.rows[0][0] == "QT-07"
assert sheet.cells[0][2].data_type == "n"                # openpyxl cells, for types and formats
"""

from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import load_workbook

from .export import TABLE_HEADER_ROW


@dataclass
class ReadSheet:
    title: str
    header_block: list  # the four lines above the table: organisation, title, filter, exported when/by whom
    headings: list
    rows: list  # values of the data rows
    cells: list = field(repr=False)  # openpyxl cells of the data rows
    worksheet: object = field(repr=False, default=None)


def response_bytes(response):
    """The body of a FileResponse/HttpResponse."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def read_register(content, sheet=0):
    """A table sheet of an export (bytes or file), by index or title."""
    book = load_workbook(BytesIO(content) if isinstance(content, bytes) else content)
    ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    header_block = [ws.cell(row=r, column=1).value for r in range(1, TABLE_HEADER_ROW - 1)]
    width = ws.max_column
    headings = [ws.cell(row=TABLE_HEADER_ROW, column=c).value for c in range(1, width + 1)]
    while headings and headings[-1] is None:
        headings.pop()
    cells = [list(row[: len(headings)]) for row in ws.iter_rows(min_row=TABLE_HEADER_ROW + 1)]
    rows = [[cell.value for cell in row] for row in cells]
    return ReadSheet(ws.title, header_block, headings, rows, cells, ws)
