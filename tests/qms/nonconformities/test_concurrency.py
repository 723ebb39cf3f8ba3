"""Races on PostgreSQL, with real separate connections (one per thread): references are never given twice,
and of two simultaneous transitions exactly one wins while the other is told."""

import threading

import pytest
from django.db import connection

from qms.nonconformities import services
from qms.nonconformities.models import Nonconformity
from tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(count, work):
    """Run `work(i)` in `count` threads released at the same moment; each thread has its own connection."""
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


def test_concurrent_reports_never_share_a_reference():
    unit = f.make_unit()
    reporter = f.make_staff(unit=unit)
    count = 8

    def report(index):
        return services.nonconformity_report(
            title=f"Sự cố {index}",
            description="Đồng thời",
            source="staff_report",
            severity="minor",
            unit=unit,
            reported_by=reporter,
        ).reference

    results, errors = _run_together(count, report)
    assert errors == [None] * count
    assert len(set(results)) == count
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in results)
    assert numbers == list(range(1, count + 1))


@pytest.mark.parametrize("targets", [("rejected", "rejected"), ("investigating", "rejected")])
def test_two_simultaneous_transitions_exactly_one_wins(targets):
    unit = f.make_unit()
    officer, other_officer = f.make_officer(unit=unit), f.make_officer(unit=unit)
    nc = f.make_nonconformity(unit=unit)
    version = nc.version
    users = (officer, other_officer)

    def move(index):
        return services.nonconformity_transition(
            nonconformity=nc, target=targets[index], user=users[index], reason=f"Lý do {index}", version=version
        )

    results, errors = _run_together(2, move)
    winners = [result for result in results if result is not None]
    assert len(winners) == 1, errors
    loser = next(error for error in errors if error is not None)
    assert isinstance(loser, services.ConflictError)
    final = Nonconformity.objects.get(pk=nc.pk)
    assert final.status == winners[0].status and final.version == version + 1
    assert final.history.count() == 2  # reported, then the one winning change


def test_two_simultaneous_stale_edits_the_second_is_refused():
    unit = f.make_unit()
    officer = f.make_officer(unit=unit)
    nc = f.make_nonconformity(unit=unit)
    version = nc.version

    def edit(index):
        return services.nonconformity_update(
            nonconformity=nc, user=officer, version=version, title=f"Bản {index}", reason="Sửa"
        )

    results, errors = _run_together(2, edit)
    assert sum(result is not None for result in results) == 1
    assert sum(isinstance(error, services.ConflictError) for error in errors) == 1
    winner = next(result for result in results if result is not None)
    assert Nonconformity.objects.get(pk=nc.pk).title == winner.title
