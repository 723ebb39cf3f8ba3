"""Builders of the objectives' tests: objectives and indicators made through the services, as every path does."""

import datetime
from decimal import Decimal

import pytest

from tests import factories as f

YEAR = 2026


def make_objective(officer, *, owner=None, title="Hài lòng ≥ 90%", year=YEAR, unit=None, **extra):
    from qms.objectives import services

    return services.objective_create(
        user=officer,
        title=title,
        year=year,
        owner=owner or officer,
        level="unit" if unit else "organisation",
        unit=unit,
        **extra,
    )


def make_indicator(objective, officer, reporter, **extra):
    from qms.objectives import services

    values = {
        "name": "Tỷ lệ hài lòng",
        "unit_of_measure": "%",
        "direction": "higher",
        "target": Decimal("90"),
        "warning_threshold": Decimal("85"),
        "frequency": "monthly",
        "source": "manual",
        "reporter": reporter,
    }
    values.update(extra)
    return services.indicator_create(objective=objective, user=officer, **values)


def approved(officer, approver, reporter, **extra):
    """An objective in force with one monthly indicator (target ≥ 90 %, warning 85 %)."""
    from qms.objectives import services

    indicator_extra = extra.pop("indicator", {})
    objective = make_objective(officer, **extra)
    indicator = make_indicator(objective, officer, reporter, **indicator_extra)
    services.objective_approve(objective=objective, user=approver)
    objective.refresh_from_db()
    indicator.refresh_from_db()
    return objective, indicator


def measure(indicator, month, value, user, year=YEAR, **extra):
    from qms.objectives import services

    return services.measurement_record(
        indicator=indicator, period_start=datetime.date(year, month, 1), value=Decimal(str(value)), user=user, **extra
    )


@pytest.fixture
def people(db):
    """Everyone of the permission matrix: the objective belongs to the unit HOME (see `unit_objective`)."""
    home, other = f.make_unit(code="HOME"), f.make_unit(code="OTHER")
    return {
        "home": home,
        "other": other,
        "officer": f.make_officer(unit=other),
        "approver": f.make_approver(unit=other),
        "approver2": f.make_approver(unit=other),
        "auditor": f.make_auditor(unit=other),
        "owner": f.make_staff(unit=home),
        "reporter": f.make_staff(unit=home),
        "staff_same_unit": f.make_staff(unit=home),
        "staff_other_unit": f.make_staff(unit=other),
        "admin": f.make_user(is_superuser=True, unit=other),
    }
