"""Dry run of a 10,000-row document register import (ISO 9001 7.5.3: the master list of documents).

The file is what an organisation brings from its paper register: one row per document, built from
the importer's own columns (its template's example values, with a unique identifier per row and a
unit that exists). The dry run is the real one: read, validate, apply every row in a transaction,
roll back.
"""

import datetime
import io
import time

from openpyxl import Workbook

from bench.figures import common, data
from bench.report import Spec, line, require

DRY_RUN = Spec("import_10k_dry_run_s", "s", "report")
SPECS = (DRY_RUN,)
FULL_ROWS = 10_000


def document_importer(imports):
    for importer in imports.importers().values():
        if type(importer).__module__ == "cms.imports":
            return importer
    raise RuntimeError("cms.imports registers no importer")


def register_file(importer, rows, *, unit_code, owner_username):
    """The register as .xlsx bytes: the importer's headings, then `rows` rows of valid, distinct documents."""
    columns = importer.columns
    example = importer.example_rows()[0]
    overrides = {
        "identifier": lambda n: f"QT-I{n:05d}",
        "title": lambda n: f"Quy trình nhập từ sổ đăng ký số {n}",
        "unit": lambda n: unit_code,
        "unit_code": lambda n: unit_code,
        "process_owner": lambda n: owner_username,
        "owner": lambda n: owner_username,
    }
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.append([str(column.label) for column in columns])
    for n in range(1, rows + 1):
        values = []
        for column in columns:
            make = overrides.get(column.name)
            value = make(n) if make else example.get(column.name)
            keep = value is None or isinstance(value, int | float | datetime.date)  # typed cells stay typed
            values.append(value if keep else str(value))
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(context):
    imports = require("qms.spreadsheets.imports")
    require("cms.imports")
    from qms.core import roles

    importer = document_importer(imports)
    unit = data.units()[0]
    officer = common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=unit, username="bench-importer")
    rows = context.sizes.import_rows
    content = register_file(importer, rows, unit_code=unit.code, owner_username=officer.username)
    began = time.perf_counter()
    result = imports.run_import(importer, content, user=officer, filename="so-dang-ky.xlsx", commit=False)
    seconds = time.perf_counter() - began
    if result.rows_read != rows:
        raise RuntimeError(f"the importer read {result.rows_read} rows of {rows}")
    if result.problems:
        # A file the importer refuses row by row is checked in no time and measures nothing.
        raise RuntimeError(f"the bench register has problems, e.g. {result.problems[0]}")
    detail = {"rows": rows, "seconds": round(seconds, 2), "per_row_ms": round(seconds / rows * 1000, 1)}
    detail["outcomes"] = result.counts()
    if rows != FULL_ROWS and not context.sizes.smoke:
        # Never a number scaled up: the figure is the 10,000-row time or nothing.
        return [line(DRY_RUN, None, note=f"not available: measured on {rows} rows only (see detail)", detail=detail)]
    return [line(DRY_RUN, round(seconds, 2), detail=detail)]
