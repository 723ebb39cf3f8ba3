"""Recording a periodic review and withdrawing a document through the admin (ISO 9001 7.5.2 c, 7.5.3.2 d)."""

import pytest
from django.urls import reverse

from cms.models import DocumentReview
from tests import factories
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db


def test_owner_records_a_review_and_a_bad_one_keeps_the_input(client):
    unit = factories.make_unit()
    owner = factories.make_staff(unit=unit)
    page = make_document(unit=unit, owner=owner)
    client.force_login(owner)
    url = reverse("cms_review", args=[page.pk])
    response = client.post(url, {"outcome": "revise", "comment": ""})
    assert response.status_code == 200 and not DocumentReview.objects.exists()
    assert "revise" in response.content.decode()
    response = client.post(url, {"outcome": "valid", "comment": "Còn phù hợp"})
    assert response.status_code == 302
    review = DocumentReview.objects.get()
    assert (review.reviewed_by, review.outcome, review.comment) == (owner, "valid", "Còn phù hợp")
    assert "Còn phù hợp" in client.get(url).content.decode()  # the history under the form


def test_officer_withdraws_staff_cannot(client):
    officer = factories.make_officer()
    page = make_document(user=officer)
    url = reverse("cms_withdraw", args=[page.pk])
    client.force_login(factories.make_staff())
    assert client.post(url, {"reason": "x"}).status_code in (302, 403)
    page.refresh_from_db()
    assert page.withdrawn_at is None
    client.force_login(officer)
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Bãi bỏ theo Quyết định 123"}).status_code == 302
    page.refresh_from_db()
    assert page.withdrawn_reason == "Bãi bỏ theo Quyết định 123"
    # Withdrawing twice is refused with a message, not an error page.
    response = client.post(url, {"reason": "again"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
