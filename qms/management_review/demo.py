"""Demo management reviews (ISO 9001 9.3): last year's review with its minutes approved by the director, and
this year's review planned. Through the services, as the officer and the director would; idempotent (a review
is found by its title)."""

import datetime

from django.db import transaction

from qms.core.models import User
from qms.core.records import local_day

from . import services
from .models import ManagementReview, ReviewDecision

PAST = "Xem xét của lãnh đạo năm {year}"
PLANNED = PAST  # this year's, planned


@transaction.atomic
def seed(stdout):
    users = {
        u.username: u
        for u in User.objects.filter(is_demo=True, username__in=["officer", "director", "approver", "auditor", "staff"])
    }
    if "officer" not in users or "director" not in users:
        return
    officer, director = users["officer"], users["director"]
    attendees = [u for u in users.values()]
    today = local_day()
    last = today.year - 1
    if not ManagementReview.objects.filter(title=PAST.format(year=last)).exists():
        review = services.review_plan(
            user=officer,
            title=PAST.format(year=last),
            period_start=datetime.date(last, 1, 1),
            period_end=datetime.date(last, 12, 31),
            meeting_date=datetime.date(last, 12, 20),
            chair=director,
            attendees=attendees,
            location="Phòng họp tầng 2",
        )
        review = services.pack_prepare(review=review, user=officer)
        services.decision_record(
            review=review,
            user=officer,
            kind=ReviewDecision.Kind.IMPROVEMENT,
            text="Mở rộng tiếp nhận hồ sơ trực tuyến cho thủ tục đăng ký câu lạc bộ thể thao.",
            owner=users.get("staff"),
            # An owner and a due date: the decision becomes the staff member's improvement action (9.3.3).
            due_date=datetime.date(today.year, 6, 30) if "staff" in users else None,
        )
        services.decision_record(
            review=review,
            user=officer,
            kind=ReviewDecision.Kind.RESOURCES,
            text="Bố trí thêm một cán bộ tại bộ phận một cửa vào các tháng cao điểm.",
        )
        review = services.minutes_record(
            review=review,
            user=officer,
            attendees=attendees,
            conclusion="Hệ thống quản lý chất lượng phù hợp, đầy đủ và có hiệu lực.",
        )
        services.minutes_approve(review=review, user=director)
        stdout.write("Demo: one approved management review\n")
    if not ManagementReview.objects.filter(title=PLANNED.format(year=today.year)).exists():
        services.review_plan(
            user=officer,
            title=PLANNED.format(year=today.year),
            period_start=datetime.date(today.year, 1, 1),
            period_end=datetime.date(today.year, 12, 31),
            meeting_date=today + datetime.timedelta(days=14),
            chair=director,
            attendees=attendees,
            location="Phòng họp tầng 2",
        )
        stdout.write("Demo: one planned management review\n")
