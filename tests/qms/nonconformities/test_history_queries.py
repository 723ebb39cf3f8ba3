"""A nonconformity's and an action's timeline pages cost the same however long the history is (issue 21).

ISO 9001 7.5.3 over 10.2: the trail only grows; the site page and the admin inspect view read it in a
fixed number of queries (the many-to-many snapshots and the records they name fetched once for all).
"""

import datetime

import pytest
from django.urls import reverse

from qms.core.models import IsoClause
from qms.nonconformities import services
from tests import factories as f
from tests.queries import assert_same_queries

from .conftest import make_document

pytestmark = pytest.mark.django_db

LIMIT = 30


@pytest.fixture
def world():
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    return {
        "unit": unit,
        "officer": officer,
        "owners": [f.make_staff(unit=unit) for _n in range(2)],
        "units": [unit, f.make_unit()],
        "documents": [make_document(unit, identifier=f"QT-Q{n}") for n in range(2)],
        "clauses": list(IsoClause.objects.filter(number__in=["8.5.1", "9.1.2", "10.2.1"])),
    }


def _nonconformity(world, changes):
    """Under investigation, with `changes` edits through the service: fields, owner, documents, clauses."""
    nc = f.make_nonconformity(unit=world["unit"], reported_by=world["officer"])
    officer = world["officer"]
    services.nonconformity_transition(nonconformity=nc, target="investigating", user=officer)
    for n in range(changes):
        odd = n % 2
        services.nonconformity_update(
            nonconformity=nc,
            user=officer,
            reason=f"Sửa lần {n}",
            title=f"Hồ sơ trả chậm {n}",
            owner=world["owners"][odd],
            unit=world["units"][odd],
            documents=world["documents"][odd:],
            clauses=world["clauses"][odd:],
        )
    return nc


def _action(world, nc, changes):
    officer = world["officer"]
    action = f.make_action(nc, owner=world["owners"][0], user=officer)
    for n in range(changes):
        services.action_update(
            action=action,
            user=officer,
            reason=f"Dời hạn {n}",
            owner=world["owners"][n % 2],
            due_date=datetime.date(2027, 1, 1) + datetime.timedelta(days=n),
        )
    return action


def _assert_flat(client, urls):
    assert_same_queries(client, urls, limit=LIMIT)


@pytest.mark.parametrize("page", ["site", "admin"])
def test_nonconformity_pages_do_not_grow_with_the_history(client, world, page):
    small, large = _nonconformity(world, 10), _nonconformity(world, 200)  # one history entry per edit
    assert small.history.count() >= 10 and large.history.count() >= 200
    client.force_login(world["officer"])
    if page == "site":
        urls = [small.get_absolute_url(), large.get_absolute_url()]
    else:
        urls = [reverse("nonconformities_admin:inspect", args=[nc.pk]) for nc in (small, large)]
    _assert_flat(client, urls)


@pytest.mark.parametrize("page", ["site", "admin"])
def test_action_pages_do_not_grow_with_the_history(client, world, page):
    nc = _nonconformity(world, 1)
    small, large = _action(world, nc, 10), _action(world, nc, 200)
    client.force_login(world["officer"])
    if page == "site":
        urls = [reverse("nonconformities:action", args=[action.pk]) for action in (small, large)]
    else:
        urls = [reverse("corrective_actions_admin:inspect", args=[action.pk]) for action in (small, large)]
    _assert_flat(client, urls)


def _verified(world, action, cycles):
    """`action` completed and judged not effective `cycles` times: each verification a record of its own,
    shown on the action's timeline."""
    officer, owner = world["officer"], action.owner
    services.action_start(action=action, user=owner)
    for n in range(cycles):
        action.refresh_from_db()
        services.action_complete(action=action, user=owner, evidence=f"Đã làm lần {n}")
        action.refresh_from_db()
        services.action_verify(action=action, user=officer, effective=False, comment=f"Chưa hiệu quả {n}")
    action.refresh_from_db()
    return action


@pytest.mark.parametrize("page", ["site", "admin"])
def test_action_pages_do_not_grow_with_the_verifications(client, world, page):
    nc = _nonconformity(world, 1)
    officer = world["officer"]
    services.nonconformity_update(
        nonconformity=nc, user=officer, root_cause="Thiếu kiểm tra chéo", root_cause_method="other", reason="RCA"
    )
    actions = [f.make_action(nc, owner=world["owners"][0], user=officer) for _n in range(2)]
    services.nonconformity_transition(nonconformity=nc, target="action_planned", user=officer)
    small, large = _verified(world, actions[0], 4), _verified(world, actions[1], 100)
    assert small.history.count() >= 10 and large.history.count() >= 200
    assert large.verifications.count() == 100
    client.force_login(officer)
    if page == "site":
        urls = [reverse("nonconformities:action", args=[action.pk]) for action in (small, large)]
    else:
        urls = [reverse("corrective_actions_admin:inspect", args=[action.pk]) for action in (small, large)]
    _assert_flat(client, urls)
