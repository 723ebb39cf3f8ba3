"""The demo register: about sixty nonconformities in every status, with actions, some overdue; idempotent."""

import io

import pytest

from qms.core import demo as core_demo
from qms.nonconformities import demo
from qms.nonconformities.models import CorrectiveAction, Nonconformity

pytestmark = pytest.mark.django_db


def test_demo_plan_is_about_sixty_in_every_status():
    assert sum(count for _status, count in demo.PLAN) == 60
    assert {status for status, _count in demo.PLAN} == set(Nonconformity.Status.values)


def test_demo_covers_every_status_and_is_idempotent(monkeypatch):
    # The full plan takes minutes on a shared machine; two of each status exercise every path.
    monkeypatch.setattr(demo, "PLAN", [(status, 2) for status, _count in demo.PLAN])
    out = io.StringIO()
    core_demo.seed_core(out)
    demo.seed(out)
    assert Nonconformity.objects.count() == 14
    assert set(Nonconformity.objects.values_list("status", flat=True)) == set(Nonconformity.Status.values)
    assert CorrectiveAction.objects.filter(status__in=CorrectiveAction.OPEN_STATUSES).count() > 0
    overdue = [a for a in CorrectiveAction.objects.all() if a.is_overdue]
    assert overdue
    # Every record went through the services: every history entry has a user and a reason.
    entries = Nonconformity.history.all()
    assert not entries.filter(history_user__isnull=True).exists()
    assert not entries.filter(history_change_reason__in=["", None]).exists()
    before = (Nonconformity.objects.count(), Nonconformity.history.count(), CorrectiveAction.history.count())
    demo.seed(out)
    after = (Nonconformity.objects.count(), Nonconformity.history.count(), CorrectiveAction.history.count())
    assert after == before
