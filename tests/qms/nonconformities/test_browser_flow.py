"""In a real browser: a staff member reports a problem from a document page, the quality officer plans an
action, its owner completes it with evidence, another person verifies it, the officer closes the nonconformity."""

import datetime

import pytest
from django.utils import timezone

from qms.nonconformities.models import CorrectiveAction, Nonconformity
from tests import factories as f
from tests.browser import log_in

from .conftest import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    return context.new_page()


def _transition(tab, target):
    form = tab.locator(f"form.transition[data-target={target}]")
    form.locator("input[name=reason]").fill("Theo kế hoạch")
    with tab.expect_navigation():
        form.locator("button[type=submit]").click()


def test_report_plan_complete_verify_close(page, browser, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    unit = f.make_unit(code="QLVH")
    reporter = f.make_staff(unit=unit, first_name="Mai", last_name="Hoàng")
    doer = f.make_staff(unit=unit, first_name="Sơn", last_name="Bùi")
    officer = f.make_officer(unit=unit)
    verifier = f.make_approver(unit=unit)
    document = make_document(unit)

    # 1. Staff: from the document page, "report a problem with this procedure".
    log_in(page, reporter)
    page.goto(document.url)
    page.click(f"a[href$='/nonconformities/report/?document={document.pk}']")
    page.wait_for_selector("form.report-form")
    assert document.identifier in page.content()
    page.fill("#id_title", "Biểu mẫu trong quy trình đã hết hiệu lực")
    page.fill("#id_description", "Bước 3 dẫn tới biểu mẫu BM-02 phiên bản cũ.")
    page.click("form.report-form button[type=submit]")
    page.wait_for_selector("h1 .reference")
    nc = Nonconformity.objects.get()
    assert nc.reported_by == reporter and list(nc.documents.values_list("pk", flat=True)) == [document.pk]
    assert page.locator("h1 .reference").inner_text() == nc.reference

    # 2. Officer: investigate, record the root cause, plan an action, confirm the plan.
    desk = _tab(browser, live_server)
    log_in(desk, officer)
    desk.goto(nc.get_absolute_url())
    _transition(desk, "investigating")
    desk.click("a[href$='/edit/']")
    desk.select_option("#id_root_cause_method", "five_whys")
    desk.fill("#id_why_1", "Biểu mẫu cũ còn trong quy trình")
    desk.fill("#id_why_2", "Không rà soát liên kết khi ban hành biểu mẫu mới")
    desk.fill("#id_root_cause", "Không rà soát liên kết khi ban hành biểu mẫu mới")
    desk.fill("#id_reason", "Kết quả phân tích 5 why")
    desk.click("form.edit-form button[type=submit]")
    desk.wait_for_selector("form.action-form")
    due = timezone.localdate() + datetime.timedelta(days=10)
    desk.select_option("form.action-form #id_kind", "corrective")
    desk.fill("form.action-form #id_description", "Cập nhật liên kết biểu mẫu trong quy trình")
    desk.select_option("form.action-form #id_owner", str(doer.pk))
    desk.fill("form.action-form #id_due_date", due.isoformat())
    desk.click("form.action-form button[type=submit]")
    desk.wait_for_selector("table.actions a")
    _transition(desk, "action_planned")
    assert Nonconformity.objects.get(pk=nc.pk).status == "action_planned"

    # 3. Owner of the action: my actions, then record completion with evidence and a file.
    owner_tab = _tab(browser, live_server)
    log_in(owner_tab, doer)
    owner_tab.goto("/nonconformities/my-actions/")
    owner_tab.click("table.my-actions a")
    owner_tab.fill("form.complete-form #id_evidence", "Đã thay liên kết; biên bản kiểm tra đính kèm.")
    evidence = tmp_path / "bien-ban.txt"
    evidence.write_text("Biên bản kiểm tra", encoding="utf-8")
    owner_tab.set_input_files("form.complete-form input[type=file]", str(evidence))
    owner_tab.click("form.complete-form button[type=submit]")
    owner_tab.wait_for_selector("ul.files a")
    # The owner is not offered the verification.
    assert owner_tab.locator("form.verify-form").count() == 0
    action = CorrectiveAction.objects.get()
    assert action.status == "completed" and action.files.count() == 1

    # 4. Someone else verifies effectiveness.
    check = _tab(browser, live_server)
    log_in(check, verifier)
    check.goto(action.get_absolute_url())
    check.check("form.verify-form input[value=yes]")
    check.fill("form.verify-form #id_comment", "Đã kiểm tra 5 hồ sơ, dùng đúng biểu mẫu mới.")
    check.click("form.verify-form button[type=submit]")
    check.wait_for_selector(".status[data-status=verified]")

    # 5. The officer closes the nonconformity.
    desk.goto(nc.get_absolute_url())
    _transition(desk, "closed")
    desk.wait_for_selector(".status[data-status=closed]")
    nc = Nonconformity.objects.get(pk=nc.pk)
    assert nc.status == "closed" and nc.closed_by == officer
    # The trail names every person who acted.
    actors = set(nc.history.values_list("history_user__username", flat=True))
    assert {reporter.username, officer.username, doer.username} <= actors | set(
        CorrectiveAction.history.values_list("history_user__username", flat=True)
    )
