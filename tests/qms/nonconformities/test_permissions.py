"""The permission matrix: role x view (and transition) -> what the server answers, per role and per object."""

import pytest
from django.urls import reverse

from qms.nonconformities.models import CorrectiveAction, Nonconformity

pytestmark = pytest.mark.django_db

ROLES = [
    "staff_same_unit",
    "staff_other_unit",
    "action_owner",
    "nc_owner",
    "officer",
    "approver",
    "auditor",
    "anonymous",
]
LOGIN = 302  # anonymous: sent to the log-in page

# view -> expected status per role (in ROLES order)
GET_MATRIX = {
    "list": [200, 200, 200, 200, 200, 200, 200, LOGIN],
    "report": [200, 200, 200, 200, 200, 200, 200, LOGIN],
    "my_actions": [200, 200, 200, 200, 200, 200, 200, LOGIN],
    # Other units' nonconformities are hidden (404) unless the person has a part in it or a role that sees all.
    "detail": [200, 404, 200, 200, 200, 200, 200, LOGIN],
    "edit": [403, 404, 403, 200, 200, 403, 403, LOGIN],
    "action": [200, 404, 200, 200, 200, 200, 200, LOGIN],
    "action_edit": [403, 404, 403, 200, 200, 403, 403, LOGIN],
}


def _client(client, cast, role):
    user = cast["people"][role]
    if user is not None:
        client.force_login(user)
    return client


def _url(view, cast):
    if view in ("list", "report", "my_actions"):
        return reverse(f"nonconformities:{view}")
    if view in ("detail", "edit"):
        return reverse(f"nonconformities:{view}", args=[cast["nc"].pk])
    return reverse(f"nonconformities:{view}", args=[cast["action"].pk])


@pytest.mark.parametrize("view", GET_MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, cast, role, view):
    response = _client(client, cast, role).get(_url(view, cast))
    assert response.status_code == GET_MATRIX[view][ROLES.index(role)]


def test_list_shows_only_visible_units(client, cast):
    client.force_login(cast["people"]["staff_other_unit"])
    assert cast["nc"].reference not in client.get(reverse("nonconformities:list")).content.decode()
    client.force_login(cast["people"]["staff_same_unit"])
    assert cast["nc"].reference in client.get(reverse("nonconformities:list")).content.decode()


def test_access_to_every_unit_is_given_by_a_permission(client, cast):
    from django.contrib.auth.models import Permission

    person = cast["people"]["staff_other_unit"]
    person.user_permissions.add(Permission.objects.get(codename="view_all_units_nonconformity"))
    client.force_login(person)
    assert client.get(reverse("nonconformities:detail", args=[cast["nc"].pk])).status_code == 200


# Transition "confirm action plan" (investigating -> action planned), after the root cause is recorded:
# allowed for the nonconformity's owner and quality officers only.
PLAN_MATRIX = {
    "staff_same_unit": False,
    "staff_other_unit": False,
    "action_owner": False,
    "nc_owner": True,
    "officer": True,
    "approver": False,
    "auditor": False,
    "anonymous": False,
}


@pytest.mark.parametrize("role", ROLES)
def test_transition_matrix(client, cast, role):
    from qms.nonconformities import services

    nc = cast["nc"]
    services.nonconformity_update(nonconformity=nc, user=cast["people"]["officer"], root_cause="X", reason="RCA")
    nc.refresh_from_db()
    page = _client(client, cast, role).get(reverse("nonconformities:detail", args=[nc.pk]))
    shown = page.status_code == 200 and 'data-target="action_planned"' in page.content.decode()
    response = client.post(
        reverse("nonconformities:transition", args=[nc.pk]), {"target": "action_planned", "version": nc.version}
    )
    assert response.status_code in (302, 404)
    moved = Nonconformity.objects.get(pk=nc.pk).status == "action_planned"
    assert moved is PLAN_MATRIX[role]
    assert shown is PLAN_MATRIX[role]


# Completing the action: its owner or a quality officer. Verifying it: not its owner; officers, approvers,
# auditors and the nonconformity's owner.
COMPLETE = {"action_owner", "officer"}
VERIFY = {"officer", "approver", "auditor", "nc_owner"}


@pytest.mark.parametrize("role", ROLES)
def test_complete_and_verify_matrix(client, cast, role):
    from qms.nonconformities import services

    nc, action, people = cast["nc"], cast["action"], cast["people"]
    services.nonconformity_update(nonconformity=nc, user=people["officer"], root_cause="X", reason="RCA")
    services.nonconformity_transition(nonconformity=nc, target="action_planned", user=people["officer"])
    _client(client, cast, role)
    client.post(reverse("nonconformities:action_complete", args=[action.pk]), {"evidence": "Xong", "version": 1})
    completed = CorrectiveAction.objects.get(pk=action.pk).status == "completed"
    assert completed is (role in COMPLETE)
    if not completed:
        services.action_complete(action=action, user=people["action_owner"], evidence="Xong")
    action.refresh_from_db()
    page = client.get(reverse("nonconformities:action", args=[action.pk]))
    shown = page.status_code == 200 and "verify-form" in page.content.decode()
    client.post(
        reverse("nonconformities:action_verify", args=[action.pk]),
        {"effective": "yes", "version": action.version},
    )
    verified = CorrectiveAction.objects.get(pk=action.pk).status == "verified"
    assert verified is (role in VERIFY)
    assert shown is (role in VERIFY)


def test_the_action_owner_is_refused_verification_even_as_officer(client, cast):
    from qms.nonconformities import services

    nc, people = cast["nc"], cast["people"]
    officer = people["officer"]
    services.nonconformity_update(nonconformity=nc, user=officer, root_cause="X", reason="RCA")
    own = services.action_create(
        nonconformity=nc,
        kind="corrective",
        description="d",
        owner=officer,
        due_date=cast["action"].due_date,
        user=officer,
    )
    services.nonconformity_transition(nonconformity=nc, target="action_planned", user=officer)
    services.action_complete(action=own, user=officer, evidence="Xong")
    own.refresh_from_db()
    client.force_login(officer)
    response = client.post(
        reverse("nonconformities:action_verify", args=[own.pk]), {"effective": "yes", "version": own.version}
    )
    assert response.status_code == 403
    assert CorrectiveAction.objects.get(pk=own.pk).status == "completed"
