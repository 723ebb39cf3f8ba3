"""Document revisions awaiting a person's step in the approval workflow (ISO 9001 7.5.2 c).

Read-only: which in-progress workflow tasks on process documents this person may approve or
reject. Who may is Wagtail's own rule (`TaskState.objects.reviewable_by`: a group approval
task's groups, or a superuser), so the list shows exactly the tasks the admin lets her act on.
Pages above `cms` (the site's home panels, the reminders) read it from here.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import Page, TaskState

from .selectors import approval_refusal


@dataclass(frozen=True)
class PendingRevision:
    task_state_id: int
    page: object  # the ProcessDocumentPage, specific
    submitted_by: object
    submitted_at: object  # when the task reached this person's step
    change_summary: str

    @property
    def url(self):
        """The editor, whose action menu holds Approve and Request changes for this task."""
        return reverse("wagtailadmin_pages:edit", args=[self.page.pk])


def revisions_awaiting(user):
    """Revisions of process documents whose current workflow task `user` may approve, oldest first.

    Not those the separation of duties keeps from them (they submitted or edited the revision): the
    list shows only what they can decide.
    """
    from .models import ProcessDocumentPage

    if not user.is_authenticated:
        return []
    states = (
        TaskState.objects.reviewable_by(user)
        .filter(workflow_state__base_content_type=ContentType.objects.get_for_model(Page))
        .select_related("workflow_state__requested_by", "revision")
        .order_by("started_at", "pk")
    )
    states = list(states)
    pages = ProcessDocumentPage.objects.in_bulk([int(state.workflow_state.object_id) for state in states])
    pending = []
    for state in states:
        page = pages.get(int(state.workflow_state.object_id))
        if page is None:  # another kind of page in a workflow: not a controlled document
            continue
        if approval_refusal(page=page, user=user):  # their own revision: someone else decides (5.3, 7.5.2 c)
            continue
        content = state.revision.content if state.revision_id else {}
        pending.append(
            PendingRevision(
                task_state_id=state.pk,
                page=page,
                submitted_by=state.workflow_state.requested_by,
                submitted_at=state.started_at,
                change_summary=str(content.get("change_summary") or ""),
            )
        )
    return pending
