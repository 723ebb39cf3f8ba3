"""Every change to a quality objective, an indicator or a measurement (ISO 9001 6.2, 9.1.1, 10.2).

The rules live here once; the site, the admin, the import and the demo seeder call these functions. Each is
keyword-only and atomic, locks the row it changes (`select_for_update`), checks the version the caller's form
was loaded with (a stale copy gets `ConflictError`), checks who may do it and whether the record's state
allows it (a refusal leaves the record exactly as it was), and writes the history entry with the acting
person and the reason.

Decided where the issue is silent:
- an objective and its indicators are edited while it is a draft; once approved (in force, 6.2.2) what was
  approved stays as approved: it is achieved, not achieved or withdrawn, and a changed objective is a new one;
- measurements are recorded only for an objective in force, for a period of its year;
- a measurement is corrected with a reason; a missed target raises one nonconformity, never two.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core import indicators as computations
from qms.core import records
from qms.core.records import QmsError, save_with_history
from qms.nonconformities import services as nonconformity_services
from qms.nonconformities.models import Nonconformity

from . import rules
from .events import Event
from .models import Indicator, Measurement, QualityObjective

S = QualityObjective.Status


class ObjectiveError(QmsError):
    """A change the rules of the objectives refuse; `message` is for the person who tried it."""


class TransitionNotAllowed(ObjectiveError):
    default_message = gettext_lazy("This status change is not allowed.")


class NotPermitted(ObjectiveError, records.NotPermitted):
    pass


class ConflictError(ObjectiveError, records.ConflictError):
    pass


class InvalidInput(ObjectiveError):
    default_message = gettext_lazy("Some information is missing or wrong.")


# From approved: the year's outcome, or withdrawn; a draft can only be withdrawn.
CLOSING = {S.DRAFT: {S.WITHDRAWN}, S.APPROVED: {S.ACHIEVED, S.NOT_ACHIEVED, S.WITHDRAWN}}
# Closing otherwise than achieved says why (the trail the management review reads, 9.3.2 c).
REASON_REQUIRED = {S.NOT_ACHIEVED, S.WITHDRAWN}

OBJECTIVE_FIELDS = ("title", "year", "level", "unit", "owner", "policy_statement", "description")
INDICATOR_FIELDS = (
    "name",
    "unit_of_measure",
    "direction",
    "target",
    "warning_threshold",
    "frequency",
    "source",
    "computation",
    "reporter",
)


def _clean(text):
    return (text or "").strip()


def _save(obj, user, reason, m2m=None):
    obj.version += 1
    save_with_history(obj, user=user, reason=reason, m2m=m2m)


def _check_version(locked, version):
    if version is None:
        return
    try:
        expected = int(version)
    except (TypeError, ValueError):
        raise ConflictError() from None
    if locked.version != expected:
        raise ConflictError()


def _lock(model, obj, version=None):
    locked = model.objects.select_for_update().get(pk=obj.pk)
    _check_version(locked, version)
    return locked


def _check_objective(values):
    if not _clean(values.get("title")):
        raise InvalidInput(_("An objective needs a title."))
    year = values.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(_("Give the objective's year."))
    level = values.get("level")
    if level not in QualityObjective.Level.values:
        raise InvalidInput(_("Unknown level of the objective."))
    if level == QualityObjective.Level.UNIT and values.get("unit") is None:
        raise InvalidInput(_("Choose the unit whose objective it is."))
    if values.get("owner") is None:
        raise InvalidInput(_("Choose the owner of the objective."))


@transaction.atomic
def objective_create(
    *,
    user,
    title,
    year,
    owner,
    level=QualityObjective.Level.ORGANISATION,
    unit=None,
    policy_statement="",
    description="",
    documents=(),
    reason="",
) -> QualityObjective:
    """Draft an objective (ISO 9001 6.2.1); it is in force once an approver approves it."""
    if not user.has_perm("objectives.draft_objective"):
        raise NotPermitted()
    values = {"title": title, "year": year, "level": level, "unit": unit, "owner": owner}
    _check_objective(values)
    objective = QualityObjective(
        title=_clean(title),
        year=year,
        level=level,
        unit=unit if level == QualityObjective.Level.UNIT else None,
        owner=owner,
        policy_statement=_clean(policy_statement),
        description=_clean(description),
        drafted_by=user,
    )
    documents = list(documents)
    # Without documents there is no relation to write: one "drafted" entry, not a second empty one.
    save_with_history(
        objective, user=user, reason=Event.DRAFTED.reason(reason), m2m={"documents": documents} if documents else None
    )
    return objective


@transaction.atomic
def objective_update(*, objective, user, version=None, reason="", documents=None, **changes) -> QualityObjective:
    """Edit a draft objective; one history entry naming the changed fields."""
    objective = _lock(QualityObjective, objective, version)
    if not user.has_perm("objectives.maintain_objective", objective):
        raise NotPermitted()
    if objective.status != S.DRAFT:
        raise TransitionNotAllowed(_("An approved objective stays as approved; withdraw it and draft a new one."))
    unknown = set(changes) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise InvalidInput()
    changed = [name for name, value in changes.items() if getattr(objective, name) != value]
    for name in changed:
        setattr(objective, name, _clean(changes[name]) if isinstance(changes[name], str) else changes[name])
    if objective.level == QualityObjective.Level.ORGANISATION:
        objective.unit = None
    _check_objective({name: getattr(objective, name) for name in OBJECTIVE_FIELDS})
    m2m = None
    if documents is not None and set(d.pk for d in documents) != set(objective.documents.values_list("pk", flat=True)):
        m2m = {"documents": list(documents)}
        changed.append("documents")
    if not changed:
        return objective
    labels = ", ".join(str(QualityObjective._meta.get_field(name).verbose_name) for name in changed)
    _save(objective, user, Event.EDITED.reason(reason, fields=labels), m2m=m2m)
    return objective


def approval_blocker(objective, user=None):
    """Why the objective cannot be approved now (or by `user`), or ""."""
    if objective.status != S.DRAFT:
        return _("Only a draft objective is approved.")
    if user is not None and rules.drafted_it(user, objective):
        return _("You drafted this objective: another approver approves it.")
    if not objective.indicators.exists():
        return _("Give the objective at least one indicator before it is approved.")
    return ""


@transaction.atomic
def objective_approve(*, objective, user, version=None, reason="") -> QualityObjective:
    """Top management approves the objective (ISO 9001 6.2, 5.1.1): it is in force, its approval on the record."""
    objective = _lock(QualityObjective, objective, version)
    if not rules.may_approve(user, objective):
        if rules.drafted_it(user, objective):
            raise NotPermitted(_("You drafted this objective: another approver approves it."))
        raise NotPermitted()
    blocker = approval_blocker(objective, user)
    if blocker:
        raise TransitionNotAllowed(blocker)
    objective.status = S.APPROVED
    objective.approved_by = user
    objective.approved_at = timezone.now()
    _save(objective, user, Event.APPROVED.reason(reason))
    return objective


@transaction.atomic
def objective_close(*, objective, user, target, version=None, reason="") -> QualityObjective:
    """Achieved, not achieved or withdrawn (ISO 9001 9.3.2 c: the extent to which objectives were met)."""
    objective = _lock(QualityObjective, objective, version)
    if not user.has_perm("objectives.close_objective", objective):
        raise NotPermitted()
    if target not in CLOSING.get(objective.status, set()):
        raise TransitionNotAllowed()
    if target in REASON_REQUIRED and not _clean(reason):
        raise InvalidInput(_("Say why."))
    before = objective.get_status_display()
    objective.status = target
    objective.closed_at = timezone.now()
    _save(objective, user, Event.CLOSED.reason(reason, **{"from": before, "to": objective.get_status_display()}))
    return objective


def _decimal(value, label, *, required=True):
    if value in (None, ""):
        if required:
            raise InvalidInput(_("Give the %(field)s.") % {"field": label})
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("The %(field)s is not a number.") % {"field": label}) from None


def _check_indicator(indicator):
    if not _clean(indicator.name):
        raise InvalidInput(_("An indicator needs a name."))
    if indicator.reporter_id is None:
        raise InvalidInput(_("Choose who reports the indicator."))
    for field, enum in (
        ("direction", Indicator.Direction),
        ("frequency", Indicator.Frequency),
        ("source", Indicator.Source),
    ):
        if getattr(indicator, field) not in enum.values:
            raise InvalidInput()
    indicator.target = _decimal(indicator.target, _("target"))
    indicator.warning_threshold = _decimal(indicator.warning_threshold, _("warning threshold"), required=False)
    if (
        indicator.warning_threshold is not None
        and indicator.meets_target(indicator.warning_threshold)
        and (indicator.warning_threshold != indicator.target)
    ):
        raise InvalidInput(_("The warning threshold lies beyond the target, on the side of a miss."))
    if indicator.source == Indicator.Source.COMPUTED:
        if computations.get(indicator.computation) is None:
            raise InvalidInput(_("Choose what the product computes for this indicator."))
    else:
        indicator.computation = ""


@transaction.atomic
def indicator_create(*, objective, user, reason="", **values) -> Indicator:
    objective = _lock(QualityObjective, objective)
    if not user.has_perm("objectives.maintain_objective", objective):
        raise NotPermitted()
    if objective.status != S.DRAFT:
        raise TransitionNotAllowed(_("Indicators are set while the objective is a draft."))
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise InvalidInput()
    indicator = Indicator(objective=objective, **values)
    indicator.name = _clean(indicator.name)
    _check_indicator(indicator)
    save_with_history(indicator, user=user, reason=Event.INDICATOR_ADDED.reason(reason))
    return indicator


@transaction.atomic
def indicator_update(*, indicator, user, version=None, reason="", **changes) -> Indicator:
    indicator = _lock(Indicator, indicator, version)
    if not user.has_perm("objectives.maintain_objective", indicator.objective):
        raise NotPermitted()
    if indicator.objective.status != S.DRAFT:
        raise TransitionNotAllowed(_("Indicators are set while the objective is a draft."))
    if set(changes) - set(INDICATOR_FIELDS):
        raise InvalidInput()
    changed = [name for name, value in changes.items() if getattr(indicator, name) != value]
    for name in changed:
        setattr(indicator, name, changes[name])
    _check_indicator(indicator)
    if not changed:
        return indicator
    labels = ", ".join(str(Indicator._meta.get_field(name).verbose_name) for name in changed)
    _save(indicator, user, Event.EDITED.reason(reason, fields=labels))
    return indicator


def _period(indicator, period_start):
    if isinstance(period_start, datetime.datetime):
        period_start = period_start.date()
    period = indicator.period_of(period_start) if period_start else None
    if period is None or period[0] != period_start:
        raise InvalidInput(
            _("Choose a period of %(year)s for this indicator (it is measured %(frequency)s).")
            % {"year": indicator.objective.year, "frequency": indicator.get_frequency_display().lower()}
        )
    return period


@transaction.atomic
def measurement_record(
    *, indicator, period_start, value, user, comment="", evidence=None, reason="", version=None, recorded_at=None
) -> Measurement:
    """Record (or correct, with a reason) the value of one period (ISO 9001 9.1.1 c, d)."""
    indicator = Indicator.objects.select_for_update().select_related("objective").get(pk=indicator.pk)
    if not user.has_perm("objectives.record_measurement", indicator):
        raise NotPermitted()
    if not indicator.objective.in_force:
        raise TransitionNotAllowed(_("Measurements are recorded for an approved objective."))
    start, end = _period(indicator, period_start)
    value = _decimal(value, _("value"))
    existing = Measurement.objects.select_for_update().filter(indicator=indicator, period_start=start).first()
    if existing is None:
        if start > timezone.localdate():
            raise InvalidInput(_("This period has not started yet."))
        measurement = Measurement(
            indicator=indicator,
            period_start=start,
            period_end=end,
            value=value,
            comment=_clean(comment),
            recorded_by=user if user.is_authenticated else None,
            recorded_at=recorded_at or timezone.now(),
        )
        if evidence:
            measurement.evidence = evidence
        save_with_history(measurement, user=user, reason=Event.MEASURED.reason(reason))
        return measurement
    _check_version(existing, version)
    if existing.value == value and existing.comment == _clean(comment) and not evidence:
        return existing
    if not _clean(reason):
        raise InvalidInput(_("This period is already measured: say why the value is corrected."))
    existing.value = value
    existing.comment = _clean(comment)
    existing.recorded_by = user if user.is_authenticated else None
    existing.recorded_at = timezone.now()
    if evidence:
        existing.evidence = evidence
    _save(existing, user, Event.MEASUREMENT_CORRECTED.reason(reason))
    return existing


def measurement_compute(*, indicator, period_start, user, reason="") -> Measurement | None:
    """The value of a computed indicator for a period, from the register that counts it (`qms_indicator_computations`).

    None when the period holds nothing to count (no action fell due...): no measurement is recorded.
    """
    if indicator.source != Indicator.Source.COMPUTED:
        raise InvalidInput(_("This indicator is not computed by the product."))
    computation = computations.get(indicator.computation)
    if computation is None:
        raise InvalidInput(_("Choose what the product computes for this indicator."))
    start, end = _period(indicator, period_start)
    value = computation.compute(start, end)
    if value is None:
        return None
    return measurement_record(
        indicator=indicator,
        period_start=start,
        value=value,
        user=user,
        comment=str(computation.label),
        reason=_clean(reason) or str(Event.COMPUTED.label),
    )


def raise_blocker(measurement):
    if measurement.nonconformity_id:
        return _("This measurement has already raised %(nc)s.") % {"nc": measurement.nonconformity.reference}
    if measurement.meets_target:
        return _("The measurement meets its target.")
    return ""


def _unit_of(objective):
    from qms.core.models import OrganisationUnit

    if objective.unit_id:
        return objective.unit
    if objective.owner.unit_id:
        return objective.owner.unit
    return OrganisationUnit.objects.filter(parent__isnull=True).order_by("pk").first()


@transaction.atomic
def measurement_raise_nonconformity(*, measurement, user, severity=Nonconformity.Severity.MINOR) -> Nonconformity:
    """A missed target raises a nonconformity in one step, once (ISO 9001 9.1.3, 10.2.1; source: process monitoring).

    The measurement's row is locked first, so two people pressing the button at once queue: the second finds
    the nonconformity the first raised and is refused.
    """
    measurement = Measurement.objects.select_for_update().get(pk=measurement.pk)
    if not user.has_perm("objectives.raise_nonconformity", measurement.indicator):
        raise NotPermitted()
    blocker = raise_blocker(measurement)
    if blocker:
        raise TransitionNotAllowed(blocker)
    indicator = measurement.indicator
    objective = indicator.objective
    unit = _unit_of(objective)
    if unit is None:
        raise InvalidInput(_("Choose the unit whose objective it is."))
    period = f"{measurement.period_start:%m/%Y}–{measurement.period_end:%m/%Y}"
    nc = nonconformity_services.nonconformity_report(
        title=_("Target missed: %(indicator)s, %(period)s") % {"indicator": indicator.name, "period": period},
        description=_(
            "Objective %(objective)s. Indicator %(indicator)s measured %(value)s %(unit)s for %(period)s "
            "against a target of %(target)s %(unit)s."
        )
        % {
            "objective": objective,
            "indicator": indicator.name,
            "value": measurement.value,
            "unit": indicator.unit_of_measure,
            "period": period,
            "target": indicator.target,
        },
        source=Nonconformity.Source.PROCESS_MONITORING,
        severity=severity,
        unit=unit,
        reported_by=user,
        owner=objective.owner,
        documents=list(objective.documents.all()),
        reason=_("Raised from a missed target of objective %(objective)s") % {"objective": objective.title},
    )
    measurement.nonconformity = nc
    _save(measurement, user, Event.NONCONFORMITY_RAISED.reason("", nc=nc.reference))
    return nc
