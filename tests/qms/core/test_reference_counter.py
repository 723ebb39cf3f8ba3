"""One reference counter for every register: a number is never given out twice, across the move to it."""

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from qms.core import records
from qms.core.models import ReferenceCounter

BEFORE = [("core", "0005_reference_counter"), ("nonconformities", "0004_action_origin"), ("feedback", "0001_initial")]
AFTER = [("nonconformities", "0005_one_reference_counter"), ("feedback", "0002_one_reference_counter")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_last_numbers_of_the_old_counters_carry_over():
    old = _migrate(BEFORE)
    old.get_model("nonconformities", "ReferenceCounter").objects.create(year=2026, last_number=41)
    old.get_model("feedback", "FeedbackReferenceCounter").objects.create(year=2026, last_number=7)
    try:
        _migrate(AFTER)
    finally:
        _migrate(AFTER)  # whatever happens, leave the database as the other tests expect it
    with transaction.atomic():
        assert records.next_reference(series="NC", year=2026) == "NC-2026-0042"
        assert records.next_reference(series="PAKN", year=2026) == "PAKN-2026-0008"


@pytest.mark.django_db
def test_each_series_and_year_counts_by_itself():
    assert records.next_reference(series="NC", year=2026) == "NC-2026-0001"
    assert records.next_reference(series="NC", year=2026) == "NC-2026-0002"
    assert records.next_reference(series="PAKN", year=2026) == "PAKN-2026-0001"
    assert records.next_reference(series="NC", year=2027) == "NC-2027-0001"
    assert ReferenceCounter.objects.count() == 3
