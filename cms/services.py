"""Writes on controlled documents (ISO 9001 7.5.2 creating and updating, 7.5.3 control).

Every state change of a document passes through a function here: the page
tree and per-unit edit rights, recording an effective version when a revision
is published, withdrawing, periodic reviews, and the register import. Wagtail
keeps the content (revisions, workflow, locking); these functions hold the QMS rules.

Publication is reached only through the "Document approval" workflow
(`cms.workflow.publish_approved_document`) or, for the register import and the
demo, through `document_create` / `document_publish_imported_revision`. Each
publication ends in `document_version_record` (called by the thin
`page_published` trigger in `cms.handlers`).
"""

import contextlib
import contextvars
import datetime

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, TaskState, WorkflowState

from . import reader_cache, selectors
from .errors import DocumentError, DocumentPermissionError
from .models import (
    DocumentApprovalTask,
    DocumentIndexPage,
    DocumentReview,
    DocumentVersion,
    HomePage,
    ProcessDocumentPage,
)

# Options of the publication in progress, set by the import services and read by
# document_version_record when the page_published trigger fires inside them.
_publication = contextvars.ContextVar("cms_publication", default=None)

OWNER_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
DOCUMENT_COLLECTION_PERMISSIONS = ("add_document", "choose_document")


def add_months(day, months):
    return day + relativedelta(months=months)


# --- page tree and edit rights -------------------------------------------------


def owners_group_name(unit):
    return f"Process owners {unit.code}"


@transaction.atomic
def document_index_for_unit(*, unit, user=None):
    """The unit's DocumentIndexPage under the home page, created (published) on first use."""
    existing = DocumentIndexPage.objects.filter(unit=unit).first()
    if existing is not None:
        return existing
    home = HomePage.objects.first()
    if home is None:
        raise DocumentError(_("The site has no home page; run the migrations."))
    index = DocumentIndexPage(title=unit.name, slug=unit.code.lower(), unit=unit)
    home.add_child(instance=index)
    index.save_revision(user=user, log_action=True).publish(user=user, skip_permission_checks=True)
    return index


@transaction.atomic
def document_owner_groups_sync(*, unit):
    """Keep the unit's process-owners group equal to the owners of the unit's documents.

    The group may add and edit (never publish) pages under the unit's index page,
    so a process owner edits only their unit's documents (ISO 9001 5.3, 7.5.2).
    """
    index = document_index_for_unit(unit=unit)
    group, _created = Group.objects.get_or_create(name=owners_group_name(unit))
    group.permissions.set(Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"))
    page_permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=OWNER_PAGE_PERMISSIONS
    )
    for permission in page_permissions:
        GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)
    GroupPagePermission.objects.filter(group=group).exclude(page=index).delete()
    GroupPagePermission.objects.filter(group=group).exclude(permission__in=page_permissions).delete()
    root = Collection.get_first_root_node()
    for permission in Permission.objects.filter(
        content_type__app_label="wagtaildocs", codename__in=DOCUMENT_COLLECTION_PERMISSIONS
    ):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
    from qms.core.models import User

    owners = User.objects.filter(owned_documents__unit=unit, is_active=True).distinct()
    group.user_set.set(owners)
    return group


# --- creation and import -------------------------------------------------------


@contextlib.contextmanager
def _publishing(**options):
    token = _publication.set(options)
    try:
        yield
    finally:
        _publication.reset(token)


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
    with _publishing(
        effective_date=effective_date,
        number=revision_number,
        note=reason,
        reviewed_by=reviewed_by,
        approved_by=approved_by,
        approved_at=_start_of(effective_date),
    ):
        revision.publish(user=user, skip_permission_checks=True)
    document_owner_groups_sync(unit=unit)
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
    with _publishing(
        effective_date=effective_date,
        note=reason,
        reviewed_by=reviewed_by,
        approved_by=approved_by,
        approved_at=_start_of(effective_date),
    ):
        revision.publish(user=user, skip_permission_checks=True)
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
    with _publishing(record_version=False):
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


def _start_of(day):
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0)))


def _set_page_state(page, **fields):
    """Document-wide state lives on the page row only (not in revisions); see ProcessDocumentPage.with_content_json."""
    ProcessDocumentPage.objects.filter(pk=page.pk).update(**fields)
    reader_cache.invalidate_document(page.pk)  # an update() sends no post_save
    for name, value in fields.items():
        setattr(page, name, value)


def _next_review_from(page, day):
    return add_months(day, page.review_interval_months or 12)


# --- effective versions --------------------------------------------------------


def _effective_date(page, revision):
    """A scheduled publication becomes effective on its go-live date; otherwise on the day it is published."""
    if page.go_live_at and page.go_live_at >= revision.created_at:
        return timezone.localdate(page.go_live_at)
    return timezone.localdate()


def start_of_local_day(day):
    """00:00 of `day` in the organisation's zone (TIME_ZONE, not a person's admin zone), aware."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def _effective_moment(page, revision, effective_date=None):
    """When a newly recorded version comes into force, i.e. when the previous one is superseded.

    A revision recorded with an effective date (register import, paper history, demo) is in
    force from the start of that local day; a scheduled publication from its go-live time;
    any other publication from now. Its local date is always the version's effective date.
    """
    if effective_date is not None:
        return start_of_local_day(effective_date)
    if page.go_live_at and page.go_live_at >= revision.created_at:
        return page.go_live_at
    return timezone.now()


def _workflow_signatures(page, revision):
    """(reviewed_by, reviewed_at, approved_by, approved_at) from the approved task states of this revision."""
    states = list(
        TaskState.objects.filter(revision=revision, status=TaskState.STATUS_APPROVED)
        .select_related("finished_by")
        .order_by("finished_at", "pk")
    )
    if not states:
        workflow_state = (
            WorkflowState.objects.for_instance(page)
            .filter(status=WorkflowState.STATUS_APPROVED)
            .order_by("-pk")
            .first()
        )
        if workflow_state is not None:
            states = list(
                workflow_state.task_states.filter(status=TaskState.STATUS_APPROVED)
                .select_related("finished_by")
                .order_by("finished_at", "pk")
            )
    if not states:
        return None, None, None, None
    review = states[0] if len(states) > 1 else None
    approval = states[-1]
    return (
        review.finished_by if review else None,
        review.finished_at if review else None,
        approval.finished_by,
        approval.finished_at,
    )


@transaction.atomic
def document_version_record(*, page, revision, user=None):
    """Record the publication of `revision` as the document's new effective version; supersede the previous one.

    Called by the page_published trigger for every publication (workflow approval,
    scheduled go-live, import). Idempotent per revision.
    """
    options = _publication.get() or {}
    if options.get("record_version") is False:
        return None
    existing = DocumentVersion.objects.filter(page=page, revision=revision).first()
    if existing is not None:
        return existing
    previous = list(DocumentVersion.objects.select_for_update().filter(page=page, superseded_at__isnull=True))
    number = options.get("number") or selectors.next_version_number(page)
    if DocumentVersion.objects.filter(page=page, number__gte=number).exists():
        raise DocumentError(
            _("Revision %(number)s of %(identifier)s is already recorded.")
            % {"number": number, "identifier": page.identifier}
        )
    effective_date = options.get("effective_date") or _effective_date(page, revision)
    effective_at = _effective_moment(page, revision, options.get("effective_date"))
    reviewed_by, reviewed_at, approved_by, approved_at = _workflow_signatures(page, revision)
    if options.get("approved_by") is not None:
        approved_by, approved_at = options["approved_by"], options.get("approved_at")
    if options.get("reviewed_by") is not None:
        reviewed_by, reviewed_at = options["reviewed_by"], options.get("approved_at")
    content_page = revision.as_object()
    version = DocumentVersion.objects.create(
        page=page,
        number=number,
        revision=revision,
        effective_date=effective_date,
        change_summary=content_page.change_summary,
        reviewed_by=reviewed_by,
        reviewed_at=reviewed_at,
        approved_by=approved_by,
        approved_at=approved_at,
        published_by=user if user is not None and user.is_authenticated else None,
        note=options.get("note", "")[:300],
    )
    # ISO 9001 7.5.3.2: the previous revision stops being in force when this one starts,
    # which for a back-dated (imported) revision is its effective date, not the day it is recorded.
    for old in previous:
        old.superseded_at = effective_at
        old.superseded_by = version
        old.save(update_fields=["superseded_at", "superseded_by"])
    _set_page_state(page, next_review_date=_next_review_from(content_page, effective_date))
    if not options:
        # A revision approved in the product may have changed the process owner.
        document_owner_groups_sync(unit=content_page.unit)
    return version


# --- withdrawal and periodic review ---------------------------------------------


@transaction.atomic
def document_withdraw(*, page, user, reason):
    """Withdraw an obsolete document (ISO 9001 7.5.3.2 d): kept and readable, marked, out of the listings."""
    page = ProcessDocumentPage.objects.select_for_update().get(pk=page.pk)
    if not selectors.can_manage_documents(user):
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
    if not selectors.can_review(user, page):
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
    if outcome == DocumentReview.Outcome.WITHDRAW and not selectors.can_manage_documents(user):
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
        _set_page_state(page, next_review_date=next_date)
    return review


# --- workflow, for programmatic use (demo, tests, integrations) ----------------------


@transaction.atomic
def document_submit(*, page, user, change_summary, changes=None):
    """Save a new revision with `changes` and submit it to the approval workflow, as the editor's Submit does."""
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    if not page.permissions_for_user(user).can_edit():
        raise DocumentPermissionError()
    if page.workflow_in_progress:
        raise DocumentError(_("This document already has a revision in review."))
    draft = page.get_latest_revision_as_object()
    for name, value in (changes or {}).items():
        setattr(draft, name, value)
    problem = selectors.change_summary_problem(page, change_summary)
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
