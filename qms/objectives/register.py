"""The objectives register as an Excel workbook: objectives, indicators, measurements (ISO 9001 6.2.2, 9.1.3, 9.3.2 c).

Through the shared spreadsheet layer (identified header block, typed cells, formula-safe text). The
measurements sheet has the columns of the measurements import, so a filled copy can be imported back.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from qms.spreadsheets.export import Column, RegisterWorkbook

from .models import Indicator, Measurement, QualityObjective


def _person(user):
    return (user.get_full_name() or user.username) if user is not None else None


OBJECTIVE_COLUMNS = [
    Column(_("Objective identifier"), lambda o: o.pk, kind="int"),
    Column(_("Year"), lambda o: o.year, kind="int"),
    Column(_("Objective"), lambda o: o.title, width=50),
    Column(_("Level"), lambda o: o.get_level_display()),
    Column(_("Unit code"), lambda o: o.unit.code if o.unit_id else None),
    Column(_("Owner"), lambda o: _person(o.owner)),
    Column(_("Policy statement served"), lambda o: o.policy_statement, width=40),
    Column(_("Status"), lambda o: o.get_status_display()),
    Column(_("Drafted by"), lambda o: _person(o.drafted_by)),
    Column(_("Approved by"), lambda o: _person(o.approved_by)),
    Column(_("Approved at"), lambda o: o.approved_at, kind="datetime"),
]

INDICATOR_COLUMNS = [
    Column(_("Indicator identifier"), lambda i: i.pk, kind="int"),
    Column(_("Objective"), lambda i: str(i.objective), width=40),
    Column(_("Indicator"), lambda i: i.name, width=40),
    Column(_("Unit of measure"), lambda i: i.unit_of_measure),
    Column(_("Direction"), lambda i: i.get_direction_display()),
    Column(_("Target"), lambda i: i.target, kind="decimal"),
    Column(_("Warning threshold"), lambda i: i.warning_threshold, kind="decimal"),
    Column(_("Frequency"), lambda i: i.get_frequency_display()),
    Column(_("Data source"), lambda i: i.get_source_display()),
    Column(_("Reporter"), lambda i: i.reporter.username),
]

MEASUREMENT_COLUMNS = [
    Column(_("Indicator identifier"), lambda m: m.indicator_id, kind="int"),
    Column(_("Indicator"), lambda m: m.indicator.name, width=40),
    Column(_("Period from"), lambda m: m.period_start, kind="date"),
    Column(_("Period to"), lambda m: m.period_end, kind="date"),
    Column(_("Value"), lambda m: m.value, kind="decimal"),
    Column(_("Target"), lambda m: m.indicator.target, kind="decimal"),
    Column(_("Target met"), lambda m: m.meets_target, kind="bool"),
    Column(_("Comment"), lambda m: m.comment, width=40),
    Column(_("Recorded by"), lambda m: _person(m.recorded_by)),
    Column(_("Recorded at"), lambda m: m.recorded_at, kind="datetime"),
    Column(_("Nonconformity raised"), lambda m: m.nonconformity.reference if m.nonconformity_id else None),
]


def register_filename():
    return f"quality-objectives-{timezone.localdate():%Y-%m-%d}.xlsx"


def register_workbook(*, user, objectives=None):
    """Three sheets; `objectives` narrows them (default: every objective)."""
    objectives = objectives if objectives is not None else QualityObjective.objects.all()
    book = RegisterWorkbook(title=_("Quality objectives register"), user=user)
    with translation.override(book.language):
        book.add_table(
            _("Objectives"),
            OBJECTIVE_COLUMNS,
            objectives.select_related("unit", "owner", "drafted_by", "approved_by").order_by("-year", "pk").iterator(),
        )
        book.add_table(
            _("Indicators"),
            INDICATOR_COLUMNS,
            Indicator.objects.filter(objective__in=objectives)
            .select_related("objective", "reporter")
            .order_by("objective_id", "pk")
            .iterator(),
        )
        book.add_table(
            _("Measurements"),
            MEASUREMENT_COLUMNS,
            Measurement.objects.filter(indicator__objective__in=objectives)
            .select_related("indicator", "recorded_by", "nonconformity")
            .order_by("indicator_id", "period_start")
            .iterator(),
        )
    return book
