"""Reads of the risk register that several views share (ISO 9001 6.1): the filtered list, the heat map, the
next steps a person may take.

`risk_list` costs a fixed number of queries however many risks there are (related rows are joined, the band
is read from the score); the heat map is one grouped query.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from qms.core.rules import available

from . import rules, scoring, services
from .models import Risk

S = Risk.Status

# The filters of the site list and of the heat map's links: name → how it narrows the queryset.
FILTERS = ("kind", "band", "unit", "status", "owner", "likelihood", "impact")


def visible_risks(user):
    queryset = Risk.objects.all()
    q = rules.visibility_filter(user)
    if q is not None:
        queryset = queryset.filter(q)
    return queryset


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def clean_filters(params):
    """The filters of a request's query string that mean something, as {name: value}; the rest is dropped."""
    found = {}
    if params.get("kind") in Risk.Kind.values:
        found["kind"] = params["kind"]
    if params.get("band") in scoring.Band.values:
        found["band"] = params["band"]
    if params.get("status") in S.values:
        found["status"] = params["status"]
    for name in ("unit", "owner"):
        value = _int(params.get(name))
        if value:
            found[name] = value
    for name in ("likelihood", "impact"):
        value = _int(params.get(name))
        if value is not None and scoring.valid_rating(value):
            found[name] = value
    return found


def filtered(queryset, filters):
    filters = dict(filters)
    band = filters.pop("band", None)
    if band:
        low, high = scoring.band_score_range(band)
        queryset = queryset.annotate(score_value=F("likelihood") * F("impact")).filter(
            score_value__gte=low, score_value__lte=high
        )
    names = {"unit": "unit_id", "owner": "owner_id"}
    return queryset.filter(**{names.get(name, name): value for name, value in filters.items()})


def risk_list(user, filters=None):
    """The risks `user` may read, narrowed by `filters` (see `clean_filters`), with what a row shows."""
    queryset = filtered(visible_risks(user), filters or {})
    return list(queryset.select_related("unit", "owner", "document", "procedure").order_by("-created_at", "-pk"))


def open_risks_of_documents(document_ids):
    """{document id: [open risks and opportunities arising in it]}, in one query, by reference.

    For an audit's checklist (ISO 9001 6.1.2, 9.2.2 a): a closed risk no longer applies to the process (it was
    closed with its reason, no action left open), so there is nothing of it left to audit there.
    """
    document_ids = list(document_ids)
    found = {}
    if not document_ids:
        return found
    queryset = Risk.objects.filter(document_id__in=document_ids, status__in=Risk.OPEN_STATUSES)
    for risk in queryset.order_by("reference", "pk"):
        found.setdefault(risk.document_id, []).append(risk)
    return found


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    count: int
    band: str

    @property
    def score(self):
        return self.likelihood * self.impact


def heat_map(user, filters=None, *, residual=False):
    """The likelihood × impact grid of the open risks `user` may read: rows from the highest likelihood down,
    each a list of cells (impact 1 → scale), each with its count and band. One query."""
    filters = {k: v for k, v in (filters or {}).items() if k not in ("likelihood", "impact", "band")}
    queryset = filtered(visible_risks(user), filters)
    if "status" not in filters:
        queryset = queryset.filter(status__in=Risk.OPEN_STATUSES)
    lf, ff = ("residual_likelihood", "residual_impact") if residual else ("likelihood", "impact")
    counts = {
        (row[lf], row[ff]): row["n"]
        for row in queryset.filter(**{f"{lf}__isnull": False, f"{ff}__isnull": False})
        .values(lf, ff)
        .annotate(n=Count("pk"))
        .order_by()
    }
    ratings = scoring.ratings()
    return [
        [
            Cell(likelihood, impact, counts.get((likelihood, impact), 0), scoring.band_of(likelihood * impact))
            for impact in ratings
        ]
        for likelihood in reversed(ratings)
    ]


def unrated_count(user):
    return (
        visible_risks(user)
        .filter(Q(likelihood__isnull=True) | Q(impact__isnull=True), status__in=Risk.OPEN_STATUSES)
        .count()
    )


def risk_actions(user, risk):
    """What `user` may do to `risk` now (action, label, allowed, why not): the rules and state checks the
    services enforce, for the site and the admin alike."""
    refusal = {
        perm: "" if user.has_perm(f"risks.{perm}", risk) else _("You are not allowed to do this.")
        for perm in ("maintain_risk", "plan_treatment", "review_risk", "close_risk")
    }
    closed = "" if risk.is_open else _("This risk is closed.")
    return [
        available("edit", _("Edit"), refusal=refusal["maintain_risk"], blocker=closed),
        available("assess", _("Assess"), refusal=refusal["maintain_risk"], blocker=closed, target=S.ASSESSED),
        available(
            "plan_treatment",
            _("Decide the treatment"),
            refusal=refusal["plan_treatment"],
            blocker=services.treatment_blocker(risk),
        ),
        available(
            "plan_action",
            _("Plan a treatment action"),
            refusal=refusal["plan_treatment"],
            blocker=services.planning_blocker(risk) or "",
        ),
        available(
            "review",
            _("Review"),
            refusal=refusal["review_risk"],
            blocker=services.review_blocker(risk),
            target=S.MONITORED,
        ),
        available("link_nonconformity", _("Link a nonconformity"), refusal=refusal["maintain_risk"]),
        available(
            "close", _("Close"), refusal=refusal["close_risk"], blocker=services.close_blocker(risk), target=S.CLOSED
        ),
    ]
