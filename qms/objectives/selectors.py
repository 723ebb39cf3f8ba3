"""Reads of the objectives that several views share (ISO 9001 6.2, 9.1.3).

`objective_table` costs a fixed number of queries however many objectives, indicators and measurements
there are: each indicator's latest measured value is a subquery, not a query per row.
"""

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext as _

from qms.core.rules import available
from qms.core.timeline import Timeline

from . import rules, services
from .models import HEALTH_ORDER, Health, Indicator, Measurement, QualityObjective

S = QualityObjective.Status


def _latest(field):
    return Subquery(Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period_start").values(field)[:1])


def indicators_with_latest():
    return Indicator.objects.select_related("reporter").annotate(
        latest_value=_latest("value"), latest_period=_latest("period_start")
    )


def health_of_indicators(indicators):
    """The worst health among the indicators (each read from its latest value); not measured when none is."""
    healths = {indicator.health_of(indicator.latest_value) for indicator in indicators}
    for health in HEALTH_ORDER:
        if health in healths and health != Health.NOT_MEASURED:
            return health
    return Health.NOT_MEASURED


def visible_objectives(user):
    queryset = QualityObjective.objects.all()
    q = rules.visibility_filter(user)
    if q is not None:
        queryset = queryset.filter(pk__in=QualityObjective.objects.filter(q).values("pk"))
    return queryset


def objective_table(user, *, year=None, status=None):
    """The objectives `user` may read, each with `.rows` (its indicators with their latest value) and `.health`."""
    queryset = visible_objectives(user).select_related("unit", "owner")
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    queryset = queryset.prefetch_related(Prefetch("indicators", queryset=indicators_with_latest(), to_attr="rows"))
    objectives = list(queryset)
    for objective in objectives:
        objective.health = health_of_indicators(objective.rows)
        for indicator in objective.rows:
            indicator.health = indicator.health_of(indicator.latest_value)
    return objectives


def objectives_of_documents(document_ids):
    """{document id: [objectives in force concerning it, each with `.indicators_in_order`]}, in three queries.

    For an audit's checklist (ISO 9001 6.2, 9.2.2 a): an objective in force is an approved one; a draft is not
    yet set by top management and a closed one (achieved, not achieved, withdrawn) was evaluated already.
    """
    document_ids = list(document_ids)
    if not document_ids:
        return {}
    field = QualityObjective._meta.get_field("documents")
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    pairs = list(
        through.objects.filter(
            **{f"{target}_id__in": document_ids, f"{source}__status__in": QualityObjective.IN_FORCE}
        ).values_list(f"{source}_id", f"{target}_id")
    )
    if not pairs:
        return {}
    objectives = {
        objective.pk: objective
        for objective in QualityObjective.objects.filter(pk__in={o for o, _d in pairs}).prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("pk"), to_attr="indicators_in_order")
        )
    }
    found = {}
    for objective_id, document_id in pairs:
        found.setdefault(document_id, []).append(objectives[objective_id])
    for rows in found.values():
        rows.sort(key=lambda o: (-o.year, o.level, o.title, o.pk))  # the objectives' own order
    return found


def objective_detail(objective):
    """The objective's indicators, each with its measurements (`.series`), latest value and health."""
    indicators = list(
        indicators_with_latest()
        .filter(objective=objective)
        .prefetch_related(
            Prefetch(
                "measurements",
                queryset=Measurement.objects.select_related("recorded_by", "nonconformity").order_by("period_start"),
                to_attr="series",
            )
        )
    )
    for indicator in indicators:
        indicator.objective = objective
        indicator.health = indicator.health_of(indicator.latest_value)
        for measurement in indicator.series:
            measurement.indicator = indicator
    return indicators


ORDER = ("-history_date", "-history_id")


def objective_history(objective, indicators=None, limit=200):
    """Who changed what on the objective, its indicators and their measurements, and why (ISO 9001 7.5.3).

    Newest first, in a fixed number of queries however many indicators and measurements: each model's history
    rows in one query (the timeline tells the records apart by their key), as `audits.selectors.audit_history`.
    `indicators` (already read, with their names) saves reading them again.
    """
    names = {i.pk: i.name for i in (indicators if indicators is not None else objective.indicators.all())}
    verbose = Indicator._meta.verbose_name, Measurement._meta.verbose_name
    line = Timeline(limit)
    line.add(objective.history.select_related("history_user").order_by(*ORDER)[: limit + 1])
    line.add(
        Indicator.history.filter(objective_id=objective.pk).select_related("history_user").order_by("id", *ORDER),
        subject=lambda row: f"{verbose[0]}: {row.name}",
    )
    line.add(
        Measurement.history.filter(indicator_id__in=list(names)).select_related("history_user").order_by("id", *ORDER),
        subject=lambda row: f"{verbose[1]}: {names.get(row.indicator_id, '')} {row.period_start:%m/%Y}: {row.value}",
    )
    return line.entries()


def indicator_history(indicator, limit=200):
    """The indicator's own history and its measurements', in two queries."""
    verbose = Measurement._meta.verbose_name
    line = Timeline(limit)
    line.add(indicator.history.select_related("history_user").order_by(*ORDER)[: limit + 1])
    line.add(
        Measurement.history.filter(indicator_id=indicator.pk).select_related("history_user").order_by("id", *ORDER),
        subject=lambda row: f"{verbose}: {indicator.name} {row.period_start:%m/%Y}: {row.value}",
    )
    return line.entries()


def objective_actions(user, objective):
    """What `user` may do to `objective` now: the same rules and state checks the services enforce."""
    found = []
    approve_refusal = (
        "" if rules.may_approve(user, objective) else _("Only an approver who did not draft it approves it.")
    )
    if objective.status == S.DRAFT:
        found.append(
            available(
                "approve",
                _("Approve"),
                refusal=approve_refusal,
                blocker=services.approval_blocker(objective, user),
                target=S.APPROVED,
            )
        )
    may_close = user.has_perm("objectives.close_objective", objective)
    # In the statuses' order (CLOSING holds sets, whose order changes from one process to the next).
    closing = services.CLOSING.get(objective.status, set())
    for target in (status for status in S.values if status in closing):
        found.append(
            available(
                "close",
                QualityObjective.Status(target).label,
                refusal="" if may_close else _("You are not allowed to do this."),
                target=target,
            )
        )
    return found
