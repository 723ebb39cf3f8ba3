"""Periodic reviews fall due through the reminder engine (ISO 9001 6.1.2 b): the owner is reminded."""

import datetime

import pytest
from django.utils import timezone

from qms.reminders import registry
from qms.risks import services
from qms.risks.reminders import RISK_REVIEW

from .builders import make_risk

pytestmark = pytest.mark.django_db


def test_review_due_goes_to_the_owner_until_reviewed_or_closed():
    today = timezone.localdate()
    risk = make_risk(likelihood=3, impact=3)
    services.risk_plan_treatment(
        risk=risk, user=risk.owner, treatment="reduce", review_date=today + datetime.timedelta(days=5)
    )
    later = make_risk(likelihood=2, impact=2, review_date=today + datetime.timedelta(days=60))
    provider = registry.get(RISK_REVIEW)
    items = list(provider.items(until=today + datetime.timedelta(days=14)))
    assert [(item.object_id, item.recipient_ids, item.due_date) for item in items] == [
        (risk.pk, (risk.owner_id,), today + datetime.timedelta(days=5))
    ]
    assert risk.reference in items[0].title and items[0].url.endswith(f"/risks/{risk.pk}/")
    assert list(provider.items(until=today + datetime.timedelta(days=14), user=later.owner)) == [] or (
        later.owner_id == risk.owner_id
    )
    services.risk_review(
        risk=risk, user=risk.owner, residual_likelihood=2, residual_impact=2, effectiveness="effective"
    )
    assert not [i for i in provider.items(until=today + datetime.timedelta(days=14)) if i.object_id == risk.pk]
    services.risk_close(risk=later, user=later.owner, reason="Không còn áp dụng")
    assert not list(provider.items(until=today + datetime.timedelta(days=400)))[1:]


def test_the_kind_carries_its_label():
    assert str(registry.kind_label(RISK_REVIEW)) != RISK_REVIEW
