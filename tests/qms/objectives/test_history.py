"""The trail of quality objectives (ISO 9001 7.5.3, 6.2.2): every change records who, when, old and new values and
why, whole; the timeline on the site and in the admin reads it back."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qms.core.timeline import timeline
from qms.objectives import services
from qms.objectives.models import Indicator, Measurement, QualityObjective

from .conftest import make_indicator, make_objective, measure

pytestmark = pytest.mark.django_db

# 2,000 characters, none of them trailing blanks (a reason is kept as given, trimmed).
LONG_REASON = (
    "Theo kết luận cuộc họp xem xét của lãnh đạo ngày 15/01: " + "điều chỉnh chỉ tiêu cho sát thực tế; " * 60
)[:1999] + "."


@pytest.fixture
def walked(people):
    """Every service once, as different people, each with its reason."""
    officer, approver, reporter, owner = people["officer"], people["approver"], people["reporter"], people["owner"]
    before = timezone.now()
    objective = make_objective(officer, owner=owner, title="Hài lòng ≥ 85%", reason="Kế hoạch ISO 2026")
    indicator = make_indicator(objective, officer, reporter, target=Decimal("85"), warning_threshold=None)
    services.objective_update(objective=objective, user=owner, title="Hài lòng ≥ 90%", reason=LONG_REASON)
    services.indicator_update(
        indicator=indicator, user=officer, target=Decimal("90"), warning_threshold=Decimal("85"), reason="Theo mục tiêu"
    )
    services.objective_approve(objective=objective, user=approver, reason="Phê duyệt kèm kế hoạch")
    measurement = measure(indicator, 1, 92, reporter)
    services.measurement_record(
        indicator=indicator,
        period_start=datetime.date(2026, 1, 1),
        value=Decimal("80"),
        user=reporter,
        reason="Sai số liệu tháng 1: nhập nhầm",
        version=measurement.version,
    )
    measurement.refresh_from_db()
    services.measurement_raise_nonconformity(measurement=measurement, user=owner)
    services.objective_close(objective=objective, user=officer, target="not_achieved", reason="Tháng 1 không đạt")
    return {
        "objective": QualityObjective.objects.get(pk=objective.pk),
        "indicator": Indicator.objects.get(pk=indicator.pk),
        "measurement": Measurement.objects.get(pk=measurement.pk),
        "before": before,
        "after": timezone.now(),
    }


def test_every_change_records_who_when_and_why(walked):
    for model in (QualityObjective, Indicator, Measurement):
        entries = model.history.all()
        assert entries.exists(), model
        assert not entries.filter(history_user__isnull=True).exists(), model
        assert not entries.filter(history_change_reason__isnull=True).exists(), model
        assert not entries.filter(history_change_reason="").exists(), model
        assert not entries.filter(history_date__lt=walked["before"]).exists(), model
        assert not entries.filter(history_date__gt=walked["after"]).exists(), model
    statuses = list(walked["objective"].history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == ["draft", "draft", "approved", "not_achieved"]


def test_a_reason_of_2000_characters_round_trips_whole(walked, people, client):
    assert len(LONG_REASON) == 2000
    entry = walked["objective"].history.get(title="Hài lòng ≥ 90%", status="draft")
    assert entry.history_change_reason == LONG_REASON and entry.history_user == people["owner"]
    (shown,) = [e for e in timeline(walked["objective"]) if e.reason == LONG_REASON]
    assert shown.user == people["owner"]
    client.force_login(people["auditor"])
    assert LONG_REASON in client.get(reverse("objectives:detail", args=[walked["objective"].pk])).content.decode()


def test_each_change_reads_back_with_its_old_and_new_value(walked, people):
    objective, indicator, measurement = walked["objective"], walked["indicator"], walked["measurement"]
    line = timeline(objective, related=[indicator, measurement])
    changes = {(e.reason, c.field): (c.old, c.new) for e in line for c in e.changes}
    assert changes[(LONG_REASON, "Mục tiêu")] == ("Hài lòng ≥ 85%", "Hài lòng ≥ 90%")
    old, new = changes[("Theo mục tiêu", "Chỉ tiêu")]
    assert Decimal(old) == 85 and Decimal(new) == 90
    old, new = changes[("Sai số liệu tháng 1: nhập nhầm", "Giá trị")]
    assert Decimal(old) == 92 and Decimal(new) == 80
    assert changes[("Phê duyệt kèm kế hoạch", "Trạng thái")] == ("Dự thảo", "Đã phê duyệt")
    assert changes[("Phê duyệt kèm kế hoạch", "Người phê duyệt")][1] == (
        people["approver"].get_full_name() or people["approver"].username
    )
    assert changes[("Tháng 1 không đạt", "Trạng thái")] == ("Đã phê duyệt", "Không đạt")
    raised = next(e for e in line if e.reason.startswith("Đã ghi nhận sự không phù hợp"))
    assert raised.user == people["owner"] and measurement.nonconformity.reference in raised.reason
    # Newest first, each entry with its moment.
    dates = [e.date for e in line]
    assert dates == sorted(dates, reverse=True)


def test_a_refused_change_writes_no_history(walked, people):
    objective = walked["objective"]
    count = objective.history.count()
    with pytest.raises(services.TransitionNotAllowed):
        services.objective_update(objective=objective, user=people["officer"], title="Đổi sau khi đóng")
    with pytest.raises(services.ConflictError):
        services.objective_close(objective=objective, user=people["officer"], target="withdrawn", version=1)
    assert objective.history.count() == count


def test_the_admin_inspect_view_shows_the_same_trail(walked, people, client):
    client.force_login(people["officer"])
    response = client.get(reverse("objectives_admin:inspect", args=[walked["objective"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert LONG_REASON in html and "Phê duyệt kèm kế hoạch" in html
    history = client.get(reverse("objectives_admin:history", args=[walked["objective"].pk]))
    assert history.status_code == 302 and history["Location"].endswith(
        reverse("objectives_admin:inspect", args=[walked["objective"].pk])
    )


def test_the_indicator_inspect_view_shows_its_measurements_trail(walked, people, client):
    client.force_login(people["officer"])
    response = client.get(reverse("indicators_admin:inspect", args=[walked["indicator"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Theo mục tiêu" in html and "Sai số liệu tháng 1: nhập nhầm" in html
