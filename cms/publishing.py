"""Publishing a controlled document: one service every publication passes through (ISO 9001 7.5.2 c, 7.5.3.2 c).

`document_publish` is called by the three paths that make a revision effective: the end of the
"Document approval" workflow (`cms.workflow.publish_approved_document`), the register import and the
demo (`cms.services.document_create`, `document_publish_imported_revision`) and scheduled go-live
(Wagtail's `publish_scheduled`, which this app's command of the same name wraps; beat runs it). It
publishes the Wagtail revision and, in the same transaction, records the immutable DocumentVersion,
supersedes the previous one, sets the next review date and invalidates the readers' cache.

What must follow once the publication is committed (the distribution to readers, 7.5.3.1 a) is a
*follow-up step*, registered by the app that owns it with Wagtail's hooks:

    @hooks.register(FOLLOW_UP_HOOK)
    def distribution():
        return FollowUp(name="distribution", label=_("Distribution to readers"), run=distribute)

Each step gets a PublicationFollowUp row inside the publication's transaction and runs on commit in
its own transaction. A step that fails never undoes the publication; its row says *failed* with the
error, the person who published and the quality officers get it as a reminder and on their dashboard
(`cms.reminders.publication_follow_ups_failed`), and an officer retries it (`publication_follow_up_retry`).
Never only a log line: a revision that silently never reached its readers breaks 7.5.3.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.models import TaskState, WorkflowState

from qms.core.records import QmsError, save_with_history, start_of_local_day

from . import reader_cache, selectors
from .errors import DocumentError, DocumentPermissionError
from .models import DocumentVersion, ProcessDocumentPage, PublicationFollowUp

logger = logging.getLogger(__name__)

FOLLOW_UP_HOOK = "qms_publication_follow_up"


@dataclass(frozen=True)
class FollowUp:
    """A step that follows a publication: `run(version)` does it, idempotently (it may be retried)."""

    name: str
    label: object
    run: Callable


def follow_ups():
    """The registered follow-up steps, by name."""
    steps = (make() for make in hooks.get_hooks(FOLLOW_UP_HOOK))
    return {step.name: step for step in steps}


def follow_up_label(name):
    step = follow_ups().get(name)
    return step.label if step is not None else name


# --- the version record ------------------------------------------------------------


def _effective_date(page, revision):
    """A scheduled publication becomes effective on its go-live date; otherwise on the day it is published."""
    if page.go_live_at and page.go_live_at >= revision.created_at:
        return timezone.localdate(page.go_live_at)
    return timezone.localdate()


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


def _record_version(*, page, revision, user, number, effective_date, note, reviewed_by, approved_by, approved_at):
    """The new effective version of `page` and the supersession of the previous one (idempotent per revision)."""
    existing = DocumentVersion.objects.filter(page=page, revision=revision).first()
    if existing is not None:
        return existing, False
    previous = list(DocumentVersion.objects.select_for_update().filter(page=page, superseded_at__isnull=True))
    number = number or selectors.next_version_number(page)
    if DocumentVersion.objects.filter(page=page, number__gte=number).exists():
        raise DocumentError(
            _("Revision %(number)s of %(identifier)s is already recorded.")
            % {"number": number, "identifier": page.identifier}
        )
    effective_at = _effective_moment(page, revision, effective_date)
    effective_date = effective_date or _effective_date(page, revision)
    signed_reviewer, reviewed_at, signed_approver, signed_at = _workflow_signatures(page, revision)
    if approved_by is not None:
        signed_approver, signed_at = approved_by, approved_at
    if reviewed_by is not None:
        signed_reviewer, reviewed_at = reviewed_by, approved_at
    content_page = revision.as_object()
    version = DocumentVersion.objects.create(
        page=page,
        number=number,
        revision=revision,
        effective_date=effective_date,
        change_summary=content_page.change_summary,
        reviewed_by=signed_reviewer,
        reviewed_at=reviewed_at,
        approved_by=signed_approver,
        approved_at=signed_at,
        published_by=user if user is not None and user.is_authenticated else None,
        note=(note or "")[:300],
    )
    # ISO 9001 7.5.3.2: the previous revision stops being in force when this one starts,
    # which for a back-dated (imported) revision is its effective date, not the day it is recorded.
    for old in previous:
        old.superseded_at = effective_at
        old.superseded_by = version
        old.save(update_fields=["superseded_at", "superseded_by"])
    return version, True


@transaction.atomic
def document_publish(
    *,
    revision,
    user,
    number=None,
    effective_date=None,
    note="",
    reviewed_by=None,
    approved_by=None,
    approved_at=None,
):
    """Make `revision` of a controlled document effective, with everything that must follow it.

    revision: the Wagtail revision of a ProcessDocumentPage. user: who publishes (the last approver,
    the importer, or None for scheduled go-live, when the revision's writer is recorded).
    number (default: the next one), effective_date (default: today, or the go-live date),
    note, reviewed_by, approved_by, approved_at: what the paper register says, for a revision
    approved outside the product; otherwise the signatures come from the workflow's task states.

    A revision with a go-live date still ahead is only scheduled (Wagtail keeps it approved until
    then) and None is returned; otherwise the new DocumentVersion. Separation of duties (5.3) is not
    asked here: the workflow's steps enforce it before its end calls this service.
    """
    page = ProcessDocumentPage.objects.select_for_update().get(pk=revision.object_id)
    revision.publish(user=user, skip_permission_checks=True)
    revision.refresh_from_db(fields=["approved_go_live_at"])
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    if revision.approved_go_live_at is not None:
        return None  # scheduled: publish_scheduled calls this service again at its go-live time
    recorder = user if user is not None else revision.user
    version, created = _record_version(
        page=page,
        revision=revision,
        user=recorder,
        number=number,
        effective_date=effective_date,
        note=note,
        reviewed_by=reviewed_by,
        approved_by=approved_by,
        approved_at=approved_at,
    )
    if not created:
        return version
    content_page = revision.as_object()
    # Document-wide state lives on the page row only (not in revisions); see ProcessDocumentPage.with_content_json.
    next_review = version.effective_date + _months(content_page.review_interval_months or 12)
    ProcessDocumentPage.objects.filter(pk=page.pk).update(next_review_date=next_review)
    # A revision approved in the product may have changed the process owner (ISO 9001 5.3).
    from .owners import document_owner_groups_sync

    document_owner_groups_sync(unit=content_page.unit)
    reader_cache.invalidate_document(
        page.pk
    )  # an update() sends no post_save; the new version replaces the old for every reader
    _schedule_follow_ups(version=version, user=recorder)
    return version


def due_scheduled_revisions(*, now):
    """Approved revisions of process documents whose go-live time has come, oldest first."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Revision

    return list(
        Revision.objects.filter(
            approved_go_live_at__lt=now, content_type=ContentType.objects.get_for_model(ProcessDocumentPage)
        ).order_by("approved_go_live_at", "pk")
    )


def _months(months):
    from dateutil.relativedelta import relativedelta

    return relativedelta(months=months)


# --- follow-up steps ------------------------------------------------------------------


def _schedule_follow_ups(*, version, user):
    published_by = user if user is not None and user.is_authenticated else None
    for step in follow_ups().values():
        follow_up = PublicationFollowUp(version=version, step=step.name, published_by=published_by)
        save_with_history(follow_up, user=user, reason=_("Published: %(step)s follows") % {"step": step.label})
        transaction.on_commit(lambda pk=follow_up.pk: _run_on_commit(pk))


def _run_on_commit(follow_up_pk):
    try:
        _run(follow_up_pk, user=None, reason=_("Done after the publication"))
    except Exception:  # recorded on the follow-up by _run; the publication stands
        logger.exception("Publication follow-up %s failed", follow_up_pk)


def _run(follow_up_pk, *, user, reason):
    """Run one follow-up step in its own transaction; a failure is recorded on its row, then re-raised."""
    try:
        with transaction.atomic():
            follow_up = (
                PublicationFollowUp.objects.select_for_update().select_related("version__page").get(pk=follow_up_pk)
            )
            if follow_up.status == PublicationFollowUp.Status.DONE:
                return follow_up
            step = follow_ups().get(follow_up.step)
            if step is None:
                raise DocumentError(_("No step named %(step)s is registered.") % {"step": follow_up.step})
            step.run(follow_up.version)
            follow_up.status = PublicationFollowUp.Status.DONE
            follow_up.attempts += 1
            follow_up.done_at = timezone.now()
            follow_up.error = ""
            save_with_history(follow_up, user=user, reason=reason)
            return follow_up
    except Exception as error:
        with transaction.atomic():
            follow_up = PublicationFollowUp.objects.select_for_update().get(pk=follow_up_pk)
            follow_up.status = PublicationFollowUp.Status.FAILED
            follow_up.attempts += 1
            follow_up.failed_at = timezone.now()
            follow_up.error = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
            save_with_history(follow_up, user=user, reason=_("Failed: %(error)s") % {"error": follow_up.error})
        raise


class FollowUpFailed(QmsError):
    default_message = gettext_lazy("The step failed again.")


def publication_follow_up_retry(*, follow_up, user):
    """A quality officer runs a failed (or never finished) follow-up step again.

    Returns the follow-up, done. Raises DocumentPermissionError for anyone else, FollowUpFailed
    (with the error) when the step fails again; the failure and the attempt are recorded either way.
    Not atomic as a whole on purpose: the failed attempt must be recorded when the step rolls back.
    """
    if not user.has_perm("cms.manage_documents"):
        raise DocumentPermissionError(_("Only a quality officer may retry a publication follow-up."))
    if follow_up.status == PublicationFollowUp.Status.DONE:
        return follow_up
    try:
        return _run(follow_up.pk, user=user, reason=_("Retried"))
    except Exception as error:
        follow_up.refresh_from_db()
        raise FollowUpFailed(
            _("%(step)s of %(version)s failed again: %(error)s")
            % {"step": follow_up_label(follow_up.step), "version": follow_up.version, "error": follow_up.error}
        ) from error


def failed_follow_ups(*, stale_after=datetime.timedelta(minutes=15)):
    """Follow-ups that failed, or that stayed pending longer than a step takes (the process died)."""
    from django.db.models import Q

    queryset = PublicationFollowUp.objects.filter(
        Q(status=PublicationFollowUp.Status.FAILED)
        | Q(status=PublicationFollowUp.Status.PENDING, created_at__lt=timezone.now() - stale_after)
    )
    return queryset.select_related("version__page", "published_by").order_by("created_at", "pk")
