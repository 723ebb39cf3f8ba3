"""The demo objectives: five a year for this year and last, approved by the director, measured month by month,
last year's closed, one miss raised as a nonconformity; all through the services, and seeding twice adds nothing."""

import io

import pytest
from django.utils import timezone

from qms.core import demo as core_demo
from qms.nonconformities.models import Nonconformity
from qms.objectives import demo
from qms.objectives.models import Indicator, Measurement, QualityObjective

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        QualityObjective.objects.count(),
        Indicator.objects.count(),
        Measurement.objects.count(),
        QualityObjective.history.count(),
        Indicator.history.count(),
        Measurement.history.count(),
        Nonconformity.objects.count(),
    )


def test_the_demo_is_registered_after_the_nonconformities():
    names = [name for name, _seed in core_demo.seeders()]
    assert names.index("nonconformities") < names.index("objectives")


def test_demo_objectives_are_seeded_through_the_services_and_seeding_twice_adds_nothing():
    out = io.StringIO()
    core_demo.seed_core(out)
    demo.seed(out)
    today = timezone.localdate()
    this_year = QualityObjective.objects.filter(year=today.year)
    last_year = QualityObjective.objects.filter(year=today.year - 1)
    assert this_year.count() == last_year.count() == len(demo.OBJECTIVES)
    assert set(this_year.values_list("status", flat=True)) == {"approved"}
    assert set(last_year.values_list("status", flat=True)) <= {"achieved", "not_achieved"}
    assert all(o.approved_by.username == "director" and o.drafted_by.username == "officer" for o in this_year)
    # Last year fully measured; this year the months already over (and a few days more).
    assert Measurement.objects.filter(indicator__objective__year=today.year - 1).count() == 12 * len(demo.OBJECTIVES)
    for measurement in Measurement.objects.filter(indicator__objective__year=today.year):
        assert measurement.period_end < today
    raised = Measurement.objects.filter(nonconformity__isnull=False)
    assert raised.count() == 1 and not raised.get().meets_target
    assert raised.get().nonconformity.source == Nonconformity.Source.PROCESS_MONITORING
    for model in (QualityObjective, Indicator, Measurement):
        entries = model.history.all()
        assert not entries.filter(history_user__isnull=True).exists(), model
        assert not entries.filter(history_change_reason__in=["", None]).exists(), model

    before = snapshot()
    demo.seed(out)
    assert snapshot() == before
