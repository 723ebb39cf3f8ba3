"""The Wagtail admin list of nonconformities with 10,000 records: the queries it makes (ISO 9001 10.2.2).

A quality officer opens this list many times a day; its query count must not grow with the register.
"""

from django.urls import reverse

from bench.figures import common, data
from bench.report import ProductMissing, Spec, line, require

LIST_QUERIES = Spec("nc_admin_list_queries", "queries", "<= 25")
SPECS = (LIST_QUERIES,)


def admin_list_url(model):
    """The index URL of the admin viewset (ModelViewSet or SnippetViewSet) registered for `model`."""
    from wagtail.admin.viewsets import viewsets

    reverse("wagtailadmin_home")  # loads the admin URLconf, which registers the viewsets
    for viewset in viewsets.viewsets:
        if getattr(viewset, "model", None) is not model or "chooser" in type(viewset).__name__.lower():
            continue
        for view_name in ("index", "list"):
            try:
                return reverse(viewset.get_url_name(view_name))
            except Exception:  # noqa: BLE001,S112 - NoReverseMatch: try the other naming
                continue
    raise ProductMissing(f"no Wagtail admin list registered for {model.__name__} yet")


def run(context):
    require("qms.nonconformities.wagtail_hooks")
    from qms.core import roles
    from qms.nonconformities.models import Nonconformity

    data.ensure_nonconformities(context.sizes.nc_rows)
    officer = common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=data.units()[0], username="bench-qo")
    url = admin_list_url(Nonconformity)
    client = common.client_for(officer)
    first, response = common.count_queries(lambda: client.get(url))
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code} to a quality officer")
    second, _response = common.count_queries(lambda: client.get(url))
    records = Nonconformity.objects.count()
    return [
        line(
            LIST_QUERIES,
            second,
            met=second <= 25,
            note="second view of the list (the first warms per-process caches)",
            detail={"records": records, "first_view": first, "url": url},
        )
    ]
