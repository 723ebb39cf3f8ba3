import datetime

import pytest
from django.utils import timezone

from cms.acknowledgements import reminders as ack_reminders
from cms.acknowledgements import services
from cms.acknowledgements.models import Distribution
from qms.reminders import registry
from tests import factories

from .conftest import make_distributed_document

pytestmark = pytest.mark.django_db


def items(until, user=None):
    return list(registry.get(ack_reminders.ACKNOWLEDGEMENT).items(until=until, user=user))


def test_one_item_per_distribution_for_the_people_still_to_acknowledge(unit, officer):
    a, b = factories.make_staff(unit=unit), factories.make_staff(unit=unit)
    page, version = make_distributed_document(unit=unit, user=officer)
    today = timezone.localdate()
    services.version_distribute(
        version=version, units=[unit], user=officer, due_date=today + datetime.timedelta(days=3)
    )
    assert items(until=today) == []
    (item,) = items(until=today + datetime.timedelta(days=7))
    distribution = Distribution.objects.get(version=version, unit=unit)
    assert item.object_id == distribution.pk
    assert set(item.recipient_ids) == {a.pk, b.pk}
    assert item.due_date == today + datetime.timedelta(days=3)
    assert item.unit_id == unit.pk
    assert page.identifier in item.title and item.url == page.url
    services.version_acknowledge(version=version, user=a)
    (item,) = items(until=today + datetime.timedelta(days=7))
    assert item.recipient_ids == (b.pk,)
    assert items(until=today + datetime.timedelta(days=7), user=a) == []
    assert [i.recipient_ids for i in items(until=today + datetime.timedelta(days=7), user=b)] == [(b.pk,)]


def test_a_distribution_without_due_date_falls_due_after_the_default_days(unit, officer):
    factories.make_staff(unit=unit)
    make_distributed_document(unit=unit, user=officer)  # distributed without a due date
    today = timezone.localdate()
    assert items(until=today + datetime.timedelta(days=services.DEFAULT_DUE_DAYS - 1)) == []
    (item,) = items(until=today + datetime.timedelta(days=services.DEFAULT_DUE_DAYS))
    assert item.due_date == today + datetime.timedelta(days=services.DEFAULT_DUE_DAYS)


def test_the_provider_costs_the_same_queries_for_one_or_many_distributions(unit, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        factories.make_staff(unit=unit)
    make_distributed_document(unit=unit, user=officer)
    until = timezone.localdate() + datetime.timedelta(days=60)
    assert len(items(until=until)) == 1  # warms the content type and site caches
    with CaptureQueriesContext(connection) as one:
        items(until=until)
    for _ in range(4):
        _page, version = make_distributed_document(unit=unit, user=officer)
        services.version_distribute(version=version, units=[factories.make_unit()], user=officer)
    assert len(items(until=until)) == 5
    with CaptureQueriesContext(connection) as many:
        assert len(items(until=until)) == 5
    assert len(many) == len(one) <= 4
