"""The role × action matrix of the management review (ISO 9001 5.3, 9.3): the officer prepares, the chair
approves (never the writer of the minutes), approvers and auditors read, staff only when they attended,
an anonymous visitor nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser

from qms.management_review import services
from qms.management_review.rules import may_approve_minutes

from .conftest import plan

ACTIONS = {
    "read_review": "management_review.read_review",
    "manage_review": "management_review.manage_review",
    "approve_minutes": "management_review.approve_minutes",
    "read_report": "management_review.read_report",
    "manage_report": "management_review.manage_report",
}
# role -> actions it may take on a held review
MATRIX = {
    "officer": {"read_review", "manage_review", "read_report", "manage_report"},
    "chair": {"read_review", "approve_minutes", "read_report"},
    "other_approver": {"read_review", "read_report"},
    "auditor": {"read_review", "read_report"},
    "attendee": {"read_review"},
    "staff": set(),
    "anonymous": set(),
}


@pytest.fixture
def held(people):
    review = plan(people)
    review = services.pack_prepare(review=review, user=people["officer"])
    return services.minutes_record(review=review, user=people["officer"], attendees=[people["attendee"]])


@pytest.mark.parametrize("role", MATRIX)
def test_role_matrix(people, held, role):
    user = AnonymousUser() if role == "anonymous" else people[role]
    allowed = {name for name, perm in ACTIONS.items() if user.has_perm(perm, held)}
    assert allowed == MATRIX[role]


def test_an_approver_who_wrote_the_minutes_does_not_approve_them(people):
    from tests import factories as f

    officer_and_director = f.make_user("Quality officers", "Approvers", unit=people["unit"])
    review = plan({**people, "officer": officer_and_director}, chair=officer_and_director)
    review = services.pack_prepare(review=review, user=officer_and_director)
    review = services.minutes_record(review=review, user=officer_and_director, attendees=[])
    assert not officer_and_director.has_perm("management_review.approve_minutes", review)
    assert not may_approve_minutes(officer_and_director, review)
