"""What a person may do next with a feedback record: one selector that the site and the admin both render.

`available_actions(user, feedback)` lists each step of the lifecycle with its label, whether it is
allowed now and, when the role allows it but the state does not, why not; `perform(...)` runs one
through its form and service. No view restates a rule: a rule lives in `rules` (who) and `services`
(when), and this module only asks them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import forms, rules, services
from .models import Feedback

S = Feedback.Status


@dataclass(frozen=True)
class Action:
    name: str
    label: object
    form_class: type
    permission: str  # the rule (qms/feedback/rules.py) the person needs on the record
    statuses: tuple  # the statuses it is possible in
    why_not: object = ""  # shown when the role allows it but the status does not


ACTIONS = (
    Action(
        "classify",
        _("Classify"),
        forms.ClassifyForm,
        "feedback.classify_feedback",
        (S.RECEIVED, S.CLASSIFIED, S.ASSIGNED),
    ),
    Action("assign", _("Assign"), forms.AssignForm, "feedback.assign_feedback", (S.RECEIVED, S.CLASSIFIED, S.ASSIGNED)),
    Action(
        "answer",
        _("Submit the answer for approval"),
        forms.AnswerForm,
        "feedback.answer_feedback",
        (S.ASSIGNED,),
        _("The feedback is answered once it is assigned to a handler."),
    ),
    Action(
        "approve_answer",
        _("Approve and send the answer"),
        forms.ReasonForm,
        "feedback.approve_answer",
        (S.AWAITING_APPROVAL,),
    ),
    Action(
        "return_answer",
        _("Return the answer to the handler"),
        forms.ReasonForm,
        "feedback.approve_answer",
        (S.AWAITING_APPROVAL,),
    ),
    Action(
        "close",
        _("Close"),
        forms.ReasonForm,
        "feedback.close_feedback",
        (S.ANSWERED,),
        _("Feedback can be closed only once it is answered."),
    ),
    Action(
        "reject",
        pgettext_lazy("feedback", "Reject"),
        forms.ReasonForm,
        "feedback.reject_feedback",
        (S.RECEIVED, S.CLASSIFIED, S.ASSIGNED),
    ),
    Action(
        "raise_nonconformity",
        _("Raise a nonconformity"),
        forms.RaiseForm,
        "feedback.raise_nonconformity",
        (S.RECEIVED, S.CLASSIFIED, S.ASSIGNED, S.AWAITING_APPROVAL, S.ANSWERED, S.CLOSED),
        _("Only a complaint found substantiated raises a nonconformity."),
    ),
)
BY_NAME = {action.name: action for action in ACTIONS}


def _extra_blocker(action, feedback):
    if action.name == "raise_nonconformity":
        if feedback.nonconformity_id:
            return _("A nonconformity was already raised.")
        if feedback.kind != Feedback.Kind.COMPLAINT or feedback.substantiated is not True:
            return action.why_not
    return None


def _initial(action, feedback):
    initial = {"version": feedback.version}
    if action.name == "classify":
        initial.update(
            kind=feedback.kind,
            page=feedback.page_id,
            unit=feedback.unit_id,
            concerns_regulation=feedback.concerns_regulation,
        )
    elif action.name == "assign":
        initial.update(unit=feedback.unit_id, handler=feedback.handler_id, due_date=feedback.due_date)
    elif action.name == "answer":
        substantiated = {True: "yes", False: "no"}.get(feedback.substantiated, "")
        initial.update(answer=feedback.answer, substantiated=substantiated)
    return initial


def _may(action, user, feedback):
    if action.name in ("approve_answer", "return_answer"):
        return rules.may_approve_answer(user, feedback)
    return user.has_perm(action.permission, feedback)


def available_actions(user, feedback):
    """[{name, label, allowed, why_not, form}] of the actions the person's role gives them on this record."""
    from qms.core import roles

    wrote_answer = feedback.answered_by_id is not None and feedback.answered_by_id == user.pk
    found = []
    for action in ACTIONS:
        # An approver who wrote the answer is shown why they may not approve it, rather than nothing.
        own_answer = action.name == "approve_answer" and wrote_answer and roles.is_approver(user)
        if not _may(action, user, feedback) and not own_answer:
            continue
        if feedback.status not in action.statuses:
            if not action.why_not:
                continue  # not a step of this state at all: not shown
            why_not = action.why_not
        elif own_answer:
            why_not = _("The person who wrote the answer cannot approve it; another approver must.")
        else:
            why_not = _extra_blocker(action, feedback) or ""
        found.append(
            {
                "name": action.name,
                "label": action.label,
                "allowed": not why_not,
                "why_not": why_not,
                "form": action.form_class(initial=_initial(action, feedback), prefix=action.name),
            }
        )
    return found


def perform(name, *, feedback, user, data):
    """Run action `name` with posted `data`. Returns (result, form); raises QmsError (the service's refusal).

    A form that does not validate returns (None, form) with its errors; nothing is changed.
    """
    action = BY_NAME.get(name)
    if action is None:
        raise services.InvalidInput()
    form = action.form_class(data, prefix=name)
    if not form.is_valid():
        return None, form
    values = form.cleaned_data
    common = {"feedback": feedback, "user": user}
    version = values.get("version")
    if name == "classify":
        from wagtail.models import Page

        page = Page.objects.filter(pk=values["page"]).first() if values.get("page") else None
        result = services.feedback_classify(
            **common,
            version=version,
            kind=values["kind"],
            page=page,
            unit=values.get("unit"),
            concerns_regulation=values.get("concerns_regulation"),
        )
    elif name == "assign":
        result = services.feedback_assign(
            **common, version=version, unit=values["unit"], handler=values["handler"], due_date=values.get("due_date")
        )
    elif name == "answer":
        result = services.feedback_answer(
            **common, version=version, answer=values["answer"], substantiated=values.get("substantiated")
        )
    elif name == "approve_answer":
        result = services.feedback_approve_answer(**common, version=version, reason=values.get("reason", ""))
    elif name == "return_answer":
        result = services.feedback_return_answer(**common, version=version, reason=values.get("reason", ""))
    elif name == "close":
        result = services.feedback_close(**common, version=version, reason=values.get("reason", ""))
    elif name == "reject":
        result = services.feedback_reject(**common, version=version, reason=values.get("reason", ""))
    else:  # raise_nonconformity
        result = services.feedback_raise_nonconformity(**common, severity=values["severity"])
    return result, form
