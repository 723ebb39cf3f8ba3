"""Dry run of a 10,000-row document register import (ISO 9001 7.5.3: master list kept up to date)."""

from bench.report import ProductMissing, Spec, require

DRY_RUN = Spec("import_10k_dry_run_s", "s", "report")
SPECS = (DRY_RUN,)


def run(context):
    require("cms.imports")
    raise ProductMissing("the harness does not measure this figure yet")
