"""The demo register: the risks of a provincial department, rated, treated, some reviewed, with their
treatment actions; idempotent."""

import io

import pytest

from qms.core import demo as core_demo
from qms.nonconformities.models import CorrectiveAction
from qms.risks import demo
from qms.risks.models import Risk

pytestmark = pytest.mark.django_db


def test_demo_seeds_the_department_risks_once():
    out = io.StringIO()
    core_demo.seed_core(out)
    demo.seed(out)
    assert Risk.objects.count() == len(demo.RISKS) == 5
    assert set(Risk.objects.values_list("kind", flat=True)) == {"risk", "opportunity"}
    assert Risk.objects.filter(title__icontains="toàn trình", treatment="pursue").exists()
    assert Risk.objects.filter(reviews__isnull=False).distinct().count() == 2
    actions = CorrectiveAction.objects.filter(kind=CorrectiveAction.Kind.RISK_TREATMENT)
    assert actions.count() == len(demo.ACTIONS)
    assert any(action.is_overdue for action in actions)
    entries = Risk.history.all()
    assert not entries.filter(history_user__isnull=True).exists()
    assert not entries.filter(history_change_reason__in=["", None]).exists()
    before = (Risk.objects.count(), Risk.history.count(), CorrectiveAction.objects.count())
    demo.seed(out)
    assert (Risk.objects.count(), Risk.history.count(), CorrectiveAction.objects.count()) == before
