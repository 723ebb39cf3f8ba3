"""Spreadsheet imports that lose nothing: read safely, explain every problem, then write all or nothing.

ISO 9001 7.5.2/7.5.3 (documented information is created and updated under control,
its changes recorded) and 4.3/5.3 (units, people and roles): an organisation starts
from its existing spreadsheets (document register, staff list, checklists), and
every record an import creates or changes carries history naming the importing
person and "Imported from FILE".

An importer declares its columns and how one row is written::

    from qms.spreadsheets.imports import Importer, ImportColumn, RowError, register

    class UnitImporter(Importer):
        key = "units"
        title = _("Organisation units")
        columns = [
            ImportColumn("code", _("Code"), required=True, key=True, max_length=20, example="QLVH"),
            ImportColumn("name", _("Name"), required=True, example="Phòng Quản lý văn hoá"),
        ]

        def apply_row(self, row, *, user, reason, context):
            ...  # create or update through the services; raise RowError("code", _("...")) on a problem
            return "created" | "updated" | "unchanged", str(obj)

    register(UnitImporter())

from a module ``<app>/imports.py`` (found by ``autodiscover_modules("imports")``).

What the framework does (``run_import``):

1. Reads the file defensively (``read_sheet``): size limit, a real .xlsx (zip with
   ``xl/workbook.xml``), no corrupt members, no DTD/entity declarations (XML bombs;
   openpyxl also parses sheets through ``defusedxml``), an uncompressed-size limit
   (zip bombs), exactly one sheet, the declared dimension and the actual count within
   ``QMS_IMPORT_MAX_ROWS`` (read-only mode, never loading the whole sheet first), no
   merged cells, no formulas, no error values. Any of these refuses the whole file
   with one clear message (``ImportFileError``).
2. Finds the heading row (within the first rows, so a register exported by this
   product imports back), matches headings to columns by name or by their English or
   Vietnamese label, reports missing required columns and unknown columns.
3. Parses every cell by its column type, reports each problem by row and column,
   and reports duplicate identifiers (``key`` columns).
4. Applies every clean row inside one transaction, each row in a savepoint so that a
   row's problem (unknown unit, refused by a service) is listed and the next rows
   are still checked; then rolls everything back if there was any problem or if it is
   a dry run. A commit re-reads and re-validates the stored file: what is written is
   exactly what was previewed, or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

DEFAULT_MAX_ROWS = 20_000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 10

_REGISTRY: dict[str, Importer] = {}


def max_rows():
    return getattr(settings, "QMS_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def max_bytes():
    return getattr(settings, "QMS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


# -- errors and problems ------------------------------------------------------------------------------------


class ImportError_(Exception):  # noqa: N801 - not the builtin ImportError
    """Base of the import errors; `message` is translated and meant for the person importing."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ImportFileError(ImportError_):
    """The whole file is refused (not an xlsx, damaged, unsafe, too big, several sheets...)."""


class CellError(ImportError_):
    """A cell's value cannot be used (raised by column parsers)."""


class RowError(ImportError_):
    """A row cannot be written (raised by Importer.apply_row); `column` names the culprit column, if any."""

    def __init__(self, column, message):
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Problem:
    row: int | None  # row number in the sheet, as Excel shows it
    column: str | None  # the column's heading, as in the file
    message: str

    def __str__(self):
        if self.row and self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("Column “%(column)s”: %(message)s") % {"column": self.column, "message": self.message}
        return str(self.message)


# -- columns ------------------------------------------------------------------------------------------------

KINDS = ("text", "int", "date", "bool", "email", "list", "choice")

_TRUE = {"true", "yes", "y", "x", "1", "có", "co", "c", "đúng", "dung", "public", "công khai", "cong khai"}
_FALSE = {"false", "no", "n", "0", "không", "khong", "k", "sai", "internal", "nội bộ", "noi bo"}


def normalise(text):
    """Compare headings and codes loosely: case, accents kept, spaces collapsed, a trailing '*' dropped."""
    text = unicodedata.normalize("NFC", str(text)).strip().rstrip("*").strip()
    return re.sub(r"\s+", " ", text).casefold()


@dataclass(frozen=True)
class ImportColumn:
    name: str  # stable name, also accepted as a heading ("code")
    label: object  # translatable heading shown in the template ("Code" / "Mã")
    required: bool = False
    kind: str = "text"  # text | int | date | bool | email | list | choice
    parser: Callable | None = None  # parser(value) -> value, after the kind's own parsing; raises CellError
    key: bool = False  # part of the natural key: duplicates in one file are refused
    max_length: int | None = None
    choices: tuple = ()  # for "choice"/"list": allowed values (compared loosely), shown as data validation
    min_value: int | None = None
    help: object = ""  # translatable hint shown in the template's heading comment
    example: object = None  # the template's example row

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"ImportColumn kind must be one of {KINDS}, not {self.kind!r}")

    def headings(self):
        """Every heading accepted for this column: its name and its label in each language."""
        names = {normalise(self.name)}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(normalise(str(self.label)))
        return names

    def parse(self, raw):
        """The cell's value as Python, None when blank; raises CellError in plain words."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise CellError(_("a value is required."))
            return [] if self.kind == "list" else None
        value = getattr(self, f"_parse_{self.kind}")(raw)
        if self.parser is not None:
            value = self.parser(value)
        return value

    @staticmethod
    def _as_text(raw):
        if isinstance(raw, bool):
            raise CellError(_("expected text, found TRUE/FALSE."))
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a code typed as a number (e.g. 12) arrives as 12.0
        if isinstance(raw, dt.datetime | dt.date | dt.time):
            raise CellError(_("expected text, found a date."))
        return unicodedata.normalize("NFC", str(raw)).strip()

    def _parse_text(self, raw):
        text = self._as_text(raw)
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("at most %(max)s characters (this one has %(count)s).") % {"max": self.max_length, "count": len(text)}
            )
        return text

    def _parse_int(self, raw):
        if isinstance(raw, bool):
            raise CellError(_("expected a whole number, found TRUE/FALSE."))
        if isinstance(raw, int):
            number = raw
        else:
            try:
                decimal = Decimal(str(raw).strip().replace(" ", ""))
            except InvalidOperation:
                raise CellError(_("expected a whole number, found “%(value)s”.") % {"value": raw}) from None
            if not decimal.is_finite() or decimal != decimal.to_integral_value():
                raise CellError(_("expected a whole number, found “%(value)s”.") % {"value": raw})
            number = int(decimal)
        if self.min_value is not None and number < self.min_value:
            raise CellError(_("must be at least %(min)s.") % {"min": self.min_value})
        if abs(number) > 2**31 - 1:
            raise CellError(_("the number %(value)s is too large.") % {"value": number})
        return number

    def _parse_date(self, raw):
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str):
            text = raw.strip()
            for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
                try:
                    return dt.datetime.strptime(text, pattern).date()
                except ValueError:
                    continue
        raise CellError(_("expected a date (dd/mm/yyyy), found “%(value)s”.") % {"value": raw})

    def _parse_bool(self, raw):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float) and raw in (0, 1):
            return bool(raw)
        text = normalise(raw) if isinstance(raw, str) else None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError(_("expected yes or no, found “%(value)s”.") % {"value": raw})

    def _parse_email(self, raw):
        text = self._parse_text(raw)
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(_("“%(value)s” is not an e-mail address.") % {"value": text}) from None
        return text.lower()

    def _choice(self, text):
        wanted = normalise(text)
        for choice in self.choices:
            values = choice if isinstance(choice, tuple) else (choice,)
            if any(normalise(v) == wanted for v in values):
                return values[0]
        shown = ", ".join(str(c[-1] if isinstance(c, tuple) else c) for c in self.choices)
        raise CellError(_("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": shown})

    def _parse_choice(self, raw):
        return self._choice(self._parse_text(raw))

    def _parse_list(self, raw):
        items = [item.strip() for item in re.split(r"[,;\n]", self._as_text(raw)) if item.strip()]
        if self.choices:
            items = [self._choice(item) for item in items]
        return list(dict.fromkeys(items))


# -- importers ----------------------------------------------------------------------------------------------


@dataclass
class ImportRow:
    number: int  # row number in the sheet
    values: dict  # column name -> parsed value
    raw: dict = field(default_factory=dict)  # column name -> cell value as read


@dataclass
class RowOutcome:
    number: int
    action: str  # "created" | "updated" | "unchanged"
    label: str


@dataclass
class ImportResult:
    importer: Importer
    filename: str
    problems: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    rows_read: int = 0
    committed: bool = False

    @property
    def ok(self):
        return not self.problems

    def counts(self):
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for outcome in self.outcomes:
            counts[outcome.action] = counts.get(outcome.action, 0) + 1
        return counts


class Importer:
    """Subclass, set key/title/description/columns, implement apply_row, and `register()` an instance."""

    key: str = ""
    title: object = ""
    description: object = ""
    columns: list[ImportColumn] = []

    def column(self, name):
        return next(column for column in self.columns if column.name == name)

    def heading(self, name):
        return str(self.column(name).label)

    def has_permission(self, user):
        from qms.core.roles import is_quality_officer

        return bool(user.is_authenticated and (user.is_superuser or is_quality_officer(user)))

    def order_rows(self, rows):
        """The order rows are written in (e.g. parent units before their children)."""
        return rows

    def check_rows(self, rows):
        """Problems across rows (beyond duplicate keys), found before writing: [(row number, column name, message)]."""
        return []

    def apply_row(self, row, *, user, reason, context):
        """Create or update the record of one row, with history (user, reason). Returns (action, label).

        Writes made in a preview are rolled back; `context["commit"]` tells which it is, and
        `context` may hold caches shared by the rows."""
        raise NotImplementedError

    def example_rows(self):
        return [{column.name: column.example for column in self.columns}]


def register(importer):
    if not importer.key:
        raise ValueError("An importer needs a key")
    _REGISTRY[importer.key] = importer
    return importer


def importers():
    return dict(sorted(_REGISTRY.items(), key=lambda item: str(item[1].title)))


def get_importer(key):
    return _REGISTRY.get(key)


# -- reading ------------------------------------------------------------------------------------------------

_XML_ELEMENT = re.compile(rb"<[A-Za-z_]")
_XML_DECLARATIONS = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an encrypted (password-protected) .xlsx
_CELL_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")


def _not_xlsx():
    return ImportFileError(
        _("This is not an Excel workbook (.xlsx). Save the file as “Excel Workbook (.xlsx)” and upload it again.")
    )


def _damaged():
    return ImportFileError(
        _("The file is damaged and cannot be read as an Excel workbook. Open it in Excel, save it again and retry.")
    )


def _unsafe():
    return ImportFileError(
        _(
            "The file contains XML declarations that spreadsheets never need (a possible attack); it was not read. "
            "Save the data into the template and upload that instead."
        )
    )


def _check_archive(data):
    """Refuse what is not a plain, sane .xlsx archive before any XML is parsed."""
    if data.startswith(_OLE_SIGNATURE):
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls) or a password-protected workbook. Remove any password, save it as "
                "“Excel Workbook (.xlsx)” and upload it again."
            )
        )
    if not zipfile.is_zipfile(BytesIO(data)):
        raise _not_xlsx()
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError):
        raise _damaged() from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise _not_xlsx()
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(_("The file expands to an unreasonable size once unpacked; it was not read."))
    merged = []
    for member in members:
        if not member.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(member) as fh:
                head = fh.read(65536)
                if member.filename.startswith("xl/worksheets/"):
                    # Merged cells sit at the end of the sheet: scan it in chunks, never the whole at once.
                    tail = head
                    while chunk := fh.read(1 << 20):
                        tail = tail[-512:] + chunk
                        merged += _CELL_REF.findall(tail)
                    merged += _CELL_REF.findall(head)
                else:
                    while fh.read(1 << 20):  # read to the end: the CRC check fails on a damaged member
                        pass
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            raise _damaged() from None
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                head = head.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                raise _damaged() from None
        element = _XML_ELEMENT.search(head)
        if element is None or _XML_DECLARATIONS.search(head, 0, element.start()):
            raise _unsafe()
    return sorted({ref.decode() for ref in merged})


@dataclass
class Sheet:
    """The non-empty rows of the one sheet, as read ({column index: value}), and cell problems."""

    rows: list  # (row number, {column index: value})
    problems: list


def read_sheet(data):
    """Read the only sheet of an .xlsx safely. Raises ImportFileError; cell-level problems are returned."""
    from openpyxl import load_workbook

    if len(data) > max_bytes():
        raise ImportFileError(
            _("The file is larger than %(size)s MB; split it or remove what is not imported.")
            % {"size": max_bytes() // (1024 * 1024)}
        )
    if not data:
        raise ImportFileError(_("The file is empty."))
    merged = _check_archive(data)
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on damaged or hostile input
        if "defusedxml" in type(error).__module__ or "Forbidden" in type(error).__name__:
            raise _unsafe() from None
        raise _damaged() from None
    try:
        return _read_book(book, merged)
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged sheet part shows up only while reading its rows
        if "defusedxml" in type(error).__module__ or "Forbidden" in type(error).__name__:
            raise _unsafe() from None
        raise _damaged() from None
    finally:
        book.close()


def _read_book(book, merged):
    if len(book.sheetnames) != 1:
        raise ImportFileError(
            _(
                "The workbook has %(count)s sheets (%(names)s); an import reads exactly one. Delete the other sheets "
                "(or copy the register into the template) and upload it again."
            )
            % {"count": len(book.sheetnames), "names": ", ".join(book.sheetnames)}
        )
    ws = book.worksheets[0]
    if not hasattr(ws, "iter_rows"):
        raise ImportFileError(_("The workbook holds a chart sheet, not a table."))
    limit = max_rows()
    too_many = ImportFileError(
        _("The sheet has more than %(max)s rows; import it in several files of at most %(max)s rows each.")
        % {"max": f"{limit:,}"}
    )
    declared = ws.max_row if isinstance(ws.max_row, int) else None
    if declared and declared > limit + HEADER_SEARCH_ROWS:
        raise too_many
    if merged:
        raise ImportFileError(
            _("The sheet has merged cells (%(cells)s). Unmerge them so that each value sits in its own cell.")
            % {"cells": ", ".join(merged[:5]) + ("…" if len(merged) > 5 else "")}
        )
    problems = []
    rows = []
    for cells in ws.iter_rows():
        cells = [cell for cell in cells if getattr(cell, "value", None) is not None]
        if not cells:
            continue
        number = cells[0].row
        values = {}
        for cell in cells:
            if cell.data_type == "f":
                message = _("contains a formula (%(formula)s); type the value itself.") % {
                    "formula": str(cell.value)[:40]
                }
                problems.append((number, cell.column, message))
            elif cell.data_type == "e":
                problems.append(
                    (number, cell.column, _("contains an error value (%(error)s).") % {"error": cell.value})
                )
            else:
                values[cell.column] = cell.value
        rows.append((number, values))
        if len(rows) > limit + HEADER_SEARCH_ROWS:
            raise too_many  # the declared dimension lied (or was absent): stop reading here
    return Sheet(rows=rows, problems=problems)


# -- validating and writing ---------------------------------------------------------------------------------


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


def validate(importer, data):
    """Parse and check the file: (rows, problems, rows_read, heading of each column name).

    Raises ImportFileError for a refused file."""
    sheet = read_sheet(data)
    header_row, header_values, matched = _locate_headings(importer, sheet)
    if header_row is None:
        expected = ", ".join(str(column.label) for column in importer.columns)
        raise ImportFileError(
            _("No heading row found: the first rows must hold the column headings (%(expected)s). Use the template.")
            % {"expected": expected}
        )
    problems = []
    headings = {index: str(value) for index, value in header_values.items()}
    columns_at = {}
    for index, column in matched.items():
        if column is None:
            problems.append(
                Problem(
                    header_row, headings[index], _("unknown column; rename it to one of the template's or delete it.")
                )
            )
        elif column.name in {c.name for c in columns_at.values()}:
            problems.append(Problem(header_row, headings[index], _("this column appears twice.")))
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

    def heading_of(index):
        if index in headings:
            return headings[index]
        from openpyxl.utils import get_column_letter

        return get_column_letter(index)

    flagged = set()
    for number, index, message in sheet.problems:
        if number >= header_row:
            problems.append(Problem(number, heading_of(index), message))
            flagged.add((number, index))
    rows = []
    data_rows = [(number, values) for number, values in sheet.rows if number > header_row]
    if len(data_rows) > max_rows():
        raise ImportFileError(
            _("The sheet has more than %(max)s rows; import it in several files of at most %(max)s rows each.")
            % {"max": f"{max_rows():,}"}
        )
    for number, values in data_rows:
        parsed, raw, row_ok = {}, {}, True
        for index in values:
            if index not in columns_at and index not in headings:
                problems.append(Problem(number, heading_of(index), _("a value in a column without a heading.")))
                row_ok = False
        for index, column in columns_at.items():
            raw[column.name] = values.get(index)
            if (number, index) in flagged:  # a formula or an error value, already reported
                row_ok = False
                continue
            try:
                parsed[column.name] = column.parse(values.get(index))
            except CellError as error:
                problems.append(Problem(number, headings[index], error.message))
                row_ok = False
        for column in importer.columns:
            if column not in columns_at.values():
                parsed.setdefault(column.name, [] if column.kind == "list" else None)
        if row_ok:
            rows.append(ImportRow(number, parsed, raw))
    if not data_rows:
        raise ImportFileError(_("The sheet has headings but no rows to import."))
    problems += _duplicates(importer, rows, headings, columns_at)
    heading_by_name = {column.name: headings[index] for index, column in columns_at.items()}
    for number, name, message in importer.check_rows(rows):
        problems.append(Problem(number, heading_by_name.get(name) or importer.heading(name), message))
    return rows, problems, len(data_rows), heading_by_name


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


HISTORY_REASON_LENGTH = 100  # django-simple-history's history_change_reason column


def import_reason(filename):
    """ "Imported from FILE", the file name shortened (keeping its end) so that the reason fits a history entry."""
    if len(filename) > 60:
        filename = f"{filename[:30]}…{filename[-29:]}"
    return _("Imported from %(file)s") % {"file": filename}


def history_reason(text):
    """`text` cut to what a django-simple-history change reason holds."""
    text = str(text)
    return text if len(text) <= HISTORY_REASON_LENGTH else text[: HISTORY_REASON_LENGTH - 1] + "…"


def run_import(importer, data, *, user, filename, commit):
    """Validate `data` (the .xlsx bytes) and, when `commit` and there is no problem, write it all.

    Returns an ImportResult; nothing is written unless result.committed. ImportFileError propagates.
    """
    result = ImportResult(importer=importer, filename=filename)
    rows, problems, result.rows_read, heading_by_name = validate(importer, data)
    result.problems = list(problems)
    bad_rows = {problem.row for problem in problems if problem.row}
    reason = import_reason(filename)
    # context["commit"] is False in a preview: an importer whose writes are slow (documents) may check
    # without writing then; the commit runs the real writes and reports any refusal on its row.
    context = {"commit": commit}
    with transaction.atomic():
        for row in importer.order_rows([row for row in rows if row.number not in bad_rows]):
            # Each row in its own savepoint (a nested atomic block, so that a database error inside it
            # leaves the outer transaction usable): a refused row is listed and the next rows are checked.
            try:
                with transaction.atomic():
                    action, label = importer.apply_row(row, user=user, reason=reason, context=context)
            except RowError as error:
                column = (heading_by_name.get(error.column) or importer.heading(error.column)) if error.column else None
                result.problems.append(Problem(row.number, column, error.message))
                continue
            except ValidationError as error:
                result.problems.append(Problem(row.number, None, " ".join(error.messages)))
                continue
            except IntegrityError:
                # A record created by someone else meanwhile (unique constraint): reported, not overwritten.
                message = _("someone created or changed the same record at the same moment; upload the file again.")
                result.problems.append(Problem(row.number, None, message))
                continue
            except DatabaseError as error:
                result.problems.append(
                    Problem(row.number, None, _("the database refused this row (%(error)s).") % {"error": error})
                )
                continue
            result.outcomes.append(RowOutcome(row.number, action, label))
        result.problems.sort(key=lambda problem: (problem.row or 0, problem.column or ""))
        if commit and result.ok:
            result.committed = True
        else:
            transaction.set_rollback(True)
    return result
