"""The limits of one import file: bytes, rows, cells (settings QMS_IMPORT_MAX_BYTES, _ROWS, _CELLS) and text."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ImportFileError

# The limits of one import file. A register of 20,000 rows of ten columns fits them; reading a file
# at every limit takes a couple of seconds here, so a hostile file costs no more than that.
DEFAULT_MAX_ROWS = 20_000
DEFAULT_MAX_CELLS = 200_000  # the rows limit times ten columns (the widest importer has nine)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
# Counting cells, rows and bytes does not bound the text: a cell pointing at a shared string shares
# one string while the file is read, but is kept (JSON at upload, cleaned at validation) once per
# cell, so one long string in every cell costs cells x length. Excel itself refuses a cell of more
# than 32,767 characters; and a file keeps at most 500 characters a cell on average (the bytes a
# cell the archive check allows), 100 million at the default limits, whatever its cells share.
MAX_CELL_CHARACTERS = 32_767
TEXT_PER_CELL = 500


def max_rows():
    return getattr(settings, "QMS_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def max_cells():
    return getattr(settings, "QMS_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)


def max_text():
    """The characters of text a file may keep in all its cells."""
    return max_cells() * TEXT_PER_CELL


def max_bytes():
    return getattr(settings, "QMS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def too_many_rows():
    return ImportFileError(
        _("The sheet has more than %(max)s rows; import it in several files of at most %(max)s rows each.")
        % {"max": f"{max_rows():,}"}
    )


def too_many_cells():
    return ImportFileError(
        _(
            "The sheet has more than %(max)s cells, more than an import reads; delete the columns and rows that "
            "are not imported, or import it in several files."
        )
        % {"max": f"{max_cells():,}"}
    )
