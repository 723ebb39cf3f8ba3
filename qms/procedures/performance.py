"""The one-stop figures: recording a month, on-time rates, and a nonconformity for late dossiers.

ISO 9001 9.1.1 (monitoring and measurement: the share of dossiers resolved on time is the service's
measure), 8.7 and 10.2 (a dossier resolved late is a nonconforming output: one nonconformity per
procedure and month that had late dossiers, raised once, however often the month is imported again).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from qms.core.records import NotPermitted, save_with_history
from qms.nonconformities import services as nonconformity_services
from qms.nonconformities.models import Nonconformity

from .events import PerformanceEvent
from .models import ProcedurePerformance

FIGURES = ("carried_over", "received", "on_time", "late", "in_progress", "returned", "apology_slips")


def first_of_month(day):
    return day.replace(day=1)


@transaction.atomic
def performance_record(*, procedure, month, figures, user, reason=""):
    """Record (or correct) a procedure's figures for a month. Returns (record, "created"|"updated"|"unchanged")."""
    if user is not None and not user.has_perm("procedures.record_performance"):
        raise NotPermitted()
    month = first_of_month(month)
    record = ProcedurePerformance.objects.select_for_update().filter(procedure=procedure, month=month).first()
    action = "created" if record is None else "unchanged"
    if record is None:
        record = ProcedurePerformance(procedure=procedure, month=month)
    for name in FIGURES:
        value = figures.get(name)
        if value is None:
            continue
        if getattr(record, name) != value:
            setattr(record, name, value)
            action = "updated" if action == "unchanged" else action
    if action != "unchanged":
        save_with_history(record, user=user, reason=PerformanceEvent.RECORDED.reason(reason))
    return record, action


@transaction.atomic
def performance_raise_nonconformity(*, performance, user):
    """The nonconformity of a procedure's month with late dossiers (source: process monitoring), raised once.

    Returns the nonconformity (the one raised before, if any), or None when the month had no late dossier.
    """
    if user is not None and not user.has_perm("procedures.record_performance"):
        raise NotPermitted()
    performance = ProcedurePerformance.objects.select_for_update().select_related("procedure").get(pk=performance.pk)
    if performance.nonconformity_id:
        return performance.nonconformity
    late = list(performance.late_dossiers.all())
    if not performance.late and not late:
        return None
    procedure = performance.procedure
    month = f"{performance.month:%m/%Y}"
    lines = [
        _("%(late)s dossiers of procedure %(code)s (%(name)s) were resolved late in %(month)s (%(on_time)s on time).")
        % {
            "late": max(performance.late, len(late)),
            "code": procedure.code,
            "name": procedure.name,
            "month": month,
            "on_time": performance.on_time,
        }
    ]
    for dossier in late:
        lines.append(
            "- "
            + _("%(code)s: received %(received)s, due %(due)s, resolved %(resolved)s; late at: %(step)s; %(reason)s")
            % {
                "code": dossier.dossier_code,
                "received": dossier.received_on.isoformat(),
                "due": dossier.due_on.isoformat(),
                "resolved": dossier.resolved_on.isoformat() if dossier.resolved_on else "–",
                "step": dossier.late_step or "–",
                "reason": dossier.reason or "–",
            }
        )
    nc = nonconformity_services.nonconformity_report(
        title=_("Late dossiers: %(code)s, %(month)s") % {"code": procedure.code, "month": month},
        description="\n".join(lines),
        source=Nonconformity.Source.PROCESS_MONITORING,
        severity=Nonconformity.Severity.MINOR,
        unit=procedure.unit,
        reported_by=user,
        documents=list(procedure.documents.all()),
        reason=_("Raised from the one-stop figures of %(code)s, %(month)s") % {"code": procedure.code, "month": month},
    )
    performance.nonconformity = nc
    save_with_history(performance, user=user, reason=PerformanceEvent.NONCONFORMITY.reason())
    return nc


# --- on-time rates ------------------------------------------------------------------------------------


def rate(on_time, late):
    resolved = (on_time or 0) + (late or 0)
    return round(100 * (on_time or 0) / resolved, 1) if resolved else None


@dataclass
class Row:
    key: object
    label: str
    received: int = 0
    on_time: int = 0
    late: int = 0
    apology_slips: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def rate(self):
        return rate(self.on_time, self.late)


@dataclass
class Report:
    months: list
    procedures: list
    units: list
    start: datetime.date | None
    end: datetime.date | None


def _parse_month(text):
    if not text:
        return None
    if isinstance(text, datetime.date):
        return first_of_month(text)
    try:
        return datetime.date.fromisoformat(f"{text}-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        return None


def _sums(queryset, *keys):
    return queryset.values(*keys).annotate(
        s_received=Sum("received"), s_on_time=Sum("on_time"), s_late=Sum("late"), s_apology=Sum("apology_slips")
    )


def report(*, start=None, end=None, unit=None, procedure=None):
    """On-time rates per month, procedure and unit over [start, end] (months), in three queries.

    A procedure row with late dossiers is flagged (`row.late`): the list an officer follows up."""
    start, end = _parse_month(start), _parse_month(end)
    queryset = ProcedurePerformance.objects.all()
    if start:
        queryset = queryset.filter(month__gte=start)
    if end:
        queryset = queryset.filter(month__lte=end)
    if unit:
        queryset = (
            queryset.filter(procedure__unit__code=unit)
            if isinstance(unit, str)
            else queryset.filter(procedure__unit=unit)
        )
    if procedure is not None:
        queryset = queryset.filter(procedure=procedure)

    def rows(values, key, label):
        return [
            Row(
                key=v[key],
                label=label(v),
                received=v["s_received"] or 0,
                on_time=v["s_on_time"] or 0,
                late=v["s_late"] or 0,
                apology_slips=v["s_apology"] or 0,
            )
            for v in values
        ]

    months = rows(_sums(queryset, "month").order_by("month"), "month", lambda v: f"{v['month']:%m/%Y}")
    procedures = rows(
        _sums(queryset, "procedure__code", "procedure__name", "procedure_id").order_by("procedure__code"),
        "procedure_id",
        lambda v: f"{v['procedure__code']} {v['procedure__name']}",
    )
    units = rows(
        _sums(queryset, "procedure__unit__code", "procedure__unit__name").order_by("procedure__unit__code"),
        "procedure__unit__code",
        lambda v: v["procedure__unit__name"],
    )
    return Report(months=months, procedures=procedures, units=units, start=start, end=end)


def chart_svg(months, *, width=640, height=220):
    """The on-time rate per month as bars (server-rendered SVG: no script, readable on a phone)."""
    if not months:
        return ""
    pad_left, pad_bottom, pad_top = 36, 28, 10
    plot_h = height - pad_bottom - pad_top
    step = (width - pad_left) / len(months)
    bar = max(step * 0.7, 2)
    bars = []
    for index, row in enumerate(months):
        value = row.rate if row.rate is not None else 0
        h = plot_h * value / 100
        x = pad_left + index * step + (step - bar) / 2
        y = pad_top + plot_h - h
        colour = "#2e7d32" if row.late == 0 else "#c62828"
        bars.append(
            (
                f"{x:.1f}",
                f"{y:.1f}",
                f"{bar:.1f}",
                f"{h:.1f}",
                colour,
                f"{row.label}: {'–' if row.rate is None else row.rate} %",
                f"{x + bar / 2:.1f}",
                height - 10,
                row.label[:2],
            )
        )
    axis = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#555"/><text x="2" y="{}" font-size="10">100 %</text>'
        '<text x="2" y="{}" font-size="10">0 %</text>',
        pad_left,
        pad_top + plot_h,
        width,
        pad_top + plot_h,
        pad_top + 8,
        pad_top + plot_h,
    )
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
        '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
        bars,
    )
    return format_html(
        '<svg class="on-time-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg" style="max-width:100%;height:auto">{}{}</svg>',
        width,
        height,
        _("On-time rate per month"),
        axis,
        mark_safe(body),  # noqa: S308 - built by format_html_join, every value escaped
    )
