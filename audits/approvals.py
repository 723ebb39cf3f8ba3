"""The approver's home panel "Awaiting your approval" (ISO 9001 5.1, 7.5.2 c, 9.2.2 a, 10.2).

Leadership approves three things: revisions of process documents (the workflow's approval step),
the closure of major nonconformities and the yearly audit programme. Each register keeps its own
read of what awaits a person (`cms.approvals`, `qms.nonconformities.selectors`,
`audits.selectors`); this module only gathers them into one panel, and lives in `audits` because
that is the one layer allowed to read all three (DESIGN.md section 4). A quality officer sees the
review steps of the same workflow here too: they are the same kind of task.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string

from cms.approvals import revisions_awaiting
from qms.nonconformities.selectors import major_awaiting_closure

from .selectors import programmes_awaiting_approval

LIMIT = 20


@dataclass
class Awaiting:
    revisions: list
    nonconformities: list
    programmes: list

    @property
    def count(self):
        return len(self.revisions) + len(self.nonconformities) + len(self.programmes)


def awaiting_for(user):
    return Awaiting(
        revisions=revisions_awaiting(user)[:LIMIT],
        nonconformities=list(major_awaiting_closure(user)[:LIMIT]),
        programmes=list(programmes_awaiting_approval(user)[:LIMIT]),
    )


def render_home_panel(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    awaiting = awaiting_for(user)
    if not awaiting.count:
        return ""
    return render_to_string("audits/approvals_panel.html", {"awaiting": awaiting}, request=request)
