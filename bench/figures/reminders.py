"""The reminder sweep over 10,000 and 100,000 due items: time, growth and queries (ISO 9001 7.5.3, 10.2)."""

from bench.report import ProductMissing, Spec, require

SWEEP_S = Spec("sweep_s_100k", "s", "report")
GROWTH = Spec("sweep_growth", "ratio", "<= 12 (linear)")
QUERIES = Spec("sweep_queries", "queries", "equal at 10k and 100k")
SPECS = (SWEEP_S, GROWTH, QUERIES)


def run(context):
    require("qms.reminders.services")
    raise ProductMissing("the harness does not measure this figure yet")
