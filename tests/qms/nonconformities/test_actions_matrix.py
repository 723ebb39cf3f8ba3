"""The available-actions selectors agree with the services (ISO 9001 5.3, 10.2): role x state x action.

For every person of the matrix (including someone of another unit, an administrator and an anonymous
visitor), every state of a nonconformity and of its action, and every action the selectors list, the
service is run in a savepoint: it succeeds exactly when the selector says "allowed", and when it
refuses, its message is the selector's "why not".
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from qms.nonconformities import selectors, services
from qms.nonconformities.models import Nonconformity
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Nonconformity.Status
STATES = [
    "reported",
    "investigating",
    "action_planned",
    "in_progress",
    "awaiting_verification",
    "verified_major",
    "closed",
    "rejected",
]


class Rollback(Exception):
    pass


def _people(cast):
    people = dict(cast["people"])
    people["anonymous"] = AnonymousUser()
    people["administrator"] = f.make_user(unit=cast["other"], is_superuser=True)
    return people


def _bring(cast, state):
    officer, approver = cast["people"]["officer"], cast["people"]["approver"]
    severity = "major" if state.endswith("_major") else "minor"
    nc = f.make_nonconformity(
        unit=cast["home"],
        owner=cast["people"]["nc_owner"],
        reported_by=f.make_staff(unit=cast["home"]),
        severity=severity,
    )
    action = None
    if state == "rejected":
        services.nonconformity_transition(nonconformity=nc, target=S.REJECTED, user=officer, reason="Không phải")
    if state not in ("reported", "rejected"):
        nc = services.nonconformity_transition(nonconformity=nc, target=S.INVESTIGATING, user=officer)
        action = f.make_action(nc, owner=cast["people"]["action_owner"], user=officer)
        nc = services.nonconformity_update(nonconformity=nc, user=officer, root_cause="Biểu mẫu cũ", reason="Phân tích")
    if state not in ("reported", "rejected", "investigating"):
        nc = services.nonconformity_transition(nonconformity=nc, target=S.ACTION_PLANNED, user=officer)
    if state not in ("reported", "rejected", "investigating", "action_planned"):
        action = services.action_start(action=action, user=officer)
    if state in ("awaiting_verification", "verified_major", "closed"):
        action = services.action_complete(action=action, user=officer, evidence="Đã sửa")
    if state in ("verified_major", "closed"):
        services.action_verify(action=action, user=approver, effective=True)
    if state == "closed":
        services.nonconformity_transition(nonconformity=nc, target=S.CLOSED, user=officer)
    nc = Nonconformity.objects.get(pk=nc.pk)
    if action is not None:
        action = nc.actions.get(pk=action.pk)
    return nc, action


def _run_nc(step, user, nc):
    if step.action == "transition":
        services.nonconformity_transition(
            nonconformity=nc, target=step.target, user=user, reason="Lý do", version=nc.version
        )
    elif step.action == "edit":
        services.nonconformity_update(nonconformity=nc, user=user, title="Tiêu đề mới", version=nc.version)
    elif step.action == "plan_action":
        services.action_create(
            nonconformity=nc,
            kind="corrective",
            description="Thêm",
            owner=f.make_staff(),
            due_date=timezone.localdate() + datetime.timedelta(days=7),
            user=user,
        )
    else:  # pragma: no cover - a new action must be added to this matrix
        raise AssertionError(step.action)


def _run_action(step, user, action):
    if step.action == "start":
        services.action_start(action=action, user=user, version=action.version)
    elif step.action == "complete":
        services.action_complete(action=action, user=user, evidence="Xong", version=action.version)
    elif step.action == "verify":
        services.action_verify(action=action, user=user, effective=True, version=action.version)
    elif step.action == "edit":
        services.action_update(action=action, user=user, description="Mô tả mới", version=action.version)
    else:  # pragma: no cover
        raise AssertionError(step.action)


def _outcome(run, step, user, record):
    """(succeeded, message) of the service, with nothing kept."""
    try:
        with transaction.atomic():
            run(step, user, record)
            raise Rollback
    except Rollback:
        return True, ""
    except services.NonconformityError as error:
        return False, error.message


@pytest.mark.parametrize("state", STATES)
def test_the_nonconformity_selector_and_services_agree(cast, state):
    nc, action = _bring(cast, state)
    seen_allowed = set()
    for role, user in _people(cast).items():
        steps = selectors.nonconformity_actions(user=user, nonconformity=nc)
        assert {step.action for step in steps} >= {"edit", "plan_action"}
        assert {step.target for step in steps if step.action == "transition"} == services.TRANSITIONS[nc.status]
        for step in steps:
            succeeded, message = _outcome(_run_nc, step, user, nc)
            assert succeeded is step.allowed, (role, state, step)
            if not succeeded:
                assert message == step.why_not, (role, state, step)
            else:
                seen_allowed.add((role, step.action, step.target))
        fresh = Nonconformity.objects.get(pk=nc.pk)
        assert (fresh.status, fresh.version) == (nc.status, nc.version), "a refused or rolled-back step changed it"
    # The matrix is not vacuous: in an open state somebody may do something, nobody of another unit may.
    if state not in ("rejected",):
        assert seen_allowed
    assert not {item for item in seen_allowed if item[0] in ("staff_other_unit", "anonymous", "staff_same_unit")}


@pytest.mark.parametrize("state", [state for state in STATES if state not in ("reported", "rejected")])
def test_the_action_selector_and_services_agree(cast, state):
    nc, action = _bring(cast, state)
    allowed = {}
    for role, user in _people(cast).items():
        for step in selectors.action_actions(user=user, action=action):
            succeeded, message = _outcome(_run_action, step, user, action)
            assert succeeded is step.allowed, (role, state, step)
            if not succeeded:
                assert message == step.why_not, (role, state, step)
            allowed.setdefault(step.action, set())
            if succeeded:
                allowed[step.action].add(role)
    # Separation of duties (ISO 9001 10.2.1 d): the action's owner never verifies it, nor does anyone
    # of another unit without a part in it; an administrator may verify someone else's action.
    assert not allowed["verify"] & {"action_owner", "staff_other_unit", "staff_same_unit", "anonymous"}
    if state == "awaiting_verification":
        assert allowed["verify"] == {"nc_owner", "officer", "approver", "auditor", "administrator"}
    if state == "action_planned":
        assert allowed["start"] == {"action_owner", "officer", "administrator"}


def test_an_administrator_who_owns_the_action_may_not_verify_it(cast):
    nc, action = _bring(cast, "awaiting_verification")
    administrator = f.make_user(unit=cast["other"], is_superuser=True)
    action.owner = administrator
    action.save()
    verify = {step.action: step for step in selectors.action_actions(user=administrator, action=action)}["verify"]
    assert not verify.allowed and not verify.permitted
    with pytest.raises(services.NotPermitted) as refused:
        services.action_verify(action=action, user=administrator, effective=True)
    assert refused.value.message == verify.why_not


def test_only_an_approver_closes_a_major_nonconformity_and_the_selector_says_so(cast):
    nc, _action = _bring(cast, "verified_major")

    def close(role):
        steps = selectors.nonconformity_actions(user=cast["people"][role], nonconformity=nc)
        return next(step for step in steps if step.target == S.CLOSED)

    assert close("approver").allowed
    refused = close("officer")
    assert not refused.allowed and not refused.permitted
    with pytest.raises(services.NotPermitted) as error:
        services.nonconformity_transition(nonconformity=nc, target=S.CLOSED, user=cast["people"]["officer"])
    assert error.value.message == refused.why_not
