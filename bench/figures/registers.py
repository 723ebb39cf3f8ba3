"""The objectives table and the admin list of risks, with few and many records: the queries they make (#16).

A quality officer and top management read the organisation-wide table of objectives with their health
(ISO 9001 6.2, 9.1.3) and the register of risks and opportunities (6.1) many times; each page must cost the
same with a handful of records as with a register that has grown for years. The records are written
directly (not through the services): only their number matters here, not their history.
"""

import datetime
from decimal import Decimal

from bench.figures import common, data
from bench.figures.nonconformities import admin_list_url
from bench.report import Spec, line, require

FEW = 5
OBJECTIVES_QUERIES = Spec("objectives_table_queries", "queries", "equal with few and many objectives")
RISK_LIST_QUERIES = Spec("risk_admin_list_queries", "queries", "equal with few and many risks")
SPECS = (OBJECTIVES_QUERIES, RISK_LIST_QUERIES)


def many(context):
    # Many more than a page of the admin list (50), each objective with indicators and a year of measurements.
    return 60 if context.sizes.smoke else 400


def run(context):
    require("qms.objectives.wagtail_hooks")
    require("qms.risks.wagtail_hooks")
    from django.urls import reverse

    from qms.core import roles
    from qms.risks.models import Risk

    unit = data.units()[0]
    officer = common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=unit, username="bench-registers")
    client = common.client_for(officer)
    table_url, risks_url = reverse("objectives:list"), admin_list_url(Risk)
    few, lots = FEW, many(context)
    counts = {"objectives": {}, "risks": {}}
    for size in (few, lots):
        _objectives_up_to(size, officer)
        _risks_up_to(size, officer, unit)
        counts["objectives"][size] = common.second_view_queries(client, table_url)
        counts["risks"][size] = common.second_view_queries(client, risks_url)
    return [
        _line(OBJECTIVES_QUERIES, counts["objectives"], few, lots, table_url),
        _line(RISK_LIST_QUERIES, counts["risks"], few, lots, risks_url),
    ]


def _line(spec, counts, few, lots, url):
    return line(
        spec,
        {f"records_{few}": counts[few], f"records_{lots}": counts[lots]},
        met=counts[few] == counts[lots],
        note="second view through the Django test client (the first warms per-process caches)",
        detail={"url": url},
    )


def _objectives_up_to(size, officer):
    """Objectives in force up to `size`, each with two monthly indicators measured for six months."""
    from qms.objectives.models import Indicator, Measurement, QualityObjective

    year = datetime.date.today().year
    have = QualityObjective.objects.filter(title__startswith="Bench ").count()
    objectives = QualityObjective.objects.bulk_create(
        QualityObjective(
            title=f"Bench {n}", year=year, owner=officer, drafted_by=officer, approved_by=officer, status="approved"
        )
        for n in range(have, size)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            objective=objective, name=f"Chỉ số {j}", target=Decimal(90), warning_threshold=Decimal(85), reporter=officer
        )
        for objective in objectives
        for j in range(2)
    )
    Measurement.objects.bulk_create(
        Measurement(
            indicator=indicator,
            period_start=datetime.date(year, month, 1),
            period_end=datetime.date(year, month, 28),
            value=Decimal(80 + 3 * month),
            recorded_by=officer,
        )
        for indicator in indicators
        for month in range(1, 7)
    )


def _risks_up_to(size, officer, unit):
    from qms.risks.models import Risk

    have = Risk.objects.filter(reference__startswith="R-BENCH-").count()
    Risk.objects.bulk_create(
        Risk(
            reference=f"R-BENCH-{n:05d}",
            title=f"Bench risk {n}",
            unit=unit,
            owner=officer,
            identified_by=officer,
            likelihood=1 + n % 5,
            impact=1 + (n // 5) % 5,
            status="assessed",
        )
        for n in range(have, size)
    )
