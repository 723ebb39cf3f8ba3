"""In a real browser (ISO 9001 6.2, 9.1.1, 10.2): the quality officer defines an objective and its indicator in the
admin, an approver approves it on the site, the reporter enters two months (one missing its target), the chart
shows both against the target, and the miss raises one nonconformity: the button is then gone, and a stale page's
second attempt is refused."""

import datetime

import pytest
from django.urls import reverse

from qms.nonconformities.models import Nonconformity
from qms.objectives.models import Indicator, Measurement, QualityObjective
from tests import factories as f
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    return context.new_page()


def _save_in_admin(page):
    with page.expect_navigation():
        page.click("button[data-w-kbd-key-value='mod+s']")


def _measure(page, indicator, period_start, value):
    form = page.locator(f"section.indicator[data-indicator='{indicator.pk}'] form.measure")
    form.locator(f"#id_i{indicator.pk}-period_start").select_option(period_start.isoformat())
    form.locator(f"#id_i{indicator.pk}-value").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_define_approve_measure_chart_and_raise_once(page, browser, live_server):
    unit = f.make_unit(code="VP")
    officer = f.make_officer(unit=unit, first_name="Lan", last_name="Trần")
    approver = f.make_approver(unit=unit, first_name="Hùng", last_name="Nguyễn")
    reporter = f.make_staff(unit=unit, first_name="Tâm", last_name="Cao")

    # 1. The officer drafts the objective and its indicator in the admin, each with a reason.
    log_in(page, officer)
    page.goto(reverse("objectives_admin:add"))
    page.fill("#id_title", "Mức độ hài lòng của người dân đạt từ 90% trở lên")
    page.fill("#id_year", "2026")
    page.select_option("#id_level", "organisation")
    page.select_option("#id_owner", str(officer.pk))
    page.fill("#id_policy_statement", "Phục vụ người dân ngày càng tốt hơn")
    page.fill("#id_reason", "Kế hoạch ISO năm 2026")
    _save_in_admin(page)
    objective = QualityObjective.objects.get()
    assert objective.status == "draft" and objective.drafted_by == officer, page.locator("main").inner_text()[:1500]
    page.goto(reverse("indicators_admin:add"))
    page.select_option("#id_objective", str(objective.pk))
    page.fill("#id_name", "Tỷ lệ người dân hài lòng")
    page.fill("#id_target", "90")
    page.fill("#id_warning_threshold", "85")
    page.select_option("#id_direction", "higher")
    page.select_option("#id_frequency", "monthly")
    page.select_option("#id_source", "manual")
    page.select_option("#id_reporter", str(reporter.pk))
    page.fill("#id_reason", "Chỉ số của mục tiêu")
    _save_in_admin(page)
    indicator = Indicator.objects.get()
    assert indicator.objective == objective and indicator.reporter == reporter
    # The officer drafted it: the site offers them no approval.
    page.goto(objective.get_absolute_url())
    assert page.locator("form.transition[data-target=approved]").count() == 0

    # 2. The approver approves it on the site.
    desk = _tab(browser, live_server)
    log_in(desk, approver)
    desk.goto(objective.get_absolute_url())
    form = desk.locator("form.transition[data-target=approved]")
    form.locator("input[name=reason]").fill("Phê duyệt kèm Kế hoạch ISO năm 2026")
    with desk.expect_navigation():
        form.locator("button[type=submit]").click()
    objective.refresh_from_db()
    assert objective.status == "approved" and objective.approved_by == approver
    assert desk.locator(".status[data-status=approved]").count() == 1

    # 3. The reporter enters January (met) and February (missed).
    log_in(page, reporter)
    page.goto(objective.get_absolute_url())
    _measure(page, indicator, datetime.date(2026, 1, 1), "92")
    _measure(page, indicator, datetime.date(2026, 2, 1), "80")
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [80, 92]

    # 4. The chart shows both points against the dashed target line.
    chart = page.locator(f"section.indicator[data-indicator='{indicator.pk}'] figure.chart svg")
    points = chart.locator("circle")
    assert points.count() == 2
    assert [points.nth(i).get_attribute("data-met") for i in range(2)] == ["yes", "no"]
    assert [points.nth(i).get_attribute("data-value") for i in range(2)] == ["92", "80"]
    assert chart.locator("line.target").get_attribute("data-target") == "90"
    target_y = float(chart.locator("line.target").get_attribute("y1"))
    assert float(points.nth(0).get_attribute("cy")) < target_y < float(points.nth(1).get_attribute("cy"))
    assert page.locator(".health[data-health=off_track]").count() >= 1

    # 5. The miss raises a nonconformity once. A second tab loaded before it keeps the old button.
    stale = _tab(browser, live_server)
    log_in(stale, reporter)
    stale.goto(objective.get_absolute_url())
    assert page.locator("form.raise").count() == 1  # only the missed month offers it
    with page.expect_navigation():
        page.locator("form.raise button[type=submit]").click()
    nc = Nonconformity.objects.get()
    assert nc.source == "process_monitoring" and nc.owner == officer
    missed = Measurement.objects.get(value=80)
    assert missed.nonconformity == nc
    assert page.locator("form.raise").count() == 0
    assert page.locator(f"tr[data-measurement='{missed.pk}'] a.raised").inner_text() == nc.reference

    with stale.expect_navigation():
        stale.locator("form.raise button[type=submit]").click()
    assert nc.reference in stale.locator("main").inner_text()
    assert Nonconformity.objects.count() == 1
