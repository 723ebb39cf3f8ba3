"""Two sweeps at once on PostgreSQL (two real connections): every person still gets exactly one digest."""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings

from qms.reminders import services
from qms.reminders.models import Delivery
from qms.reminders.services import reminders_sweep
from tests.factories import make_staff

from .conftest import TODAY, days


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(EMAIL_BACKEND="tests.qms.reminders.backends.SlowBackend")
def test_concurrent_sweeps_never_send_a_duplicate(items):
    people = [make_staff() for _ in range(6)]
    for person in people:
        items.add(person, due=days(-1))
        items.add(person, due=days(3))
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            start.wait()
            results.append(reminders_sweep(as_of=TODAY))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert sum(result.digests_sent for result in results) == len(people)
    per_person = Counter(message.to[0] for message in mail.outbox)
    assert per_person == Counter({person.email: 1 for person in people})
    assert Delivery.objects.count() == 12
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_person_whose_digest_another_run_is_sending_is_left_to_that_run(items):
    """Row locks alone let two runs split one person's rows (each locks some as it scans) and send
    two digests; the person is locked as a whole, so the second run leaves them to the first."""
    busy, other = make_staff(), make_staff()
    for person in (busy, other):
        items.add(person, due=days(-1))
        items.add(person, due=days(3))
    held, release, errors = threading.Event(), threading.Event(), []

    def another_run_sending_to(person):
        try:
            with transaction.atomic():
                assert services.lock_person(person.pk)
                held.set()
                release.wait(timeout=30)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=another_run_sending_to, args=(busy,))
    thread.start()
    try:
        assert held.wait(timeout=30)
        result = reminders_sweep(as_of=TODAY)
    finally:
        release.set()
        thread.join(timeout=60)

    assert not errors
    assert result.digests_sent == 1
    assert [message.to for message in mail.outbox] == [[other.email]]
    assert Delivery.objects.filter(recipient=busy, status=Delivery.Status.PENDING).count() == 2

    assert services.reminders_deliver_pending(today=TODAY).sent == 1  # the next run sends it, whole
    assert [message.to for message in mail.outbox] == [[other.email], [busy.email]]
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
