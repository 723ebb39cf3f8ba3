"""Spreadsheet imports that lose nothing: read safely, explain every problem, then write all or nothing.

ISO 9001 7.5.2/7.5.3 (documented information is created and updated under control,
its changes recorded) and 4.3/5.3 (units, people and roles): an organisation starts
from its existing spreadsheets (document register, staff list, checklists), and
every record an import creates or changes carries history naming the importing
person and "Imported from FILE".

An importer declares its columns and how one row is written::

    from qms.spreadsheets.imports import Importer, ImportColumn, RowError

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

    UNITS = UnitImporter()

in a module ``<app>/imports.py``, and registers it in the app's ``wagtail_hooks.py``::

    @hooks.register("qms_importers")
    def importers():
        return [imports.UNITS]

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

# The framework is cut by concept; every name an importer, a view, a test or the bench uses is
# importable from here, as it was from the single module this package replaces.
from .cells import KINDS, ImportColumn, clean_text, normalise
from .errors import MAX_PROBLEMS, CellError, ImportError_, ImportFileError, Problem, ProblemList, RowError
from .limits import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CELLS,
    DEFAULT_MAX_ROWS,
    HEADER_SEARCH_ROWS,
    max_bytes,
    max_cells,
    max_rows,
)
from .reading import Sheet, read_sheet
from .registry import Importer, get_importer, importers
from .safety import MAX_UNCOMPRESSED_BYTES
from .validation import ImportRow, Layout, check_sheet, validate
from .writing import ImportResult, RowOutcome, import_reason, run_import

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CELLS",
    "DEFAULT_MAX_ROWS",
    "HEADER_SEARCH_ROWS",
    "KINDS",
    "MAX_PROBLEMS",
    "MAX_UNCOMPRESSED_BYTES",
    "CellError",
    "ImportColumn",
    "ImportError_",
    "ImportFileError",
    "ImportResult",
    "ImportRow",
    "Importer",
    "Layout",
    "Problem",
    "ProblemList",
    "RowError",
    "RowOutcome",
    "Sheet",
    "check_sheet",
    "clean_text",
    "get_importer",
    "import_reason",
    "importers",
    "max_bytes",
    "max_cells",
    "max_rows",
    "normalise",
    "read_sheet",
    "run_import",
    "validate",
]
