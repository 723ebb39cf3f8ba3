"""The demo: a year of feedback in every state, some overdue, two raised nonconformities; hundreds of survey
responses; idempotent."""

import io

import pytest
from django.utils import timezone

from qms.core import demo as core_demo
from qms.feedback import demo
from qms.feedback.models import Feedback, SurveyResponse

pytestmark = pytest.mark.django_db


def test_demo_covers_every_state_and_is_idempotent(monkeypatch):
    monkeypatch.setattr(demo, "PLAN", [(status, 2) for status, _count in demo.PLAN])
    out = io.StringIO()
    core_demo.seed_core(out)
    demo.seed(out)
    assert set(Feedback.objects.values_list("status", flat=True)) == set(Feedback.Status.values)
    assert Feedback.objects.filter(nonconformity__isnull=False).count() == 2
    late = Feedback.objects.filter(status__in=Feedback.UNANSWERED_STATUSES, due_date__lt=timezone.localdate())
    assert late.exists()
    assert SurveyResponse.objects.count() == 300
    before = (Feedback.objects.count(), Feedback.history.count(), SurveyResponse.objects.count())
    demo.seed(out)
    assert (Feedback.objects.count(), Feedback.history.count(), SurveyResponse.objects.count()) == before


def test_the_full_plan_is_a_few_dozen():
    assert 30 <= sum(count for _status, count in demo.PLAN) <= 60
    assert {status for status, _count in demo.PLAN} == set(Feedback.Status.values)
