"""Demo feedback and satisfaction (ISO 9001 9.1.2): a year of feedback in every state, some overdue, two that
raised nonconformities, and a few hundred survey responses across procedures.

Everything goes through the services, as a citizen, the desk, the handler and the approver would, so the
demo register has the same history trail as real records. Idempotent: a feedback is identified by its
text, and survey responses by their identifier in the (imagined) one-stop export.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from qms.core.models import OrganisationUnit, User

from . import services
from .models import Feedback, SurveyQuestion, SurveyResponse

S = Feedback.Status

TEXTS = [
    ("complaint", "Hồ sơ cấp phép biểu diễn của tôi bị trả chậm so với giấy hẹn."),
    ("suggestion", "Đề nghị bổ sung hướng dẫn điền biểu mẫu trên trang thông tin điện tử."),
    ("praise", "Cán bộ bộ phận một cửa hướng dẫn nhiệt tình, rõ ràng."),
    ("question", "Thủ tục cấp giấy phép kinh doanh karaoke cần những giấy tờ gì?"),
    ("complaint", "Bộ phận một cửa yêu cầu nộp thêm giấy tờ không có trong quy định."),
    ("suggestion", "Kiến nghị cho phép nộp hồ sơ trực tuyến thủ tục đăng ký câu lạc bộ thể thao."),
]
# How many feedback end in each status (forty-two in all).
PLAN = [
    (S.RECEIVED, 6),
    (S.CLASSIFIED, 5),
    (S.ASSIGNED, 8),
    (S.AWAITING_APPROVAL, 5),
    (S.ANSWERED, 6),
    (S.CLOSED, 8),
    (S.REJECTED, 4),
]
UNIT_CODES = ["VP", "QLVH", "QLTDTT", "QLDL"]
CHANNELS = ["web", "web", "phone", "desk", "letter", "email"]


def _bring(feedback, status, index, users, units):
    officer, approver = users["officer"], users["approver"]
    if status == S.RECEIVED:
        return
    if status == S.REJECTED:
        services.feedback_reject(feedback=feedback, user=officer, reason="Trùng nội dung với phản ánh đã tiếp nhận")
        return
    unit = units[UNIT_CODES[index % len(UNIT_CODES)]]
    services.feedback_classify(feedback=feedback, user=officer, kind=feedback.kind, page=feedback.page, unit=unit)
    if status == S.CLASSIFIED:
        return
    handler = unit.manager if unit.manager and unit.manager.username != "officer" else users["vp_staff"]
    services.feedback_assign(feedback=feedback, user=officer, unit=unit, handler=handler)
    if status == S.ASSIGNED:
        return
    complaint = feedback.kind == Feedback.Kind.COMPLAINT
    services.feedback_answer(
        feedback=feedback,
        user=handler,
        answer="Cảm ơn ông/bà đã góp ý. Đơn vị đã kiểm tra và xử lý theo quy định; kết quả như sau: ...",
        substantiated=True if complaint else None,
    )
    if status == S.AWAITING_APPROVAL:
        return
    services.feedback_approve_answer(feedback=feedback, user=approver)
    if status == S.CLOSED:
        services.feedback_close(feedback=feedback, user=officer)


def _seed_feedback(users, units, pages, stdout):
    now = timezone.now()
    created, index = 0, 0
    for status, count in PLAN:
        for _n in range(count):
            kind, text = TEXTS[index % len(TEXTS)]
            full_text = f"{text} (mẫu {index + 1:02d})"
            index += 1
            if Feedback.objects.filter(text=full_text).exists():
                continue
            # Spread over the past year; the open ones late in the list are old enough to be overdue.
            days_ago = (
                5 + (index * 9) % 360 if status not in (S.RECEIVED, S.ASSIGNED) else (3 if index % 2 else 30 + index)
            )
            channel = CHANNELS[index % len(CHANNELS)]
            feedback = services.feedback_receive(
                kind=kind,
                text=full_text,
                name=f"Nguyễn Văn Công Dân {index:02d}",
                email=f"congdan{index:02d}@example.invalid" if index % 3 else "",
                phone=f"0912 345 {index:03d}" if index % 2 else "",
                page=pages[index % len(pages)] if pages else None,
                channel=channel,
                user=None if channel == "web" else users["vp_staff"],
                received_at=now - datetime.timedelta(days=days_ago),
                reason="Dữ liệu mẫu",
                acknowledge=False,
            )
            _bring(feedback, status, index, users, units)
            created += 1
    # Two substantiated complaints raised nonconformities (ISO 9001 10.2).
    raised = Feedback.objects.filter(nonconformity__isnull=False).count()
    for feedback in Feedback.objects.filter(
        kind="complaint", substantiated=True, nonconformity__isnull=True, unit__isnull=False
    ).order_by("reference")[: max(0, 2 - raised)]:
        services.feedback_raise_nonconformity(feedback=feedback, user=users["officer"])
    late = Feedback.objects.filter(status__in=Feedback.UNANSWERED_STATUSES, due_date__lt=timezone.localdate())
    stdout.write(f"  feedback: {created} created, {Feedback.objects.count()} in all, {late.count()} overdue")


def _seed_survey(pages, units, stdout):
    if not SurveyQuestion.objects.exists():
        for order, text in enumerate(
            ["Thời gian giải quyết có đúng hẹn không?", "Cán bộ hướng dẫn có rõ ràng, dễ hiểu không?"], start=1
        ):
            SurveyQuestion.objects.create(text=text, order=order)
    now = timezone.now()
    created = 0
    for index in range(300):
        identifier = f"DEMO-KS-{index + 1:04d}"
        if SurveyResponse.objects.filter(channel=SurveyResponse.Channel.IMPORT, external_id=identifier).exists():
            continue
        # Mostly satisfied, a dip in one season: a trend worth a chart.
        rating = 5 if index % 3 == 0 else 4 if index % 4 else 3 - (index % 7 == 0) - (index % 11 == 0)
        services.survey_respond(
            rating=max(rating, 1),
            comment="Giải quyết nhanh, đúng hẹn." if rating >= 4 else ("Phải đi lại nhiều lần." if index % 2 else ""),
            page=pages[index % len(pages)] if pages else None,
            unit=None if pages else units[UNIT_CODES[index % len(UNIT_CODES)]],
            channel=SurveyResponse.Channel.IMPORT,
            responded_at=now - datetime.timedelta(days=(index * 37) % 365, hours=index % 9),
            external_id=identifier,
            reason="Dữ liệu mẫu",
        )
        created += 1
    stdout.write(f"  satisfaction: {created} responses created, {SurveyResponse.objects.count()} in all")


@transaction.atomic
def seed(stdout):
    users = {user.username: user for user in User.objects.filter(is_demo=True)}
    if "officer" not in users:
        return
    units = {unit.code: unit for unit in OrganisationUnit.objects.filter(code__in=UNIT_CODES)}
    # Process documents, found by their type's name: this app sits below the documents app.
    pages = list(Page.objects.live().filter(content_type__model="processdocumentpage").order_by("path")[:12])
    _seed_feedback(users, units, pages, stdout)
    _seed_survey(pages, units, stdout)
