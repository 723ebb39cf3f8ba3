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
   ``xl/workbook.xml``), no corrupt members, nothing but comments and processing
   instructions before a part's root element (no DTD/entity declarations: XML bombs;
   openpyxl reads its parts through ``defusedxml``, lxml reads the sheet without DTD or
   entities), an uncompressed-size and parts limit (zip bombs), a count of every part's
   tags before any parsing, exactly one sheet, at most ``QMS_IMPORT_MAX_ROWS`` rows and
   ``QMS_IMPORT_MAX_CELLS`` cells counted as they are read (whatever the sheet declares;
   reading stops on the first one over), no merged cells, no formulas, no error values.
   Any of these refuses the whole file with one clear message (``ImportFileError``).
   The result is a ``Sheet``, which an upload keeps (``Sheet.to_bytes``): the workbook is
   parsed once, and the preview and the commit work on those rows.
2. Finds the heading row (within the first rows, so a register exported by this
   product imports back), matches headings to columns by name or by their English or
   Vietnamese label, reports missing required columns and unknown columns
   (``check_sheet``: what refuses a whole file, without reading a cell).
3. Parses every cell by its column type (text through ``clean_text``: NFC, invisible
   characters removed), reports each problem by row and column, and reports duplicate
   identifiers (``key`` columns). The first ``MAX_PROBLEMS`` are kept, the rest counted.
4. Applies every clean row inside one transaction, each row in a savepoint so that a
   row's problem (unknown unit, refused by a service) is listed and the next rows
   are still checked; then rolls everything back if there was any problem or if it is
   a dry run. A commit re-validates the rows kept at upload: what is written is exactly
   what was previewed, or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
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
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import _cast_number

# The limits of one import file. A register of 20,000 rows of ten columns fits them; reading a file
# at every limit takes a couple of seconds here, so a hostile file costs no more than that.
DEFAULT_MAX_ROWS = 20_000
DEFAULT_MAX_CELLS = 200_000  # the rows limit times ten columns (the widest importer has nine)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # 500 bytes a cell at the cells limit: far more than text needs
HEADER_SEARCH_ROWS = 10
# Problems kept and shown; the others are only counted ("and N more"). Past this many, nobody reads
# on, and a file where every cell is a problem must not turn into a page of a million lines.
MAX_PROBLEMS = 200

_REGISTRY: dict[str, Importer] = {}


def max_rows():
    return getattr(settings, "QMS_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def max_cells():
    return getattr(settings, "QMS_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)


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


def _position(problem):
    return (problem.row or 0, problem.column or "")


class ProblemList:
    """The first MAX_PROBLEMS problems by place in the sheet (row, then column), and how many in all.

    Adding a problem past the limit costs a comparison, not a line on the page: a file where every
    cell is wrong is counted to the end cheaply, and shows its first problems."""

    def __init__(self, limit=None):
        self.limit = MAX_PROBLEMS if limit is None else limit
        self.count = 0
        self.rows = set()  # every row with a problem, shown or not: none of them is written
        self._kept = []
        self._last_row = None  # once `limit` are kept: the row of the last, beyond which none is shown

    def add(self, problem):
        self.count += 1
        if problem.row:
            self.rows.add(problem.row)
        self._kept.append(problem)
        if len(self._kept) >= 2 * self.limit:
            self._trim()

    def extend(self, problems):
        for problem in problems:
            self.add(problem)

    def wants(self, row):
        """Whether a problem on `row` could be among those shown; when not, count_only() is enough
        (no message to put into words: the rows of a sheet are checked in order)."""
        return self._last_row is None or (row or 0) <= self._last_row

    def count_only(self, row):
        self.count += 1
        if row:
            self.rows.add(row)

    def _trim(self):
        self._kept.sort(key=_position)  # stable: problems of one cell keep the order they were found in
        del self._kept[self.limit :]
        if len(self._kept) == self.limit:
            self._last_row = self._kept[-1].row or 0

    @property
    def full(self):
        return self.count >= self.limit

    def shown(self):
        self._trim()
        return list(self._kept)

    def __len__(self):
        return self.count

    def __bool__(self):
        return self.count > 0

    def __iter__(self):
        return iter(self.shown())


# -- columns ------------------------------------------------------------------------------------------------

KINDS = ("text", "int", "date", "bool", "email", "list", "choice")

_TRUE = {"true", "yes", "y", "x", "1", "có", "co", "c", "đúng", "dung", "public", "công khai", "cong khai"}
_FALSE = {"false", "no", "n", "0", "không", "khong", "k", "sai", "internal", "nội bộ", "noi bo"}


# Characters that show nothing but make two equal-looking texts differ: zero-width space, non-joiner
# and joiner, word joiner, invisible operators, byte-order mark, soft hyphen, Mongolian vowel
# separator, and the bidirectional controls. A code pasted from a web page or a PDF often carries one
# ("QLVH-01" + U+200B), and would otherwise be a new key.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def clean_text(text):
    """The one normalisation of imported text: NFC, invisible characters removed, ends stripped.

    Every text cell goes through it (``ImportColumn`` parsing), and so does every comparison of
    headings and keys (``normalise``): what is stored is what is compared."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", str(text))).strip()


def normalise(text):
    """Compare headings and codes loosely: case, accents kept, spaces collapsed, a trailing '*' dropped."""
    text = clean_text(text).rstrip("*").strip()
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
        return clean_text(raw)

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
                decimal = Decimal(clean_text(raw).replace(" ", ""))
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
            text = clean_text(raw)
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
    problems: list = field(default_factory=list)  # the first MAX_PROBLEMS, by row and column
    outcomes: list = field(default_factory=list)
    rows_read: int = 0
    committed: bool = False
    problem_count: int = 0  # all of them, shown or not

    @property
    def ok(self):
        return not self.problem_count and not self.problems

    @property
    def problems_more(self):
        return max(self.problem_count - len(self.problems), 0)

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
#
# Every bound below is there so that a small hostile upload cannot keep a web process busy: the
# reading work is proportional to what the limits allow, never to what the file claims or contains.
# ``make bench`` (hostile_import_max_s) times the worst hostile file through the upload view.

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an encrypted (password-protected) .xlsx
_CELL_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
# What may stand before the root element of a part: white space, comments, processing instructions
# (the XML declaration is one). Anything else there (<!DOCTYPE, <!ENTITY...) is refused. Skipping
# comments as a whole matters: a scanner that stops at the first "<a" it sees is fooled by
# "<!-- <a> --><!DOCTYPE ...>".
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_ROOT_START = re.compile(rb"<[A-Za-z_]")
PROLOG_BYTES = 65536  # a real part's prolog is a few hundred bytes; a longer one is refused, not searched
MAX_MEMBERS = 10_000  # parts of the archive; a one-sheet register has about ten
# Tags ("<") a worksheet or the shared-string table may hold per cell allowed: a cell is 4 tags
# (<c><v></v></c>), an inline string 6. Counted while the archive is checked, before any XML is
# parsed, so that a part stuffed with elements that are not cells never reaches a parser.
MARKUP_PER_CELL = 6
MARKUP_SLACK = 100_000  # headings, column widths, views, formatting of a real sheet
SMALL_PART_TAGS = 100_000  # parts openpyxl turns into objects: manifest, workbook, its relationships, styles

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _DIMENSION = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}dimension"
_STRING, _TEXT, _RUN = f"{_MAIN}si", f"{_MAIN}t", f"{_MAIN}r"
_INLINE, _VALUE = f"{_MAIN}is", f"{_MAIN}v"
# lxml reads the sheet and the shared strings (about three times faster than openpyxl's ElementTree
# reader, and it stops on the cell where a limit is reached). It neither loads a DTD nor expands an
# entity, and the prolog check has already refused any DOCTYPE; openpyxl parses the few small parts
# it reads through defusedxml.
_SAFE_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


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


def _too_big():
    return ImportFileError(_("The file expands to an unreasonable size once unpacked; it was not read."))


def _too_many_rows():
    return ImportFileError(
        _("The sheet has more than %(max)s rows; import it in several files of at most %(max)s rows each.")
        % {"max": f"{max_rows():,}"}
    )


def _too_many_cells():
    return ImportFileError(
        _(
            "The sheet has more than %(max)s cells, more than an import reads; delete the columns and rows that "
            "are not imported, or import it in several files."
        )
        % {"max": f"{max_cells():,}"}
    )


def _sheet_markup_limit():
    return MARKUP_PER_CELL * max_cells() + 4 * max_rows() + MARKUP_SLACK


def _prolog_is_safe(head):
    """True when only white space, comments and processing instructions precede the root element."""
    position = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while match := _PROLOG_ITEM.match(head, position):
        position = match.end()
    return _ROOT_START.match(head, position) is not None


def _check_archive(data):
    """Refuse what is not a plain, sane .xlsx archive before any XML is parsed.

    Returns (merged cell ranges, {part name: number of tags}) for the checks that need to know which
    part is which (the manifest tells, once it is read)."""
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
    # The sizes are those the archive declares; a member that expands beyond its declared size fails
    # its CRC check below (zipfile stops at the declared size), so the sum is a real bound.
    if len(members) > MAX_MEMBERS or sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise _too_big()
    tag_limit = _sheet_markup_limit()
    row_limit = max_rows() + HEADER_SEARCH_ROWS
    merged, tags = [], {}
    for member in members:
        if not member.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(member) as fh:
                head = fh.read(PROLOG_BYTES)
                count = head.count(b"<")
                tail = head
                is_sheet = member.filename.startswith("xl/worksheets/")
                rows = head.count(b"<row")  # and <rowBreaks, once at most: close enough to name the limit
                # Read to the end (the CRC check fails on a damaged member), in chunks, never the whole at once.
                while chunk := fh.read(1 << 20):
                    count += chunk.count(b"<")
                    if is_sheet:
                        rows += (tail[-3:] + chunk).count(b"<row")  # a match across chunks counted once
                        if rows > row_limit:
                            break
                        tail = tail[-512:] + chunk  # merged cells sit at the end of the sheet
                        merged += _CELL_REF.findall(tail)
                    if count > tag_limit:
                        break
                if is_sheet:
                    merged += _CELL_REF.findall(head)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            raise _damaged() from None
        if is_sheet and rows > row_limit:
            raise _too_many_rows()
        if count > tag_limit:
            raise _too_many_cells() if is_sheet or "sharedstrings" in member.filename.lower() else _too_big()
        tags[member.filename] = count
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                head = head[: len(head) // 2 * 2].decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                raise _damaged() from None
        if not _prolog_is_safe(head):
            raise _unsafe()
    return sorted({ref.decode() for ref in merged}), tags


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
    if not isinstance(value, dict):
        return value
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


def _cell_problem(kind, detail):
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
    merged, tags = _check_archive(data)
    try:
        return _read_book(data, merged, tags)
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl and lxml raise many kinds on damaged or hostile input
        if "defusedxml" in type(error).__module__ or "Forbidden" in type(error).__name__:
            raise _unsafe() from None
        raise _damaged() from None


def _require_small(tags, name):
    if tags.get(name, 0) > SMALL_PART_TAGS:
        raise _too_big()


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
            raise _damaged()
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
    """The shared-string table, refused as soon as it holds more strings than the sheet may have cells."""
    from lxml import etree
    from openpyxl.cell.text import Text

    limit = max_cells()
    strings = []
    with archive.open(name) as source:
        for _event, element in etree.iterparse(source, events=("end",), tag=_STRING, **_SAFE_XML):
            if len(strings) >= limit:
                raise _too_many_cells()
            if len(element) == 1 and element[0].tag == _TEXT:  # a plain string: the common case, fast
                text = element[0].text or ""
            else:  # rich text (runs) or phonetic hints: openpyxl's own reading
                text = Text.from_tree(element).content
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
    """The rows of the sheet, read as a stream and refused on the row or cell over a limit.

    Counted as read, whatever the sheet declares: every <row> element (empty ones too, since
    reading them costs the same) and every <c> element. A declared <dimension> over the row limit
    refuses the sheet before its first row."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    row_limit = max_rows() + HEADER_SEARCH_ROWS
    cell_limit = max_cells()
    parser = _CellParser(strings, workbook)
    rows, problems = [], []
    rows_read = cells_read = 0
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
                        raise _too_many_rows()
                    parser.start_row(parent)
                cells_read += 1
                if cells_read > cell_limit:
                    raise _too_many_cells()
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
                    values[cell["column"]] = value
            elif tag == _ROW:
                if element is not current:  # a row without cells
                    rows_read += 1
                    if rows_read > row_limit:
                        raise _too_many_rows()
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
                    raise _too_many_rows()
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
        raise _too_many_rows()
    if not data_rows:
        raise ImportFileError(_("The sheet has headings but no rows to import."))
    return Layout(header_row, headings, columns_at, data_rows, problems)


def validate(importer, data):
    """Check the file (.xlsx bytes, or the Sheet already read from them): (rows, problems, rows_read,
    heading of each column name); `problems` is a ProblemList.

    Raises ImportFileError for a refused file."""
    sheet = data if isinstance(data, Sheet) else read_sheet(data)
    layout = check_sheet(importer, sheet)
    problems, headings, columns_at = layout.problems, layout.headings, layout.columns_at
    flagged = set()
    for number, index, kind, detail in sheet.problems:
        if number >= layout.header_row:
            problems.add(Problem(number, layout.heading_of(index), _cell_problem(kind, detail)))
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
    reason = import_reason(filename)
    # context["commit"] is False in a preview: an importer whose writes are slow (documents) may check
    # without writing then; the commit runs the real writes and reports any refusal on its row.
    context = {"commit": commit}
    # With the list of problems already full, the file is refused whatever the rows would say: their
    # writes are not tried (they would only add problems nobody is shown).
    to_apply = [] if problems.full else [row for row in rows if row.number not in problems.rows]
    with transaction.atomic():
        for row in importer.order_rows(to_apply):
            # Each row in its own savepoint (a nested atomic block, so that a database error inside it
            # leaves the outer transaction usable): a refused row is listed and the next rows are checked.
            try:
                with transaction.atomic():
                    action, label = importer.apply_row(row, user=user, reason=reason, context=context)
            except RowError as error:
                column = (heading_by_name.get(error.column) or importer.heading(error.column)) if error.column else None
                problems.add(Problem(row.number, column, error.message))
                continue
            except ValidationError as error:
                problems.add(Problem(row.number, None, " ".join(error.messages)))
                continue
            except IntegrityError:
                # A record created by someone else meanwhile (unique constraint): reported, not overwritten.
                message = _("someone created or changed the same record at the same moment; upload the file again.")
                problems.add(Problem(row.number, None, message))
                continue
            except DatabaseError as error:
                problems.add(
                    Problem(row.number, None, _("the database refused this row (%(error)s).") % {"error": error})
                )
                continue
            result.outcomes.append(RowOutcome(row.number, action, label))
        result.problems = problems.shown()
        result.problem_count = problems.count
        if commit and result.ok:
            result.committed = True
        else:
            transaction.set_rollback(True)
    return result
