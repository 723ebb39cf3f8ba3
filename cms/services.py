"""Writes on controlled documents (ISO 9001 7.5.2 creating and updating, 7.5.3 control).

Every state change of a document passes through a function here or in the two modules it
re-exports from: creating and importing documents, withdrawing, periodic reviews, submitting and
approving; the page tree and per-unit edit rights are in `cms.owners`, publication in `cms.publishing`. Wagtail
keeps the content (revisions, workflow, locking); these functions hold the QMS rules.

Every publication that makes a revision effective goes through `cms.publishing.document_publish`:
the "Document approval" workflow's end (`cms.workflow.publish_approved_document`), the register
import and the demo (`document_create`, `document_publish_imported_revision` here), and scheduled
go-live (this app's `publish_scheduled` command).
"""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.core.records import start_of_office_day

from . import duties, reader_cache, selectors
from .errors import DocumentError, DocumentPermissionError
from .models import (
    DocumentApprovalTask,
    DocumentReview,
    ProcessDocumentPage,
)
from .owners import document_index_for_unit, document_owner_groups_sync, owners_group_name  # noqa: F401 (re-exported)
from .publishing import document_publish


def add_months(day, months):
    return day + relativedelta(months=months)


# --- creation and import -------------------------------------------------------


@transaction.atomic
def document_create(
    *,
    identifier,
    title,
    unit,
    user,
    reason,
    process_owner=None,
    review_interval_months=12,
    is_public=False,
    revision_number=1,
    effective_date=None,
    content=None,
    reviewed_by=None,
    approved_by=None,
):
    """Register an existing, approved document and its current effective version (register import, demo).

    identifier, title, unit (OrganisationUnit), process_owner (User or None),
    review_interval_months (int), is_public (bool): the register fields.
    revision_number (int): the number the paper register gives the current version.
    effective_date (date, default today): when that version became effective.
    content: optional dict of other page fields (purpose, scope, references, definitions,
    steps, records as StreamField data, clauses as a list of IsoClause).
    user, reason: who registers it and why (recorded as the version's note and Wagtail log).
    Returns the published ProcessDocumentPage. Raises DocumentError if the identifier is taken.
    """
    identifier = identifier.strip()
    if ProcessDocumentPage.objects.filter(identifier__iexact=identifier).exists():
        raise DocumentError(_("A document with identifier %(identifier)s already exists.") % {"identifier": identifier})
    content = dict(content or {})
    clauses = content.pop("clauses", [])
    forms = content.pop("forms", [])
    index = document_index_for_unit(unit=unit, user=user)
    page = ProcessDocumentPage(
        title=title,
        slug=_slug_for(identifier),
        identifier=identifier,
        unit=unit,
        process_owner=process_owner,
        review_interval_months=review_interval_months,
        is_public=is_public,
        change_summary=reason,
        owner=user,
        **content,
    )
    page.clauses = clauses
    if forms:
        from .models import DocumentForm

        page.forms = [DocumentForm(**form) for form in forms]
    index.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    document_publish(
        revision=revision,
        user=user,
        number=revision_number,
        effective_date=effective_date,
        note=reason,
        reviewed_by=reviewed_by,
        approved_by=approved_by,
        approved_at=start_of_office_day(effective_date),
    )  # which also puts the process owner in the unit's group
    page.refresh_from_db()
    return page


@transaction.atomic
def document_publish_imported_revision(
    *, page, user, reason, change_summary, effective_date, changes=None, reviewed_by=None, approved_by=None
):
    """Record a later revision that was approved outside the product (paper register, demo history).

    changes: dict of page fields to set (title, purpose, steps...). The new version gets the next
    number and the given effective date; reviewed_by/approved_by name who signed it on paper.
    """
    locked = ProcessDocumentPage.objects.select_for_update().get(pk=page.pk)
    if locked.withdrawn_at:
        raise DocumentError(_("%(identifier)s is withdrawn.") % {"identifier": locked.identifier})
    if locked.workflow_in_progress:
        raise DocumentError(
            _("%(identifier)s has a revision in review; update it after the decision.")
            % {"identifier": locked.identifier}
        )
    # Start from the effective content, never from an unsubmitted draft someone is writing.
    page = locked.live_revision.as_object() if locked.live_revision_id else locked.get_latest_revision_as_object()
    for name, value in (changes or {}).items():
        if name == "clauses":
            page.clauses = value
        else:
            setattr(page, name, value)
    page.change_summary = change_summary
    revision = page.save_revision(user=user, log_action=True)
    document_publish(
        revision=revision,
        user=user,
        effective_date=effective_date,
        note=reason,
        reviewed_by=reviewed_by,
        approved_by=approved_by,
        approved_at=start_of_office_day(effective_date),
    )
    return ProcessDocumentPage.objects.get(pk=page.pk)


@transaction.atomic
def document_update_register_fields(
    *, page, user, reason, title=None, process_owner=None, review_interval_months=None, is_public=None
):
    """Correct register fields of a document from the register import, without a new effective version.

    Only the given (non-None) fields change. The change is saved as a Wagtail revision of the
    live content and published at once, logged with `reason`; the content itself is untouched,
    so no new DocumentVersion is recorded. Refused while a revision is in the approval workflow.
    Returns the page.
    """
    page = ProcessDocumentPage.objects.select_for_update().get(pk=page.pk)
    if page.withdrawn_at:
        raise DocumentError(_("%(identifier)s is withdrawn.") % {"identifier": page.identifier})
    if page.workflow_in_progress:
        raise DocumentError(
            _("%(identifier)s has a revision in review; update it after the decision.")
            % {"identifier": page.identifier}
        )
    live = page.live_revision.as_object() if page.live_revision_id else page
    changes = {
        "title": title,
        "process_owner": process_owner,
        "review_interval_months": review_interval_months,
        "is_public": is_public,
    }
    changed = False
    for name, value in changes.items():
        if value is not None and getattr(live, name) != value:
            setattr(live, name, value)
            changed = True
    if not changed:
        return page
    revision = live.save_revision(user=user, log_action=True)
    # A correction of register fields, not a new effective version: published as it is, outside
    # document_publish, so that no DocumentVersion is recorded and nobody is asked to read it again.
    revision.publish(user=user, skip_permission_checks=True)
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    if review_interval_months is not None:
        version = selectors.current_version(page)
        if version is not None:
            _set_page_state(page, next_review_date=_next_review_from(page, version.effective_date))
    document_owner_groups_sync(unit=page.unit)
    return page


def _slug_for(identifier):
    from django.utils.text import slugify

    return slugify(identifier) or "document"


def _set_page_state(page, **fields):
    """Document-wide state lives on the page row only (not in revisions); see ProcessDocumentPage.with_content_json."""
    ProcessDocumentPage.objects.filter(pk=page.pk).update(**fields)
    reader_cache.invalidate_document(page.pk)  # an update() sends no post_save
    for name, value in fields.items():
        setattr(page, name, value)


def _next_review_from(page, day):
    return add_months(day, page.review_interval_months or 12)


# --- withdrawal and periodic review ---------------------------------------------


@transaction.atomic
def document_withdraw(*, page, user, reason):
    """Withdraw an obsolete document (ISO 9001 7.5.3.2 d): kept and readable, marked, out of the listings."""
    page = ProcessDocumentPage.objects.select_for_update().get(pk=page.pk)
    if not user.has_perm("cms.manage_documents"):
        raise DocumentPermissionError(_("Only a quality officer may withdraw a document."))
    if page.withdrawn_at is not None:
        raise DocumentError(_("%(identifier)s is already withdrawn.") % {"identifier": page.identifier})
    if not (reason or "").strip():
        raise DocumentError(_("Give the reason for withdrawing the document."))
    _set_page_state(
        page, withdrawn_at=timezone.now(), withdrawn_by=user, withdrawn_reason=reason.strip(), next_review_date=None
    )
    from wagtail.log_actions import log

    log(instance=page, action="cms.withdraw", user=user, data={"reason": reason.strip()})
    return page


@transaction.atomic
def document_review_record(*, page, outcome, comment, user, reason=None):
    """Record a periodic review (ISO 9001 7.5.2 c) by the process owner or a quality officer.

    outcome: DocumentReview.Outcome. "Still valid" sets the next review date to today + the
    review interval; "needs revision" keeps the due date (the revision's publication resets it);
    "withdraw" withdraws the document. Returns the immutable DocumentReview.
    """
    page = ProcessDocumentPage.objects.select_for_update().get(pk=page.pk)
    if not user.has_perm("cms.review_document", page):
        raise DocumentPermissionError(_("Only the process owner or a quality officer may review this document."))
    if outcome not in DocumentReview.Outcome.values:
        raise DocumentError(_("Choose the outcome of the review."))
    if page.withdrawn_at is not None:
        raise DocumentError(_("%(identifier)s is withdrawn.") % {"identifier": page.identifier})
    if not page.live:
        raise DocumentError(_("%(identifier)s has no effective version to review.") % {"identifier": page.identifier})
    comment = (comment or "").strip()
    if outcome != DocumentReview.Outcome.STILL_VALID and not comment:
        raise DocumentError(_("Say what needs to change, or why the document is withdrawn."))
    if outcome == DocumentReview.Outcome.WITHDRAW and not user.has_perm("cms.manage_documents"):
        raise DocumentPermissionError(
            _("A process owner proposes withdrawal with 'needs revision'; a quality officer withdraws.")
        )
    today = timezone.localdate()
    next_date = page.next_review_date
    if outcome == DocumentReview.Outcome.STILL_VALID:
        next_date = _next_review_from(page, today)
    elif outcome == DocumentReview.Outcome.WITHDRAW:
        next_date = None
    review = DocumentReview.objects.create(
        page=page,
        version=selectors.current_version(page),
        outcome=outcome,
        comment=comment,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        next_review_date=next_date,
    )
    if outcome == DocumentReview.Outcome.WITHDRAW:
        document_withdraw(page=page, user=user, reason=comment)
    else:
        _set_page_state(page, next_review_date=next_date, review_reason="")
    return review


@transaction.atomic
def document_review_request(*, document_ids, reason, user=None):
    """Bring the periodic review of these documents forward to today, saying why (ISO 9001 7.5.2).

    Asked when something the documents rest on changes (an administrative procedure's legal basis or
    status: hook `qms_document_review_requests`); the review reminder carries the reason to the process
    owner. A review already due earlier keeps its date; the reasons add up until the review is recorded.
    """
    from wagtail.log_actions import log

    today = timezone.localdate()
    pages = ProcessDocumentPage.objects.select_for_update().filter(pk__in=document_ids, withdrawn_at__isnull=True)
    for page in pages.order_by("pk"):
        due = min(page.next_review_date, today) if page.next_review_date else today
        reasons = "\n".join(line for line in (page.review_reason, str(reason).strip()) if line)
        _set_page_state(page, next_review_date=due, review_reason=reasons)
        log(instance=page, action="cms.review_requested", user=user, data={"reason": str(reason)})


def _revisable(page, user):
    """`page` read afresh, if `user` may edit it and no revision of it is in review; else the refusal."""
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    if not page.permissions_for_user(user).can_edit():
        raise DocumentPermissionError()
    if page.workflow_in_progress:
        raise DocumentError(_("This document already has a revision in review."))
    return page


@transaction.atomic
def document_start_revision(*, page, user, change_summary):
    """A draft revision of the document, saved with `change_summary`, for its writer to finish in the editor
    and submit; what a decision elsewhere (a management review's, ISO 9001 9.3.3 b) starts. Not submitted:
    the content changes are still to be written. Its writer is on record as the draft's author, so the
    separation of duties keeps them from reviewing or approving it (5.3).

    Refused, with nothing saved, where the draft would not be the writer's own: a revision in review, a
    page locked by someone else, or someone else's unsubmitted draft (it would go out under this name)."""
    page = _revisable(page, user)
    lock = page.get_lock()  # Wagtail's: a person's lock, or a workflow's
    if lock is not None and lock.for_user(user):
        raise DocumentError(_("This document is locked by someone else."))
    draft_writer = page.latest_revision.user_id if page.has_unpublished_changes and page.latest_revision else None
    if draft_writer not in (None, user.pk):
        raise DocumentError(_("Someone else has an unsubmitted draft of this document; it is theirs to finish."))
    problem = selectors.change_summary_problem(page, change_summary)
    if problem:
        raise DocumentError(problem)
    draft = page.get_latest_revision_as_object()
    draft.change_summary = change_summary
    try:
        return draft.save_revision(user=user, log_action=True)
    except ValidationError as error:
        raise DocumentError(" ".join(error.messages)) from None


# --- workflow, for programmatic use (demo, tests, integrations) ----------------------


@transaction.atomic
def document_submit(*, page, user, change_summary, changes=None):
    """Save a new revision with `changes` and submit it to the approval workflow, as the editor's Submit does."""
    page = _revisable(page, user)
    draft = page.get_latest_revision_as_object()
    for name, value in (changes or {}).items():
        setattr(draft, name, value)
    problem = selectors.change_summary_problem(page, change_summary) or duties.time_limit_problem(page, draft.steps)
    if problem:
        raise DocumentError(problem)
    draft.change_summary = change_summary
    draft.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is None:
        raise DocumentError(_("No approval workflow applies to this document."))
    return workflow.start(page, user)


@transaction.atomic
def document_task_approve(*, page, user, comment=""):
    """Approve the document's current workflow task, as the Approve action in the admin does."""
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    state = page.current_workflow_state
    if state is None or state.current_task_state is None:
        raise DocumentError(_("This document has no revision waiting for a decision."))
    task_state = state.current_task_state.specific
    task = task_state.task.specific
    if "approve" not in [name for name, _label, _modal in task.get_actions(page, user)]:
        # Separation of duties (ISO 9001 5.3) says why; anything else is a plain refusal.
        refusal = task.approval_refusal(page, user) if isinstance(task, DocumentApprovalTask) else None
        raise DocumentPermissionError(refusal or _("You may not approve this step."))
    task.on_action(task_state, user, "approve", comment=comment)
    return state
