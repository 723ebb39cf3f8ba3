"""Demo internal audits (ISO 9001 9.2): last year's programme completed, this year's in progress.

Idempotent: each programme and audit is found by its year or reference and built only once,
through the services (so the history, the independence rule and the closure rule all hold).
Findings are linked to the demo nonconformities from an internal audit when the
nonconformities seeder made some; otherwise they raise their own through the service.

The services stamp the present moment (approval, closure, history). The demo's past events are
then dated when they plausibly happened (`_dated`): the records' own stamps and their history
rows together, so the history stays consistent with the records. State changes still go
through the services.
"""

import datetime
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qms.core.models import IsoClause, OrganisationUnit, User

from . import services
from .models import Audit, AuditProgramme, ChecklistItem, Finding


def _at(day, hour=8):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


_TRACKED = (AuditProgramme, Audit, ChecklistItem, Finding)
# Fields the services fill with now(): what the record itself says about when it happened.
_STAMPS = {AuditProgramme: ("approved_at",), Audit: ("closed_at",), Finding: ("recorded_at",)}


@contextmanager
def _dated(when):
    """Date what the service calls inside the block record at `when` (never later than now).

    The history rows written in the block get `when` (a millisecond apart, in the order they were
    written, so that each record's history keeps its order), and so do the stamps of `_STAMPS`
    set in the block, on the record and on those history rows alike.
    """
    when = min(when, timezone.now())
    started = timezone.now()
    marks = {model: model.history.aggregate(last=Max("history_id"))["last"] or 0 for model in _TRACKED}
    yield
    step = 0
    for model in _TRACKED:
        written = model.history.filter(history_id__gt=marks[model])
        for history_id in written.order_by("history_id").values_list("history_id", flat=True):
            model.history.filter(history_id=history_id).update(
                history_date=when + datetime.timedelta(milliseconds=step)
            )
            step += 1
        for name in _STAMPS.get(model, ()):
            model.objects.filter(**{f"{name}__gte": started}).update(**{name: when})
            written.filter(**{f"{name}__gte": started}).update(**{name: when})


def _documents(unit_code):
    from cms.models import ProcessDocumentPage

    return list(ProcessDocumentPage.objects.live().filter(unit__code=unit_code).order_by("identifier")[:2])


def _programme(year, objectives, officer):
    programme = AuditProgramme.objects.filter(year=year).first()
    if programme is None:
        # A year's programme is drawn up at the end of the year before.
        with _dated(_at(datetime.date(year - 1, 12, 1), 9)):
            programme = services.programme_create(year=year, objectives=objectives, user=officer, reason="Demo")
    return programme


def _approve(programme, director):
    programme.refresh_from_db()
    if programme.status == AuditProgramme.Status.DRAFT:
        with _dated(_at(datetime.date(programme.year - 1, 12, 15), 14)):
            services.programme_approve(programme=programme, user=director, reason="Demo")


def _planned_on(programme):
    """When the programme's audits were planned: a day after the programme was drawn up."""
    return _at(datetime.date(programme.year - 1, 12, 2), 9)


def _free_nonconformity(unit):
    from qms.nonconformities.models import Nonconformity

    return (
        Nonconformity.objects.filter(source=Nonconformity.Source.INTERNAL_AUDIT, unit=unit, audit_finding__isnull=True)
        .order_by("reported_at")
        .first()
    )


def _run_audit(audit, auditor, *, start, results, findings, close=True, conclusion=""):
    """Walk an audit from planned to (optionally) closed, filling its checklist and findings.

    Each step is dated when it would have happened: preparation two weeks before the audit, the
    opening meeting on its first day, the closing meeting on its last, the closure a week later.
    """
    end = start + datetime.timedelta(days=1)
    with _dated(_at(start - datetime.timedelta(days=14), 9)):
        services.audit_start_preparation(audit=audit, user=auditor, reason="Demo")
        services.checklist_generate(audit=audit, user=auditor, reason="Demo")
    with _dated(_at(start)):
        services.audit_open(
            audit=audit, user=auditor, meeting_at=_at(start), notes="Họp khai mạc, thống nhất lịch đánh giá."
        )
    items = list(audit.checklist.order_by("sort_order"))
    with _dated(_at(start, 10)):
        for item, (result, evidence) in zip(items, results, strict=False):
            services.checklist_item_update(
                item=item, version=item.version, result=result, evidence=evidence, user=auditor, reason="Demo"
            )
    recorded = []
    with _dated(_at(min(end, timezone.localdate()), 11)):
        for classification, statement, evidence, clause_number, unit in findings:
            clause = IsoClause.objects.filter(number=clause_number).first()
            item = next((i for i in items if i.clause_id and clause and i.clause_id == clause.pk), None)
            finding = services.finding_record(
                audit=audit,
                classification=classification,
                statement=statement,
                evidence=evidence,
                clause=clause,
                unit=unit,
                checklist_item=item,
                user=auditor,
                reason="Demo",
            )
            recorded.append(finding)
            if finding.is_nonconformity and close:
                _link_or_raise(finding, unit, auditor)
    if close:
        with _dated(_at(end, 16)):
            services.audit_finish_fieldwork(
                audit=audit, user=auditor, meeting_at=_at(end, 16), notes="Họp kết thúc, thông báo các phát hiện."
            )
        with _dated(_at(end + datetime.timedelta(days=7), 10)):
            services.audit_close(audit=audit, user=auditor, conclusion=conclusion, reason="Demo")
    return recorded


def _link_or_raise(finding, unit, auditor):
    existing = _free_nonconformity(unit)
    if existing is not None:
        services.finding_link_nonconformity(finding=finding, nonconformity=existing, user=auditor, reason="Demo")
    else:
        services.finding_raise_nonconformity(finding=finding, user=auditor, reason="Demo")


C, NC, OBS = ChecklistItem.Result.CONFORMING, ChecklistItem.Result.NONCONFORMITY, ChecklistItem.Result.OBSERVATION


@transaction.atomic
def seed(stdout):
    people = {user.username: user for user in User.objects.filter(is_demo=True)}
    units = {unit.code: unit for unit in OrganisationUnit.objects.all()}
    needed = ("officer", "director", "auditor", "auditor2")
    if any(name not in people for name in needed) or not {"QLVH", "QLDL", "QLTDTT", "VP", "KHTC"} <= set(units):
        stdout.write("  audits: skipped (core demo people or units missing)")
        return
    officer, director, auditor, auditor2 = (people[name] for name in needed)
    clause = {c.number: c for c in IsoClause.objects.all()}
    year = timezone.localdate().year
    last, this = year - 1, year

    # --- last year: completed ----------------------------------------------------------------
    previous = _programme(
        last,
        "Đánh giá toàn bộ các phòng chuyên môn và các quá trình giải quyết thủ tục hành chính theo TCVN ISO 9001:2015.",
        officer,
    )
    ref1 = f"ĐGNB-{last}-01"
    audit1 = Audit.objects.filter(reference=ref1).first()
    run1 = audit1 is None
    if run1:
        with _dated(_planned_on(previous)):
            audit1 = services.audit_create(
                programme=previous,
                reference=ref1,
                title="Đánh giá quá trình quản lý văn hóa và gia đình",
                kind=Audit.Kind.PROCESS,
                planned_start=datetime.date(last, 4, 8),
                planned_end=datetime.date(last, 4, 9),
                lead_auditor=auditor,
                team=[auditor2],
                units=[units["QLVH"]],
                documents=_documents("QLVH"),
                clauses=[clause["8.2"], clause["8.5.1"], clause["7.5"]],
                criteria="TCVN ISO 9001:2015; các quy trình của Phòng; Luật Di sản văn hóa.",
                user=officer,
                reason="Demo",
            )
    ref2 = f"ĐGNB-{last}-02"
    audit2 = Audit.objects.filter(reference=ref2).first()
    run2 = audit2 is None
    if run2:
        with _dated(_planned_on(previous)):
            audit2 = services.audit_create(
                programme=previous,
                reference=ref2,
                title="Đánh giá hệ thống tại các phòng Văn phòng, Thể dục Thể thao, Du lịch",
                kind=Audit.Kind.SYSTEM,
                planned_start=datetime.date(last, 6, 10),
                planned_end=datetime.date(last, 6, 12),
                lead_auditor=auditor2,
                team=[auditor],
                units=[units["VP"], units["QLTDTT"], units["QLDL"]],
                documents=_documents("QLDL"),
                clauses=[clause[n] for n in ("4", "5", "6", "9.1", "10")],
                criteria="TCVN ISO 9001:2015; sổ tay chất lượng.",
                user=officer,
                reason="Demo",
            )
    # Approved before the year's audits are held (ISO 9001 9.2.2 a: the programme is planned first).
    _approve(previous, director)
    if run1:
        _run_audit(
            audit1,
            auditor,
            start=datetime.date(last, 4, 8),
            results=[(C, "Sổ tiếp nhận hồ sơ 2024"), (NC, "3/20 hồ sơ trả chậm, không có phiếu xin lỗi"), (C, "")],
            findings=[
                (
                    Finding.Classification.MINOR,
                    "Hồ sơ giải quyết trễ hạn không có văn bản xin lỗi gửi người dân",
                    "Sổ theo dõi: 3/20 hồ sơ trả chậm từ 2 đến 5 ngày, không có phiếu xin lỗi",
                    "8.5.1",
                    units["QLVH"],
                ),
                (
                    Finding.Classification.OBSERVATION,
                    "Danh mục hồ sơ lưu chưa ghi thời hạn lưu trữ",
                    "Danh mục hồ sơ của Phòng, bản tháng 3",
                    "7.5",
                    units["QLVH"],
                ),
                (
                    Finding.Classification.GOOD_PRACTICE,
                    "Niêm yết thủ tục rõ ràng tại bộ phận một cửa",
                    "Quan sát",
                    "8.2",
                    None,
                ),
            ],
            conclusion="Hệ thống được duy trì phù hợp; 01 điểm không phù hợp nhẹ cần khắc phục.",
        )
    if run2:
        _run_audit(
            audit2,
            auditor2,
            start=datetime.date(last, 6, 10),
            results=[(C, "Chính sách chất lượng niêm yết")] * 6 + [(OBS, "Mục tiêu chưa có kế hoạch đo")],
            findings=[
                (
                    Finding.Classification.MINOR,
                    "Mục tiêu chất lượng của Phòng không có kế hoạch thực hiện",
                    "Quyết định ban hành mục tiêu; không có kế hoạch kèm theo",
                    "6.2.2",
                    units["QLTDTT"],
                ),
                (
                    Finding.Classification.OPPORTUNITY,
                    "Có thể số hóa sổ theo dõi phản ánh kiến nghị",
                    "Sổ giấy tại bộ phận một cửa",
                    "9.1.2",
                    units["VP"],
                ),
            ],
            conclusion="Hệ thống phù hợp; 01 điểm không phù hợp nhẹ.",
        )
    previous.refresh_from_db()
    if previous.status == AuditProgramme.Status.APPROVED:
        with _dated(_at(datetime.date(last, 12, 20), 9)):
            services.programme_complete(programme=previous, user=officer, reason="Demo")

    # --- this year: in progress --------------------------------------------------------------
    current = _programme(
        this,
        "Đánh giá lại các điểm không phù hợp năm trước; đánh giá quá trình du lịch và kế hoạch – tài chính.",
        officer,
    )
    today = timezone.localdate()
    ref3 = f"ĐGNB-{this}-01"
    follow_up = Audit.objects.filter(reference=ref3).first()
    run3 = follow_up is None
    if run3:
        with _dated(_planned_on(current)):
            follow_up = services.audit_create(
                programme=current,
                reference=ref3,
                title=f"Đánh giá theo dõi các phát hiện của {ref1}",
                kind=Audit.Kind.FOLLOW_UP,
                follow_up_of=audit1,
                planned_start=datetime.date(this, 3, 3),
                planned_end=datetime.date(this, 3, 3),
                lead_auditor=auditor,
                units=[units["QLVH"]],
                criteria="Kế hoạch khắc phục của Phòng Quản lý Văn hóa và Gia đình.",
                user=officer,
                reason="Demo",
            )
    ref4 = f"ĐGNB-{this}-02"
    running = Audit.objects.filter(reference=ref4).first()
    run4 = running is None
    if run4:
        with _dated(_planned_on(current)):
            running = services.audit_create(
                programme=current,
                reference=ref4,
                title="Đánh giá quá trình quản lý du lịch",
                kind=Audit.Kind.PROCESS,
                planned_start=today - datetime.timedelta(days=1),
                planned_end=today + datetime.timedelta(days=1),
                lead_auditor=auditor,
                team=[auditor2],
                units=[units["QLDL"]],
                documents=_documents("QLDL"),
                clauses=[clause["8.1"], clause["8.5.1"], clause["8.7"]],
                criteria="TCVN ISO 9001:2015; Luật Du lịch; các quy trình của Phòng.",
                user=officer,
                reason="Demo",
            )
    ref5 = f"ĐGNB-{this}-03"
    if not Audit.objects.filter(reference=ref5).exists():
        with _dated(_planned_on(current)):
            services.audit_create(
                programme=current,
                reference=ref5,
                title="Đánh giá quá trình kế hoạch – tài chính",
                kind=Audit.Kind.PROCESS,
                planned_start=datetime.date(this, 12, 15),
                planned_end=datetime.date(this, 12, 16),
                lead_auditor=auditor,
                units=[units["KHTC"]],
                documents=_documents("KHTC"),
                clauses=[clause["7.1"], clause["8.4"]],
                criteria="TCVN ISO 9001:2015; quy chế chi tiêu nội bộ.",
                user=officer,
                reason="Demo",
            )
    _approve(current, director)
    if run3:
        day = datetime.date(this, 3, 3)
        with _dated(_at(day - datetime.timedelta(days=14), 9)):
            services.audit_start_preparation(audit=follow_up, user=auditor, reason="Demo")
            services.checklist_generate(audit=follow_up, user=auditor, reason="Demo")
        with _dated(_at(day)):
            services.audit_open(audit=follow_up, user=auditor, meeting_at=_at(day))
        with _dated(_at(day, 10)):
            for finding in audit1.findings.exclude(classification=Finding.Classification.GOOD_PRACTICE):
                nc = finding.nonconformity
                closed = nc is not None and nc.status == nc.Status.CLOSED
                services.finding_verify(
                    finding=finding,
                    follow_up=follow_up,
                    closed=closed or (nc is None and not finding.is_nonconformity),
                    notes="Đã xem hồ sơ khắc phục." if closed else "Hành động khắc phục chưa hoàn tất.",
                    user=auditor,
                    reason="Demo",
                )
        with _dated(_at(day, 16)):
            services.audit_finish_fieldwork(audit=follow_up, user=auditor, meeting_at=_at(day, 16))
        with _dated(_at(day + datetime.timedelta(days=7), 10)):
            services.audit_close(
                audit=follow_up, user=auditor, conclusion="Tiếp tục theo dõi các điểm chưa khắc phục xong."
            )
    if run4:
        _run_audit(
            running,
            auditor,
            start=today - datetime.timedelta(days=1),
            results=[(C, "Kế hoạch năm được phê duyệt"), (NC, "Hồ sơ cấp phép lữ hành thiếu phiếu kiểm soát")],
            findings=[
                (
                    Finding.Classification.MAJOR,
                    "Hồ sơ cấp giấy phép lữ hành không có phiếu kiểm soát quá trình giải quyết",
                    "5/12 hồ sơ tháng trước không có phiếu kiểm soát; cán bộ xác nhận không lập",
                    "8.5.1",
                    units["QLDL"],
                ),
            ],
            close=False,
        )
        _link_or_raise(running.findings.first(), units["QLDL"], auditor)
    stdout.write(f"  audits: programmes {last} (completed) and {this} (in progress), {Audit.objects.count()} audits")
