"""The objective's life (ISO 9001 6.2, 9.1.1, 10.2): approval by another approver, measurements, one nonconformity."""

import datetime
from decimal import Decimal

import pytest

from qms.nonconformities.models import Nonconformity
from qms.objectives import services
from qms.objectives.models import Health, QualityObjective
from qms.objectives.selectors import objective_table
from tests import factories as f

pytestmark = pytest.mark.django_db


def _objective(officer, reporter, year=2026):
    objective = services.objective_create(user=officer, title="Hài lòng ≥ 90%", year=year, owner=officer)
    services.indicator_create(
        objective=objective,
        user=officer,
        name="Tỷ lệ hài lòng",
        unit_of_measure="%",
        direction="higher",
        target=Decimal("90"),
        warning_threshold=Decimal("85"),
        frequency="monthly",
        source="manual",
        reporter=reporter,
    )
    return objective


def test_approve_measure_and_raise_once():
    unit = f.make_unit()
    officer, approver, reporter = f.make_officer(unit=unit), f.make_approver(unit=unit), f.make_staff(unit=unit)
    objective = _objective(officer, reporter)
    with pytest.raises(services.NotPermitted):
        services.objective_approve(objective=objective, user=officer)
    objective.refresh_from_db()
    assert objective.status == QualityObjective.Status.DRAFT
    services.objective_approve(objective=objective, user=approver)
    objective.refresh_from_db()
    assert objective.status == "approved" and objective.approved_by == approver
    indicator = objective.indicators.get()
    services.measurement_record(indicator=indicator, period_start=datetime.date(2026, 1, 1), value=92, user=reporter)
    missed = services.measurement_record(
        indicator=indicator, period_start=datetime.date(2026, 2, 1), value=80, user=reporter
    )
    (row,) = objective_table(officer)
    assert row.health == Health.OFF_TRACK
    nc = services.measurement_raise_nonconformity(measurement=missed, user=reporter)
    assert nc.source == Nonconformity.Source.PROCESS_MONITORING
    with pytest.raises(services.TransitionNotAllowed):
        services.measurement_raise_nonconformity(measurement=missed, user=reporter)
    assert Nonconformity.objects.count() == 1


def test_the_drafter_never_approves_even_as_administrator():
    admin = f.make_user(is_superuser=True)
    objective = _objective(admin, f.make_staff())
    with pytest.raises(services.NotPermitted):
        services.objective_approve(objective=objective, user=admin)
