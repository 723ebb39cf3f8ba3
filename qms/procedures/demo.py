"""Demo register: the demo organisation's procedures with their internal processes and a year of figures.

The demo's process documents are named after procedures ("Thủ tục cấp giấy phép ...") and their internal
processes ("Quy trình nội bộ giải quyết thủ tục ..."); each becomes a procedure of the register, linked to
both, with a province-level code; the first subjects are also published at district level (about 130 in
all). Twelve months of one-stop figures follow, a few of them with late dossiers and their nonconformity.
Idempotent: a known code, month or dossier is left as it is.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qms.core.documents import documents as all_documents
from qms.core.models import OrganisationUnit, User
from qms.core.records import save_with_history

from . import performance, services
from .models import AdministrativeProcedure, ApplicationWay, DossierComponent, Fee, LateDossier, LegalBasis, Level

FIELDS = {"QLVH": "Văn hóa", "QLTDTT": "Thể dục thể thao", "QLDL": "Du lịch"}
LEGAL = {
    "QLVH": ("144/2020/NĐ-CP", "Nghị định quy định về hoạt động nghệ thuật biểu diễn", "Chính phủ", (2020, 12, 14)),
    "QLTDTT": (
        "36/2019/NĐ-CP",
        "Nghị định quy định chi tiết một số điều của Luật Thể dục, thể thao",
        "Chính phủ",
        (2019, 4, 29),
    ),
    "QLDL": ("168/2017/NĐ-CP", "Nghị định quy định chi tiết một số điều của Luật Du lịch", "Chính phủ", (2017, 12, 31)),
}
DISTRICT_EXTRA = 52
#: The statutory processing times the demo's procedures draw from, in working days. The demo's internal
#: processes take cms.demo.STEP_DAYS (5) working days, the shortest of these: every demo document fits
#: every procedure it implements, and submitting it unchanged is not refused (qms.procedures.time_limits).
TIME_LIMITS = (5, 7, 10, 15)
#: (procedure index, months ago) of the late months.
LATE_MONTHS = ((0, 2), (4, 5), (9, 1), (17, 8), (30, 3), (55, 10))


def _subject(title):
    return title.removeprefix("Quy trình nội bộ giải quyết thủ tục ")


def plan(docs):
    """(code, name, level, unit code, [document identifiers]) for every demo procedure, from the documents'
    (identifier, title, unit code)."""
    docs = sorted(docs)
    internal = {_subject(title): identifier for identifier, title, _u in docs if title.startswith("Quy trình nội bộ")}
    plan = []
    for number, (identifier, title, unit_code) in enumerate(d for d in docs if d[1].startswith("Thủ tục")):
        subject = next((s for s in internal if title.endswith(s)), None)
        linked = [identifier] + ([internal[subject]] if subject else [])
        plan.append((f"1.{number + 1:06d}.H38", title, Level.PROVINCE, unit_code, linked))
    for number, (_code, title, _level, unit_code, linked) in enumerate(plan[:DISTRICT_EXTRA]):
        plan.append(
            (f"2.{number + 1:06d}.H38", f"{title} (cấp huyện)", Level.DISTRICT, unit_code, linked[1:] or linked)
        )
    return plan


def _procedure(code, name, level, unit, linked, rng):
    procedure = AdministrativeProcedure(
        code=code,
        name=name,
        level=level,
        field=FIELDS.get(unit.code, "Văn hóa"),
        implementing_agency="Sở Văn hóa, Thể thao và Du lịch"
        if level == Level.PROVINCE
        else "Ủy ban nhân dân cấp huyện",
        unit=unit,
        applicants="Tổ chức, cá nhân",
        result="Văn bản chấp thuận hoặc giấy phép",
        decision_number="1234/QĐ-UBND",
        decision_date=datetime.date(2025, 3, 1),
    )
    days = Decimal(rng.choice(TIME_LIMITS))
    procedure.ways = [
        ApplicationWay(kind=ApplicationWay.Kind.IN_PERSON, time_limit=days),
        ApplicationWay(kind=ApplicationWay.Kind.POST, time_limit=days),
        ApplicationWay(kind=ApplicationWay.Kind.ONLINE, time_limit=days, online_level="toàn trình"),
    ]
    procedure.fees = [Fee(kind=Fee.Kind.FEE, amount=Decimal(rng.choice((0, 200000, 500000, 1500000))))]
    procedure.components = [
        DossierComponent(name="Đơn đề nghị", form_name="Tờ khai đề nghị", originals=1, copies=0),
        DossierComponent(name="Bản sao giấy tờ chứng minh tư cách pháp lý", originals=0, copies=1),
    ]
    number, title, body, issued = LEGAL.get(unit.code, LEGAL["QLVH"])
    procedure.legal_bases = [
        LegalBasis(number=number, title=title, issuing_body=body, issued_on=datetime.date(*issued))
    ]
    return procedure


def _months_back(today, count):
    month = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months


@transaction.atomic
def seed(stdout):
    officer = User.objects.filter(username="officer").first()
    units = {unit.code: unit for unit in OrganisationUnit.objects.all()}
    if officer is None or not units:
        stdout.write("  procedures: the core demo organisation is missing; run seed_demo")
        return
    documents = {d.identifier: d for d in all_documents()}
    existing = set(AdministrativeProcedure.objects.values_list("code", flat=True))
    created = 0
    docs = all_documents().values_list("identifier", "title", "unit__code")
    for code, name, level, unit_code, linked in plan(docs):
        if code in existing or unit_code not in units:
            continue
        procedure = _procedure(code, name, level, units[unit_code], linked, random.Random(code))
        services.procedure_save(
            procedure=procedure,
            user=officer,
            reason="Demo: danh mục thủ tục hành chính công bố",
            documents=[documents[i] for i in linked if i in documents],
        )
        created += 1
    procedures = list(AdministrativeProcedure.objects.order_by("code"))
    months = _months_back(timezone.localdate(), 13)[1:]  # the twelve months before this one
    late = {(index, months[ago - 1]) for index, ago in LATE_MONTHS if index < len(procedures)}
    figures = 0
    for index, procedure in enumerate(procedures):
        # Each procedure's own draws: the same figures on every run, whatever else was seeded before.
        rng = random.Random(procedure.code)
        carried = 0
        for month in reversed(months):
            received = rng.randint(2, 20)
            late_count = min(rng.randint(1, 3), received) if (index, month) in late else 0
            resolved = max(received + carried - rng.randint(0, 2), late_count)
            record, action = performance.performance_record(
                procedure=procedure,
                month=month,
                figures={
                    "carried_over": carried,
                    "received": received,
                    "on_time": resolved - late_count,
                    "late": late_count,
                    "in_progress": received + carried - resolved,
                    "returned": 0,
                    "apology_slips": late_count,
                },
                user=officer,
                reason="Demo: số liệu một cửa",
            )
            figures += action == "created"
            carried = record.in_progress
            if late_count and not record.late_dossiers.exists():
                for n in range(late_count):
                    received_on = month + datetime.timedelta(days=2 + n)
                    dossier = LateDossier(
                        performance=record,
                        dossier_code=f"{procedure.code}-{month:%y%m}-{n + 1:03d}",
                        received_on=received_on,
                        due_on=received_on + datetime.timedelta(days=10),
                        resolved_on=received_on + datetime.timedelta(days=13),
                        late_step="Thẩm định hồ sơ",
                        reason="Hồ sơ phải xin ý kiến cơ quan phối hợp",
                    )
                    save_with_history(dossier, user=officer, reason="Demo: hồ sơ trễ hạn")
            if record.late:
                performance.performance_raise_nonconformity(performance=record, user=officer)
    stdout.write(f"  procedures: {created} procedures, {figures} monthly figures")
