"""The nonconformity register as Excel, 100,000 rows, against bare openpyxl write-only (ISO 9001 9.1.3)."""

from bench.report import ProductMissing, Spec, require

RATIO = Spec("xlsx_export_ratio", "ratio", "<= 1.3")
PEAK = Spec("xlsx_export_peak_mib", "MiB", "<= 150")
SPECS = (RATIO, PEAK)


def run(context):
    require("qms.nonconformities.exports")
    raise ProductMissing("the harness does not measure this figure yet")
