"""The limits of one import file: bytes, rows and cells (settings QMS_IMPORT_MAX_BYTES, _ROWS, _CELLS)."""

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


def max_rows():
    return getattr(settings, "QMS_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def max_cells():
    return getattr(settings, "QMS_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)


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
