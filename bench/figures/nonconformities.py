"""The admin list of nonconformities with 10,000 records: the queries it makes (ISO 9001 10.2.2)."""

from bench.report import ProductMissing, Spec, require

LIST_QUERIES = Spec("nc_admin_list_queries", "queries", "<= 25")
SPECS = (LIST_QUERIES,)


def run(context):
    require("qms.nonconformities.wagtail_hooks")
    raise ProductMissing("the harness does not measure this figure yet")
