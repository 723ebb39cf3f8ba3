"""Every change of a risk is on the record with its person and whole reason (ISO 9001 7.5.3)."""

import pytest

from qms.core.timeline import timeline
from qms.risks import services

from .builders import make_risk

pytestmark = pytest.mark.django_db

LONG = ("Luật sửa đổi có hiệu lực từ ngày 01/01; thành phần hồ sơ thay đổi. " * 40)[:1990].rstrip().ljust(2000, ".")


def test_a_2000_character_reason_round_trips():
    risk = make_risk(likelihood=2, impact=2)
    assert len(LONG) == 2000
    services.risk_assess(risk=risk, user=risk.owner, likelihood=4, impact=3, reason=LONG)
    entry = risk.history.first()
    assert entry.history_change_reason == LONG and entry.history_user == risk.owner
    line = timeline(risk)
    assert line[0].reason == LONG
    assert any(str(change.new) == "4" for change in line[0].changes)


def test_every_step_leaves_an_entry_and_the_review_is_on_the_timeline():
    risk = make_risk(likelihood=4, impact=4)
    services.risk_plan_treatment(risk=risk, user=risk.owner, treatment="reduce", reason="Họp giao ban")
    services.risk_review(
        risk=risk, user=risk.owner, residual_likelihood=2, residual_impact=2, effectiveness="effective"
    )
    services.risk_close(risk=risk, user=risk.owner, reason="Quy trình đã thay đổi")
    reasons = [entry.history_change_reason for entry in risk.history.all()]
    assert reasons[0] == "Quy trình đã thay đổi" and "Họp giao ban" in reasons
    assert len(reasons) == 4
    line = timeline(risk, related=list(risk.reviews.all()))
    assert any(entry.subject and risk.reference in entry.subject for entry in line)
