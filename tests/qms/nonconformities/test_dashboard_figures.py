"""The quality officers' dashboard figures (ISO 9001 9.1.3): counted by the database, exact at the bucket edges."""

import datetime

import pytest
from django.utils import timezone

from qms.nonconformities import selectors
from qms.nonconformities.models import Nonconformity
from tests import factories

pytestmark = pytest.mark.django_db


def aged(unit, days, now, **fields):
    nc = factories.make_nonconformity(unit=unit)
    # Test setup: a register built over months, written in one go.
    Nonconformity.objects.filter(pk=nc.pk).update(reported_at=now - datetime.timedelta(days=days), **fields)
    return nc


def test_open_nonconformities_by_age_and_unit_count_whole_days():
    now = timezone.now()
    north, south = factories.make_unit(code="B-N"), factories.make_unit(code="A-S")
    # Ages just either side of every bucket edge (30, 60, 90 days).
    for days in (-0.1, 29.9, 30, 59.9, 60, 89.9, 90, 400):  # -0.1: a clock a little ahead
        aged(north, days, now)
    aged(south, 45, now)
    aged(south, 45, now, status=Nonconformity.Status.CLOSED, closed_at=now)

    rows = selectors.open_by_age_and_unit(now=now)

    assert [(unit.code, counts, total) for unit, counts, total in rows] == [
        ("A-S", [0, 1, 0, 0], 1),
        ("B-N", [2, 2, 2, 2], 8),
    ]


def test_average_days_to_close_counts_closed_nonconformities_only():
    now = timezone.now()
    unit = factories.make_unit()
    assert selectors.average_days_to_close() == (None, 0)
    aged(unit, 2, now, status=Nonconformity.Status.CLOSED, closed_at=now)
    aged(unit, 5, now, status=Nonconformity.Status.CLOSED, closed_at=now - datetime.timedelta(hours=9.6))
    aged(unit, 9, now)  # open: not counted
    assert selectors.average_days_to_close() == (3.3, 2)  # (2 + 4.6) / 2 days, to a tenth
