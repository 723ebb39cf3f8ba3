"""Do a process document's steps fit its procedures' statutory time? (ISO 9001 8.5.1: controlled service provision)

The internal process (quy trình nội bộ) of a procedure splits the statutory processing time among its
steps; the steps together may not take longer than the shortest statutory time of any way of applying,
or a dossier processed exactly by the process would be late. The check runs when a revision is submitted
for review (cms, which reads it from here) and refuses with a message naming the procedure and the
figures.

A statutory time in calendar days (ngày) is compared in the fewest working days any such period holds
over the coming year: the period with Tết holds a week fewer, and the process must fit it too.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import working_days
from .models import AdministrativeProcedure, TimeUnit, format_time


@dataclass
class StepTime:
    amount: Decimal
    unit: str


def step_times(steps):
    """The structured time limits of a StreamField value (or its raw list) of steps: [StepTime]."""
    found = []
    for block in steps or ():
        value = block.value if hasattr(block, "value") else block.get("value", {})
        amount, unit = value.get("duration"), value.get("duration_unit")
        if amount in (None, "") or not unit:
            continue
        found.append(StepTime(Decimal(str(amount)), unit))
    return found


def total_hours(times):
    return sum((working_days.in_hours(t.amount, t.unit) for t in times), Decimal(0))


def _statutory_hours(way, today):
    """(hours, note) the way's statutory time holds, working days and hours as they are; calendar days at worst."""
    if way.time_unit == TimeUnit.CALENDAR_DAYS:
        days, window = working_days.fewest_working_days(way.time_limit, start=today)
        return Decimal(days * working_days.HOURS_PER_DAY), window
    return working_days.in_hours(way.time_limit, way.time_unit), None


def steps_problem(*, document_id, steps, today=None):
    """Why these steps do not fit the statutory time of the procedures `document_id` implements, or ""."""
    times = step_times(steps)
    if not times or document_id is None:
        return ""
    today = today or timezone.localdate()
    needed = total_hours(times)
    procedures = AdministrativeProcedure.objects.filter(documents__pk=document_id).prefetch_related("ways")
    for procedure in procedures.order_by("code"):
        for way in procedure.ways.all():
            available, window = _statutory_hours(way, today)
            if needed <= available:
                continue
            message = _(
                "The steps take %(steps)s working days, more than the statutory time of procedure %(code)s "
                "(%(way)s: %(limit)s)."
            ) % {
                "steps": _days(needed),
                "code": procedure.code,
                "way": way.get_kind_display(),
                "limit": format_time(way.time_limit, way.time_unit),
            }
            if window is not None:
                message += " " + _(
                    "From %(day)s, that period holds only %(days)s working days (public holidays, Tết included)."
                ) % {"day": date_format(window, "SHORT_DATE_FORMAT"), "days": _days(available)}
            return message
    return ""


def _days(hours):
    days = (Decimal(hours) / working_days.HOURS_PER_DAY).normalize()
    return f"{days:f}"
