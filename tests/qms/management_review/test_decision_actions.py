"""Decisions to actions (ISO 9001 9.3.3, 10.3): a decision with an owner and a due date becomes a corrective
action of kind improvement through the one action machinery (owner's list, reminders, verification by someone
else), shown on the review's page with its status, and the next review's input 9.3.2 a) reads those actions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from qms.core.records import NotPermitted
from qms.management_review import selectors, services
from qms.management_review.models import ReviewDecision
from qms.nonconformities import selectors as action_selectors
from qms.nonconformities import services as action_services
from qms.nonconformities.models import CorrectiveAction

from .conftest import plan
from .test_inputs import fig, gathered, rows

TODAY = timezone.localdate()
DUE = TODAY + datetime.timedelta(days=60)
A = CorrectiveAction.Status


@pytest.fixture
def prepared(people):
    return services.pack_prepare(review=plan(people), user=people["officer"])


def decide(people, review, text="Số hoá sổ theo dõi hồ sơ một cửa.", owner="staff", due=DUE, kind="improvement"):
    return services.decision_record(
        review=review, user=people["officer"], kind=kind, text=text, owner=people.get(owner), due_date=due
    )


def test_a_decision_with_owner_and_due_date_becomes_one_improvement_action(people, prepared):
    decision = decide(people, prepared)
    (action,) = action_selectors.actions_for(decision)
    assert action.kind == CorrectiveAction.Kind.IMPROVEMENT
    assert (action.owner, action.due_date, action.description) == (people["staff"], DUE, decision.text)
    assert action.subject == decision and action.nonconformity is None
    assert action.status == A.PLANNED
    assert decision.reference in action.subject_reference
    # The owner's "my actions" list has it, like every other action.
    assert action in action_selectors.actions_of(people["staff"])
    # Who planned it and why is on the action's history.
    assert action.history.first().history_user == people["officer"]
    assert decision.reference in action.history.first().history_change_reason


def test_decisions_are_numbered_in_their_review(people, prepared):
    first, second = decide(people, prepared), decide(people, prepared, text="Bổ sung nhân lực", owner=None, due=None)
    assert (first.number, second.number) == (1, 2)
    assert first.reference != second.reference


def test_a_decision_without_an_owner_records_no_action(people, prepared):
    decision = decide(people, prepared, kind="resources", owner=None, due=None)
    assert not action_selectors.actions_for(decision).exists()


@pytest.mark.parametrize("missing", ["owner", "due"])
def test_half_an_action_is_refused_and_nothing_is_recorded(people, prepared, missing):
    kwargs = {"owner": None} if missing == "owner" else {"due": None}
    with pytest.raises(services.InvalidInput):
        decide(people, prepared, **kwargs)
    assert not ReviewDecision.objects.exists()
    assert not CorrectiveAction.objects.exists()


def test_the_decisions_action_lives_the_life_of_every_action(people, prepared):
    decision = decide(people, prepared)
    (action,) = action_selectors.actions_for(decision)
    owner, officer = people["staff"], people["officer"]
    action = action_services.action_start(action=action, user=owner)
    action = action_services.action_complete(action=action, user=owner, evidence="Đã số hoá sổ.")
    # Nobody verifies the effectiveness of their own action (ISO 9001 10.2.1 d).
    with pytest.raises(NotPermitted):
        action_services.action_verify(action=action, user=owner, effective=True, comment="Tốt")
    action_services.action_verify(action=action, user=officer, effective=True, comment="Có hiệu lực")
    action.refresh_from_db()
    assert action.status == A.VERIFIED
    # Only the officers who keep the review plan its actions.
    assert officer.has_perm("nonconformities.plan_actions", decision)
    for role in ("chair", "auditor", "attendee", "staff"):
        assert not people[role].has_perm("nonconformities.plan_actions", decision)


def test_the_review_page_shows_each_decisions_action_and_its_status(client, people, prepared):
    decision = decide(people, prepared)
    (action,) = action_selectors.actions_for(decision)
    client.force_login(people["officer"])
    page = client.get(prepared.get_absolute_url()).content.decode()
    assert f'id="decision-{decision.pk}"' in page
    assert action.get_absolute_url() in page
    assert f'data-status="{action.status}"' in page
    admin = client.get(reverse("management_review:detail", args=[prepared.pk])).content.decode()
    assert action.get_absolute_url() in admin


def test_the_action_page_is_read_by_the_reviews_readers_and_links_back(client, people, prepared):
    services.minutes_record(review=prepared, user=people["officer"], attendees=[people["attendee"]])
    decision = decide(people, prepared, owner="other_approver")
    (action,) = action_selectors.actions_for(decision)
    client.force_login(people["attendee"])
    page = client.get(action.get_absolute_url())
    assert page.status_code == 200
    assert decision.get_absolute_url() in page.content.decode()
    client.force_login(people["staff"])  # a stranger to the review
    assert client.get(action.get_absolute_url()).status_code == 404


def test_the_next_review_reads_the_actions_of_the_previous_one(people):
    last = services.pack_prepare(review=plan(people, title="Năm trước"), user=people["officer"])
    done = decide(people, last, text="Số hoá sổ")
    late = decide(people, last, text="Đào tạo lại", owner="attendee", due=TODAY - datetime.timedelta(days=3))
    decide(people, last, text="Bổ sung nhân lực", kind="resources", owner=None, due=None)
    last = services.minutes_record(review=last, user=people["officer"], attendees=[])
    services.minutes_approve(review=last, user=people["chair"])
    (action,) = action_selectors.actions_for(done)
    action_services.action_start(action=action, user=people["staff"])
    action = action_services.action_complete(action=action, user=people["staff"], evidence="Xong")
    action_services.action_verify(action=action, user=people["officer"], effective=True, comment="Có hiệu lực")

    data = gathered("previous_reviews", end=last.meeting_date + datetime.timedelta(days=1))
    assert fig(data, "decisions_of_previous_reviews") == 3
    assert fig(data, "actions_of_previous_reviews") == 2
    assert fig(data, "actions_open") == 1
    assert fig(data, "actions_overdue") == 1
    assert fig(data, "actions_awaiting_verification") == 0
    assert fig(data, "actions_verified") == 1
    by_reference = {row[0]: row for row in rows(data)}
    assert by_reference[done.reference][6] == str(A.VERIFIED.label)
    assert by_reference[late.reference][6] == str(A.PLANNED.label) and by_reference[late.reference][7]
    assert {link["url"] for link in data["links"]} >= {a.get_absolute_url() for a in CorrectiveAction.objects.all()}

    # The next review's pack freezes that status; a later step of the late action does not change it.
    this_year = services.pack_prepare(
        review=plan(people, meeting_date=last.meeting_date + datetime.timedelta(days=2)), user=people["officer"]
    )
    frozen = next(s for s in this_year.pack["sections"] if s["key"] == "previous_reviews")
    (late_action,) = action_selectors.actions_for(late)
    action_services.action_start(action=late_action, user=people["attendee"])
    this_year.refresh_from_db()
    assert next(s for s in this_year.pack["sections"] if s["key"] == "previous_reviews") == frozen
    assert fig(frozen, "actions_open") == 1


def test_decisions_with_actions_needs_one_query_for_all_the_actions(people, prepared, django_assert_num_queries):
    for i in range(3):
        decide(people, prepared, text=f"Quyết định {i}")
    with django_assert_num_queries(2):  # the decisions, then every action (the content type is cached)
        decisions = selectors.decisions_with_actions(prepared)
        assert [len(d.actions) for d in decisions] == [1, 1, 1]


def test_the_officer_plans_another_action_of_a_decision_from_the_review_page(client, people, prepared):
    decision = decide(people, prepared)
    client.force_login(people["officer"])
    page = client.get(prepared.get_absolute_url()).content.decode()
    url = reverse("nonconformities:action_new_for", args=["management_review.reviewdecision", decision.pk])
    assert f'action="{url}"' in page
    response = client.post(
        url,
        {
            "kind": "improvement",
            "description": "Tập huấn sử dụng sổ điện tử",
            "owner": people["attendee"].pk,
            "due_date": (DUE + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    assert [a.owner for a in action_selectors.actions_for(decision)] == [people["staff"], people["attendee"]]
    # An attendee reads the decision's actions but is offered no planning, and may not plan.
    client.force_login(people["attendee"])
    assert f'action="{url}"' not in client.get(prepared.get_absolute_url()).content.decode()
    refused = client.post(url, {"kind": "improvement", "description": "x", "owner": people["attendee"].pk})
    assert refused.status_code == 403
    assert action_selectors.actions_for(decision).count() == 2
