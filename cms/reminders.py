"""Document reviews coming up and overdue, revisions awaiting a decision (ISO 9001 7.5.2).

Registered with the reminder engine through the hook qms_reminder_providers (wagtail_hooks.py).
- A document review (7.5.2: documented information is reviewed for suitability): to the process
  owner, or the owning unit's manager when the document has none.
- A revision at a workflow step (7.5.2 c: approved before it is issued): to those who may decide
  on that step (`cms.approvals.revisions_awaiting_decision`), due QMS_APPROVAL_DUE_DAYS after it
  reached the step. Each step is its own item (the task state), so the approver's reminder starts
  when the review is done, and a decided step is withdrawn at delivery rather than sent.
- A publication follow-up that failed or never finished (7.5.3.1 a: the revision may not have reached
  its readers): to the person who published and to the quality officers, due the day it failed, until
  an officer's retry succeeds (`cms.publishing`).
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import TaskState

from qms.core import roles
from qms.reminders.kinds import approval_due_days
from qms.reminders.registry import DueItem, content_type_id, provider

from .approvals import revisions_awaiting_decision
from .models import ProcessDocumentPage, PublicationFollowUp
from .publishing import failed_follow_ups

# The kinds this app registers, with their labels in its own catalogue (hook qms_reminder_providers).
DOCUMENT_REVIEW = "document_review"
REVISION_DECISION = "revision_decision"
# A step after a document's publication (its distribution) that failed: cms.publishing.
PUBLICATION_FOLLOW_UP = "publication_follow_up"


@provider(DOCUMENT_REVIEW, label=_("Document reviews (ISO 9001 7.5.2)"), days_before=(30, 7, 1), order=10)
def document_reviews(*, until, user=None):
    pages = ProcessDocumentPage.objects.live().filter(
        withdrawn_at__isnull=True, next_review_date__isnull=False, next_review_date__lte=until
    )
    if user is not None:
        pages = pages.filter(Q(process_owner=user) | Q(process_owner__isnull=True, unit__manager=user))
    ct = content_type_id(ProcessDocumentPage)
    rows = pages.order_by("next_review_date", "pk").values_list(
        "pk",
        "identifier",
        "title",
        "next_review_date",
        "process_owner_id",
        "unit_id",
        "unit__manager_id",
        "review_reason",
    )
    for pk, identifier, title, due, owner_id, unit_id, manager_id, why in rows.iterator(chunk_size=2000):
        recipient = owner_id or manager_id
        if recipient is None:
            continue
        yield DueItem(
            content_type_id=ct,
            object_id=pk,
            recipient_ids=(recipient,),
            due_date=due,
            # A review brought forward says why (qms.procedures: a procedure's legal basis changed).
            title=f"{identifier} {title}" + (f" ({why.splitlines()[-1]})" if why else ""),
            url=reverse("wagtailadmin_pages:edit", args=[pk]),
            unit_id=unit_id,
        )


@provider(
    REVISION_DECISION,
    label=_("Revisions awaiting your decision (7.5.2 c)"),
    days_before=(5, 1),
    escalation_grace_days=7,
    order=12,
)
def revisions_awaiting_your_decision(*, until, user=None):
    days = approval_due_days()
    # Reached the step before the local midnight ending `until - days`: due by `until`.
    started_before = timezone.make_aware(
        datetime.datetime.combine(until - datetime.timedelta(days=days - 1), datetime.time())
    )
    ct = content_type_id(TaskState)
    for pending in revisions_awaiting_decision(started_before=started_before, user=user):
        # Yielded even when nobody is left to decide (every member submitted or edited it): the
        # revision is then stuck, and the escalation tells the unit's manager and the quality officers.
        yield DueItem(
            content_type_id=ct,
            object_id=pending.task_state_id,
            recipient_ids=pending.decider_ids,
            due_date=timezone.localtime(pending.started_at).date() + datetime.timedelta(days=days),
            title=f"{pending.identifier} {pending.title}",
            url=reverse("wagtailadmin_pages:edit", args=[pending.page_id]),
            unit_id=pending.unit_id,
        )


@provider(
    PUBLICATION_FOLLOW_UP,
    label=_("Publication follow-ups that failed (7.5.3)"),
    days_before=(0,),
    overdue_every_days=1,
    escalation_grace_days=1,
    order=5,
)
def publication_follow_ups_failed(*, until, user=None):
    officers = roles.active_member_ids(roles.QUALITY_OFFICERS)
    ct = content_type_id(PublicationFollowUp)
    url = reverse("cms_follow_ups")
    for follow_up in failed_follow_ups():
        due = timezone.localdate(follow_up.failed_at or follow_up.created_at)
        if due > until:
            continue
        first = (follow_up.published_by_id,) if follow_up.published_by_id not in (None, *officers) else ()
        recipients = first + officers
        if user is not None and user.pk not in recipients:
            continue
        page = follow_up.version.page
        yield DueItem(
            content_type_id=ct,
            object_id=follow_up.pk,
            recipient_ids=recipients,
            due_date=due,
            title=f"{page.identifier} {page.title}",
            url=url,
            unit_id=page.unit_id,
        )
