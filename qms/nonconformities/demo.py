"""Demo nonconformities (ISO 9001 10.2): about sixty, across every status, with actions, some overdue.

Everything is created through the services, as a person would, so the demo
register has the same history trail (who, when, why) as real records.
Idempotent: a nonconformity is identified by its title and unit, and only
missing ones are created.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from qms.core import documents as core_documents
from qms.core.models import IsoClause, OrganisationUnit, User

from . import services
from .models import CorrectiveAction, Nonconformity

S = Nonconformity.Status

# (title, description, source, clause)
PROBLEMS = [
    ("Hồ sơ cấp phép trả chậm", "Hồ sơ cấp phép biểu diễn được trả chậm 3 ngày so với quy định.", "complaint", "8.5.1"),
    ("Biểu mẫu hết hiệu lực còn sử dụng", "Bộ phận một cửa vẫn phát biểu mẫu phiên bản cũ.", "internal_audit", "7.5.3"),
    ("Thiếu chữ ký người xem xét", "Hồ sơ thẩm định không có chữ ký của người xem xét.", "internal_audit", "8.5.1"),
    ("Không lưu hồ sơ tiếp nhận", "Sổ tiếp nhận hồ sơ không ghi đủ ngày hẹn trả.", "process_monitoring", "7.5.3"),
    ("Phản ánh thái độ tiếp công dân", "Công dân phản ánh cán bộ hướng dẫn không rõ ràng.", "complaint", "9.1.2"),
    (
        "Thiết bị đo chưa hiệu chuẩn",
        "Máy đo âm thanh dùng khi kiểm tra karaoke quá hạn hiệu chuẩn.",
        "external_audit",
        "7.1.5",
    ),
    ("Nhà cung cấp in ấn giao trễ", "Ấn phẩm tuyên truyền giao trễ 10 ngày.", "supplier", "8.4.1"),
    ("Mục tiêu chất lượng chưa theo dõi", "Không có số liệu theo dõi mục tiêu quý III.", "management_review", "6.2.2"),
    ("Sai sót trong giấy phép", "Giấy phép ghi sai tên đơn vị tổ chức.", "staff_report", "8.7.1"),
    ("Chưa đào tạo quy trình mới", "Cán bộ mới chưa được đào tạo quy trình QT-07.", "internal_audit", "7.2"),
]

# How many nonconformities end in each status (sixty in all).
PLAN = [
    (S.REPORTED, 8),
    (S.INVESTIGATING, 8),
    (S.ACTION_PLANNED, 8),
    (S.IN_PROGRESS, 10),
    (S.AWAITING_VERIFICATION, 8),
    (S.CLOSED, 12),
    (S.REJECTED, 6),
]
UNIT_CODES = ["QLVH", "QLTDTT", "QLDL", "VP", "KHTC", "TTRA"]


def _people():
    users = {user.username: user for user in User.objects.filter(is_demo=True)}
    return users


def _staff_of(unit, users, exclude=()):
    members = [u for u in users.values() if u.unit_id == unit.pk and u.username not in exclude]
    return members or [users["vp_staff"]]


def _bring(nc, status, index, users, officer, approver, today):
    """Walk `nc` through the services up to `status`."""
    if status == S.REPORTED:
        return
    if status == S.REJECTED:
        services.nonconformity_transition(
            nonconformity=nc, target=S.REJECTED, user=officer, reason="Không phải sự không phù hợp: trùng báo cáo"
        )
        return
    owner = nc.owner or officer
    services.nonconformity_transition(nonconformity=nc, target=S.INVESTIGATING, user=owner)
    if status == S.INVESTIGATING:
        return
    services.nonconformity_update(
        nonconformity=nc,
        user=owner,
        containment="Đã xử lý ngay hồ sơ bị ảnh hưởng và thông báo cho công dân.",
        containment_done_on=today - datetime.timedelta(days=20 + index % 10),
        root_cause_method=Nonconformity.RootCauseMethod.FIVE_WHYS,
        root_cause_answers={
            "whys": [
                "Hồ sơ bị trả chậm",
                "Không theo dõi hạn trả",
                "Sổ theo dõi không có cột hạn trả",
                "Biểu mẫu sổ chưa được cập nhật",
            ]
        },
        root_cause="Biểu mẫu sổ theo dõi chưa có cột hạn trả kết quả.",
        reason="Kết quả phân tích nguyên nhân",
    )
    doers = _staff_of(nc.unit, users, exclude=("officer", "officer2"))
    actions = []
    for number, kind in enumerate(("correction", "corrective")):
        # Some actions are already overdue: due in the past while still open.
        overdue = status in (S.ACTION_PLANNED, S.IN_PROGRESS) and (index + number) % 3 == 0
        due = today + datetime.timedelta(days=(-5 - index % 20) if overdue else (10 + 3 * number + index % 15))
        actions.append(
            services.action_create(
                nonconformity=nc,
                kind=kind,
                description=(
                    "Xử lý lại các hồ sơ bị ảnh hưởng"
                    if kind == "correction"
                    else "Bổ sung cột hạn trả vào sổ theo dõi"
                ),
                owner=doers[(index + number) % len(doers)],
                due_date=due,
                user=owner,
            )
        )
    services.nonconformity_transition(nonconformity=nc, target=S.ACTION_PLANNED, user=owner)
    if status == S.ACTION_PLANNED:
        return
    services.action_complete(
        action=actions[0], user=actions[0].owner, evidence="Đã xử lý xong, biên bản lưu tại bộ phận một cửa."
    )
    if status == S.IN_PROGRESS:
        return
    services.action_complete(action=actions[1], user=actions[1].owner, evidence="Sổ theo dõi mẫu mới đã áp dụng.")
    if status == S.AWAITING_VERIFICATION:
        return
    for action in actions:
        services.action_verify(action=action, user=officer, effective=True, comment="Không tái diễn sau 1 tháng.")
    closer = approver if nc.severity == Nonconformity.Severity.MAJOR else officer
    services.nonconformity_transition(nonconformity=nc, target=S.CLOSED, user=closer)


@transaction.atomic
def seed(stdout):
    users = _people()
    if "officer" not in users:
        return
    officer, approver = users["officer"], users["approver"]
    units = {unit.code: unit for unit in OrganisationUnit.objects.filter(code__in=UNIT_CODES)}
    clauses = {clause.number: clause for clause in IsoClause.objects.all()}
    documents = list(core_documents.documents()[:20])
    now, today = timezone.now(), timezone.localdate()
    created, index = 0, 0
    for status, count in PLAN:
        for _n in range(count):
            title, description, source, clause = PROBLEMS[index % len(PROBLEMS)]
            unit = units[UNIT_CODES[index % len(UNIT_CODES)]]
            full_title = f"{title} ({unit.code}, {index + 1:02d})"
            index += 1
            if Nonconformity.objects.filter(title=full_title, unit=unit).exists():
                continue
            severity = "major" if index % 5 == 0 else "minor"
            linked = [doc for doc in documents if doc.unit_id == unit.pk][:1]
            nc = services.nonconformity_report(
                title=full_title,
                description=description,
                source=source,
                severity=severity,
                unit=unit,
                reported_by=_staff_of(unit, users)[0],
                owner=unit.manager if unit.manager and unit.manager.username not in ("officer",) else None,
                documents=linked,
                clauses=[clauses[clause]] if clause in clauses else [],
                reported_at=now - datetime.timedelta(days=3 + (index * 7) % 150),
                reason="Dữ liệu mẫu",
            )
            _bring(nc, status, index, users, officer, approver, today)
            created += 1
    total = Nonconformity.objects.count()
    overdue = CorrectiveAction.objects.filter(status__in=CorrectiveAction.OPEN_STATUSES, due_date__lt=today).count()
    stdout.write(f"  nonconformities: {created} created, {total} in all, {overdue} overdue actions")
