"""A quality officer imports units in a real browser: template headings, upload, preview, commit."""

import pytest

from qms.core.models import OrganisationUnit
from tests import factories
from tests.browser import log_in

from .xlsx import UNIT_HEADINGS, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_officer_uploads_previews_and_commits(page, live_server):
    officer = factories.make_user(is_superuser=True, username="boss")
    log_in(page, officer)

    page.goto("/admin/imports/units/")
    bad = xlsx([("QLVH", "Phòng Quản lý văn hoá", "NOPE", "")], headings=UNIT_HEADINGS)
    page.set_input_files("input[type=file]", files=[{"name": "don-vi.xlsx", "mimeType": XLSX, "buffer": bad}])
    page.click("#import-check")
    page.wait_for_selector("#import-problems")
    assert "NOPE" in page.locator("#import-problems").inner_text()
    assert page.locator("#import-commit").count() == 0

    page.goto("/admin/imports/units/")
    good = xlsx([("QLVH", "Phòng Quản lý văn hoá", "", ""), ("VP", "Văn phòng", "", "")], headings=UNIT_HEADINGS)
    page.set_input_files("input[type=file]", files=[{"name": "don-vi.xlsx", "mimeType": XLSX, "buffer": good}])
    page.click("#import-check")
    page.wait_for_selector("#import-preview")
    assert not OrganisationUnit.objects.exists()
    page.click("#import-commit")
    page.wait_for_url(f"{live_server.url}/admin/imports/")
    assert "don-vi.xlsx" in page.content()
    assert set(OrganisationUnit.objects.values_list("code", flat=True)) == {"QLVH", "VP"}
    assert OrganisationUnit.objects.get(code="VP").history.latest().history_user == officer
