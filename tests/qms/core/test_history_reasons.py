"""Reasons in the trail are kept whole (ISO 9001 7.5.3, 10.2.2): a rejection or reopening reason may exist only
in the history, so it must never be cut short."""

import pytest

from audits import services as audit_services
from qms.nonconformities import services
from qms.nonconformities.models import Nonconformity
from tests import factories as f
from tests.audits import builders as b

pytestmark = pytest.mark.django_db

LONG = ("Lý do dài: hồ sơ trùng với sự không phù hợp đã ghi nhận trước đó, xem biên bản. " * 30)[:1999] + "."


def test_a_2000_character_reason_round_trips_on_a_nonconformity():
    unit = f.make_unit()
    officer = f.make_officer(unit=unit)
    nc = f.make_nonconformity(unit=unit)
    services.nonconformity_transition(nonconformity=nc, target=Nonconformity.Status.REJECTED, user=officer, reason=LONG)
    assert len(LONG) == 2000
    assert nc.history.latest().history_change_reason == LONG
    nc.refresh_from_db()
    assert nc.rejection_reason == LONG


def test_a_2000_character_reason_round_trips_on_an_audit_programme():
    officer = f.make_officer(unit=f.make_unit())
    programme = b.make_programme(user=officer)
    audit_services.programme_update(programme=programme, objectives="Mục tiêu mới", user=officer, reason=LONG)
    assert programme.history.latest().history_change_reason == LONG
