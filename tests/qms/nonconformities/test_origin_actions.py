"""One kind of action for every record (ISO 9001 6.1.2, 6.2.2, 9.3.3, 10.2.1 c-d): actions of other origins.

A record of a higher app (a risk, a review decision, an objective) registers its model through the
``qms_action_origins`` hook; its actions then live the corrective action's life. These tests register a
quality objective (ISO 9001 6.2.2: what will be done, who is responsible, when) for their duration.
"""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from qms.nonconformities import reminders, selectors, services
from qms.nonconformities.models import CorrectiveAction
from qms.nonconformities.origins import ActionOrigin
from qms.objectives import services as objective_services
from qms.objectives.models import QualityObjective
from tests import factories as f

pytestmark = pytest.mark.django_db

WITHDRAWN_BLOCKS = "A withdrawn objective takes no new actions."


@pytest.fixture
def objective_origin():
    def registration():
        return [
            ActionOrigin(
                model="objectives.QualityObjective",
                read_permission="objectives.read_objective",
                plan_permission="objectives.maintain_objective",
                default_kind="improvement",
                blocker=lambda objective: WITHDRAWN_BLOCKS if objective.status == "withdrawn" else None,
            )
        ]

    with hooks.register_temporarily("qms_action_origins", registration):
        yield


@pytest.fixture
def cast(objective_origin):
    home, other = f.make_unit(code="HOME"), f.make_unit(code="OTHER")
    officer = f.make_officer(unit=home)
    owner = f.make_staff(unit=home)
    objective = objective_services.objective_create(
        user=officer, title="Trả kết quả đúng hạn 100 %", year=2026, owner=owner, level="unit", unit=home
    )
    return {
        "officer": officer,
        "owner": owner,
        "action_owner": f.make_staff(unit=home),
        "stranger": f.make_staff(unit=other),
        "objective": objective,
    }


def _plan(cast, **extra):
    return services.action_create(
        origin=cast["objective"],
        kind=extra.pop("kind", "improvement"),
        description=extra.pop("description", "Rà soát quy trình một cửa"),
        owner=extra.pop("owner", cast["action_owner"]),
        due_date=extra.pop("due_date", timezone.localdate() + datetime.timedelta(days=30)),
        user=extra.pop("user", cast["owner"]),
        **extra,
    )


def test_an_origins_action_has_the_origin_as_its_subject_and_is_on_the_record(cast):
    action = _plan(cast, reason="Kế hoạch đạt mục tiêu 6.2.2")
    action.refresh_from_db()
    assert action.nonconformity is None
    assert action.subject == cast["objective"]
    assert list(selectors.actions_for(cast["objective"])) == [action]
    entry = action.history.get()
    assert entry.history_user == cast["owner"] and "Kế hoạch đạt mục tiêu 6.2.2" in entry.history_change_reason


def test_an_action_answers_exactly_one_record_even_in_the_database(cast):
    nc = f.make_nonconformity()
    action = _plan(cast)
    action.nonconformity = nc
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()
    orphan = CorrectiveAction(kind="improvement", description="x", owner=cast["owner"], due_date=timezone.localdate())
    with pytest.raises(IntegrityError), transaction.atomic():
        orphan.save()
    with pytest.raises(services.InvalidInput):
        services.action_create(
            nonconformity=nc,
            origin=cast["objective"],
            kind="corrective",
            description="x",
            owner=cast["owner"],
            due_date=timezone.localdate(),
            user=cast["officer"],
        )


def test_only_whom_the_origins_app_names_may_plan_and_a_refusal_changes_nothing(cast):
    with pytest.raises(services.NotPermitted):
        _plan(cast, user=cast["stranger"])
    with pytest.raises(services.NotPermitted):
        _plan(cast, user=cast["action_owner"])
    assert not CorrectiveAction.objects.exists()
    assert _plan(cast, user=cast["officer"]).pk


def test_the_origins_state_can_block_planning(cast):
    QualityObjective.objects.filter(pk=cast["objective"].pk).update(status="withdrawn")
    cast["objective"].refresh_from_db()
    with pytest.raises(services.TransitionNotAllowed) as refused:
        _plan(cast)
    assert str(refused.value.message) == WITHDRAWN_BLOCKS
    assert not CorrectiveAction.objects.exists()


def test_a_record_that_is_not_registered_takes_no_actions(cast):
    unregistered = f.make_unit(code="X")
    with pytest.raises(services.InvalidInput):
        services.action_create(
            origin=unregistered,
            kind="improvement",
            description="x",
            owner=cast["owner"],
            due_date=timezone.localdate(),
            user=f.make_user(is_superuser=True),
        )


def test_it_is_started_completed_and_verified_by_someone_else_like_any_action(cast):
    action = _plan(cast)
    services.action_start(action=action, user=cast["action_owner"])
    services.action_complete(action=action, user=cast["action_owner"], evidence="Đã rà soát, biên bản số 12")
    with pytest.raises(services.NotPermitted):
        services.action_verify(action=action, user=cast["action_owner"], effective=True)
    with pytest.raises(services.NotPermitted):
        services.action_verify(action=action, user=cast["stranger"], effective=True)
    services.action_verify(action=action, user=cast["owner"], effective=True)
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.VERIFIED
    assert action.verifications.get().verified_by == cast["owner"]


def test_reminders_reach_the_action_owner_and_then_the_origins_owner(cast):
    action = _plan(cast, due_date=timezone.localdate() - datetime.timedelta(days=1))
    (item,) = [i for i in reminders.corrective_actions.items(until=timezone.localdate()) if i.object_id == action.pk]
    assert item.recipient_ids == (cast["action_owner"].pk,)
    assert str(cast["objective"]) in item.title and item.unit_id == cast["objective"].unit_id
    services.action_start(action=action, user=cast["action_owner"])
    services.action_complete(action=action, user=cast["action_owner"], evidence="Xong")
    later = timezone.localdate() + datetime.timedelta(days=reminders.VERIFY_WITHIN_DAYS + 1)
    (due,) = [i for i in reminders.actions_awaiting_verification.items(until=later) if i.object_id == action.pk]
    assert due.recipient_ids == (cast["owner"].pk,)
    assert [i.object_id for i in reminders.actions_awaiting_verification.items(until=later, user=cast["owner"])] == [
        action.pk
    ]
    assert not list(reminders.actions_awaiting_verification.items(until=later, user=cast["action_owner"]))


def test_the_site_plans_shows_and_hides_an_origins_action(cast, client):
    url = reverse("nonconformities:action_new_for", args=["objectives.qualityobjective", cast["objective"].pk])
    form = {
        "kind": "improvement",
        "description": "Tập huấn cán bộ một cửa",
        "owner": cast["action_owner"].pk,
        "due_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
    }
    client.force_login(cast["stranger"])
    assert client.post(url, form).status_code == 403
    client.force_login(cast["owner"])
    response = client.post(url, form)
    assert response.status_code == 302 and response["Location"] == cast["objective"].get_absolute_url()
    action = CorrectiveAction.objects.get()
    assert action.subject == cast["objective"]

    page = client.get(action.get_absolute_url())
    assert page.status_code == 200
    assert cast["objective"].get_absolute_url() in page.content.decode()
    client.force_login(cast["action_owner"])
    mine = client.get(reverse("nonconformities:my_actions")).content.decode()
    assert "Tập huấn cán bộ một cửa" in mine and str(cast["objective"]) in mine
    client.force_login(cast["stranger"])
    assert client.get(action.get_absolute_url()).status_code == 404


def test_an_unregistered_model_has_no_planning_url(cast, client):
    client.force_login(cast["officer"])
    url = reverse("nonconformities:action_new_for", args=["core.organisationunit", 1])
    assert client.post(url, {}).status_code == 404


def test_the_origin_page_context_offers_planning_only_to_those_allowed(cast):
    _plan(cast)
    allowed = selectors.origin_actions_context(cast["owner"], cast["objective"])
    assert allowed["can_plan_actions"] and allowed["action_form"].initial["kind"] == "improvement"
    assert len(allowed["origin_actions"]) == 1
    refused = selectors.origin_actions_context(cast["stranger"], cast["objective"])
    assert not refused["can_plan_actions"] and refused["action_form"] is None
