"""Pages that show a history timeline, with a short and a long history: the queries they make (issue 21).

ISO 9001 7.5.3: the trail of an audit (9.2.2 f), a nonconformity (10.2.2), a risk (6.1) or a management
review (9.3) only grows, and it is read every time the record is opened; the page must cost the same after
200 changes as after 10. The history is made through the product's services, many-to-many changes included
(an audit's scope units, clauses and team; a nonconformity's documents and clauses), and records of their own
shown on the timeline (a risk's reviews, a management review's decisions), as a year of real work would make it.
"""

import datetime

from django.urls import reverse

from bench.figures import common
from bench.report import Spec, line, require

GOAL_QUERIES = 30
RATIO_GOAL = 10.0
AUDIT_QUERIES = Spec("audit_workspace_queries", "queries", f"equal for 10 and 200 history records, <= {GOAL_QUERIES}")
NC_QUERIES = Spec("nc_page_queries", "queries", f"equal for 10 and 200 history records, <= {GOAL_QUERIES}")
RISK_QUERIES = Spec("risk_page_queries", "queries", f"equal for 10 and 200 history records, <= {GOAL_QUERIES}")
REVIEW_QUERIES = Spec("review_page_queries", "queries", f"equal for 10 and 200 history records, <= {GOAL_QUERIES}")
AUDIT_VS_HELLO = Spec("audit_workspace_vs_hello", "ratio", f"<= {RATIO_GOAL:g}")
SPECS = (AUDIT_QUERIES, NC_QUERIES, RISK_QUERIES, REVIEW_QUERIES, AUDIT_VS_HELLO)


def run(context):
    audit_services = require("audits.services")
    nc_services = require("qms.nonconformities.services")
    from qms.core import roles
    from qms.core.models import IsoClause, OrganisationUnit

    sizes = context.sizes
    home = OrganisationUnit.objects.create(code="BENCH-TL", name="Bench timelines")
    units = [OrganisationUnit.objects.create(code=f"BENCH-TL{n}", name=f"Bench timelines {n}") for n in range(3)]
    officer = common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=home, username="bench-tl-officer")
    auditors = [
        common.make_person(roles.AUDITORS, roles.STAFF, unit=home, username=f"bench-tl-auditor-{n}") for n in range(3)
    ]
    clauses = list(IsoClause.objects.filter(number__in=["8.2", "8.5", "9.1"]).order_by("sort_key"))
    sized = {"small": sizes.history_small, "large": sizes.history_large}

    programme = audit_services.programme_create(year=2026, objectives="Bench", user=officer)
    audits = {
        key: _audit_with_history(
            audit_services, programme, officer, auditors, units, clauses, records=records, reference=f"BENCH-{key}"
        )
        for key, records in sized.items()
    }
    documents = [_document(officer, home, n) for n in range(2)]
    ncs = {
        key: _nc_with_history(nc_services, officer, [home, units[0]], documents, clauses, records=records)
        for key, records in sized.items()
    }
    reader = common.client_for(auditors[0])
    audit_counts = {key: common.second_view_queries(reader, f"/audits/{audit.pk}/") for key, audit in audits.items()}
    officer_client = common.client_for(officer)
    nc_counts = {key: common.second_view_queries(officer_client, nc.get_absolute_url()) for key, nc in ncs.items()}
    lines = [
        _query_line(AUDIT_QUERIES, sized, audit_counts, {key: audit.history.count() for key, audit in audits.items()}),
        _query_line(NC_QUERIES, sized, nc_counts, {key: nc.history.count() for key, nc in ncs.items()}),
    ]
    lines.append(_risk_line(officer, home, sized))
    lines.append(_review_line(officer, home, sized))
    lines.append(_vs_hello(context, auditors[0], f"/audits/{audits['large'].pk}/"))
    return lines


def _query_line(spec, sized, counts, records):
    small, large = counts["small"], counts["large"]
    return line(
        spec,
        {f"history_{sized['small']}": small, f"history_{sized['large']}": large},
        met=small == large and large <= GOAL_QUERIES,
        note="second view over HTTP through the Django test client (the first warms per-process caches)",
        # The services add several records per change (one per many-to-many field changed): at least the size.
        detail={"history_records": records},
    )


def _audit_with_history(services, programme, officer, auditors, units, clauses, *, records, reference):
    """A planned audit whose plan changes (scope units, clauses, team, title) until it has `records` history records."""
    lead = auditors[0]
    audit = services.audit_create(
        programme=programme,
        reference=reference,
        title="Bench",
        planned_start=datetime.date(2026, 3, 1),
        planned_end=datetime.date(2026, 3, 2),
        lead_auditor=lead,
        team=[],
        units=units[:1],
        documents=[],
        clauses=clauses[:1],
        user=officer,
    )
    n = 0
    while audit.history.count() < records:
        odd = n % 2
        services.audit_update(
            audit=audit,
            user=officer,
            reason=f"Bench change {n}",
            title=f"Bench {n}",
            units=units[: 2 + odd],
            clauses=clauses[odd:],
            team=auditors[1 : 2 + odd],
        )
        n += 1
    return audit


def _document(officer, unit, n):
    services = require("cms.services")
    return services.document_create(
        identifier=f"QT-TL{n}", title=f"Bench timeline document {n}", unit=unit, user=officer, reason="Bench data"
    )


def _nc_with_history(services, officer, units, documents, clauses, *, records):
    """A nonconformity under investigation edited (title, unit, documents, clauses) until it has `records` records."""
    nc = services.nonconformity_report(
        title="Bench",
        description="Bench",
        source="staff_report",
        severity="minor",
        unit=units[0],
        reported_by=officer,
        documents=documents[:1],
        clauses=clauses[:1],
    )
    services.nonconformity_transition(nonconformity=nc, target="investigating", user=officer)
    n = 0
    while nc.history.count() < records:
        odd = n % 2
        services.nonconformity_update(
            nonconformity=nc,
            user=officer,
            reason=f"Bench change {n}",
            title=f"Bench {n}",
            unit=units[odd],
            documents=documents[odd:],
            clauses=clauses[odd:],
        )
        n += 1
    return nc


def _risk_line(officer, unit, sized):
    """A risk accepted, then reviewed until it has the size in history records (each review a record too)."""
    services = require("qms.risks.services")
    from qms.risks.models import RiskReview

    risks = {}
    for key, records in sized.items():
        risk = services.risk_identify(
            user=officer,
            kind="risk",
            title=f"Bench risk {key}",
            unit=unit,
            owner=officer,
            cause="Bench",
            consequence="Bench",
            likelihood=2,
            impact=2,
        )
        services.risk_plan_treatment(risk=risk, user=officer, treatment="accept", justification="Bench")
        n = 0
        while risk.history.count() < records:
            services.risk_review(
                risk=risk,
                user=officer,
                residual_likelihood=1 + n % 2,
                residual_impact=2,
                effectiveness=RiskReview.Effectiveness.NOT_APPLICABLE,
                reason=f"Bench review {n}",
            )
            n += 1
        risks[key] = risk
    client = common.client_for(officer)
    counts = {key: common.second_view_queries(client, risk.get_absolute_url()) for key, risk in risks.items()}
    return _query_line(RISK_QUERIES, sized, counts, {key: risk.history.count() for key, risk in risks.items()})


def _review_line(officer, unit, sized):
    """A management review with its pack, then decisions until its timeline (the review's, its sections' and
    its decisions' history) has the size in records; the officer's review screen in the admin."""
    services = require("qms.management_review.services")
    from qms.core import roles
    from qms.management_review.models import ManagementReview, ReviewDecision, ReviewSection

    def records(review):
        return (
            ManagementReview.history.filter(id=review.pk).count()
            + ReviewDecision.history.filter(review_id=review.pk).count()
            + ReviewSection.history.filter(review_id=review.pk).count()
        )

    chair = common.make_person(roles.APPROVERS, roles.STAFF, unit=unit, username="bench-tl-chair")
    reviews = {}
    for key, size in sized.items():
        review = services.review_plan(
            user=officer,
            title=f"Bench review {key}",
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 12, 31),
            meeting_date=datetime.date(2026, 12, 15),
            chair=chair,
        )
        review = services.pack_prepare(review=review, user=officer)
        n = 0
        while n < 2 or records(review) < size:
            services.decision_record(
                review=review, user=officer, kind=ReviewDecision.Kind.IMPROVEMENT, text=f"Bench decision {n}"
            )
            n += 1
        reviews[key] = review
    client = common.client_for(officer)
    urls = {key: reverse("management_review:detail", args=[review.pk]) for key, review in reviews.items()}
    counts = {key: common.second_view_queries(client, url) for key, url in urls.items()}
    return _query_line(REVIEW_QUERIES, sized, counts, {key: records(review) for key, review in reviews.items()})


def _vs_hello(context, auditor, path):
    """One client, one request at a time: the workspace's service time against hello's, same gunicorn."""
    headers = {"Cookie": common.session_cookie(auditor)}
    page_ms, hello_ms, requests = common.median_vs_hello(context, path, headers=headers, log_name="timelines")
    ratio = page_ms / hello_ms if hello_ms else None
    return line(
        AUDIT_VS_HELLO,
        None if ratio is None else round(ratio, 1),
        met=ratio is not None and ratio <= RATIO_GOAL,
        note="median service time of the workspace of the audit with the long history, one client, against hello",
        detail={"workspace_ms": round(page_ms, 2), "hello_ms": round(hello_ms, 2), "requests": requests},
    )
