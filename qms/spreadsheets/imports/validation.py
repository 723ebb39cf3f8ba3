"""Checking a sheet against an importer: the heading row and columns, every cell, duplicate keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .cells import normalise
from .errors import CellError, ImportFileError, Problem, ProblemList
from .limits import HEADER_SEARCH_ROWS, max_rows, too_many_rows
from .reading import Sheet, cell_problem


@dataclass
class ImportRow:
    number: int  # row number in the sheet
    values: dict  # column name -> parsed value
    raw: dict = field(default_factory=dict)  # column name -> cell value as read


def _locate_headings(importer, sheet):
    """The heading row: the first of the first rows with a cell naming one of the importer's columns."""
    by_heading = {}
    for column in importer.columns:
        for heading in column.headings():
            by_heading[heading] = column
    for number, values in sheet.rows:
        if number > HEADER_SEARCH_ROWS:
            break
        matched = {index: by_heading.get(normalise(v)) for index, v in values.items() if isinstance(v, str)}
        if any(matched.values()):
            return number, values, matched
    return None, {}, {}


@dataclass
class Layout:
    """Where an importer's columns sit in a sheet, and the problems of its heading row."""

    header_row: int
    headings: dict  # column index -> heading as in the file
    columns_at: dict  # column index -> ImportColumn
    data_rows: list  # (row number, {column index: value}) below the heading row
    problems: ProblemList

    def heading_of(self, index):
        if index in self.headings:
            return self.headings[index]
        from openpyxl.utils import get_column_letter

        return get_column_letter(index)


def check_sheet(importer, sheet):
    """The checks that refuse a whole file (heading row, required columns, number of rows, any rows),
    without parsing a cell: what the upload needs to know before keeping the sheet. Returns its Layout."""
    header_row, header_values, matched = _locate_headings(importer, sheet)
    if header_row is None:
        expected = ", ".join(str(column.label) for column in importer.columns)
        raise ImportFileError(
            _("No heading row found: the first rows must hold the column headings (%(expected)s). Use the template.")
            % {"expected": expected}
        )
    problems = ProblemList()
    headings = {index: str(value) for index, value in header_values.items()}
    columns_at = {}
    for index, column in matched.items():
        if column is None:
            problems.add(
                Problem(
                    header_row, headings[index], _("unknown column; rename it to one of the template's or delete it.")
                )
            )
        elif column.name in {c.name for c in columns_at.values()}:
            problems.add(Problem(header_row, headings[index], _("this column appears twice.")))
        else:
            columns_at[index] = column
    missing = [
        str(column.label) for column in importer.columns if column.required and column not in columns_at.values()
    ]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s. Use the headings of the template.")
            % {"columns": ", ".join(missing)}
        )
    data_rows = [(number, values) for number, values in sheet.rows if number > header_row]
    if len(data_rows) > max_rows():
        raise too_many_rows()
    if not data_rows:
        raise ImportFileError(_("The sheet has headings but no rows to import."))
    return Layout(header_row, headings, columns_at, data_rows, problems)


def validate(importer, data):
    """Check the file (.xlsx bytes, or the Sheet already read from them): (rows, problems, rows_read,
    heading of each column name); `problems` is a ProblemList.

    Raises ImportFileError for a refused file."""
    sheet = data if isinstance(data, Sheet) else importer.read_file(data)
    layout = check_sheet(importer, sheet)
    problems, headings, columns_at = layout.problems, layout.headings, layout.columns_at
    flagged = set()
    for number, index, kind, detail in sheet.problems:
        if number >= layout.header_row:
            problems.add(Problem(number, layout.heading_of(index), cell_problem(kind, detail)))
            flagged.add((number, index))
    stray = _("a value in a column without a heading.")
    rows = []
    for number, values in layout.data_rows:
        parsed, raw, row_ok = {}, {}, True
        for index in values:
            if index not in columns_at and index not in headings:
                if problems.wants(number):
                    problems.add(Problem(number, layout.heading_of(index), stray))
                else:
                    problems.count_only(number)
                row_ok = False
        for index, column in columns_at.items():
            raw[column.name] = values.get(index)
            if (number, index) in flagged:  # a formula or an error value, already reported
                row_ok = False
                continue
            try:
                parsed[column.name] = column.parse(values.get(index))
            except CellError as error:
                problems.add(Problem(number, headings[index], error.message))
                row_ok = False
        for column in importer.columns:
            if column not in columns_at.values():
                parsed.setdefault(column.name, [] if column.kind == "list" else None)
        if row_ok:
            rows.append(ImportRow(number, parsed, raw))
    problems.extend(_duplicates(importer, rows, headings, columns_at))
    heading_by_name = {column.name: headings[index] for index, column in columns_at.items()}
    for number, name, message in importer.check_rows(rows):
        problems.add(Problem(number, heading_by_name.get(name) or importer.heading(name), message))
    return rows, problems, len(layout.data_rows), heading_by_name


def _duplicates(importer, rows, headings, columns_at):
    keys = [column for column in importer.columns if column.key]
    if not keys:
        return []
    heading = next((headings[i] for i, c in columns_at.items() if c is keys[0]), str(keys[0].label))
    seen, problems = {}, []
    for row in rows:
        key = tuple(normalise(row.values.get(column.name) or "") for column in keys)
        if not any(key):
            continue
        if key in seen:
            problems.append(
                Problem(
                    row.number,
                    heading,
                    _("“%(value)s” is already on row %(row)s; each row must have its own identifier.")
                    % {
                        "value": " / ".join(str(row.values[c.name]) for c in keys if row.values.get(c.name)),
                        "row": seen[key],
                    },
                )
            )
        else:
            seen[key] = row.number
    return problems
