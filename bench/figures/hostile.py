"""Hostile spreadsheets through the upload view: the slowest refusal (ISO 9001 7.1.3, infrastructure fit for use).

Each kind of qms.spreadsheets.hostile_files (a shared-string table of two million strings, one
32,767-character shared string in 10,000 cells, a string of a million characters shared or inline, a
million rows without a <dimension> or with a false one, 2,000 x 400 problem cells, one row of two
million cells, five million empty rows, a zip bomb, XML bombs, 5,000 sheets) is posted to the
upload view as a quality officer would post it, and timed from the request to the refusal on the
form. One more file stays within every limit but makes every cell a problem (19,990 rows x 10
columns): it is timed from the upload to its preview, which lists the first problems and writes
nothing. The figure is the slowest of them all: a web process is never tied up for longer.
"""

import re
import time
from io import BytesIO

from django.urls import reverse

from bench.figures import common, data
from bench.report import Spec, line, require

WORST = Spec("hostile_import_max_s", "s", "<= 5")
SPECS = (WORST,)
GOAL_S = 5.0
# The refusal as the upload form shows it (outside a test run a response carries no template context).
REFUSAL = re.compile(r'role="alert">\s*<p>(.*?)</p>', re.DOTALL)


def run(context):
    hostile_files = require("qms.spreadsheets.hostile_files")
    imports = require("qms.spreadsheets.imports")
    from qms.core import roles
    from qms.core.models import OrganisationUnit
    from qms.spreadsheets.models import ImportUpload

    importer = imports.get_importer("units")
    headings = [str(column.label) for column in importer.columns]
    officer = common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=data.units()[0], username="bench-hostile")
    client = common.client_for(officer)
    url = reverse("spreadsheets_admin:upload", kwargs={"key": importer.key})
    units_before = OrganisationUnit.objects.count()

    def post(content):
        file = BytesIO(content)
        file.name = "hostile.xlsx"
        return client.post(url, {"file": file})

    # The smoke run keeps each file just over the limits (seconds to build, not minutes).
    kinds = hostile_files.all_kinds(headings, scale=0 if context.sizes.smoke else 1)
    seconds, detail = {}, {}
    for name, build in kinds.items():
        content = build()
        began = time.perf_counter()
        response = post(content)
        seconds[name] = time.perf_counter() - began
        refusal = REFUSAL.search(response.content.decode()) if response.status_code == 200 else None
        if refusal is None or ImportUpload.objects.exists():
            raise RuntimeError(f"{name} was not refused at upload (status {response.status_code})")
        detail[name] = {"s": round(seconds[name], 2), "kib": len(content) // 1024, "refusal": refusal[1][:80]}

    # Within every limit: as many rows as allowed, ten cells each (the cells limit), all problems.
    rows = 500 if context.sizes.smoke else imports.max_rows() - imports.HEADER_SEARCH_ROWS
    columns = 10
    content = hostile_files.problem_cells(headings, rows=rows, columns=columns)
    began = time.perf_counter()
    response = post(content)
    preview = client.get(response["Location"]) if response.status_code == 302 else None
    name = f"problem_cells_{rows}x{columns}_upload_and_preview"
    seconds[name] = time.perf_counter() - began
    body = preview.content.decode() if preview is not None and preview.status_code == 200 else ""
    if "import-problems" not in body or 'id="import-commit"' in body:
        raise RuntimeError(f"{name}: the preview did not list the problems")
    detail[name] = {"s": round(seconds[name], 2), "kib": len(content) // 1024, "more": "import-problems-more" in body}
    if OrganisationUnit.objects.count() != units_before:
        raise RuntimeError("a hostile file wrote units")
    worst_name = max(seconds, key=seconds.get)
    worst = round(seconds[worst_name], 2)
    detail = {"worst": worst_name, "files": detail}
    note = "smoke: files just over the limits, proves nothing about speed" if context.sizes.smoke else None
    return [line(WORST, worst, met=worst <= GOAL_S, note=note, detail=detail)]
