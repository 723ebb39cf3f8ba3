"""Every change to a risk or opportunity and its reviews (ISO 9001 6.1.1, 6.1.2).

The rules live here once; the site, the admin, the import and the demo seeder call these functions. Each is
keyword-only and atomic, locks the row it changes (`select_for_update`), checks the version the caller's form
was loaded with (a stale copy gets `ConflictError`), checks who may do it and whether the risk's state allows
it (a refusal leaves the record exactly as it was), and writes the history entry with the person and reason.

The lifecycle (decided where the issue is silent, kept simple):

    identified ──assess──▶ assessed ──decide the treatment──▶ under treatment (reduce, avoid, transfer, pursue)
                                                        └──▶ monitored (accept, do not pursue)
    under treatment | monitored ──review──▶ monitored; a review judging the treatment not effective sends
                                            the risk back to assessed, for a new treatment decision (6.1.2 b)
    any open status ──close (with a reason)──▶ closed (final: a risk that comes back is a new record)

A risk may be re-assessed and its treatment re-decided while it is open. A high risk is accepted only with
a written justification (ISO 9001 6.1.2 note 1: "retaining risk by informed decision"), checked whenever the
treatment or the rating changes. Treatment actions are corrective actions of the nonconformities app whose
origin is the risk; they are planned while the treatment is one carried out by actions (`planning_blocker`).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core import records
from qms.core.records import QmsError, save_with_history
from qms.nonconformities.models import CorrectiveAction
from qms.nonconformities.selectors import actions_for

from . import scoring
from .events import Event
from .models import Risk, RiskReview

S = Risk.Status
T = Risk.Treatment


class RiskError(QmsError):
    """A change the rules of the risk register refuse; `message` is for the person who tried it."""


class TransitionNotAllowed(RiskError):
    default_message = gettext_lazy("This status change is not allowed.")


class NotPermitted(RiskError, records.NotPermitted):
    pass


class ConflictError(RiskError, records.ConflictError):
    pass


class InvalidInput(RiskError):
    default_message = gettext_lazy("Some information is missing or wrong.")


class JustificationRequired(InvalidInput):
    default_message = gettext_lazy(
        "A high risk is accepted only with a justification: say why it is retained as it is."
    )


# Fields described in words, edited with a reason while the risk is open.
DESCRIPTION_FIELDS = (
    "title",
    "unit",
    "document",
    "procedure",
    "cause",
    "consequence",
    "existing_controls",
    "owner",
    "review_date",
)
TEXT_FIELDS = {"title", "cause", "consequence", "existing_controls"}
REVIEWABLE = (S.UNDER_TREATMENT, S.MONITORED)


def _clean(text):
    return (text or "").strip()


def _save(obj, user, reason, m2m=None):
    obj.version += 1
    save_with_history(obj, user=user, reason=reason, m2m=m2m)


def _lock(risk, version=None):
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    if version is not None:
        try:
            expected = int(version)
        except (TypeError, ValueError):
            raise ConflictError() from None
        if locked.version != expected:
            raise ConflictError()
    return locked


def reference_next(year):
    """The next reference of `year` (R-2026-0001...), from the core's counter helper."""
    return records.next_reference(series="R", year=year)


def review_months():
    return int(getattr(settings, "QMS_RISK_REVIEW_MONTHS", 12))


def default_review_date(today=None):
    """`QMS_RISK_REVIEW_MONTHS` months after `today` (the last day of the month when it is shorter)."""
    today = today or timezone.localdate()
    months = today.month - 1 + review_months()
    year, month = today.year + months // 12, months % 12 + 1
    for day in (today.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _check_rating(likelihood, impact, *, residual=False):
    if not (scoring.valid_rating(likelihood) and scoring.valid_rating(impact)):
        message = (
            _("Rate the residual likelihood and impact from 1 to %(scale)s.")
            if residual
            else _("Rate the likelihood and impact from 1 to %(scale)s.")
        )
        raise InvalidInput(message % {"scale": scoring.scale()})


def _check_acceptance(risk):
    """ISO 9001 6.1.2 note 1: a high risk is retained only by informed decision, written down."""
    if risk.treatment == T.ACCEPT and risk.band == scoring.Band.HIGH and not _clean(risk.acceptance_justification):
        raise JustificationRequired()


def _check_description(risk):
    if not _clean(risk.title):
        raise InvalidInput(_("A risk or opportunity needs a title."))
    if risk.unit_id is None:
        raise InvalidInput(_("Choose the unit of the risk or opportunity."))
    if risk.owner_id is None:
        raise InvalidInput(_("Choose the owner of the risk or opportunity."))
    if risk.review_date is not None and not isinstance(risk.review_date, datetime.date):
        raise InvalidInput(_("The review date is not a date."))


def _open(risk):
    if not risk.is_open:
        raise TransitionNotAllowed(_("This risk is closed."))


@transaction.atomic
def risk_identify(
    *,
    user,
    kind,
    title,
    unit,
    owner,
    document=None,
    procedure=None,
    cause="",
    consequence="",
    existing_controls="",
    likelihood=None,
    impact=None,
    review_date=None,
    reason="",
) -> Risk:
    """Enter a risk or an opportunity in the register (ISO 9001 6.1.1); rated at once when L and I are given."""
    if not user.has_perm("risks.identify_risk"):
        raise NotPermitted()
    if kind not in Risk.Kind.values:
        raise InvalidInput(_("Choose whether it is a risk or an opportunity."))
    risk = Risk(
        kind=kind,
        title=_clean(title),
        unit=unit,
        owner=owner,
        document=document,
        procedure=procedure,
        cause=_clean(cause),
        consequence=_clean(consequence),
        existing_controls=_clean(existing_controls),
        review_date=review_date,
        identified_by=user,
    )
    _check_description(risk)
    if likelihood is not None or impact is not None:
        _check_rating(likelihood, impact)
        risk.likelihood, risk.impact, risk.status = likelihood, impact, S.ASSESSED
    risk.reference = reference_next(timezone.localdate().year)
    save_with_history(risk, user=user, reason=Event.IDENTIFIED.reason(reason))
    return risk


@transaction.atomic
def risk_update(*, risk, user, version=None, reason="", **changes) -> Risk:
    """Edit what describes an open risk; one history entry naming the changed fields."""
    risk = _lock(risk, version)
    if not user.has_perm("risks.maintain_risk", risk):
        raise NotPermitted()
    _open(risk)
    if set(changes) - set(DESCRIPTION_FIELDS):
        raise InvalidInput()
    values = {name: (_clean(value) if name in TEXT_FIELDS else value) for name, value in changes.items()}
    changed = [name for name, value in values.items() if getattr(risk, name) != value]
    if not changed:
        return risk
    for name in changed:
        setattr(risk, name, values[name])
    _check_description(risk)
    labels = ", ".join(str(Risk._meta.get_field(name).verbose_name) for name in changed)
    _save(risk, user, Event.EDITED.reason(reason, fields=labels))
    return risk


@transaction.atomic
def risk_assess(*, risk, user, likelihood, impact, existing_controls=None, version=None, reason="") -> Risk:
    """Rate likelihood and impact (ISO 9001 6.1.2 a), with the controls already in place; re-rating needs a reason."""
    risk = _lock(risk, version)
    if not user.has_perm("risks.maintain_risk", risk):
        raise NotPermitted()
    _open(risk)
    _check_rating(likelihood, impact)
    rerated = risk.likelihood is not None and (risk.likelihood, risk.impact) != (likelihood, impact)
    if rerated and not _clean(reason):
        raise InvalidInput(_("Say why the rating changes."))
    if existing_controls is not None:
        risk.existing_controls = _clean(existing_controls)
    risk.likelihood, risk.impact = likelihood, impact
    if risk.status == S.IDENTIFIED:
        risk.status = S.ASSESSED
    _check_acceptance(risk)
    _save(
        risk,
        user,
        Event.ASSESSED.reason(reason, likelihood=likelihood, impact=impact, score=risk.score),
    )
    return risk


def treatment_blocker(risk):
    """Why the treatment cannot be decided now, or ""."""
    if not risk.is_open:
        return _("This risk is closed.")
    if risk.likelihood is None:
        return _("Rate the likelihood and impact before deciding the treatment.")
    return ""


@transaction.atomic
def risk_plan_treatment(
    *, risk, user, treatment, plan="", justification="", review_date=None, version=None, reason=""
) -> Risk:
    """Decide how the risk is treated or the opportunity taken (ISO 9001 6.1.2 a, note 1 and 2).

    Reduce, avoid, transfer and pursue are carried out by actions: the risk is under treatment. Accepting a
    risk or letting an opportunity go is a decision: the risk is monitored. Either way it has a review date.
    """
    risk = _lock(risk, version)
    if not user.has_perm("risks.plan_treatment", risk):
        raise NotPermitted()
    blocker = treatment_blocker(risk)
    if blocker:
        raise TransitionNotAllowed(blocker)
    if treatment not in Risk.TREATMENTS[risk.kind]:
        raise InvalidInput(_("An opportunity is pursued or not; a risk is accepted, reduced, avoided or transferred."))
    risk.treatment = treatment
    risk.treatment_plan = _clean(plan)
    risk.acceptance_justification = _clean(justification) if treatment == T.ACCEPT else ""
    _check_acceptance(risk)
    risk.status = S.UNDER_TREATMENT if treatment in Risk.ACTED_ON else S.MONITORED
    risk.review_date = review_date or risk.review_date or default_review_date()
    _save(risk, user, Event.TREATMENT_PLANNED.reason(reason, treatment=risk.get_treatment_display()))
    return risk


def review_blocker(risk):
    if risk.status not in REVIEWABLE:
        return _("A risk is reviewed once its treatment is decided.")
    return ""


@transaction.atomic
def risk_review(
    *,
    risk,
    user,
    residual_likelihood,
    residual_impact,
    effectiveness,
    comment="",
    next_review_date=None,
    version=None,
    reason="",
) -> RiskReview:
    """Review the risk: its level after treatment and whether the treatment worked (ISO 9001 6.1.2 b, 9.3.2 e).

    The review is a record of its own, and the risk keeps the latest residual level. A treatment judged not
    effective sends the risk back to "assessed": its owner decides a new treatment.
    """
    risk = _lock(risk, version)
    if not user.has_perm("risks.review_risk", risk):
        raise NotPermitted()
    blocker = review_blocker(risk)
    if blocker:
        raise TransitionNotAllowed(blocker)
    _check_rating(residual_likelihood, residual_impact, residual=True)
    E = RiskReview.Effectiveness
    if effectiveness not in E.values:
        raise InvalidInput(_("Judge the effectiveness of the treatment."))
    acted_on = risk.treatment in Risk.ACTED_ON
    if acted_on and effectiveness == E.NOT_APPLICABLE:
        raise InvalidInput(_("Judge whether the treatment actions were effective."))
    if not acted_on and effectiveness != E.NOT_APPLICABLE:
        raise InvalidInput(_("This treatment has no actions to evaluate: record the residual level only."))
    if effectiveness in (E.NOT_EFFECTIVE, E.PARTLY_EFFECTIVE) and not _clean(comment):
        raise InvalidInput(_("Say what did not work."))
    today = timezone.localdate()
    if next_review_date is not None and next_review_date <= today:
        raise InvalidInput(_("The next review date is after today."))
    review = RiskReview(
        risk=risk,
        reviewed_by=user,
        residual_likelihood=residual_likelihood,
        residual_impact=residual_impact,
        effectiveness=effectiveness,
        comment=_clean(comment),
        next_review_date=next_review_date or default_review_date(today),
    )
    save_with_history(
        review, user=user, reason=Event.REVIEWED.reason(reason, effectiveness=review.get_effectiveness_display())
    )
    risk.residual_likelihood, risk.residual_impact = residual_likelihood, residual_impact
    risk.review_date = review.next_review_date
    risk.status = S.ASSESSED if effectiveness == E.NOT_EFFECTIVE else S.MONITORED
    _save(risk, user, Event.REVIEWED.reason(reason, effectiveness=review.get_effectiveness_display()))
    return review


def close_blocker(risk):
    """Why the risk cannot be closed now, or "": closed already, or treatment actions still open."""
    if not risk.is_open:
        return _("This risk is closed.")
    if treatment_actions(risk).filter(status__in=CorrectiveAction.OPEN_STATUSES).exists():
        return _("Its treatment actions are still open: complete them first.")
    return ""


@transaction.atomic
def risk_close(*, risk, user, version=None, reason="") -> Risk:
    """Close a risk that no longer applies (the process changed, the opportunity was taken), with a reason.

    Not while a treatment action is open: it would be left answering a closed record."""
    risk = _lock(risk, version)
    if not user.has_perm("risks.close_risk", risk):
        raise NotPermitted()
    blocker = close_blocker(risk)
    if blocker:
        raise TransitionNotAllowed(blocker)
    if not _clean(reason):
        raise InvalidInput(_("Say why the risk is closed."))
    risk.status = S.CLOSED
    risk.closed_at = timezone.now()
    _save(risk, user, Event.CLOSED.reason(reason))
    return risk


@transaction.atomic
def risk_link_nonconformity(*, risk, nonconformity, user, version=None, reason="") -> Risk:
    """Record that this risk materialised as a nonconformity (ISO 9001 10.2.1 e: update risks and opportunities)."""
    risk = _lock(risk, version)
    if not user.has_perm("risks.maintain_risk", risk):
        raise NotPermitted()
    current = list(risk.nonconformities.all())
    if nonconformity in current:
        return risk
    _save(
        risk,
        user,
        Event.NONCONFORMITY_LINKED.reason(reason, nc=nonconformity.reference),
        m2m={"nonconformities": [*current, nonconformity]},
    )
    return risk


@transaction.atomic
def risk_unlink_nonconformity(*, risk, nonconformity, user, version=None, reason="") -> Risk:
    risk = _lock(risk, version)
    if not user.has_perm("risks.maintain_risk", risk):
        raise NotPermitted()
    current = list(risk.nonconformities.all())
    if nonconformity not in current:
        return risk
    if not _clean(reason):
        raise InvalidInput(_("Say why the link is removed."))
    _save(
        risk,
        user,
        Event.NONCONFORMITY_UNLINKED.reason(reason, nc=nonconformity.reference),
        m2m={"nonconformities": [nc for nc in current if nc.pk != nonconformity.pk]},
    )
    return risk


def treatment_actions(risk):
    """The risk's treatment actions: the corrective actions whose origin it is."""
    return actions_for(risk)


def planning_blocker(risk):
    """Why treatment actions cannot be planned for the risk now, or None (the action origin's blocker)."""
    if not risk.is_open:
        return _("This risk is closed.")
    if risk.treatment not in Risk.ACTED_ON:
        return _("Decide a treatment carried out by actions (reduce, avoid, transfer or pursue) first.")
    return None
