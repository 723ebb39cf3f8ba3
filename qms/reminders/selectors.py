"""Reads reused by the panels and the preferences page: what is due for one person, from the same providers."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from . import registry
from .models import Delivery
from .rules import owner_cycle
from .services import lead_times


@dataclass(frozen=True)
class DueForYou:
    kind: str
    kind_label: object
    title: str
    url: str
    due_date: datetime.date
    days_left: int

    @property
    def overdue(self):
        return self.days_left < 0

    @property
    def days_overdue(self):
        return -self.days_left


def due_for_user(user, *, as_of=None, limit=50):
    """The items `user` is reminded of, most urgent first (one query per provider)."""
    if not user.is_authenticated:
        return []
    as_of = as_of or timezone.localdate()
    leads = lead_times()
    found = []
    for provider in registry.providers():
        lead = leads[provider.kind]
        if not lead.is_active:
            continue
        until = as_of + datetime.timedelta(days=lead.horizon_days)
        for item in registry.safe_items(provider, until=until, user=user):
            if user.pk not in item.recipient_ids:
                continue
            if owner_cycle(due_date=item.due_date, as_of=as_of, lead=lead) is None:
                continue
            found.append(
                DueForYou(
                    kind=provider.kind,
                    kind_label=provider.label,
                    title=item.title,
                    url=item.url,
                    due_date=item.due_date,
                    days_left=(item.due_date - as_of).days,
                )
            )
    found.sort(key=lambda entry: (entry.due_date, str(entry.title)))
    return found[:limit]


def undeliverable_count():
    """How many reminders were given up on (the dashboard count for quality officers; one query)."""
    return Delivery.objects.filter(status=Delivery.Status.UNDELIVERABLE).count()
