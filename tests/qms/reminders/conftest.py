"""A test kind of item, so the engine is tested without the other apps' models."""

import datetime
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail import hooks

from qms.core.models import OrganisationUnit
from qms.reminders import registry
from qms.reminders.registry import DueItem

TODAY = datetime.date(2026, 12, 2)  # a Wednesday
MONDAY = datetime.date(2026, 12, 7)
_ids = itertools.count(1)


class Items(list):
    def add(self, *recipients, due, unit=None, title=None):
        ct = ContentType.objects.get_for_model(OrganisationUnit)
        number = next(_ids)
        item = DueItem(
            content_type_id=ct.pk,
            object_id=number,
            recipient_ids=tuple(person.pk for person in recipients),
            due_date=due,
            title=title or f"Item {number}",
            url=f"/admin/items/{number}/",
            unit_id=unit.pk if unit else None,
        )
        self.append(item)
        return item


@pytest.fixture
def items(db):
    found = Items()

    @registry.provider("test_item", label="Test items", days_before=(30, 7, 1), overdue_every_days=7)
    def provider(*, until, user=None):
        for item in list(found):
            if item.due_date <= until and (user is None or user.pk in item.recipient_ids):
                yield item

    # Only the test kind, read from a hook of its own: the other apps' providers have their own tests.
    # A test may add or replace providers in `found.providers`.
    found.providers = [provider]
    with (
        pytest.MonkeyPatch.context() as patch,
        hooks.register_temporarily("qms_test_reminder_providers", lambda: found.providers),
    ):
        patch.setattr(registry, "HOOK", "qms_test_reminder_providers")
        yield found


def days(n):
    return TODAY + datetime.timedelta(days=n)
