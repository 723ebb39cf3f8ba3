"""The management review's input on risks and opportunities (ISO 9001 9.3.2 e): figures from the register."""

import datetime

import pytest
from django.utils import timezone

from qms.core.review_inputs import review_inputs
from qms.risks import services

from .builders import make_risk

pytestmark = pytest.mark.django_db


def _gathered(start, end):
    section = next(item for item in review_inputs() if item.key == "risks")
    assert section.clause_item == "e"
    return section.gather(start, end)


def _fig(data, key):
    return next(figure["value"] for figure in data["figures"] if figure["key"] == key)


def test_figures_of_the_period():
    today = timezone.localdate()
    high = make_risk(likelihood=5, impact=4)
    services.risk_plan_treatment(risk=high, user=high.owner, treatment="reduce")
    services.risk_review(
        risk=high, user=high.owner, residual_likelihood=2, residual_impact=2, effectiveness="effective"
    )
    make_risk(user=high.owner, likelihood=1, impact=2)
    make_risk(user=high.owner, kind="opportunity")
    closed = make_risk(user=high.owner, likelihood=3, impact=3)
    services.risk_close(risk=closed, user=high.owner, reason="Hết")
    data = _gathered(today - datetime.timedelta(days=30), today)
    assert _fig(data, "risks_open") == 3
    assert _fig(data, "risks_high") == 1
    assert _fig(data, "risk_reviews") == 1 and _fig(data, "treatments_effective") == 1
    bands = dict((label, n) for label, n in data["tables"][0]["rows"])
    assert sum(bands.values()) == 3
    # Before anything was recorded, the register was empty.
    assert _fig(_gathered(today - datetime.timedelta(days=60), today - datetime.timedelta(days=31)), "risks_open") == 0
