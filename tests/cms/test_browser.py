"""A revision through the real admin in a real browser: edit and submit, review, approve, read (ISO 9001 7.5.2 c).

The acknowledgement click that follows belongs to cms.acknowledgements (its own browser test);
the hook is the acknowledgement box on the document page, next to the revision line.
"""

import logging
import time

import pytest
from django.urls import reverse

from cms.models import ProcessDocumentPage
from tests import factories
from tests.browser import log_in
from tests.cms.builders import make_document

# serialized_rollback: the workflow, groups and home page come from data migrations, which a
# transactional test's flush would otherwise remove for the tests after it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def current_task(doc):
    return ProcessDocumentPage.objects.get(pk=doc.pk).current_workflow_task


def wait_until(condition, what, timeout=15):
    """Wait for the state the click should produce, and say which one did not come."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def workflow_action(page, doc, name):
    # Wagtail's JavaScript names the workflow action on click; clicking before its scripts
    # have run submits a plain save instead.
    page.goto(reverse("wagtailadmin_pages:edit", args=[doc.pk]), wait_until="networkidle")
    with page.expect_navigation():
        page.eval_on_selector(
            f'button[data-workflow-action-name="{name}"]:not([data-workflow-action-modal-url])', "b => b.click()"
        )


def test_officer_submits_approver_approves_staff_reads_the_new_revision(page, live_server, caplog):
    # Nothing of the flow may be refused unseen (#14.8): Django logs every 4xx it answers, the browser's
    # background requests (the editing session's ping and release, the favicon) included.
    caplog.set_level(logging.WARNING, logger="django")
    unit = factories.make_unit(code="QLVH", name="Phòng Quản lý Văn hóa")
    officer = factories.make_officer(unit=unit)
    reviewer = factories.make_officer()
    approver = factories.make_approver()
    staff = factories.make_staff(unit=unit)
    doc = make_document("QT-VH-01", unit=unit, user=officer, title="Cấp giấy phép biểu diễn")

    log_in(page, officer)
    page.goto(reverse("wagtailadmin_pages:edit", args=[doc.pk]), wait_until="networkidle")
    page.fill("#id_title", "Cấp giấy phép tổ chức biểu diễn nghệ thuật")
    page.fill("#id_change_summary", "Rút ngắn thời hạn giải quyết còn 5 ngày")
    with page.expect_navigation():
        page.eval_on_selector('button[name="action-submit"]', "b => b.click()")
    doc.refresh_from_db()
    assert doc.workflow_in_progress, page.content()[:2000]
    review_task = current_task(doc)
    # Nobody reviews what they submitted (ISO 9001 5.3): the editor offers the officer no Approve, and says why.
    page.goto(reverse("wagtailadmin_pages:edit", args=[doc.pk]), wait_until="networkidle")
    assert page.locator('button[data-workflow-action-name="approve"]').count() == 0
    assert "Bạn đã trình bản sửa đổi này" in page.content()
    log_in(page, reviewer)
    workflow_action(page, doc, "approve")  # the review step, by another quality officer
    wait_until(lambda: current_task(doc) != review_task, "the review step to pass to the approval step")

    log_in(page, approver)
    workflow_action(page, doc, "approve")
    wait_until(lambda: doc.versions.count() == 2, "the approved revision to become version 2")
    doc.refresh_from_db()

    log_in(page, staff)
    page.goto(doc.url)
    assert page.locator("h1").first.inner_text() == "Cấp giấy phép tổ chức biểu diễn nghệ thuật"
    assert "Lần ban hành 2" in page.locator(".revision-info").inner_text()
    assert "Rút ngắn thời hạn giải quyết còn 5 ngày" in page.locator(".amendments").inner_text()
    page.goto(f"{doc.url}v/1/")
    assert "Cấp giấy phép biểu diễn" in page.locator("h1").first.inner_text()
    assert page.locator(".banner.superseded").is_visible()
    refused = [r.getMessage() for r in caplog.records if r.name.startswith(("django.request", "django.security"))]
    assert refused == []


def test_after_the_final_approval_the_approver_lands_on_a_page_she_may_see(page, live_server):
    from cms import services

    unit = factories.make_unit(code="QLDL", name="Phòng Quản lý Du lịch")
    officer, author = factories.make_officer(unit=unit), factories.make_officer(unit=unit)
    approver = factories.make_approver()
    doc = make_document("QT-DL-01", unit=unit, user=author, title="Cấp thẻ hướng dẫn viên")
    # Submitted by another officer: nobody reviews what they submitted (ISO 9001 5.3, 7.5.2 c).
    services.document_submit(page=doc, user=author, change_summary="Bổ sung hồ sơ trực tuyến")
    services.document_task_approve(page=doc, user=officer)

    log_in(page, approver)
    workflow_action(page, doc, "approve")
    wait_until(lambda: doc.versions.count() == 2, "the approved revision to become version 2")
    body = page.locator("body").inner_text()
    assert "/admin/pages/" not in page.url, page.url
    assert "Sorry, you do not have permission" not in body and "không có quyền" not in body.lower(), body[:500]
    assert page.url.endswith(reverse("wagtailadmin_home")), page.url
    assert "Cấp thẻ hướng dẫn viên" in page.locator(".messages").inner_text()


def test_what_changed_shows_only_the_changed_fields_and_keeps_list_items_apart(page, live_server):
    """Only Purpose edited in the editor (Draftail re-serialises every rich-text field it loads):
    the comparison lists Purpose alone; a changed list shows its items on lines of their own."""
    from cms import demo, services
    from tests.cms.builders import revise

    unit = factories.make_unit(code="QLVH", name="Phòng Quản lý Văn hóa")
    officer, reviewer = factories.make_officer(unit=unit), factories.make_officer(unit=unit)
    approver = factories.make_approver()
    content = {
        "purpose": "<p>Quy định trình tự cấp giấy phép.</p>",
        "scope": "<p>Áp dụng đối với Phòng Quản lý Văn hóa.</p>",
        "references": demo.REFERENCES,
        "definitions": "<p>TTHC: thủ tục hành chính.</p>",
    }
    doc = make_document("QT-VH-02", unit=unit, user=officer, title="Cấp giấy phép", content=content)

    log_in(page, officer)
    page.goto(reverse("wagtailadmin_pages:edit", args=[doc.pk]), wait_until="networkidle")
    editor = page.locator('[data-contentpath="purpose"] [contenteditable="true"]')
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Bảo đảm đúng thời hạn.")
    # Draftail copies its state to the form's hidden input after a short debounce.
    page.wait_for_function("() => document.querySelector('input[name=purpose]').value.includes('thời hạn')")
    page.fill("#id_change_summary", "Làm rõ mục đích")
    with page.expect_navigation():
        page.eval_on_selector('button[name="action-submit"]', "b => b.click()")
    # Another officer reviews what this one submitted (separation of duties).
    services.document_task_approve(page=doc, user=reviewer)
    services.document_task_approve(page=doc, user=approver)
    assert doc.versions.count() == 2

    page.goto(f"{doc.url}compare/1/2/")
    headings = page.locator(".comparison h2").all_inner_texts()
    assert [heading.lower() for heading in headings] == ["mục đích"], headings
    assert "Bảo đảm đúng thời hạn." in page.locator(".comparison .addition").inner_text()

    references = demo.REFERENCES.replace("</ul>", "<li>Quyết định số 1234/QĐ-UBND năm 2026</li></ul>")
    revise(doc, officer=officer, approver=approver, summary="Bổ sung căn cứ", changes={"references": references})
    page.goto(f"{doc.url}compare/2/3/")
    card = page.locator(".comparison")
    assert card.count() == 1
    text = card.inner_text()
    assert "Luật Quảng cáo năm 2012\nNghị định số 144/2020" in text, text
    assert "Quyết định số 1234/QĐ-UBND năm 2026" in card.locator(".addition").inner_text()
