"""Demo quality objectives (ISO 9001 6.2): what a provincial department sets, with two years of measurements.

The department of culture, sports and tourism sets, each year: every administrative procedure resolved on time;
no complaint-driven nonconformity left open over 30 days; 95 % of staff acknowledging new revisions within 14
days; citizen satisfaction of at least 90 %; and the one-stop desk (VP) its own unit objective. The officer
drafts them, the director approves them, the reporters enter the months so far, some missing their target; one
miss raised a nonconformity. Last year's objectives are closed as achieved or not.

Everything goes through the services, so the demo has the same trail as real records. Idempotent: an
objective is found by its year and title, a measurement by its indicator and period.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qms.core.models import OrganisationUnit, User

from . import services
from .models import Indicator, Measurement, QualityObjective

POLICY = (
    "Phục vụ người dân, doanh nghiệp ngày càng tốt hơn; giải quyết thủ tục hành chính đúng hẹn, công khai, minh bạch."
)

# title, unit code (None: the organisation), owner, indicator (name, unit, direction, target, warning, reporter),
# monthly values (a curve the reporter "measured": misses where it dips).
OBJECTIVES = [
    (
        "100% hồ sơ thủ tục hành chính được giải quyết đúng hạn",
        None,
        "officer",
        ("Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "%", "higher", "100", "98", "vp_staff"),
        ["100", "100", "99.2", "100", "100", "97.5", "100", "100", "100", "99.6", "100", "100"],
    ),
    (
        "Không để tồn đọng sự không phù hợp do phản ánh quá 30 ngày",
        None,
        "officer",
        ("Số sự không phù hợp do phản ánh mở quá 30 ngày", "", "lower", "0", "1", "officer2"),
        ["0", "0", "1", "0", "0", "0", "2", "0", "0", "0", "1", "0"],
    ),
    (
        "95% công chức xác nhận đã đọc văn bản mới trong 14 ngày",
        None,
        "officer",
        ("Tỷ lệ xác nhận đã đọc trong 14 ngày", "%", "higher", "95", "90", "officer2"),
        ["96", "97", "93", "95", "98", "96", "88", "95", "97", "99", "96", "95"],
    ),
    (
        "Mức độ hài lòng của người dân đạt từ 90% trở lên",
        None,
        "officer",
        ("Tỷ lệ người dân hài lòng", "%", "higher", "90", "85", "vp_staff"),
        ["91", "92", "89", "90", "93", "94", "86", "90", "91", "92", "84", "93"],
    ),
    (
        "Bộ phận một cửa trả kết quả đúng giấy hẹn",
        "VP",
        "vp_staff",
        ("Tỷ lệ trả kết quả đúng giấy hẹn", "%", "higher", "98", "95", "vp_staff"),
        ["99", "98", "97", "99", "100", "98", "94", "99", "98", "99", "100", "99"],
    ),
]


def _objective(spec, year, users, units):
    title, unit_code, owner, indicator_spec, _values = spec
    found = QualityObjective.objects.filter(year=year, title=title).first()
    if found:
        return found, Indicator.objects.filter(objective=found).first()
    officer = users["officer"]
    objective = services.objective_create(
        user=officer,
        title=title,
        year=year,
        level=QualityObjective.Level.UNIT if unit_code else QualityObjective.Level.ORGANISATION,
        unit=units.get(unit_code),
        owner=users[owner],
        policy_statement=POLICY,
        description=f"Theo Kế hoạch duy trì, cải tiến hệ thống quản lý chất lượng năm {year}.",
    )
    name, unit_of_measure, direction, target, warning, reporter = indicator_spec
    indicator = services.indicator_create(
        objective=objective,
        user=officer,
        name=name,
        unit_of_measure=unit_of_measure,
        direction=direction,
        target=Decimal(target),
        warning_threshold=Decimal(warning),
        frequency=Indicator.Frequency.MONTHLY,
        source=Indicator.Source.MANUAL,
        reporter=users[reporter],
    )
    # The service returns the approved row; the draft in hand stays a draft (and would be neither measured nor closed).
    objective = services.objective_approve(
        objective=objective, user=users["director"], reason=f"Phê duyệt kèm Kế hoạch ISO năm {year}"
    )
    return objective, indicator


def _measure(indicator, values, users, today):
    created = 0
    for (start, end), value in zip(indicator.periods(), values, strict=True):
        # A month is measured once it is over (and the reporter had a few days).
        if end + datetime.timedelta(days=5) > today:
            break
        if Measurement.objects.filter(indicator=indicator, period_start=start).exists():
            continue
        services.measurement_record(
            indicator=indicator,
            period_start=start,
            value=Decimal(value),
            comment="Số liệu từ Hệ thống thông tin giải quyết TTHC của tỉnh.",
            user=indicator.reporter,
            reason="Dữ liệu mẫu",
            recorded_at=timezone.make_aware(
                datetime.datetime.combine(end + datetime.timedelta(days=3), datetime.time(9))
            ),
        )
        created += 1
    return created


@transaction.atomic
def seed(stdout):
    users = {user.username: user for user in User.objects.filter(is_demo=True)}
    if not {"officer", "director", "vp_staff", "officer2"} <= set(users):
        return
    units = {unit.code: unit for unit in OrganisationUnit.objects.filter(code__in=["VP"])}
    today = timezone.localdate()
    created = 0
    for year in (today.year - 1, today.year):
        for spec in OBJECTIVES:
            objective, indicator = _objective(spec, year, users, units)
            if objective.status == QualityObjective.Status.APPROVED:
                created += _measure(indicator, spec[4], users, today)
            if year < today.year and objective.status == QualityObjective.Status.APPROVED:
                missed = Measurement.objects.filter(indicator=indicator).exclude(
                    pk__in=[m.pk for m in indicator.measurements.all() if m.meets_target]
                )
                target = QualityObjective.Status.NOT_ACHIEVED if missed.exists() else QualityObjective.Status.ACHIEVED
                services.objective_close(
                    objective=objective,
                    user=users["officer"],
                    target=target,
                    reason="Đánh giá cuối năm tại cuộc họp xem xét của lãnh đạo",
                )
    # One miss of this year raised a nonconformity (ISO 9001 10.2), once.
    if not Measurement.objects.filter(nonconformity__isnull=False).exists():
        for measurement in Measurement.objects.filter(
            indicator__objective__year=today.year, indicator__objective__status=QualityObjective.Status.APPROVED
        ).select_related("indicator"):
            if not measurement.meets_target:
                services.measurement_raise_nonconformity(measurement=measurement, user=users["officer"])
                break
    stdout.write(f"  objectives: {QualityObjective.objects.count()} in all, {created} measurements created")
