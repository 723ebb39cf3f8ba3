import datetime

import pytest
from django.utils import timezone

from tests import factories as f


@pytest.fixture
def people(db):
    unit = f.make_unit(code="VP")
    return {
        "officer": f.make_officer(unit=unit),
        "chair": f.make_approver(unit=unit),
        "other_approver": f.make_approver(unit=unit),
        "auditor": f.make_auditor(unit=unit),
        "staff": f.make_staff(unit=unit),
        "attendee": f.make_staff(unit=unit),
        "unit": unit,
    }


def plan(people, **extra):
    from qms.management_review import services

    year = timezone.localdate().year
    values = {
        "user": people["officer"],
        "title": f"Xem xét của lãnh đạo {year}",
        "period_start": datetime.date(year, 1, 1),
        "period_end": datetime.date(year, 12, 31),
        "meeting_date": timezone.localdate() + datetime.timedelta(days=10),
        "chair": people["chair"],
        "attendees": [people["attendee"]],
    }
    values.update(extra)
    return services.review_plan(**values)


@pytest.fixture
def review(people):
    return plan(people)
