"""Error pages speak the reader's language and lead back home, like every other page."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_access_denied_is_explained_in_vietnamese(client):
    from tests.audits.builders import make_audit

    audit = make_audit(units=[factories.make_unit()])
    client.force_login(factories.make_staff(unit=factories.make_unit()))  # not audited, not an auditor
    response = client.get(f"/audits/{audit.pk}/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Không có quyền truy cập" in html and 'href="/"' in html and "Forbidden" not in html


def test_a_missing_page_is_explained_in_english_when_chosen(client):
    client.cookies["django_language"] = "en"
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
