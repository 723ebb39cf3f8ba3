"""When an item is due for a reminder: lead-time steps, overdue repeats and escalation (pure functions).

A "due cycle" names one reminder opportunity of one item, and the ledger allows
one row per (item, cycle, recipient, kind). The due date is part of the cycle,
so a new due date (a document reviewed, an action rescheduled) starts afresh.

- Coming up: the cycle is the smallest lead-time step already reached. With
  steps 30, 7, 1 an item due in 20 days is in step 30, in 5 days in step 7, today
  or tomorrow in step 1. A sweep that missed the exact day still sends the step
  it is in (catch-up), and never the same step twice.
- Overdue: repeat n = (days overdue - 1) // every; with every = 7 that is day 1,
  day 8, day 15... (every = 0: a single overdue reminder).
- Escalation (copies to the unit's manager and the quality officers): once
  overdue beyond the grace period, repeated at the same interval.
"""

import datetime
from dataclasses import dataclass

from .models import Delivery

COMING_UP = Delivery.Reason.COMING_UP
OVERDUE = Delivery.Reason.OVERDUE
ESCALATION = Delivery.Reason.ESCALATION


@dataclass(frozen=True)
class Lead:
    steps: tuple[int, ...]  # days before, largest first
    overdue_every_days: int = 7
    escalation_grace_days: int = 14
    is_active: bool = True

    @property
    def horizon_days(self):
        return self.steps[0] if self.steps else 0


def _repeat(days, every):
    return 0 if every <= 0 else (days - 1) // every


def owner_cycle(*, due_date: datetime.date, as_of: datetime.date, lead: Lead):
    """(reason, cycle) for the item's own recipients on `as_of`, or None when nothing is due yet."""
    days_left = (due_date - as_of).days
    if days_left >= 0:
        reached = [step for step in lead.steps if days_left <= step]
        if not reached:
            return None
        return COMING_UP, f"{due_date.isoformat()}/before-{min(reached)}"
    overdue = -days_left
    return OVERDUE, f"{due_date.isoformat()}/overdue-{_repeat(overdue, lead.overdue_every_days)}"


def escalation_cycle(*, due_date: datetime.date, as_of: datetime.date, lead: Lead):
    """The escalation cycle on `as_of`, or None while within the grace period."""
    beyond = (as_of - due_date).days - lead.escalation_grace_days
    if beyond <= 0:
        return None
    return f"{due_date.isoformat()}/escalation-{_repeat(beyond, lead.overdue_every_days)}"
