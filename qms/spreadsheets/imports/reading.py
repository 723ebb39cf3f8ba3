"""Reading the one sheet of a checked .xlsx as a stream, within the limits: the Sheet an upload keeps."""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import _cast_number

from .errors import ImportFileError
from .limits import (
    HEADER_SEARCH_ROWS,
    MAX_CELL_CHARACTERS,
    max_bytes,
    max_cells,
    max_rows,
    max_text,
    too_many_cells,
    too_many_rows,
)
from .safety import SMALL_PART_TAGS, check_archive, damaged, too_big, unsafe

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _DIMENSION = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}dimension"
_STRING, _TEXT = f"{_MAIN}si", f"{_MAIN}t"
_INLINE, _VALUE = f"{_MAIN}is", f"{_MAIN}v"
# lxml reads the sheet and the shared strings (about three times faster than openpyxl's ElementTree
# reader, and it stops on the cell where a limit is reached). It neither loads a DTD nor expands an
# entity, and the prolog check has already refused any DOCTYPE; openpyxl parses the few small parts
# it reads through defusedxml.
_SAFE_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _encode(value):
    """A cell value as JSON (dates and times tagged, since JSON has none)."""
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"seconds": value.total_seconds()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _decode(value):
    ((kind, text),) = value.items()
    if kind == "datetime":
        return dt.datetime.fromisoformat(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "time":
        return dt.time.fromisoformat(text)
    return dt.timedelta(seconds=text)


@dataclass
class Sheet:
    """The non-empty rows of the one sheet, as read ({column index: value}), and cell problems.

    `problems` are (row, column index, kind, detail) with kind "formula" or "error", put into words
    when validated (in the language of whoever looks). A Sheet is what an upload keeps for its
    preview and commit (``to_bytes``), so that the workbook is parsed once."""

    rows: list  # (row number, {column index: value})
    problems: list

    def to_bytes(self):
        # One flat list a row, [number, index, value, index, value...]: the fewest objects to rebuild.
        rows = []
        for number, values in self.rows:
            row = [number]
            for index, value in values.items():
                row += (index, _encode(value))
            rows.append(row)
        document = {"rows": rows, "problems": [list(problem) for problem in self.problems]}
        return zlib.compress(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode(), 6)

    @classmethod
    def from_bytes(cls, content):
        document = json.loads(zlib.decompress(bytes(content)))
        rows = []
        for row in document["rows"]:
            values = dict(zip(row[1::2], row[2::2], strict=True))
            for index, value in values.items():
                if type(value) is dict:
                    values[index] = _decode(value)
            rows.append((row[0], values))
        return cls(rows=rows, problems=[tuple(problem) for problem in document["problems"]])


def cell_problem(kind, detail):
    if kind == "formula":
        return _("contains a formula (%(formula)s); type the value itself.") % {"formula": detail}
    return _("contains an error value (%(error)s).") % {"error": detail}


def read_sheet(data):
    """Read the only sheet of an .xlsx safely. Raises ImportFileError; cell-level problems are returned."""
    if len(data) > max_bytes():
        raise ImportFileError(
            _("The file is larger than %(size)s MB; split it or remove what is not imported.")
            % {"size": max_bytes() // (1024 * 1024)}
        )
    if not data:
        raise ImportFileError(_("The file is empty."))
    merged, tags = check_archive(data)
    try:
        return _read_book(data, merged, tags)
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl and lxml raise many kinds on damaged or hostile input
        if "defusedxml" in type(error).__module__ or "Forbidden" in type(error).__name__:
            raise unsafe() from None
        raise damaged() from None


def _require_small(tags, name):
    if tags.get(name, 0) > SMALL_PART_TAGS:
        raise too_big()


def _read_book(data, merged, tags):
    """The workbook's structure through openpyxl's reader (never its worksheet reader: a read-only
    worksheet parses a sheet without a <dimension> whole just to size it), then the one sheet."""
    from openpyxl.packaging.relationship import get_rels_path
    from openpyxl.reader.excel import ExcelReader, _find_workbook_part
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS

    _require_small(tags, ARC_CONTENT_TYPES)
    reader = ExcelReader(BytesIO(data), read_only=True, data_only=False)
    try:
        reader.read_manifest()
        workbook_part = _find_workbook_part(reader.package).PartName[1:]
        _require_small(tags, workbook_part)
        _require_small(tags, get_rels_path(workbook_part))
        _require_small(tags, ARC_STYLE)
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = list(reader.parser.find_sheets())
        if len(sheets) != 1:
            names = [sheet.name for sheet, _rel in sheets]
            raise ImportFileError(
                _(
                    "The workbook has %(count)s sheets (%(names)s); an import reads exactly one. Delete the other "
                    "sheets (or copy the register into the template) and upload it again."
                )
                % {"count": len(names), "names": ", ".join(names[:5]) + ("…" if len(names) > 5 else "")}
            )
        ((_sheet, rel),) = sheets
        if "chartsheet" in rel.Type:
            raise ImportFileError(_("The workbook holds a chart sheet, not a table."))
        if rel.target not in reader.valid_files:
            raise damaged()
        if merged:
            raise ImportFileError(
                _("The sheet has merged cells (%(cells)s). Unmerge them so that each value sits in its own cell.")
                % {"cells": ", ".join(merged[:5]) + ("…" if len(merged) > 5 else "")}
            )
        strings_part = reader.package.find(SHARED_STRINGS)
        strings = _read_strings(reader.archive, strings_part.PartName[1:]) if strings_part is not None else []
        return _read_rows(reader.archive, rel.target, strings, reader.wb)
    finally:
        reader.archive.close()


def _read_strings(archive, name):
    """The shared-string table, refused as soon as it holds more strings than the sheet may have cells,
    or a string longer than Excel allows in a cell."""
    from lxml import etree
    from openpyxl.cell.text import Text

    limit = max_cells()
    strings = []
    with archive.open(name) as source:
        for _event, element in etree.iterparse(source, events=("end",), tag=_STRING, **_SAFE_XML):
            if len(strings) >= limit:
                raise too_many_cells()
            if len(element) == 1 and element[0].tag == _TEXT:  # a plain string: the common case, fast
                text = element[0].text or ""
            else:  # rich text (runs) or phonetic hints: openpyxl's own reading
                text = Text.from_tree(element).content
            if len(text) > MAX_CELL_CHARACTERS:
                raise too_big()
            strings.append(text.replace("x005F_", ""))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    return strings


_COORDINATE = re.compile(r"([A-Z]{1,3})([0-9]+)")


class _CellParser:
    """One <c> element to {"row", "column", "value", "data_type"}, as openpyxl reads it.

    The common cells (numbers, shared and plain inline strings, booleans) are read here directly,
    about three times faster than openpyxl's own parse_cell, which reads the others (formulas,
    dates by their number format, error values, rich inline text)."""

    def __init__(self, strings, workbook):
        from openpyxl.worksheet._reader import WorkSheetParser

        self._strings = strings
        self._date_styles = {str(style) for style in workbook._date_formats}
        self._columns = {}  # "AB" -> 28, learnt as met
        self._parser = WorkSheetParser(
            None,
            strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        self.row = 0  # the number of the row being read, for cells without a coordinate

    def start_row(self, element):
        number = element.get("r")
        self.row = int(number) if number and number.isdigit() else self.row + 1
        self._parser.row_counter, self._parser.col_counter = self.row, 0

    def _position(self, element):
        parser = self._parser
        match = _COORDINATE.fullmatch(element.get("r") or "")
        if match is None:
            parser.col_counter += 1
            return self.row, parser.col_counter
        letters = match[1]
        column = self._columns.get(letters)
        if column is None:
            column = self._columns[letters] = coordinate_to_tuple(f"{letters}1")[1]
        parser.col_counter = column
        return int(match[2]), column

    def parse_cell(self, element):
        kind = element.get("t", "n")
        children = len(element)
        if children == 1:
            child = element[0]
            if child.tag == _VALUE:
                text = child.text
                if kind == "s" and text and text.isdigit() and int(text) < len(self._strings):
                    row, column = self._position(element)
                    return {"row": row, "column": column, "value": self._strings[int(text)], "data_type": "s"}
                if kind == "n" and element.get("s", "0") not in self._date_styles and text:
                    row, column = self._position(element)
                    return {"row": row, "column": column, "value": _cast_number(text), "data_type": "n"}
            elif kind == "inlineStr" and child.tag == _INLINE and len(child) == 1 and child[0].tag == _TEXT:
                row, column = self._position(element)
                return {"row": row, "column": column, "value": child[0].text or "", "data_type": "s"}
        elif children == 0:
            row, column = self._position(element)
            return {"row": row, "column": column, "value": None, "data_type": "n"}
        return self._parser.parse_cell(element)


def _read_rows(archive, name, strings, workbook):
    """The rows of the sheet, read as a stream and refused on the row, cell or text over a limit.

    Counted as read, whatever the sheet declares: every <row> element (empty ones too, since
    reading them costs the same), every <c> element, and the characters of every text kept (a
    shared string once per cell that uses it, since it is kept, and later cleaned, once per cell).
    A declared <dimension> over the row limit refuses the sheet before its first row."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    row_limit = max_rows() + HEADER_SEARCH_ROWS
    cell_limit = max_cells()
    text_limit = max_text()
    parser = _CellParser(strings, workbook)
    rows, problems = [], []
    rows_read = cells_read = text_read = 0
    number, values, filled = None, {}, False
    current = None  # the <row> whose cells are being read
    with archive.open(name) as source:
        # End events only (half the events of start and end): a cell's row is its parent element,
        # whose attributes are known by then.
        events = etree.iterparse(source, events=("end",), tag=(_ROW, _CELL, _DIMENSION), **_SAFE_XML)
        for _event, element in events:
            tag = element.tag
            if tag == _CELL:
                parent = element.getparent()
                if parent is not current:
                    current = parent
                    rows_read += 1
                    if rows_read > row_limit:
                        raise too_many_rows()
                    parser.start_row(parent)
                cells_read += 1
                if cells_read > cell_limit:
                    raise too_many_cells()
                cell = parser.parse_cell(element)
                value = cell["value"]
                if value is None:
                    continue
                filled = True
                number = number or cell["row"]
                kind = cell["data_type"]
                if kind == "f":
                    problems.append((number, cell["column"], "formula", str(value)[:40]))
                elif kind == "e":
                    problems.append((number, cell["column"], "error", str(value)))
                else:
                    if type(value) is str:
                        text_read += len(value)
                        if len(value) > MAX_CELL_CHARACTERS or text_read > text_limit:
                            raise too_big()
                    values[cell["column"]] = value
            elif tag == _ROW:
                if element is not current:  # a row without cells
                    rows_read += 1
                    if rows_read > row_limit:
                        raise too_many_rows()
                    parser.start_row(element)
                current = None
                if filled:  # a cell with something in it, a formula or an error value included
                    rows.append((number, values))
                number, values, filled = None, {}, False
                # The row and the rows before it are done with: free them (the tree would keep them).
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
            elif tag == _DIMENSION:
                try:
                    declared = range_boundaries(element.get("ref", ""))[3]
                except (TypeError, ValueError):
                    declared = None
                if declared and declared > row_limit:
                    raise too_many_rows()
    return Sheet(rows=rows, problems=problems)
