"""The document page against a hello view: same gunicorn, same middleware, same load generator.

ISO 9001 7.5.3.1 a): documented information is available where and when it is needed; staff read
the current process document many times a day, so its page must cost little more than the stack.
"""

import statistics
from urllib.parse import urlsplit

from django.db import connection

from bench import loadgen
from bench.figures import common
from bench.report import ProductMissing, Spec, line, require, unavailable
from bench.server import Gunicorn

RPS_GOAL = 0.8
FIRST_VIEW_GOAL = 0.5
RPS = Spec("doc_page_vs_hello_rps", "ratio", f">= {RPS_GOAL}")
FIRST_VIEW = Spec("doc_first_view_vs_hello_rps", "ratio", f">= {FIRST_VIEW_GOAL}")
P95 = Spec("doc_page_p95_ms", "ms", "report")
QUERIES = Spec("doc_page_queries", "queries", "equal for 1 and 30 versions, <= 15")
SPECS = (RPS, FIRST_VIEW, P95, QUERIES)

HELLO = "/bench/hello"


def run(context):
    from qms.core import roles

    sizes = context.sizes
    reader = common.make_person(roles.STAFF, username="bench-reader")
    other_reader = common.make_person(roles.STAFF, username="bench-reader-2")
    cookie = common.session_cookie(reader)
    try:
        documents = build_documents(sizes)
    except ProductMissing as missing:
        documents, why = None, str(missing)
    queries = first_view_plans = None
    if documents is not None:
        queries = measure_queries((reader, other_reader), documents)
        first_view_plans, first_view_warm = build_first_views(sizes)
    # SQLite: no connection of the harness may hold a lock while gunicorn's workers read.
    connection.close()
    headers = {"Cookie": cookie}
    with Gunicorn(workers=sizes.workers, log_path=context.run_dir / "gunicorn.log") as server:
        if documents is None:
            hello = _load(server, HELLO, headers, sizes)
            return [unavailable(spec, why, detail={"hello_rps": round(hello.rps, 1)}) for spec in SPECS]
        page_path = documents["30"]["path"]
        status, body = server.get(page_path, headers)
        if status != 200 or documents["30"]["identifier"].encode() not in body:
            raise RuntimeError(f"the document page answered {status} without its identifier; see the gunicorn log")
        _load(server, HELLO, headers, sizes, warm_up=True)
        _load(server, page_path, headers, sizes, warm_up=True)
        hello_runs, page_runs = [], []
        # Alternate the two so that a burst of load from elsewhere hits both alike.
        for _repeat in range(sizes.load_rounds):
            hello_runs.append(_load(server, HELLO, headers, sizes))
            page_runs.append(_load(server, page_path, headers, sizes))
        # Each (reader, document) of the plan is read once only: one run, between two of hello's. The
        # readers have logged in (their home page) and each document was read today by someone else.
        for warm_path, warm_headers in first_view_warm:
            status, _body = server.get(warm_path, warm_headers)
            if status != 200:
                raise RuntimeError(f"{warm_path} answered {status} while warming up")
        # Each round its own readers, between two runs of hello; the best round, as for the repeats.
        first_hello, first_runs = [hello_runs[-1]], []
        for plan in first_view_plans:
            first_runs.append(_load(server, None, headers, sizes, plan=plan))
            first_hello.append(_load(server, HELLO, headers, sizes))
        first_view = max(first_runs, key=lambda run: run.rps)
    hello_rps = max(run.rps for run in hello_runs)
    page_rps = max(run.rps for run in page_runs)
    latencies = [ms for run in page_runs for ms in run.latencies_ms]
    p95 = _percentile(latencies, 95)
    errors = sum(run.errors for run in hello_runs + page_runs)
    detail = {
        "doc_rps": round(page_rps, 1),
        "hello_rps": round(hello_rps, 1),
        "clients": sizes.clients,
        "workers": sizes.workers,
        "requests": sum(run.ok for run in page_runs),
        "errors": errors,
    }
    ratio = page_rps / hello_rps if hello_rps else None
    first_hello_rps = max(run.rps for run in first_hello)
    first_ratio = first_view.rps / first_hello_rps if first_hello_rps else None
    lines = [
        line(RPS, _round(ratio, 3), met=ratio is not None and ratio >= RPS_GOAL, detail=detail),
        line(
            FIRST_VIEW,
            _round(first_ratio, 3),
            met=first_ratio is not None and first_ratio >= FIRST_VIEW_GOAL,
            note=(
                f"{sizes.first_view_readers} staff members, each reading {sizes.first_view_documents} documents "
                "(30 versions, 10 forms, 20 steps) they had not read, every (reader, document) once; each reader "
                "has opened the home page and each document was read once by someone else before; the best of "
                f"{sizes.load_rounds} rounds, each with other readers, against the best of the hello runs around them"
            ),
            detail={
                "first_view_rps": round(first_view.rps, 1),
                "hello_rps": round(first_hello_rps, 1),
                "requests": first_view.ok,
                "rounds_rps": [round(run.rps, 1) for run in first_runs],
                "errors": first_view.errors,
                "p50_ms": _round(_percentile(first_view.latencies_ms, 50), 1),
                "p95_ms": _round(_percentile(first_view.latencies_ms, 95), 1),
                "statuses": first_view.statuses,
            },
        ),
        line(
            P95,
            _round(p95, 1),
            detail={
                "clients": sizes.clients,
                "p50_ms": _round(_percentile(latencies, 50), 1),
                "hello_p95_ms": _round(_percentile([ms for run in hello_runs for ms in run.latencies_ms], 95), 1),
            },
        ),
    ]
    one, thirty = queries["1"], queries["30"]
    lines.append(
        line(
            QUERIES,
            {"versions_1": one["rendered"], "versions_30": thirty["rendered"]},
            met=one["rendered"] == thirty["rendered"] and thirty["rendered"] <= 15,
            note=(
                "a second staff member's first view (the page every reader shares, kept by the first reader; "
                "their own parts, profile included, built for them); 'detail': the very first view after the "
                "cache was emptied, and a repeated view served by the reader cache"
            ),
            detail={
                "cold_versions_1": one["cold"],
                "cold_versions_30": thirty["cold"],
                "second_versions_1": one["second"],
                "second_versions_30": thirty["second"],
                "repeat_versions_1": one["repeat"],
                "repeat_versions_30": thirty["repeat"],
            },
        )
    )
    return lines


def _load(server, path, headers, sizes, warm_up=False, plan=None):
    if warm_up:
        return loadgen.run(server.host, server.port, path, headers=headers, clients=4, max_requests=40, max_seconds=10)
    result = loadgen.run(
        server.host,
        server.port,
        path,
        headers=headers,
        clients=sizes.clients,
        max_requests=sizes.load_max_requests,
        max_seconds=sizes.load_seconds,
        plan=plan,
    )
    if result.ok == 0:
        raise RuntimeError(f"no successful request on {path}: statuses {result.statuses}")
    return result


def _percentile(values, q):
    if not values:
        return None
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _round(value, digits):
    return None if value is None else round(value, digits)


def measure_queries(readers, documents):
    """Queries of a first view with nothing cached, of another reader's first view, and of a repeated view."""
    from django.core.cache import cache

    first, second = (common.client_for(reader) for reader in readers)
    counts = {}
    # Twice, the first pass warming the process's own caches (content types, sites), as the other
    # query figures measure a second view.
    for _pass in range(2):
        for key, document in documents.items():
            cache.clear()
            counts[key] = {
                "cold": _count(first, document["path"], "miss"),
                "rendered": _count(second, document["path"], "shared"),
                # A first view is usually the only one: the reader's part is kept from the second on.
                "second": _count(second, document["path"], "shared"),
                "repeat": _count(second, document["path"], "hit"),
            }
    return counts


def _count(client, path, expected):
    queries, response = common.count_queries(lambda: client.get(path))
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} to a staff member")
    if response.get("X-Reader-Cache") != expected:
        raise RuntimeError(f"{path}: expected a reader-cache {expected}, got {response.get('X-Reader-Cache')}")
    return queries


def build_documents(sizes):
    """Two current documents, with 1 and with 30 versions, each with 10 forms and 20 steps."""
    from qms.core import roles
    from qms.core.models import OrganisationUnit

    unit = OrganisationUnit.objects.create(code="BENCH", name="Bench unit")
    officer = common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=unit, username="bench-officer")
    return {
        key: _document(sizes, unit, officer, key, versions) for key, versions in (("1", 1), ("30", sizes.doc_versions))
    }


def build_first_views(sizes):
    """The plans of the first-view figure, one per round: `first_view_readers` staff of the documents' unit
    (so that each is asked to acknowledge) in each, other people in each round, `first_view_documents`
    documents of 30 versions, each (reader, document) once, readers interleaved so that every document is
    read by many readers at once."""
    from qms.core import roles
    from qms.core.models import OrganisationUnit

    unit = OrganisationUnit.objects.create(code="BENCH-FV", name="Bench first views")
    officer = common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=unit, username="bench-fv-officer")
    paths = [
        _document(sizes, unit, officer, f"FV{n}", sizes.doc_versions)["path"] for n in range(sizes.first_view_documents)
    ]
    plans, warm = [], []
    for round_ in range(sizes.load_rounds):
        cookies = [
            {
                "Cookie": common.session_cookie(
                    common.make_person(roles.STAFF, unit=unit, username=f"bench-fv-{round_}-{n}")
                )
            }
            for n in range(sizes.first_view_readers)
        ]
        plans.append(
            [
                (paths[(reader + step) % len(paths)], cookie)
                for step in range(len(paths))
                for reader, cookie in enumerate(cookies)
            ]
        )
        warm += [("/", cookie) for cookie in cookies]
    someone_else = {"Cookie": common.session_cookie(officer)}
    return plans, warm + [(path, someone_else) for path in paths]


def _document(sizes, unit, officer, key, versions):
    """A current document with `versions` versions, 10 forms and 20 steps.

    Built through the product's own services (cms.services): every version is a real Wagtail
    revision published through page_published, as the register import does.
    """
    import datetime

    from django.utils import timezone

    services = require("cms.services")
    today = timezone.localdate()
    content = {
        "purpose": "<p>" + "Mục đích của quy trình. " * 20 + "</p>",
        "scope": "<p>" + "Phạm vi áp dụng cho các đơn vị. " * 20 + "</p>",
        "steps": [
            (
                "step",
                {
                    "step": f"Bước {n}: tiếp nhận, kiểm tra và xử lý hồ sơ theo quy định. " * 3,
                    "responsible": "Chuyên viên một cửa",
                    "time_limit": f"{n} ngày",
                    "output": f"Phiếu kết quả bước {n}",
                },
            )
            for n in range(1, sizes.doc_steps + 1)
        ],
        "forms": [{"code": f"BM-{key}-{n:02d}", "title": f"Biểu mẫu {n}"} for n in range(1, sizes.doc_forms + 1)],
    }
    first = today - datetime.timedelta(days=versions)
    page = services.document_create(
        identifier=f"QT-B{key}",
        title=f"Quy trình đo hiệu năng {key}",
        unit=unit,
        user=officer,
        reason="Bench data",
        effective_date=first,
        content=content,
    )
    for number in range(2, versions + 1):
        page = services.document_publish_imported_revision(
            page=page,
            user=officer,
            reason="Bench data",
            change_summary=f"Sửa đổi lần {number}",
            effective_date=first + datetime.timedelta(days=number - 1),
            changes={"title": f"Quy trình đo hiệu năng {key} (lần {number})"},
        )
    recorded = page.versions.count()
    if recorded != versions:
        raise RuntimeError(f"{page.identifier} has {recorded} versions, not {versions}")
    return {"path": urlsplit(page.get_url()).path, "identifier": page.identifier}
