"""Who may download the forms of a procedure (ISO 9001 7.5.3.1 b, 7.5.3.2 b: access control).

A form of a public procedure is public; a form used only by internal procedures (or by none) is for
logged-in people of the site, like the internal procedures themselves. A form shared by a public
and an internal procedure is public: the public procedure publishes it.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from cms import services as document_services
from cms.models import DocumentForm
from tests import factories
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db


def _file(name):
    document = get_document_model()(title=name, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=name))
    document.save()
    return document


@pytest.fixture
def forms():
    unit = factories.make_unit()
    officer = factories.make_officer(unit=unit)
    application, checklist, unused = _file("to-khai.pdf"), _file("phieu-kiem-soat.pdf"), _file("nhap.pdf")
    shared = _file("giay-hen.pdf")
    public = make_document(
        "TT-F01",
        unit=unit,
        user=officer,
        is_public=True,
        content={
            "forms": [
                {"code": "BM-01", "title": "Tờ khai", "document": application},
                {"code": "BM-03", "title": "Giấy hẹn", "document": shared},
            ]
        },
    )
    internal = make_document(
        "QT-F02",
        unit=unit,
        user=officer,
        content={
            "forms": [
                {"code": "BM-02", "title": "Phiếu kiểm soát", "document": checklist},
                {"code": "BM-03", "title": "Giấy hẹn", "document": shared},
            ]
        },
    )
    return {
        "unit": unit,
        "officer": officer,
        "public": public,
        "internal": internal,
        "application": application,
        "checklist": checklist,
        "shared": shared,
        "unused": unused,
    }


def _status(client, document):
    return client.get(document.url).status_code


def test_anonymous_get_public_forms_and_are_sent_to_log_in_for_internal_ones(client, forms):
    assert _status(client, forms["application"]) == 200
    assert _status(client, forms["shared"]) == 200  # shared by a public procedure: public wins
    for name in ("checklist", "unused"):
        response = client.get(forms[name].url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_staff_get_every_form(client, forms):
    client.force_login(factories.make_staff(unit=factories.make_unit()))
    for name in ("application", "checklist", "shared", "unused"):
        assert _status(client, forms[name]) == 200, name


def test_a_procedure_made_internal_takes_its_forms_with_it(client, forms):
    document_services.document_update_register_fields(
        page=forms["public"], user=forms["officer"], reason="Chỉ dùng nội bộ", is_public=False
    )
    assert client.get(forms["application"].url).status_code == 302
    assert not AnonymousUser().has_perm("cms.read_form_file", forms["shared"])


def test_a_form_attached_to_a_public_procedure_becomes_public(client, forms):
    assert client.get(forms["checklist"].url).status_code == 302
    form = DocumentForm(code="BM-02", title="Phiếu kiểm soát", document=forms["checklist"])
    document_services.document_publish_imported_revision(
        page=forms["public"],
        user=forms["officer"],
        reason="Sổ theo dõi",
        change_summary="Thêm phiếu kiểm soát",
        effective_date=forms["public"].versions.get().effective_date,
        changes={"forms": [form]},
    )
    assert client.get(forms["checklist"].url).status_code == 200


def test_documents_are_served_through_wagtails_permission_checked_view(settings):
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
