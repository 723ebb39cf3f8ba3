"""Real browser: a staff member sees the new revision of a document and acknowledges it (ISO 9001 7.3)."""

import pytest
from django.urls import reverse

from cms.acknowledgements import selectors
from cms.acknowledgements.models import Acknowledgement
from tests import factories
from tests.browser import log_in
from tests.cms.builders import make_document, revise

# serialized_rollback: the roles, the home page and the approval workflow come from
# data migrations, which a transactional test's flush would otherwise remove.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_acknowledges_the_new_revision_and_leaves_the_pending_list(browser, live_server):
    unit = factories.make_unit(code="QLVH", name="Phòng Quản lý Văn hóa")
    officer = factories.make_officer(unit=factories.make_unit(code="VP", name="Văn phòng"))
    approver = factories.make_approver(unit=factories.make_unit(code="BGD", name="Ban Giám đốc"))
    reader = factories.make_staff(unit=unit, first_name="Mai", last_name="Hoàng Thị")
    document = make_document("QT-07", unit=unit, user=officer, title="Cấp phép biểu diễn nghệ thuật")
    # The new revision goes through the whole workflow; becoming effective distributes it to the unit.
    document = revise(document, officer=officer, approver=approver, summary="Rút ngắn thời hạn xử lý còn 5 ngày")
    version = document.versions.get(superseded_at__isnull=True)
    assert version.number == 2
    assert selectors.pending_for_version(version).units[0].pending == [reader]

    staff_context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = staff_context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, reader)
    page.goto(document.url)
    button = page.locator("button.acknowledge")
    assert button.inner_text().strip() == "Tôi đã đọc và hiểu lần ban hành 2"
    button.click()
    page.wait_for_selector(".messages .success")
    assert "lần ban hành 2 của QT-07" in page.locator(".messages .success").inner_text()
    assert "Bạn đã xác nhận đã đọc và hiểu lần ban hành 2" in page.locator("#acknowledgement").inner_text()
    assert page.locator("button.acknowledge").count() == 0
    assert Acknowledgement.objects.filter(version=version, person=reader).exists()
    staff_context.close()

    officer_context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = officer_context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, officer)
    page.goto(reverse("acknowledgements_admin:version", args=[version.pk]))
    section = page.locator('.ack-unit[data-unit="QLVH"]')
    assert str(reader) not in section.locator("tr.pending").all_inner_texts()
    assert str(reader) in " ".join(section.locator("tr.acknowledged").all_inner_texts())
    officer_context.close()
