"""Changes to management reviews and yearly reports (ISO 9001 9.3, 7.5.3).

Each function is keyword-only and atomic, locks the row it changes, checks the version the caller's form was
loaded with (a lost race is a ConflictError), asks the rules (qms/management_review/rules.py) and records who
and why through save_with_history. A refused change leaves the record as it was. Once the chair approves the
minutes the review is locked: every later change is refused.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.services import document_start_revision
from qms.core import roles
from qms.core.records import ConflictError, NotPermitted, QmsError, save_with_history
from qms.core.review_inputs import review_inputs
from qms.nonconformities.models import CorrectiveAction, Nonconformity
from qms.nonconformities.services import action_create, nonconformity_report

from .events import Event
from .models import ManagementReview, ReviewDecision, ReviewSection, YearlyReport
from .rules import may_approve_minutes

S = ManagementReview.Status
EDITABLE_FIELDS = (
    "title",
    "period_start",
    "period_end",
    "meeting_date",
    "location",
    "chair",
    "external_internal_issues",
    "external_providers",
    "resources",
    "conclusion",
    "attendance_note",
)


class ReviewError(QmsError):
    pass


class InvalidInput(ReviewError):
    default_message = gettext_lazy("Some information is missing or wrong.")


class ReviewLocked(ReviewError):
    default_message = gettext_lazy("The minutes are approved: the review can no longer be changed.")


def _require(user, perm, obj=None):
    if not user.has_perm(perm, obj):
        raise NotPermitted()


def _lock(review, version=None):
    locked = ManagementReview.objects.select_for_update().get(pk=review.pk)
    if version not in (None, "") and int(version) != locked.version:
        raise ConflictError()
    if locked.is_locked:
        raise ReviewLocked()
    return locked


def review_blocker(review, step):
    """Why the state of `review` does not allow `step` now, or None: the one home of the lifecycle's order.

    Steps: "prepare" (the pack), "minutes", "decision", "approve". The services refuse with this message and
    the available-actions selector (selectors.review_actions) shows it.
    """
    if review.is_locked:
        return ReviewLocked.default_message
    if step == "prepare" and review.status not in (S.PLANNED, S.PACK_PREPARED):
        return _("The meeting is held: its pack stays as it was discussed.")
    if step == "minutes" and review.status not in (S.PACK_PREPARED, S.HELD):
        return _("Prepare the pack before recording the minutes.")
    if step == "decision" and review.status not in (S.PACK_PREPARED, S.HELD):
        return _("Decisions are recorded at or after the meeting, before the minutes are approved.")
    if step == "approve" and review.status != S.HELD:
        return _("Only the minutes of a held review can be approved.")
    return None


def _refuse_unless(review, step):
    blocker = review_blocker(review, step)
    if blocker:
        raise ReviewError(blocker)


def _save(review, user, reason, m2m=None):
    review.version += 1
    save_with_history(review, user=user, reason=reason, m2m=m2m)
    return review


def _check_plan(*, title, period_start, period_end, chair, check_chair=True):
    """What every plan of a review must be, when planned and when changed (ISO 9001 9.3.1: top management
    reviews the system): a title, a period that ends after it starts, an approver in the chair. A chair who
    left the approvers later does not stop the officer from editing the rest: only a new chair is checked."""
    if not (title or "").strip() or period_end < period_start:
        raise InvalidInput(_("A review needs a title and a period that ends after it starts."))
    if check_chair and (chair is None or not roles.is_approver(chair)):
        raise InvalidInput(_("The chair must be an approver (top management)."))


@transaction.atomic
def review_plan(
    *, user, title, period_start, period_end, meeting_date, chair, attendees=(), location=""
) -> ManagementReview:
    _require(user, "management_review.manage_review")
    _check_plan(title=title, period_start=period_start, period_end=period_end, chair=chair)
    review = ManagementReview(
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        meeting_date=meeting_date,
        location=location,
        chair=chair,
        officer=user,
    )
    save_with_history(review, user=user, reason=Event.PLANNED.reason(), m2m={"attendees": list(attendees)})
    return review


@transaction.atomic
def review_update(*, review, user, version=None, reason="", attendees=None, **changes) -> ManagementReview:
    _require(user, "management_review.manage_review", review)
    review = _lock(review, version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput()
    changed = [name for name, value in changes.items() if getattr(review, name) != value]
    for name in changed:
        setattr(review, name, changes[name])
    _check_plan(
        title=review.title,
        period_start=review.period_start,
        period_end=review.period_end,
        chair=changes.get("chair"),
        check_chair="chair" in changed,
    )
    if "title" in changed:
        review.title = review.title.strip()
    m2m = {"attendees": list(attendees)} if attendees is not None else None
    if m2m:
        changed.append("attendees")
    fields = ", ".join(str(ManagementReview._meta.get_field(n).verbose_name) for n in changed)
    return _save(review, user, Event.EDITED.reason(reason, fields=fields or "–"), m2m=m2m)


def gather_pack(period_start, period_end):
    """Every registered input of 9.3.2, gathered now: the sections of a pack."""
    sections = []
    for item in review_inputs():
        data = item.gather(period_start, period_end)
        sections.append({"key": item.key, "clause_item": item.clause_item, "label": str(item.label), **data})
    return sections


@transaction.atomic
def pack_prepare(*, review, user, version=None, reason="") -> ManagementReview:
    """Gather every input once and freeze it (ISO 9001 9.3.2): later changes to the registers do not change
    the pack the meeting discussed. It may be prepared again until the meeting is held."""
    _require(user, "management_review.manage_review", review)
    review = _lock(review, version)
    _refuse_unless(review, "prepare")
    now = timezone.now()
    review.pack = {"prepared_at": now.isoformat(), "sections": gather_pack(review.period_start, review.period_end)}
    review.pack_prepared_at = now
    review.status = S.PACK_PREPARED
    for section in review.pack["sections"]:
        ReviewSection.objects.get_or_create(review=review, key=section["key"])
    return _save(review, user, Event.PACK_PREPARED.reason(reason))


@transaction.atomic
def section_update(*, review, user, key, summary=None, discussion=None, reason="") -> ReviewSection:
    _require(user, "management_review.manage_review", review)
    review = _lock(review)
    section = ReviewSection.objects.select_for_update().filter(review=review, key=key).first()
    if section is None:
        raise InvalidInput()
    if summary is not None:
        section.summary = summary
    if discussion is not None:
        section.discussion = discussion
    save_with_history(section, user=user, reason=Event.EDITED.reason(reason, fields=key))
    return section


@transaction.atomic
def minutes_record(
    *, review, user, attendees, attendance_note="", conclusion="", version=None, reason=""
) -> ManagementReview:
    """After the meeting: who attended and the conclusion; the review is then held."""
    _require(user, "management_review.manage_review", review)
    review = _lock(review, version)
    _refuse_unless(review, "minutes")
    review.attendance_note = attendance_note
    review.conclusion = conclusion
    review.minutes_written_by = user
    review.status = S.HELD
    return _save(review, user, Event.MINUTES_RECORDED.reason(reason), m2m={"attendees": list(attendees)})


@transaction.atomic
def minutes_approve(*, review, user, version=None, reason="") -> ManagementReview:
    """The chair approves the minutes (ISO 9001 9.3, 7.5.2 c)); the review is then locked."""
    if not may_approve_minutes(user, review):
        raise NotPermitted(_("Only the chair, who did not write the minutes, approves them."))
    review = _lock(review, version)
    _refuse_unless(review, "approve")
    review.status = S.APPROVED
    review.approved_by = user
    review.approved_at = timezone.now()
    return _save(review, user, Event.MINUTES_APPROVED.reason(reason))


@transaction.atomic
def decision_record(*, review, user, kind, text, owner=None, due_date=None, reason="") -> ReviewDecision:
    """An output of the review (ISO 9001 9.3.3). With an owner and a due date it becomes a corrective action
    of kind improvement, through the one action machinery (qms.nonconformities), in the same transaction:
    the decision and its action are recorded together or not at all."""
    _require(user, "management_review.manage_review", review)
    review = _lock(review)
    _refuse_unless(review, "decision")
    if kind not in ReviewDecision.Kind.values or not text.strip():
        raise InvalidInput(_("A decision needs its kind and its text."))
    if (owner is None) != (due_date is None):
        raise InvalidInput(_("A decision to act needs both an owner and a due date."))
    number = review.decisions.count() + 1  # the review's row is locked: no two decisions get one number
    decision = ReviewDecision(
        review=review, number=number, kind=kind, text=text.strip(), owner=owner, due_date=due_date
    )
    save_with_history(decision, user=user, reason=Event.DECISION_RECORDED.reason(reason))
    if owner is not None:
        action_create(
            origin=decision,
            kind=CorrectiveAction.Kind.IMPROVEMENT,
            description=decision.text,
            owner=owner,
            due_date=due_date,
            user=user,
            reason=_("Decided by the management review: %(reference)s %(review)s")
            % {"reference": decision.reference, "review": review.title},
        )
    return decision


@transaction.atomic
def decision_raise_nonconformity(
    *, decision, user, unit, severity=Nonconformity.Severity.MINOR, reason=""
) -> Nonconformity:
    """A decision that finds the system nonconforming raises a nonconformity (ISO 9001 9.3.3, 10.2)."""
    _require(user, "management_review.manage_review", decision.review)
    _lock(decision.review)
    decision = ReviewDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.nonconformity_id:
        raise ReviewError(_("This decision has already raised a nonconformity."))
    nc = nonconformity_report(
        title=decision.text[:255],
        description=_("Raised by the management review %(review)s: %(text)s")
        % {"review": decision.review.title, "text": decision.text},
        source=Nonconformity.Source.MANAGEMENT_REVIEW,
        severity=severity,
        unit=unit,
        reported_by=user,
        owner=decision.owner,
    )
    decision.nonconformity = nc
    save_with_history(decision, user=user, reason=Event.NONCONFORMITY_RAISED.reason(reason))
    return nc


@transaction.atomic
def decision_start_revision(*, decision, user, document, reason=""):
    """A decision that changes a procedure starts that document's revision (ISO 9001 9.3.3 b, 7.5.2): a draft
    whose change summary cites the decision, for the officer to finish in the editor and submit to the
    approval workflow as any revision. One document per decision; the draft's revision is returned."""
    _require(user, "management_review.manage_review", decision.review)
    _lock(decision.review)
    decision = ReviewDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.document_id:
        raise ReviewError(_("This decision has already started a document revision."))
    summary = _("Decided by the management review: %(reference)s %(review)s") % {
        "reference": decision.reference,
        "review": decision.review.title,
    }
    revision = document_start_revision(page=document, user=user, change_summary=f"{summary}. {decision.text}")
    decision.document = document
    save_with_history(decision, user=user, reason=Event.REVISION_STARTED.reason(reason))
    return revision


@transaction.atomic
def report_update(
    *, year, user, texts=None, decision_number=None, decision_date=None, scope=None, version=None, reason=""
) -> YearlyReport:
    _require(user, "management_review.manage_report")
    report, _created = YearlyReport.objects.select_for_update().get_or_create(year=year)
    if version not in (None, "") and int(version) != report.version:
        raise ConflictError()
    if texts is not None:
        report.texts = {**report.texts, **{k: v for k, v in texts.items()}}
    if decision_number is not None:
        report.decision_number = decision_number
    if decision_date is not None:
        report.decision_date = decision_date
    if scope is not None:
        report.scope = scope
    report.version += 1
    save_with_history(report, user=user, reason=Event.REPORT_EDITED.reason(reason))
    return report
