"""A late measurement is a reminder to the indicator's reporter, through the reminder engine (ISO 9001 9.1.1 c):
coming up 3 days before it is due (10 days after its period ends), overdue every 7 days, escalated to the
unit's manager after 14; once, however often the sweep runs; never for a draft or a closed objective."""

import datetime

import pytest
from django.core import mail

from qms.objectives import services
from qms.reminders.services import reminders_sweep
from tests import factories as f

from .conftest import YEAR, approved, make_indicator, make_objective, measure

pytestmark = pytest.mark.django_db

JANUARY_DUE = datetime.date(YEAR, 2, 10)


def day(n):
    return JANUARY_DUE + datetime.timedelta(days=n)


def planned(as_of):
    """{recipient id: [(reason, title)]} of the measurement reminders a dry run would send."""
    result = reminders_sweep(as_of=as_of, dry_run=True)
    return {
        person: [(row.reason, row.title) for row in rows if row.kind == "measurement_due"]
        for person, rows in result.planned.items()
        if any(row.kind == "measurement_due" for row in rows)
    }


@pytest.fixture
def setting(people):
    manager = f.make_staff(unit=people["other"])
    people["home"].manager = manager
    people["home"].save()
    objective, indicator = approved(
        people["officer"], people["approver"], people["reporter"], owner=people["owner"], unit=people["home"]
    )
    return {"objective": objective, "indicator": indicator, "manager": manager, "reporter": people["reporter"]}


def test_coming_up_then_overdue_to_the_reporter_then_escalated_to_the_unit_manager(setting):
    reporter, manager = setting["reporter"], setting["manager"]
    title = "Tỷ lệ hài lòng (01/01/2026 – 31/01/2026)"
    assert planned(day(-4)) == {}
    assert planned(day(-3)) == {reporter.pk: [("coming_up", title)]}
    assert planned(day(1)) == {reporter.pk: [("overdue", title)]}
    escalated = planned(day(15))
    assert escalated[reporter.pk] == [("overdue", title)]
    assert escalated[manager.pk] == [("escalation", title)]


def test_a_sweep_run_twice_sends_one_reminder_and_a_recorded_month_ends_it(setting):
    reporter = setting["reporter"]
    reminders_sweep(as_of=day(-3))
    reminders_sweep(as_of=day(-3))
    to_reporter = [m for m in mail.outbox if m.to == [reporter.email]]
    assert len(to_reporter) == 1 and "Tỷ lệ hài lòng" in to_reporter[0].body
    assert f"/objectives/{setting['objective'].pk}/" in to_reporter[0].body
    measure(setting["indicator"], 1, 92, reporter)
    # January is measured; February is due on 10/03, not yet within 3 days on 11/02.
    assert planned(day(1)) == {}
    assert planned(datetime.date(YEAR, 3, 7)) == {
        reporter.pk: [("coming_up", "Tỷ lệ hài lòng (01/02/2026 – 28/02/2026)")]
    }


def test_the_first_unmeasured_period_is_the_one_reminded(setting):
    reporter = setting["reporter"]
    measure(setting["indicator"], 1, 92, reporter)
    measure(setting["indicator"], 3, 92, reporter)
    # February is the gap: overdue on 20/04, though March is measured.
    ((reason, title),) = planned(datetime.date(YEAR, 4, 20))[reporter.pk]
    assert reason == "overdue" and "01/02/2026" in title


def test_drafts_and_closed_objectives_are_not_reminded(people, setting):
    draft = make_objective(people["officer"], title="Còn dự thảo")
    make_indicator(draft, people["officer"], people["staff_other_unit"])
    services.objective_close(
        objective=setting["objective"], user=people["officer"], target="withdrawn", reason="Thay bằng mục tiêu mới"
    )
    assert planned(day(1)) == {}
