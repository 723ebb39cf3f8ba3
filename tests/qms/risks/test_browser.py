"""Issue 16's risks half in a real browser: a quality officer opens the heat map, clicks a cell, opens a risk
from the filtered list and plans a treatment action (ISO 9001 6.1.2)."""

import datetime

import pytest
from django.utils import timezone

from qms.nonconformities.selectors import actions_for
from qms.risks import services
from tests import factories as f
from tests.browser import log_in

from .builders import make_risk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_goes_from_the_heat_map_to_a_risk_and_plans_its_treatment_action(page):
    unit = f.make_unit(code="VP")
    officer = f.make_officer(unit=unit)
    owner = f.make_staff(unit=unit, first_name="Tâm", last_name="Cao Minh")
    late = make_risk(user=officer, unit=unit, owner=owner, likelihood=4, impact=4)
    services.risk_plan_treatment(risk=late, user=officer, treatment="reduce", plan="Nhắc hạn tự động")
    elsewhere = make_risk(user=officer, unit=unit, title="Mất dữ liệu do sự cố máy chủ", likelihood=2, impact=5)
    log_in(page, officer)

    page.goto("/risks/heat-map/")
    cell = page.locator("td[data-likelihood='4'][data-impact='4']")
    assert cell.get_attribute("data-count") == "1"
    assert "band-high" in cell.get_attribute("class")
    with page.expect_navigation():
        cell.locator("a").click()
    rows = page.locator("tr[data-risk]")
    assert rows.count() == 1 and elsewhere.reference not in page.locator("main").inner_text()

    with page.expect_navigation():
        page.click(f"tr[data-risk='{late.pk}'] a >> nth=0")
    assert late.reference in page.locator("h1").inner_text()

    due = timezone.localdate() + datetime.timedelta(days=21)
    form = page.locator("form.action-form")
    form.locator("#id_description").fill("Phân công theo dõi hạn xử lý theo từng lĩnh vực")
    form.locator("#id_owner").select_option(str(owner.pk))
    form.locator("#id_due_date").fill(due.isoformat())
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    action = actions_for(late).get()
    assert action.owner == owner and action.due_date == due and action.kind == "risk_treatment"
    table = page.locator("section.origin-actions").inner_text()
    assert "Phân công theo dõi hạn xử lý" in table
