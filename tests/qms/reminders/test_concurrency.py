"""Two sweeps at once on PostgreSQL (two real connections): every person still gets exactly one digest."""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings

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
