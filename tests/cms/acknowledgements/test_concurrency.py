"""Races on PostgreSQL with real separate connections: a double click records one acknowledgement, and two
officers distributing the same revision at once leave one distribution per unit, each change on the record."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from cms.acknowledgements import services
from cms.acknowledgements.models import Acknowledgement, Distribution
from tests import factories

from .conftest import make_distributed_document

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _run_together(count, work):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, [None] * count

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - collected and asserted on by the test
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_simultaneous_acknowledgements_record_one():
    unit = factories.make_unit()
    reader = factories.make_staff(unit=unit)
    _page, version = make_distributed_document(unit=unit)
    results, errors = _run_together(4, lambda i: services.version_acknowledge(version=version, user=reader).pk)
    assert errors == [None] * 4
    assert len(set(results)) == 1
    assert Acknowledgement.objects.filter(version=version, person=reader).count() == 1


def test_simultaneous_distributions_keep_one_row_per_unit_and_every_change_on_record():
    unit = factories.make_unit()
    _page, version = make_distributed_document(unit=unit, distribute=False)
    others = [factories.make_unit() for _ in range(2)]
    officers = [factories.make_officer() for _ in range(3)]
    today = timezone.localdate()

    def distribute(i):
        due = today + datetime.timedelta(days=10 + i)
        return services.version_distribute(
            version=version, units=[unit, *others], user=officers[i], due_date=due, reason=f"Lần {i}"
        )

    _results, errors = _run_together(3, distribute)
    assert errors == [None] * 3
    assert Distribution.objects.filter(version=version).count() == 3
    for distribution in Distribution.objects.filter(version=version):
        # One creation (the owning unit's is the automatic one made on becoming effective), then each
        # officer's due date recorded as a change by that officer: none is silently overwritten.
        entries = list(distribution.history.order_by("history_date", "history_id"))
        automatic = distribution.unit == unit
        assert len(entries) == (4 if automatic else 3)
        assert {entry.history_user_id for entry in entries if entry.history_user_id} == {o.pk for o in officers}
        assert [entry.history_change_reason for entry in entries].count(None) == 0
        assert distribution.due_date == entries[-1].due_date
