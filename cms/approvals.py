"""Document revisions awaiting a person's step in the approval workflow (ISO 9001 7.5.2 c).

Read-only: which in-progress workflow tasks on process documents this person may approve or
reject. Who may is Wagtail's own rule (`TaskState.objects.reviewable_by`: a group approval
task's groups, or a superuser), so the list shows exactly the tasks the admin lets her act on.
Pages above `cms` (the site's home panels) read it from here. `revisions_awaiting_decision` reads
the same rule the other way round, every step with the people who may decide on it, for the
reminders (`cms/reminders.py`).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Page, TaskState, WorkflowState

from .selectors import revision_writers


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
    """Revisions of process documents whose current workflow task `user` may act on, oldest first.

    Not those she may not approve (her own submission, a revision she edited): the reminders
    (`revisions_awaiting_decision`) leave them out too.
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
    refused = _refused_steps(user, states)
    pending = []
    for state in states:
        page = pages.get(int(state.workflow_state.object_id))
        if page is None:  # another kind of page in a workflow: not a controlled document
            continue
        if state.pk in refused:  # she may not approve it: it does not await her (ISO 9001 5.3)
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


def _refused_steps(user, states):
    """The task states among `states` that separation of duties refuses `user` (two queries).

    `selectors.approval_refusal` read in bulk: at a `DocumentApprovalTask` step nobody approves a
    revision they submitted or whose text they saved (`selectors.revision_writers`).
    """
    from .models import DocumentApprovalTask

    separated = set(
        DocumentApprovalTask.objects.filter(pk__in={state.task_id for state in states}).values_list("pk", flat=True)
    )
    states = [state for state in states if state.task_id in separated]
    if not states:
        return set()
    writers = revision_writers({state.workflow_state.object_id for state in states})
    return {
        state.pk
        for state in states
        if state.workflow_state.requested_by_id == user.pk
        or user.pk in writers.get(int(state.workflow_state.object_id), ())
    }


@dataclass(frozen=True)
class AwaitingDecision:
    """A revision at one workflow step, with the people who may decide on it (`decider_ids`)."""

    task_state_id: int
    page_id: int
    identifier: str
    title: str
    unit_id: int | None
    started_at: datetime.datetime  # when the revision reached this step
    decider_ids: tuple[int, ...]


CHUNK = 500


def _step_members():
    """{task id: sorted active member pks} of every active group approval task (two queries).

    Wagtail's rule read the other way round: `reviewable_by(user)` lists the tasks whose groups
    hold the user; a reminder needs each task's groups' members. Bounded by the workflows'
    configuration (a few steps), not by the number of revisions. Superusers may act on any step
    but are not members: they are administrators, not the people a step waits for.
    """
    groups = defaultdict(set)
    for task_id, group_id in GroupApprovalTask.groups.through.objects.filter(
        groupapprovaltask__active=True
    ).values_list("groupapprovaltask_id", "group_id"):
        groups[task_id].add(group_id)
    members = defaultdict(set)
    for group_id, user_id in (
        get_user_model()
        .groups.through.objects.filter(
            group_id__in={group for ids in groups.values() for group in ids}, user__is_active=True
        )
        .values_list("group_id", "user_id")
    ):
        members[group_id].add(user_id)
    return {task_id: sorted({pk for group in ids for pk in members[group]}) for task_id, ids in groups.items()}


def revisions_awaiting_decision(*, started_before=None, user=None):
    """Every revision of a process document at an in-progress workflow step, with who may decide, streamed.

    The deciders are the step's groups' active members minus those the separation-of-duties rule
    refuses at a `DocumentApprovalTask` step (`selectors.approval_refusal`, ISO 9001 5.3, 7.5.2 c):
    the person who submitted the revision and anyone who saved a revision of the page since its
    last publication (`selectors.revision_writers`). With `user`, only the steps that person may
    decide on. `started_before` (aware) keeps the steps reached before then. Queries: two for the
    steps' members, one for the separation-of-duties tasks, then per 500 revisions one streamed
    chunk, one for the pages and two for the writers: never one per revision.
    """
    from .models import DocumentApprovalTask, ProcessDocumentPage

    members = _step_members()
    tasks = set(members) if user is None else {task for task, pks in members.items() if user.pk in pks}
    if not tasks:
        return
    separated = set(DocumentApprovalTask.objects.filter(pk__in=tasks).values_list("pk", flat=True))
    states = TaskState.objects.filter(
        status=TaskState.STATUS_IN_PROGRESS,
        task_id__in=tasks,
        workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
        workflow_state__content_type=ContentType.objects.get_for_model(ProcessDocumentPage),
    )
    if started_before is not None:
        states = states.filter(started_at__lt=started_before)
    rows = (
        states.order_by("started_at", "pk")
        .values_list(
            "pk",
            "task_id",
            "started_at",
            "workflow_state__object_id",
            "workflow_state__requested_by_id",
        )
        .iterator(chunk_size=CHUNK)
    )
    while chunk := list(islice(rows, CHUNK)):
        object_ids = {object_id for _pk, _task, _started, object_id, _by in chunk}
        pages = {
            pk: (identifier, title, unit_id)
            for pk, identifier, title, unit_id in ProcessDocumentPage.objects.filter(
                pk__in=[int(object_id) for object_id in object_ids]
            ).values_list("pk", "identifier", "title", "unit_id")
        }
        writers = revision_writers(object_ids)
        for pk, task_id, started_at, object_id, requested_by_id in chunk:
            page = pages.get(int(object_id))
            if page is None:
                continue
            refused = set()
            if task_id in separated:
                refused = {requested_by_id} | writers.get(int(object_id), set())
            deciders = tuple(person for person in members[task_id] if person not in refused)
            if user is not None and user.pk not in deciders:
                continue
            identifier, title, unit_id = page
            yield AwaitingDecision(
                task_state_id=pk,
                page_id=int(object_id),
                identifier=identifier,
                title=title,
                unit_id=unit_id,
                started_at=started_at,
                decider_ids=deciders,
            )
