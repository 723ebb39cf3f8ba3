"""The nonconformity register as Excel, 100,000 rows, against bare openpyxl write-only (ISO 9001 10.2.2, 9.3).

Product: a quality officer downloads the register from the admin (the real view, its queryset, the
shared spreadsheet layer, the streamed file). Bare stack: the same rows and columns fetched with
``values_list`` and written with openpyxl's write-only mode to a temporary file, nothing else.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import connection
from django.urls import NoReverseMatch, reverse
from openpyxl import Workbook

from bench.figures import common, data
from bench.report import ProductMissing, Spec, line, require

RATIO = Spec("xlsx_export_ratio", "ratio", "<= 1.3")
PEAK = Spec("xlsx_export_peak_mib", "MiB", "<= 150")
SPECS = (RATIO, PEAK)
ROOT = Path(__file__).resolve().parent.parent.parent

# The bare stack writes as many columns as the product's register, from plain column values.
NC_FIELDS = (
    "reference",
    "title",
    "source",
    "severity",
    "unit__code",
    "status",
    "reported_at",
    "reported_by__username",
    "owner__username",
    "description",
    "root_cause_method",
    "containment",
    "root_cause",
    "version",
    "severity",
    "closed_at",
    "status_changed_at",
)
ACTION_FIELDS = (
    "nonconformity__reference",
    "kind",
    "description",
    "owner__username",
    "due_date",
    "status",
    "status_changed_at",
    "completed_at",
    "evidence",
    "version",
)


def bare_export():
    """What writing the same rows costs with nothing but the ORM's values_list and openpyxl write-only."""
    from qms.nonconformities.models import CorrectiveAction, Nonconformity

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Nonconformities")
    sheet.append([name for name in NC_FIELDS])
    for row in Nonconformity.objects.order_by("reference").values_list(*NC_FIELDS).iterator(chunk_size=2000):
        sheet.append([_naive(value) for value in row])
    sheet = book.create_sheet("Actions")
    sheet.append([name for name in ACTION_FIELDS])
    actions = CorrectiveAction.objects.order_by("nonconformity__reference", "due_date", "pk")
    for row in actions.values_list(*ACTION_FIELDS).iterator(chunk_size=2000):
        sheet.append([_naive(value) for value in row])
    with tempfile.TemporaryFile(suffix=".xlsx") as spool:
        book.save(spool)
        return spool.tell()


def _naive(value):
    # Excel has no time zones; openpyxl refuses aware datetimes.
    return value.replace(tzinfo=None) if getattr(value, "tzinfo", None) is not None else value


def peak_in_own_process(username, url):
    """(peak MiB, method) of the export in a new process (see bench/export_child.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.export_child", username, url],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the export's own process failed: {result.stderr[-2000:]}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    return measured["peak_mib"], measured["method"]


def run(context):
    require("qms.nonconformities.register")
    from qms.core import roles
    from qms.nonconformities.models import CorrectiveAction, Nonconformity

    try:
        url = reverse("nonconformities_admin_register")
    except NoReverseMatch:
        raise ProductMissing("the admin register export URL is not registered yet") from None
    rows = context.sizes.xlsx_rows
    data.ensure_nonconformities(rows)
    officer = common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=data.units()[0], username="bench-export")
    client = common.client_for(officer)
    size = {}

    def product_export():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} to a quality officer")
        size["product"] = sum(len(chunk) for chunk in response.streaming_content)
        response.close()

    product_seconds, _result = common.timed(product_export)
    bare_seconds, _result = common.timed(bare_export)
    # SQLite: the child process reads the same database file; the harness holds no lock meanwhile.
    connection.close()
    product_peak, method = peak_in_own_process(officer.username, url)
    ratio = product_seconds / bare_seconds if bare_seconds else None
    detail = {
        "rows": Nonconformity.objects.count(),
        "action_rows": CorrectiveAction.objects.count(),
        "product_s": round(product_seconds, 2),
        "bare_s": round(bare_seconds, 2),
        "product_bytes": size.get("product"),
    }
    return [
        line(RATIO, None if ratio is None else round(ratio, 3), met=ratio is not None and ratio <= 1.3, detail=detail),
        line(
            PEAK,
            round(product_peak, 1),
            met=product_peak <= 150,
            note=(
                "growth of the resident set high-water mark during the export, in a process of its own "
                "warmed up by an empty export (VmHWM - VmRSS before)"
                if method == "rss"
                else "tracemalloc peak of Python allocations (the RSS high-water mark could not be reset)"
            ),
            detail={"method": method},
        ),
    ]
