"""The register of administrative procedures at a province's size: the queries of its lists, and how fast
citizens' list answers (issue 19; ISO 9001 8.2.1 a, 8.5.1, 9.1.1).

A province's departments together publish about 2,000 procedures, each with five years of monthly one-stop
figures. Citizens search the public list (`/thu-tuc/`) without logging in; quality officers read the
register's admin list and the list of figures. Each must cost the same with 20 procedures as with 2,000.
The procedures, their ways of applying and their figures are written in bulk (no services, no history):
only their number matters here.
"""

import datetime
import statistics
import time
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from bench.figures import common, data
from bench.figures.nonconformities import admin_list_url
from bench.report import Spec, line, require

RATIO_GOAL = 10.0
PUBLIC_QUERIES = Spec(
    "procedures_public_list_queries", "queries", "equal with 20 and 2,000 procedures, searched and filtered too"
)
ADMIN_QUERIES = Spec("procedures_admin_list_queries", "queries", "equal with 20 and 2,000 procedures")
FIGURES_QUERIES = Spec(
    "procedure_figures_admin_list_queries", "queries", "equal with 20 and 2,000 procedures' five years of figures"
)
PUBLIC_VS_HELLO = Spec("procedures_public_list_vs_hello", "ratio", f"<= {RATIO_GOAL:g}")
SPECS = (PUBLIC_QUERIES, ADMIN_QUERIES, FIGURES_QUERIES, PUBLIC_VS_HELLO)

FIELDS = ("Văn hóa", "Gia đình", "Thể dục thể thao", "Du lịch", "Di sản văn hóa", "Nghệ thuật biểu diễn", "Quảng cáo")
LEVELS = ("province", "district", "commune")
SEARCH = "giấy phép"  # in every procedure's name: the search matches many, as a citizen's often does


def run(context):
    require("qms.procedures.wagtail_hooks")
    from django.test import Client

    from qms.core import roles
    from qms.procedures.models import AdministrativeProcedure, ProcedurePerformance

    sizes = context.sizes
    unit = data.units()[0]
    officer = common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=unit, username="bench-procedures")
    officer_client, citizen = common.client_for(officer), Client()
    public_url = reverse("procedures:list")
    public = {
        "list": public_url,
        "search": f"{public_url}?{urlencode({'q': SEARCH})}",
        "filter": f"{public_url}?{urlencode({'q': SEARCH, 'level': 'district', 'field': FIELDS[1]})}",
    }
    admin = admin_list_url(AdministrativeProcedure)
    figures = admin_list_url(ProcedurePerformance)
    few, lots = sizes.procedures_few, sizes.procedures_many
    counts = {"public": {}, "admin": {}, "figures": {}}
    for size in (few, lots):
        _procedures_up_to(size, unit, sizes.procedure_months)
        counts["public"][size] = {key: _rendered_queries(citizen, url) for key, url in public.items()}
        counts["admin"][size] = common.second_view_queries(officer_client, admin)
        counts["figures"][size] = common.second_view_queries(officer_client, figures)
    records = {
        "procedures": AdministrativeProcedure.objects.count(),
        "monthly_figures": ProcedurePerformance.objects.count(),
    }
    public_line = line(
        PUBLIC_QUERIES,
        {f"procedures_{size}": counts["public"][size] for size in (few, lots)},
        met=counts["public"][few] == counts["public"][lots],
        note="an anonymous citizen's second view of the list, searched, and searched with level and field, "
        "rendered (its cached body made unreachable first; a cached view reads no database)",
        detail={"urls": public, **records},
    )
    return [
        public_line,
        _equal_line(ADMIN_QUERIES, counts["admin"], few, lots, {"url": admin, **records}),
        _equal_line(FIGURES_QUERIES, counts["figures"], few, lots, {"url": figures, **records}),
        _vs_hello(context, public["search"], records, _render_ms(citizen, public["search"], context.sizes)),
    ]


def _rendered_queries(client, url):
    """The queries of rendering the public list's body: the second view after its cache was invalidated
    (what a view costs after a change to the register; a cached one makes none)."""
    from qms.procedures import public_cache

    client.get(url)  # the per-process caches, as second_view_queries warms them
    public_cache.invalidate()
    queries, response = common.count_queries(lambda: client.get(url))
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return queries


def _equal_line(spec, counts, few, lots, detail):
    return line(
        spec,
        {f"procedures_{few}": counts[few], f"procedures_{lots}": counts[lots]},
        met=counts[few] == counts[lots],
        note="a quality officer's second view through the Django test client (the first warms per-process caches)",
        detail=detail,
    )


def _render_ms(client, url, sizes):
    """(list ms, hello ms): medians through the Django test client in this process, the list's cached body made
    unreachable before each view. The served figure is of cached views (gunicorn's second view of one
    search); this is what the first citizen after a change, or with a new search, waits for."""
    from qms.procedures import public_cache

    def median_ms(path, invalidate):
        times = []
        for _ in range(5 if sizes.smoke else 50):
            if invalidate:
                public_cache.invalidate()
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
        return statistics.median(times)

    client.get(url)  # the per-process caches
    client.get(common.HELLO)
    return median_ms(url, True), median_ms(common.HELLO, False)


def _vs_hello(context, path, records, rendered):
    """A citizen's search of the full register: its median service time against hello's, one client."""
    page_ms, hello_ms, requests = common.median_vs_hello(context, path, log_name="procedures")
    ratio = page_ms / hello_ms if hello_ms else None
    return line(
        PUBLIC_VS_HELLO,
        None if ratio is None else round(ratio, 1),
        met=ratio is not None and ratio <= RATIO_GOAL,
        note="median service time of the public list searched over the whole register, anonymous, one client; "
        "after the first view of the search its body comes from the list's cache",
        detail={
            "list_ms": round(page_ms, 2),
            "hello_ms": round(hello_ms, 2),
            "requests": requests,
            # Not the figure: a render in this process (test client), against hello there.
            "rendered_list_ms_in_process": round(rendered[0], 2),
            "hello_ms_in_process": round(rendered[1], 2),
            **records,
        },
    )


def _procedures_up_to(size, unit, months):
    """Published procedures up to `size`, each with three ways of applying and `months` months of figures."""
    from qms.procedures import public_cache
    from qms.procedures.models import AdministrativeProcedure, ApplicationWay, ProcedurePerformance

    have = AdministrativeProcedure.objects.filter(code__startswith="9.").count()
    procedures = AdministrativeProcedure.objects.bulk_create(
        (
            AdministrativeProcedure(
                code=f"9.{n:06d}.B38",
                name=f"Thủ tục cấp giấy phép số {n} ({FIELDS[n % len(FIELDS)].lower()})",
                level=LEVELS[n % len(LEVELS)],
                field=FIELDS[n % len(FIELDS)],
                implementing_agency="Sở Văn hóa, Thể thao và Du lịch",
                unit=unit,
                # One in ten is repealed or internal: the public list leaves them out.
                status="repealed" if n % 10 == 9 else "in_force",
                is_public=n % 10 != 8,
            )
            for n in range(have, size)
        ),
        batch_size=data.BATCH,
    )
    ApplicationWay.objects.bulk_create(
        (
            ApplicationWay(procedure=procedure, kind=kind, time_limit=Decimal(5 + n % 3 * 5), sort_order=k)
            for n, procedure in enumerate(procedures)
            for k, kind in enumerate(("in_person", "post", "online"))
        ),
        batch_size=data.BATCH,
    )
    # bulk_create sends no post_save: the list cached at the smaller size would be served at the larger.
    public_cache.invalidate()
    first = datetime.date.today().replace(day=1)
    month_starts = []
    for _ in range(months):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        month_starts.append(first)
    ProcedurePerformance.objects.bulk_create(
        (
            ProcedurePerformance(
                procedure=procedure,
                month=month,
                received=10 + m % 7,
                on_time=9 + m % 7,
                late=1 if (n + m) % 23 == 0 else 0,
                in_progress=m % 3,
            )
            for n, procedure in enumerate(procedures)
            for m, month in enumerate(month_starts)
        ),
        batch_size=data.BATCH,
    )
