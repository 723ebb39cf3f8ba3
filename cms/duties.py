"""Rules about a revision under review that the page model asks (ISO 9001 5.3, 7.5.2 c, 7.5.3.2 c).

Separation of duties (nobody approves what they wrote) and the change summary a submission needs. The
page's edit form and the "Document approval" task (cms.models) ask them, so they live below the models:
this module imports no cms model, which keeps cms free of import loops; cms.selectors offers them too.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision


def revision_writers(page_ids):
    """{page id: ids of the people who saved a revision of it since its last publication} (two queries).

    The text under review is theirs, whether they saved it before the submit (someone else may press
    Submit) or during the review: every revision since the version in force was published counts.
    """
    page_ids = {int(pk) for pk in page_ids}
    published = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "live_revision__created_at"))
    writers = defaultdict(set)
    for object_id, user_id, created_at in Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(pk) for pk in page_ids],
        user__isnull=False,
    ).values_list("object_id", "user_id", "created_at"):
        since = published.get(int(object_id))
        if since is None or created_at > since:
            writers[int(object_id)].add(user_id)
    return writers


def approval_refusal(*, page, user):
    """Why `user` may not approve the revision of `page` under review, at any step, or None.

    ISO 9001 5.3 and 7.5.2 c: a document is reviewed and approved by people other than the ones who
    wrote it. Nobody approves, at the review or the approval step, a revision they submitted, or one
    whose text they saved since the last publication (before the submit or during the review: an
    approver who edits during approval would otherwise approve their own text).
    """
    state = page.current_workflow_state
    if state is None or not user.is_authenticated:
        return None
    if state.requested_by_id == user.pk:
        return _("You submitted this revision; someone else reviews and approves it.")
    if user.pk in revision_writers([page.pk]).get(page.pk, ()):
        return _("You wrote or edited this revision; someone else reviews and approves it.")
    return None


def change_summary_problem(page, summary):
    """Why a change summary cannot go with a submission, or None."""
    summary = (summary or "").strip()
    if page.pk and page.withdrawn_at is not None:
        return _("This document is withdrawn; write a new document instead of revising it.")
    if not summary:
        return _("Describe what changes in this revision before submitting it for review.")
    if page.pk:
        # The version in force, through the page's relation: this module reads no cms model itself.
        current = page.versions.filter(superseded_at__isnull=True).order_by("-number").first()
        if current is not None and current.change_summary.strip() == summary:
            return _("This is the change summary of revision %(number)s; describe what changes in this one.") % {
                "number": current.number
            }
    return None


def time_limit_problem(page, steps):
    """Why the steps' time limits exceed the statutory time of the procedures `page` implements, or "".

    The procedures' register stands below the documents app, which reads it (DESIGN.md section 4)."""
    from qms.procedures.time_limits import steps_problem

    return steps_problem(document_id=page.pk, steps=steps)
