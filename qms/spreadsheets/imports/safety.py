"""The checks of an upload before any XML is parsed: a real, sane .xlsx archive, of bounded size and markup,
with nothing but comments and processing instructions before each part's root element (XML bombs).

Every bound here is there so that a small hostile upload cannot keep a web process busy: the
reading work is proportional to what the limits allow, never to what the file claims or contains.
``make bench`` (hostile_import_max_s) times the worst hostile file through the upload view.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO

from django.utils.translation import gettext as _

from .errors import ImportFileError
from .limits import HEADER_SEARCH_ROWS, max_cells, max_rows, too_many_cells, too_many_rows

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an encrypted (password-protected) .xlsx
_CELL_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
# What may stand before the root element of a part: white space, comments, processing instructions
# (the XML declaration is one). Anything else there (<!DOCTYPE, <!ENTITY...) is refused. Skipping
# comments as a whole matters: a scanner that stops at the first "<a" it sees is fooled by
# "<!-- <a> --><!DOCTYPE ...>".
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_ROOT_START = re.compile(rb"<[A-Za-z_]")
PROLOG_BYTES = 65536  # a real part's prolog is a few hundred bytes; a longer one is refused, not searched
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # 500 bytes a cell at the cells limit: far more than text needs
MAX_MEMBERS = 10_000  # parts of the archive; a one-sheet register has about ten
# Tags ("<") a worksheet or the shared-string table may hold per cell allowed: a cell is 4 tags
# (<c><v></v></c>), an inline string 6. Counted while the archive is checked, before any XML is
# parsed, so that a part stuffed with elements that are not cells never reaches a parser.
MARKUP_PER_CELL = 6
MARKUP_SLACK = 100_000  # headings, column widths, views, formatting of a real sheet
SMALL_PART_TAGS = 100_000  # parts openpyxl turns into objects: manifest, workbook, its relationships, styles


def _not_xlsx():
    return ImportFileError(
        _("This is not an Excel workbook (.xlsx). Save the file as “Excel Workbook (.xlsx)” and upload it again.")
    )


def damaged():
    return ImportFileError(
        _("The file is damaged and cannot be read as an Excel workbook. Open it in Excel, save it again and retry.")
    )


def unsafe():
    return ImportFileError(
        _(
            "The file contains XML declarations that spreadsheets never need (a possible attack); it was not read. "
            "Save the data into the template and upload that instead."
        )
    )


def too_big():
    return ImportFileError(_("The file expands to an unreasonable size once unpacked; it was not read."))


def _sheet_markup_limit():
    return MARKUP_PER_CELL * max_cells() + 4 * max_rows() + MARKUP_SLACK


def _prolog_is_safe(head):
    """True when only white space, comments and processing instructions precede the root element."""
    position = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while match := _PROLOG_ITEM.match(head, position):
        position = match.end()
    return _ROOT_START.match(head, position) is not None


def check_archive(data):
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
        raise damaged() from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise _not_xlsx()
    # The sizes are those the archive declares; a member that expands beyond its declared size fails
    # its CRC check below (zipfile stops at the declared size), so the sum is a real bound.
    if len(members) > MAX_MEMBERS or sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise too_big()
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
            raise damaged() from None
        if is_sheet and rows > row_limit:
            raise too_many_rows()
        if count > tag_limit:
            raise too_many_cells() if is_sheet or "sharedstrings" in member.filename.lower() else too_big()
        tags[member.filename] = count
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                head = head[: len(head) // 2 * 2].decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                raise damaged() from None
        if not _prolog_is_safe(head):
            raise unsafe()
    return sorted({ref.decode() for ref in merged}), tags
