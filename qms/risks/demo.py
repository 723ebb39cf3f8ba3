"""Demo risks and opportunities (ISO 9001 6.1): what a provincial department weighs in its register.

The department of culture, sports and tourism keeps: dossiers returned late at the one-stop desk; legal
changes not yet reflected in its internal procedures; turnover of the one-stop desk's staff; loss of the
electronic records if the server fails; and an opportunity: offering its procedures as full online public
services (level 4, "toàn trình"). Each is rated, its treatment decided, some reviewed; the late dossiers
risk is linked to a late-dossier nonconformity of the procedures' demo when there is one.

Everything goes through the services, so the demo has the same trail as real records. Idempotent: a risk
is found by its unit and title.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from qms.core.documents import documents
from qms.core.models import OrganisationUnit, User
from qms.nonconformities import services as action_services
from qms.nonconformities.models import CorrectiveAction, Nonconformity
from qms.nonconformities.selectors import actions_for
from qms.procedures.models import AdministrativeProcedure

from . import services
from .models import Risk

# kind, unit, owner, title, cause, consequence, existing controls, (L, I), treatment, plan, justification,
# review (residual L, I, effectiveness, comment) or None
RISKS = [
    (
        "risk",
        "VP",
        "vp_staff",
        "Hồ sơ TTHC trả kết quả trễ hẹn tại Bộ phận Một cửa",
        "Số lượng hồ sơ tăng đột biến vào cuối năm; phòng chuyên môn chuyển hồ sơ muộn; thiếu theo dõi hạn xử lý.",
        "Người dân, doanh nghiệp phải đi lại nhiều lần; phải gửi phiếu xin lỗi; giảm chỉ số hài lòng (SIPAS).",
        "Phần mềm một cửa điện tử cảnh báo hồ sơ sắp đến hạn; giao ban hằng tuần.",
        (4, 4),
        "reduce",
        "Phân công theo dõi hạn xử lý theo từng lĩnh vực; nhắc việc tự động trước 2 ngày làm việc; "
        "báo cáo Giám đốc hồ sơ có nguy cơ trễ hạn.",
        "",
        None,
    ),
    (
        "risk",
        "QLVH",
        "officer2",
        "Văn bản pháp luật thay đổi nhưng quy trình nội bộ chưa được cập nhật",
        "Không có đầu mối rà soát văn bản mới ban hành; quy trình ISO được xem xét mỗi năm một lần.",
        "Giải quyết TTHC theo căn cứ pháp lý đã hết hiệu lực; sai thành phần hồ sơ, thời hạn, lệ phí.",
        "Pháp chế theo dõi Công báo và Cơ sở dữ liệu quốc gia về văn bản pháp luật.",
        (3, 4),
        "reduce",
        "Rà soát hằng tháng các văn bản mới; khi căn cứ pháp lý thay đổi thì yêu cầu xem xét quy trình ngay.",
        "",
        (2, 3, "effective", "Đã cập nhật 4 quy trình theo Nghị định mới trong vòng 10 ngày."),
    ),
    (
        "risk",
        "VP",
        "officer",
        "Công chức Bộ phận Một cửa luân chuyển, nghỉ việc",
        "Luân chuyển định kỳ theo quy định; áp lực công việc cao.",
        "Người mới chưa nắm quy trình, hướng dẫn sai thành phần hồ sơ.",
        "Quy trình tiếp nhận, hướng dẫn bằng văn bản; bàn giao công việc có biên bản.",
        (3, 3),
        "accept",
        "",
        "Luân chuyển là quy định bắt buộc; quy trình đã được viết đủ chi tiết để người mới thực hiện.",
        (3, 3, "not_applicable", ""),
    ),
    (
        "risk",
        "KHTC",
        "kh_staff",
        "Mất dữ liệu hồ sơ điện tử do sự cố máy chủ",
        "Máy chủ đặt tại Sở, sao lưu thủ công.",
        "Mất hồ sơ lưu trữ, không truy xuất được kết quả giải quyết TTHC.",
        "Sao lưu hằng tuần ra ổ đĩa ngoài.",
        (2, 5),
        "transfer",
        "Chuyển hệ thống lên Trung tâm dữ liệu của tỉnh, có sao lưu tự động hằng ngày.",
        "",
        None,
    ),
    (
        "opportunity",
        "VP",
        "officer",
        "Cung cấp dịch vụ công trực tuyến toàn trình (mức độ 4)",
        "Cổng Dịch vụ công quốc gia và của tỉnh đã sẵn sàng; người dân quen nộp hồ sơ trực tuyến.",
        "Giảm thời gian đi lại của người dân, giảm hồ sơ giấy, tăng tỷ lệ đúng hạn.",
        "Đã cung cấp trực tuyến một phần 30 thủ tục.",
        (4, 5),
        "pursue",
        "Đăng ký với Văn phòng UBND tỉnh danh mục thủ tục toàn trình; tập huấn công chức; thông báo trên Cổng.",
        "",
        None,
    ),
]


# title → (treatment action, its owner, due in days): the actions that carry out a treatment (6.1.2 b).
ACTIONS = {
    RISKS[0][3]: ("Cài đặt nhắc hạn tự động trên phần mềm một cửa, trước 2 ngày làm việc", "vp_staff", 30),
    RISKS[1][3]: ("Lập danh mục văn bản pháp luật cần theo dõi theo từng lĩnh vực", "officer2", -20),
    RISKS[3][3]: ("Chuyển cơ sở dữ liệu hồ sơ lên Trung tâm dữ liệu của tỉnh", "kh_staff", 90),
    RISKS[4][3]: ("Đăng ký danh mục thủ tục cung cấp trực tuyến toàn trình", "officer", 45),
}


def _plan_action(risk, officer, users):
    spec = ACTIONS.get(risk.title)
    if spec is None or actions_for(risk).exists() or services.planning_blocker(risk):
        return
    description, owner, days = spec
    action_services.action_create(
        origin=risk,
        kind=CorrectiveAction.Kind.RISK_TREATMENT,
        description=description,
        owner=users[owner],
        due_date=timezone.localdate() + datetime.timedelta(days=days),
        user=officer,
        reason="Kế hoạch xử lý rủi ro",
    )


@transaction.atomic
def seed(stdout):
    users = {user.username: user for user in User.objects.filter(is_demo=True)}
    if not {"officer", "officer2", "vp_staff", "kh_staff"} <= set(users):
        return
    units = {unit.code: unit for unit in OrganisationUnit.objects.all()}
    officer = users["officer"]
    created = 0
    for kind, unit_code, owner, title, cause, consequence, controls, rating, treatment, plan, why, review in RISKS:
        unit = units.get(unit_code)
        if unit is None or Risk.objects.filter(unit=unit, title=title).exists():
            continue
        document = documents().filter(unit=unit).order_by("identifier").first()
        procedure = AdministrativeProcedure.objects.filter(unit=unit).order_by("code").first()
        risk = services.risk_identify(
            user=officer,
            kind=kind,
            title=title,
            unit=unit,
            owner=users[owner],
            document=document,
            procedure=procedure,
            cause=cause,
            consequence=consequence,
            existing_controls=controls,
            likelihood=rating[0],
            impact=rating[1],
            reason="Rà soát rủi ro và cơ hội đầu năm",
        )
        risk = services.risk_plan_treatment(risk=risk, user=officer, treatment=treatment, plan=plan, justification=why)
        if review:
            services.risk_review(
                risk=risk,
                user=officer,
                residual_likelihood=review[0],
                residual_impact=review[1],
                effectiveness=review[2],
                comment=review[3],
            )
        created += 1
    for risk in Risk.objects.filter(title__in=list(ACTIONS)):
        _plan_action(risk, officer, users)
    # The late dossiers risk materialised: a late-dossier nonconformity of the procedures' demo, if any.
    late = Risk.objects.filter(title=RISKS[0][3]).first()
    nc = Nonconformity.objects.filter(source=Nonconformity.Source.PROCESS_MONITORING).order_by("pk").first()
    if late is not None and nc is not None and not late.nonconformities.exists():
        services.risk_link_nonconformity(risk=late, nonconformity=nc, user=officer)
    stdout.write(f"  risks: {Risk.objects.count()} in all, {created} created")
