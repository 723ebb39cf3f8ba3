"""The admin pages a quality officer opens all day, against a hello view: service time, one client (issue 21).

ISO 9001 10.2.2 and 7.5.3: the register of nonconformities and the master list of documents are the
officer's daily tools, and the dashboard is where the day starts (9.1.3); each must cost a small
multiple of the bare stack whatever the size of the registers.
"""

from django.urls import reverse

from bench.figures import common, data
from bench.figures.nonconformities import admin_list_url
from bench.report import Spec, line, require

GOAL = 10.0
NC_LIST = Spec("nc_admin_list_vs_hello", "ratio", f"<= {GOAL:g}")
MASTER_LIST = Spec("master_list_vs_hello", "ratio", f"<= {GOAL:g}")
DASHBOARD = Spec("admin_dashboard_vs_hello", "ratio", f"<= {GOAL:g}")
SPECS = (NC_LIST, MASTER_LIST, DASHBOARD)


def run(context):
    require("qms.nonconformities.wagtail_hooks")
    services = require("cms.services")
    from qms.core import roles
    from qms.nonconformities.models import Nonconformity

    sizes = context.sizes
    data.ensure_nonconformities(sizes.nc_rows)
    unit = data.units()[0]
    officer = common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=unit, username="bench-admin-qo")
    for n in range(sizes.master_list_documents):
        services.document_create(
            identifier=f"QT-ML{n:03d}",
            title=f"Quy trình danh mục {n}",
            unit=unit,
            user=officer,
            reason="Bench data",
            content={"purpose": "<p>" + "Mục đích của quy trình. " * 20 + "</p>"},
        )
    headers = {"Cookie": common.session_cookie(officer)}
    pages = (
        (NC_LIST, admin_list_url(Nonconformity), f"{Nonconformity.objects.count()} nonconformities, 50 a page"),
        (MASTER_LIST, reverse("cms_register"), f"{sizes.master_list_documents} documents, 50 a page"),
        (DASHBOARD, reverse("wagtailadmin_home"), "a quality officer's dashboard with every panel"),
    )
    lines = []
    for spec, url, what in pages:
        page_ms, hello_ms, requests = common.median_vs_hello(context, url, headers=headers, log_name=spec.name)
        ratio = page_ms / hello_ms if hello_ms else None
        lines.append(
            line(
                spec,
                None if ratio is None else round(ratio, 1),
                met=ratio is not None and ratio <= GOAL,
                note=f"median service time of {url}, one client, against hello on the same gunicorn: {what}",
                detail={"page_ms": round(page_ms, 2), "hello_ms": round(hello_ms, 2), "requests": requests},
            )
        )
    return lines
