"""The records other than nonconformities that own actions (ISO 9001 6.1.2 b, 9.3.3, 10.3).

A risk's treatment, a management review's decision or an objective's plan is carried out by actions
like any other: an owner, a due date, reminders, evidence, and verification of effectiveness by someone
else. Those records live in higher layers, so each app registers its model through the Wagtail hook
``qms_action_origins`` (docs/architecture.md)::

    @hooks.register("qms_action_origins")
    def risk_actions():
        return [ActionOrigin(model="risks.Risk", read_permission="risks.read_risk",
                             plan_permission="risks.plan_treatment", default_kind="risk_treatment")]

and the action services, rules and pages ask this module about an origin, never the higher app.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

from qms.core.extensions import collected

HOOK = "qms_action_origins"


@dataclass(frozen=True)
class ActionOrigin:
    model: str  # "app_label.ModelName"
    read_permission: str  # user.has_perm(name, origin): may see the origin, hence its actions
    plan_permission: str  # user.has_perm(name, origin): may plan and change its actions
    default_kind: str = "improvement"
    # blocker(origin) -> a message for the person why actions cannot be planned now, or None.
    blocker: Callable | None = None

    @property
    def model_class(self):
        return apps.get_model(self.model)


def registered():
    return list(collected(HOOK))


def for_record(record):
    """The registration of `record`'s model, or None when that model owns no actions."""
    label = record._meta.label
    return next((origin for origin in registered() if origin.model == label), None)


def planning_blocker(record):
    origin = for_record(record)
    if origin is None:
        return None
    return origin.blocker(record) if origin.blocker else None
