"""The on-time rate of the one-stop figures as a computed indicator of a quality objective (ISO 9001 6.2, 9.1.1)."""

import datetime
from decimal import Decimal

import pytest

from qms.core import indicators
from qms.objectives import services as objective_services
from qms.procedures import performance
from qms.procedures.indicators import dossiers_on_time
from tests import factories as f

from .conftest import make_procedure

pytestmark = pytest.mark.django_db

KEY = "procedures.dossiers_on_time"


def _month(procedure, month, officer, **figures):
    performance.performance_record(procedure=procedure, month=month, figures=figures, user=officer)


@pytest.fixture
def figures(officer):
    first = make_procedure(user=officer, unit=officer.unit)
    second = make_procedure(user=officer, unit=officer.unit)
    # January: 45 on time, 3 late over two procedures; February: 20 on time; March: only dossiers in progress.
    _month(first, datetime.date(2026, 1, 1), officer, received=40, on_time=38, late=2)
    _month(second, datetime.date(2026, 1, 1), officer, received=10, on_time=7, late=1)
    _month(first, datetime.date(2026, 2, 1), officer, received=20, on_time=20, late=0)
    _month(first, datetime.date(2026, 3, 1), officer, received=5, in_progress=5)
    # Outside every period asked below.
    _month(second, datetime.date(2025, 12, 1), officer, received=9, on_time=0, late=9)
    return first, second


def test_the_computation_is_registered_through_the_hook():
    computation = indicators.get(KEY)
    assert computation is not None and computation.unit == "%"
    assert computation.compute is dossiers_on_time
    assert KEY in dict(indicators.choices())


def test_a_month_counts_every_procedure_on_time_out_of_resolved(figures):
    # 45 of 48 resolved on time: 93.75 %, one decimal, half up.
    assert dossiers_on_time(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)) == Decimal("93.8")
    assert dossiers_on_time(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)) == Decimal("100.0")


def test_a_quarter_counts_the_months_that_begin_in_it(figures):
    # January and February: 65 of 68; March resolved nothing; December 2025 is outside.
    assert dossiers_on_time(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)) == Decimal("95.6")


def test_a_period_with_nothing_resolved_has_no_rate(figures):
    assert dossiers_on_time(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)) is None
    assert dossiers_on_time(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30)) is None


def test_an_objective_measures_it_from_the_register(figures, officer):
    approver, reporter = f.make_approver(unit=officer.unit), f.make_staff(unit=officer.unit)
    objective = objective_services.objective_create(
        user=officer, title="100% hồ sơ TTHC giải quyết đúng hạn", year=2026, owner=officer
    )
    indicator = objective_services.indicator_create(
        objective=objective,
        user=officer,
        name="Tỷ lệ hồ sơ giải quyết đúng hạn",
        unit_of_measure="%",
        direction="higher",
        target=Decimal("100"),
        warning_threshold=Decimal("95"),
        frequency="quarterly",
        source="computed",
        computation=KEY,
        reporter=reporter,
    )
    objective_services.objective_approve(objective=objective, user=approver)
    measurement = objective_services.measurement_compute(
        indicator=indicator, period_start=datetime.date(2026, 1, 1), user=reporter
    )
    assert measurement.value == Decimal("95.6")
    assert measurement.period_end == datetime.date(2026, 3, 31)
    assert not measurement.meets_target
