"""Due cycles: one reminder per lead-time step and per overdue repeat; escalation after the grace period."""

import datetime

import pytest

from qms.reminders.rules import COMING_UP, OVERDUE, Lead, escalation_cycle, owner_cycle

DUE = datetime.date(2026, 12, 31)
LEAD = Lead(steps=(30, 7, 1), overdue_every_days=7, escalation_grace_days=14)


def on(days_before_due):
    return DUE - datetime.timedelta(days=days_before_due)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (31, None),
        (30, (COMING_UP, "2026-12-31/before-30")),
        (8, (COMING_UP, "2026-12-31/before-30")),
        (7, (COMING_UP, "2026-12-31/before-7")),
        (2, (COMING_UP, "2026-12-31/before-7")),
        (1, (COMING_UP, "2026-12-31/before-1")),
        (0, (COMING_UP, "2026-12-31/before-1")),
        (-1, (OVERDUE, "2026-12-31/overdue-0")),
        (-7, (OVERDUE, "2026-12-31/overdue-0")),
        (-8, (OVERDUE, "2026-12-31/overdue-1")),
        (-15, (OVERDUE, "2026-12-31/overdue-2")),
    ],
)
def test_owner_cycle_follows_lead_time_steps_and_overdue_repeats(days_left, expected):
    assert owner_cycle(due_date=DUE, as_of=on(days_left), lead=LEAD) == expected


def test_no_lead_steps_means_overdue_only_and_zero_repeat_means_once():
    lead = Lead(steps=(), overdue_every_days=0, escalation_grace_days=3)
    assert owner_cycle(due_date=DUE, as_of=on(0), lead=lead) is None
    assert owner_cycle(due_date=DUE, as_of=on(-1), lead=lead) == (OVERDUE, "2026-12-31/overdue-0")
    assert owner_cycle(due_date=DUE, as_of=on(-100), lead=lead) == (OVERDUE, "2026-12-31/overdue-0")


@pytest.mark.parametrize(
    ("days_overdue", "expected"),
    [
        (0, None),
        (14, None),
        (15, "2026-12-31/escalation-0"),
        (21, "2026-12-31/escalation-0"),
        (22, "2026-12-31/escalation-1"),
    ],
)
def test_escalation_starts_after_the_grace_period(days_overdue, expected):
    assert escalation_cycle(due_date=DUE, as_of=on(-days_overdue), lead=LEAD) == expected
