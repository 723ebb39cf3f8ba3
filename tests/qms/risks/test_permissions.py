"""Who may do what with a risk (ISO 9001 5.3, 6.1): the role × action matrix, the rules and the services
agreeing, and the site pages hiding other units' risks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from qms.risks import selectors, services
from tests import factories as f

from .builders import make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db):
    home, other = f.make_unit(code="HOME"), f.make_unit(code="OTHER")
    child = f.make_unit(code="CHILD", parent=home)
    people = {
        "staff_same_unit": f.make_staff(unit=home),
        "staff_other_unit": f.make_staff(unit=other),
        "owner": f.make_staff(unit=other),
        "officer": f.make_officer(unit=other),
        "approver": f.make_approver(unit=other),
        "auditor": f.make_auditor(unit=other),
    }
    risk = make_risk(user=people["officer"], unit=child, owner=people["owner"], likelihood=3, impact=4)
    return {"people": people, "risk": risk}


# role → (read, maintain, plan treatment, review, close, read the register)
MATRIX = {
    "staff_same_unit": (True, False, False, False, False, False),
    "staff_other_unit": (False, False, False, False, False, False),
    "owner": (True, True, True, True, True, False),
    "officer": (True, True, True, True, True, True),
    "approver": (True, False, False, False, False, True),
    "auditor": (True, False, False, False, False, True),
}
RULES = ("read_risk", "maintain_risk", "plan_treatment", "review_risk", "close_risk", "read_register")


@pytest.mark.parametrize("role", MATRIX)
def test_role_matrix(cast, role):
    user, risk = cast["people"][role], cast["risk"]
    assert tuple(user.has_perm(f"risks.{name}", risk) for name in RULES) == MATRIX[role]
    assert user.has_perm("risks.identify_risk") == (role == "officer")
    # The list shows exactly the risks the rule lets the person read.
    assert (risk in selectors.visible_risks(user)) == MATRIX[role][0]


@pytest.mark.parametrize("role", MATRIX)
def test_services_and_available_actions_agree_with_the_rules(cast, role):
    user, risk = cast["people"][role], cast["risk"]
    steps = {step.action: step for step in selectors.risk_actions(user, risk)}
    may = MATRIX[role][2]
    assert steps["plan_treatment"].allowed == may
    try:
        services.risk_plan_treatment(risk=risk, user=user, treatment="reduce", plan="Bổ sung nhân sự")
    except services.NotPermitted:
        assert not may
    else:
        assert may
        risk.refresh_from_db()
        steps = {step.action: step for step in selectors.risk_actions(user, risk)}
        assert steps["review"].allowed and steps["plan_action"].allowed
        review_date = timezone.localdate() + datetime.timedelta(days=90)
        services.risk_review(
            risk=risk,
            user=user,
            residual_likelihood=2,
            residual_impact=2,
            effectiveness="effective",
            next_review_date=review_date,
        )


def test_anonymous_is_sent_to_log_in(client, cast):
    response = client.get(reverse("risks:detail", args=[cast["risk"].pk]))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("role", MATRIX)
def test_the_site_page_is_hidden_from_those_who_may_not_read(client, cast, role):
    client.force_login(cast["people"][role])
    response = client.get(reverse("risks:detail", args=[cast["risk"].pk]))
    assert response.status_code == (200 if MATRIX[role][0] else 404)
    listed = client.get(reverse("risks:list")).content.decode()
    assert (cast["risk"].reference in listed) == MATRIX[role][0]
    export = client.get(reverse("risks:export"))
    assert export.status_code == (200 if MATRIX[role][5] else 403)


def test_a_refused_post_changes_nothing(client, cast):
    risk = cast["risk"]
    client.force_login(cast["people"]["approver"])
    response = client.post(
        reverse("risks:assess", args=[risk.pk]),
        {"assess-version": risk.version, "assess-likelihood": 1, "assess-impact": 1},
    )
    assert response.status_code == 409
    risk.refresh_from_db()
    assert risk.score == 12 and risk.version == 1
