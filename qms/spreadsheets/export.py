"""Excel registers: one small layer that every register and report exports through.

ISO 9001 7.5.3 (control of documented information: identification, distribution,
retrieval) and 9.1.3 / 9.3 (registers analysed and taken to management review):
an exported register must say what it is, whose it is, which records it holds
(the filter) and when and by whom it was taken, so that a printed or e-mailed copy
is identifiable on its own.

Usage
-----

One table, as a view's response::

    from django.utils.translation import gettext_lazy as _
    from qms.spreadsheets.export import Column, xlsx_response

    COLUMNS = [
        Column(_("Identifier"), lambda doc: doc.identifier),
        Column(_("Title"), lambda doc: doc.title, width=50),
        Column(_("Effective date"), lambda doc: doc.effective_date, kind="date"),
        Column(_("Revision"), lambda doc: doc.revision, kind="int"),
        Column(_("Public"), lambda doc: doc.is_public, kind="bool"),
    ]

    def export_view(request):
        rows = ProcessDocumentPage.objects.select_related("unit").iterator()
        return xlsx_response(
            title=_("Master list of documents"),
            columns=COLUMNS,
            rows=rows,
            user=request.user,
            filename="master-list.xlsx",
            filters_description=_("Unit: QLVH"),
        )

Several sheets (a report: a cover, then tables)::

    book = RegisterWorkbook(title=_("Audit report"), user=request.user, filters_description=str(audit))
    book.add_summary(_("Summary"), [(_("Audit"), audit.reference), (_("Date"), audit.date), (_("Findings"), 4)])
    book.add_table(_("Findings"), FINDING_COLUMNS, audit.findings.all())
    return book.response("audit-report.xlsx")     # or book.save(fileobj)

What every sheet looks like
---------------------------

Rows 1-4 are the header block: organisation name (``settings.QMS_ORGANISATION_NAME``
when configured, else the title of the Wagtail site's root page, else the default
name), the register title, the filter applied ("All records" when none), and
"Exported <date time> (<zone>) by <person>" in the exporting person's zone. Row 5 is
empty. A table's column headings are on row ``TABLE_HEADER_ROW`` (6), data from row 7;
the heading row is frozen and the autofilter covers headings and data. A summary
sheet has labels in column A and values in column B from row 6.

Cell types, by ``Column.kind``:

- ``text``: a string (``str(value)``), ALWAYS stored as a literal string: a value
  beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is never a
  formula (data type ``s``, and the cell carries Excel's quote prefix so editing it
  in Excel keeps it text). Characters XML cannot hold are dropped.
- ``int`` / ``decimal``: numbers (``decimal`` with format ``#,##0.00``); a value
  that is not a number is written as text rather than lost.
- ``date``: a real date with format ``dd/mm/yyyy`` (Vietnamese) or ``yyyy-mm-dd``
  (other languages); an aware datetime is first converted to the person's zone.
- ``datetime``: converted to the person's local zone and made naive (Excel has no
  zones), format ``dd/mm/yyyy hh:mm`` / ``yyyy-mm-dd hh:mm``.
- ``bool``: the translated word "Yes" / "No" (Có / Không). Decided: a real boolean
  shows TRUE/FALSE in English whatever the reader's language; a word filters just
  as well and reads right.
- ``None`` is an empty cell, whatever the kind.

Headings and the header block are rendered in the language active when the
workbook is built (the person's admin language, or the site's language switch);
pass ``language=`` to force one. The zone is the person's Wagtail preference when
set, else the active zone.

Memory: sheets are written with openpyxl's write-only mode (lxml), rows are
consumed one at a time (pass ``QuerySet.iterator()``), and ``response()`` streams
the finished file from a temporary file with ``FileResponse``; only the first
``WIDTH_SAMPLE_ROWS`` rows are held, to size the columns.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# Text starting with one of these would be a formula (or DDE) in a spreadsheet program.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_HEADER_ROW = 6  # column headings of a table sheet; data starts on the next row
WIDTH_SAMPLE_ROWS = 100
MIN_WIDTH, MAX_WIDTH = 6, 60
KINDS = ("text", "int", "decimal", "date", "datetime", "bool")

# Characters the XML of a sheet cannot hold (openpyxl refuses them).
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")
# Sheet names: at most 31 characters, none of these.
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADING_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    header: object  # lazy translatable string, rendered in the exporting person's language
    value: Callable  # value(row) -> python value
    kind: str = "text"  # "text" | "int" | "decimal" | "date" | "datetime" | "bool"
    width: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column kind must be one of {KINDS}, not {self.kind!r}")


def organisation_name():
    """The configured organisation name, else the Wagtail site's root page title, else the default."""
    configured = getattr(settings, "QMS_ORGANISATION_NAME", "")
    if configured and not isinstance(configured, Promise):
        return str(configured)
    try:
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is not None and site.root_page.depth > 1:
            return site.root_page.title
    except Exception:  # noqa: BLE001 - no Wagtail tables yet (a bare test DB); the default name will do
        pass
    return str(configured or gettext_lazy("Quality management system"))


def _user_zone(user):
    profile = getattr(user, "wagtail_userprofile", None) if getattr(user, "pk", None) else None
    name = getattr(profile, "current_time_zone", "") if profile is not None else ""
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.get_current_timezone()


def _user_label(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return _("anonymous")
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def clean_text(value):
    """The string an export writes for `value`: str(), illegal XML characters dropped, Excel's length limit."""
    return _ILLEGAL_XML.sub("", str(value))[:32767]


class RegisterWorkbook:
    """A workbook of registers: one sheet per `add_table`/`add_summary`, each with the header block."""

    def __init__(self, *, title, user, filters_description="", organisation=None, language=None):
        self.language = language or translation.get_language() or settings.LANGUAGE_CODE
        self.zone = _user_zone(user)
        self.user = user
        with translation.override(self.language):
            self.title = str(title)
            self.filters_description = str(filters_description) if filters_description else ""
            self.organisation = str(organisation) if organisation else organisation_name()
            self.user_label = _user_label(user)
            # Words of a bool cell, once: a translation lookup per cell was a large share of an export.
            self._yes, self._no = _("Yes"), _("No")
        self.exported_at = timezone.localtime(timezone.now(), self.zone)
        vietnamese = self.language.startswith("vi")
        self.date_format = "dd/mm/yyyy" if vietnamese else "yyyy-mm-dd"
        self.datetime_format = f"{self.date_format} hh:mm"
        self._book = Workbook(write_only=True)
        self._sheet_titles = set()
        self._saved = False

    # -- sheets -------------------------------------------------------------------------------------------

    def add_table(self, sheet_title, columns, rows):
        """A sheet with the header block, then one row per item of `rows` (consumed once, streamed)."""
        columns = list(columns)
        ws = self._new_sheet(sheet_title)
        rows = iter(rows)
        sample = [self._values(columns, row) for row in islice(rows, WIDTH_SAMPLE_ROWS)]
        with translation.override(self.language):
            headings = [clean_text(column.header) for column in columns]
        for index, column in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(index)].width = self._width(
                index - 1, column, headings[index - 1], sample
            )
        ws.freeze_panes = f"A{TABLE_HEADER_ROW + 1}"
        self._write_header_block(ws)
        ws.append([self._text(ws, heading, font=_BOLD, fill=_HEADING_FILL, wrap=True) for heading in headings])
        converters = [self._converter(ws, column.kind) for column in columns]
        count = 0
        for values in sample:
            ws.append([convert(value) for convert, value in zip(converters, values, strict=True)])
            count += 1
        getters = [column.value for column in columns]
        for row in rows:
            ws.append([convert(value(row)) for value, convert in zip(getters, converters, strict=True)])
            count += 1
        last_column = get_column_letter(max(len(columns), 1))
        ws.auto_filter.ref = f"A{TABLE_HEADER_ROW}:{last_column}{TABLE_HEADER_ROW + count}"
        return count

    def add_summary(self, sheet_title, pairs):
        """A key/value sheet (a report's cover, counts): labels in column A, typed values in column B."""
        ws = self._new_sheet(sheet_title)
        pairs = list(pairs)
        with translation.override(self.language):
            labels = [clean_text(label) for label, _value in pairs]
        ws.column_dimensions["A"].width = self._clamp(max((len(label) for label in labels), default=10) + 2)
        ws.column_dimensions["B"].width = 50
        self._write_header_block(ws)
        for label, (_label, value) in zip(labels, pairs, strict=True):
            ws.append([self._text(ws, label, font=_BOLD), self._cell(ws, value, self._infer_kind(value))])

    # -- output -------------------------------------------------------------------------------------------

    def save(self, fileobj):
        """Write the finished workbook to a binary file object (or a path). A workbook saves once."""
        if not self._book.worksheets:
            self.add_summary(self.title, [])
        self._book.save(fileobj)
        self._saved = True

    def response(self, filename) -> HttpResponse:
        """The finished file as a download, streamed from a temporary file (bounded memory)."""
        if not filename.lower().endswith(".xlsx"):
            filename = f"{filename}.xlsx"
        spool = tempfile.TemporaryFile(suffix=".xlsx")  # closed (and so deleted) by FileResponse
        try:
            self.save(spool)
            spool.seek(0)
        except BaseException:
            spool.close()
            raise
        return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)

    # -- internals ----------------------------------------------------------------------------------------

    def _new_sheet(self, sheet_title):
        with translation.override(self.language):
            base = _BAD_SHEET_CHARS.sub(" ", clean_text(sheet_title)).strip().strip("'")[:31] or "Sheet"
        title, n = base, 2
        while title.lower() in self._sheet_titles:
            suffix = f" ({n})"
            title, n = base[: 31 - len(suffix)] + suffix, n + 1
        self._sheet_titles.add(title.lower())
        return self._book.create_sheet(title)

    def _write_header_block(self, ws):
        with translation.override(self.language):
            filters = self.filters_description or _("All records")
            exported = _("Exported %(when)s (%(zone)s) by %(who)s") % {
                "when": self.exported_at.strftime(
                    "%d/%m/%Y %H:%M" if self.language.startswith("vi") else "%Y-%m-%d %H:%M"
                ),
                "zone": self.zone.key if hasattr(self.zone, "key") else str(self.zone),
                "who": self.user_label,
            }
            lines = [
                self._text(ws, self.organisation, font=_BOLD),
                self._text(ws, self.title, font=_TITLE),
                self._text(ws, _("Filter: %(filter)s") % {"filter": filters}),
                self._text(ws, exported),
            ]
        for line in lines:
            ws.append([line])
        ws.append([])

    @staticmethod
    def _values(columns, row):
        return [column.value(row) for column in columns]

    @staticmethod
    def _infer_kind(value):
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int"
        if isinstance(value, Decimal | float):
            return "decimal"
        if isinstance(value, dt.datetime):
            return "datetime"
        if isinstance(value, dt.date):
            return "date"
        return "text"

    def _cell(self, ws, value, kind):
        return self._converter(ws, kind)(value)

    def _converter(self, ws, kind):
        """value -> what `ws.append` writes for a cell of `kind`, decided once per column, not per cell."""
        if kind == "text":

            def text(value):
                if value is None:
                    return None
                text = clean_text(value)
                if text[:1] in _FORMULA_STARTS or text in ERROR_CODES:
                    return self._text(ws, text)
                return text  # _text's own shortcut, without its checks for styles the data never has

            return text
        if kind == "bool":
            yes, no = self._yes, self._no
            return lambda value: None if value is None else yes if value else no
        if kind in ("int", "decimal"):
            integer, decimal = self._formatted(ws, "0"), self._formatted(ws, "#,##0.00")

            def number(value):
                if value is None:
                    return None
                number = self._number(value)
                if number is None:
                    return self._text(ws, value)  # not a number: written as it is rather than lost
                if kind == "decimal":
                    return decimal(number)
                if isinstance(number, int):
                    return integer(number)
                return number  # "General" is no style at all: openpyxl writes the bare number the same way

            return number
        if kind in ("date", "datetime"):
            zone = self.zone
            date, datetime = self._formatted(ws, self.date_format), self._formatted(ws, self.datetime_format)

            def moment(value):
                if value is None:
                    return None
                if isinstance(value, dt.datetime):
                    if value.utcoffset() is not None:
                        value = value.astimezone(zone).replace(tzinfo=None)
                    if kind == "date":
                        return date(value.date())
                    return datetime(value)
                if isinstance(value, dt.date):
                    return date(value)
                return self._text(ws, value)

            return moment
        raise ValueError(kind)

    @staticmethod
    def _formatted(ws, number_format):
        """value -> a cell with `number_format`, one cell object for all the values of a column.

        A write-only sheet writes each row as it is appended, so the column's cell is
        free again for the next row; a new cell per value, styled one by one, cost
        more than writing it.
        """
        cell = None

        def formatted(value):
            nonlocal cell
            if cell is None:  # on first use: an unused format stays out of the file
                cell = WriteOnlyCell(ws)
                cell.number_format = number_format
            cell.value = value
            return cell

        return formatted

    @staticmethod
    def _number(value):
        """`value` as an int or Decimal/float that Excel can hold, or None."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except ArithmeticError:
            return None
        if not number.is_finite():
            return None
        if number == number.to_integral_value() and abs(number) < 10**15:
            return int(number)
        return number if isinstance(value, Decimal) else float(number) if isinstance(value, float) else number

    @staticmethod
    def _text(ws, value, *, font=None, fill=None, wrap=False):
        """A literal string cell: never a formula nor an error code, whatever it begins with."""
        if isinstance(value, Promise):
            value = str(value)
        text = clean_text(value)
        if font is None and fill is None and not wrap and text[:1] not in _FORMULA_STARTS and text not in ERROR_CODES:
            # Hot path of big registers: openpyxl stores a plain string as text
            # already; a styled cell object per cell doubled the export time.
            return text
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        if text[:1] in _FORMULA_STARTS:
            # Excel keeps a quote-prefixed cell as text even when someone edits it later.
            cell.quotePrefix = True
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if wrap:
            cell.alignment = _WRAP
        return cell

    @classmethod
    def _clamp(cls, width):
        return max(MIN_WIDTH, min(MAX_WIDTH, width))

    def _width(self, index, column, heading, sample):
        """The column's width: its own, else fitted to the heading (which wraps) and the first rows."""
        if column.width:
            return column.width
        longest_word = max((len(word) for word in heading.split()), default=0)
        heading_width = max(longest_word, min(len(heading), 14))  # long headings wrap onto two lines
        if column.kind == "date":
            content = 10
        elif column.kind == "datetime":
            content = 16
        elif column.kind == "bool":
            content = 5
        else:
            lengths = (len(str(values[index])) for values in sample if values[index] is not None)
            content = max(lengths, default=0)
            if column.kind == "decimal":
                content += content // 3 + 3  # thousands separators and decimals
        return self._clamp(max(heading_width, content) + 2)


def xlsx_response(*, title, columns, rows, user, filename, filters_description="") -> HttpResponse:
    """One register as a one-sheet workbook, streamed as a download."""
    book = RegisterWorkbook(title=title, user=user, filters_description=filters_description)
    book.add_table(title, columns, rows)
    return book.response(filename)


__all__ = ["Column", "RegisterWorkbook", "xlsx_response", "TABLE_HEADER_ROW", "XLSX_CONTENT_TYPE", "clean_text"]
