"""The master list (danh mục tài liệu) and its Excel export, read back cell by cell (ISO 9001 7.5.3)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from cms import services
from cms.models import ProcessDocumentPage
from cms.views.admin import EXPORT_COLUMNS
from qms.spreadsheets.testing import read_register, response_bytes
from tests import factories
from tests.cms.builders import make_document, revise

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    unit_a = factories.make_unit(code="QLVH", name="Phòng Quản lý Văn hóa")
    unit_b = factories.make_unit(code="QLDL", name="Phòng Quản lý Du lịch")
    officer = factories.make_officer(unit=unit_a)
    approver = factories.make_approver()
    owner = factories.make_staff(unit=unit_a, first_name="Sơn", last_name="Bùi Đức")
    current = make_document(
        "QT-01",
        unit=unit_a,
        owner=owner,
        user=officer,
        title="Cấp giấy phép biểu diễn",
        effective_date=datetime.date(2025, 2, 1),
    )
    revise(current, officer=officer, approver=approver, summary="Sửa thời hạn")
    overdue = make_document(
        "QT-02", unit=unit_b, user=officer, title='=HYPERLINK("x")', effective_date=datetime.date(2020, 1, 1)
    )
    withdrawn = make_document("QT-03", unit=unit_a, user=officer, title="Đã bãi bỏ")
    services.document_withdraw(page=withdrawn, user=officer, reason="Bãi bỏ")
    return {"officer": officer, "owner": owner, "unit_b": unit_b, "current": current, "overdue": overdue}


def test_export_cells(client, register):
    client.force_login(register["officer"])
    response = client.get(reverse("cms_register"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = read_register(response_bytes(response))
    with translation.override("vi"):
        expected = [str(column.header) for column in EXPORT_COLUMNS]
    assert sheet.headings == expected and len(expected) == 12
    assert sheet.headings[2] == "Mã đơn vị"  # the document import's own heading
    rows = {row[0]: row for row in sheet.rows}
    assert set(rows) == {"QT-01", "QT-02", "QT-03"}
    qt01 = rows["QT-01"]
    assert qt01[1] == "Cấp giấy phép biểu diễn"
    assert qt01[2] == "QLVH"
    assert qt01[3] == "Phòng Quản lý Văn hóa"
    assert qt01[4] == str(register["owner"])
    assert qt01[5] == register["owner"].username
    assert qt01[6] == 2
    assert qt01[7].date() == timezone.localdate()
    assert qt01[8] == 12
    assert qt01[9].date() == timezone.localdate().replace(year=timezone.localdate().year + 1)
    assert qt01[10] == "Không"
    assert rows["QT-02"][1] == '=HYPERLINK("x")'  # kept as text, never a formula
    cells = {row[0].value: row for row in sheet.cells}
    assert cells["QT-02"][1].data_type == "s"
    assert rows["QT-02"][9].date() == datetime.date(2021, 1, 1)
    statuses = {key: row[11] for key, row in rows.items()}
    assert statuses["QT-03"] != statuses["QT-01"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_exported_master_list_imports_back_unchanged(client, register, language):
    """docs/registers-and-imports.md: a register exported by the product can be imported back as it is."""
    from cms.models import DocumentVersion, ProcessDocumentPage
    from qms.spreadsheets.imports import get_importer, run_import

    draft = make_document("QT-04", unit=register["unit_b"], user=register["officer"], is_public=True)
    draft.unpublish()
    officer = register["officer"]
    officer.language = language  # a logged-in person reads in their own language (qms.core.people.language_of)
    officer.save()
    client.force_login(officer)
    with translation.override(language):
        response = client.get(reverse("cms_register"), {"export": "xlsx"})
    data = response_bytes(response)
    before = (DocumentVersion.objects.count(), ProcessDocumentPage.objects.count())
    with translation.override(language):
        preview = run_import(get_importer("documents"), data, user=officer, filename="master-list.xlsx", commit=False)
        assert preview.ok, [str(problem) for problem in preview.problems]
        assert preview.counts() == {"created": 0, "updated": 0, "unchanged": 4}
        result = run_import(get_importer("documents"), data, user=officer, filename="master-list.xlsx", commit=True)
    assert result.committed, [str(problem) for problem in result.problems]
    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 4}
    assert (DocumentVersion.objects.count(), ProcessDocumentPage.objects.count()) == before


def test_the_list_shows_the_next_review_date_itself(client, register):
    client.force_login(register["officer"])
    html = client.get(reverse("cms_register")).content.decode()
    next_year = timezone.localdate().replace(year=timezone.localdate().year + 1)
    with translation.override("vi"):
        shown, overdue = (
            formats.date_format(day, "SHORT_DATE_FORMAT") for day in (next_year, datetime.date(2021, 1, 1))
        )
    assert shown in html  # QT-01
    overdue_row = next(row for row in html.split("<tr") if "QT-02" in row)
    assert 'class="overdue"' in overdue_row and overdue in overdue_row
    current_row = next(row for row in html.split("<tr") if "QT-01" in row)
    assert 'class="overdue"' not in current_row
    for row in (overdue_row, current_row):
        assert "<time" not in row and "trước" not in row  # no "7 tháng trước"


def test_filters_apply_to_the_list_and_the_export(client, register):
    client.force_login(register["officer"])
    response = client.get(reverse("cms_register"), {"review_due": "overdue"})
    html = response.content.decode()
    assert "QT-02" in html and "QT-01" not in html
    export = client.get(reverse("cms_register"), {"status": "current", "unit": register["unit_b"].pk, "export": "xlsx"})
    sheet = read_register(response_bytes(export))
    assert [row[0] for row in sheet.rows] == ["QT-02"]
    assert "QLDL" in (sheet.header_block[2] or "")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_date_of_the_list_is_in_the_language_s_one_short_format(client, register, language):
    """Not "July 8, 2026" next to "2027-07-08" (nor "Ngày 08 tháng 7 năm 2026" next to "08/07/2027")."""
    import importlib

    from django.utils import dateformat
    from wagtail.users.models import UserProfile

    officer = register["officer"]
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = language
    profile.save()
    client.force_login(officer)
    html = client.get(reverse("cms_register")).content.decode()
    page = ProcessDocumentPage.objects.get(pk=register["current"].pk)
    effective = page.versions.get(superseded_at__isnull=True).effective_date
    row = next(row for row in html.split("<tr") if "QT-01" in row)
    with translation.override(language):
        short = [formats.date_format(day, "SHORT_DATE_FORMAT") for day in (effective, page.next_review_date)]
        # Django's own long format of the language, e.g. "Ngày 03 tháng 12 năm 2026".
        django_formats = importlib.import_module(f"django.conf.locale.{language}.formats")
        long = dateformat.format(effective, django_formats.DATE_FORMAT)
    expected = {"vi": r"\d{2}/\d{2}/\d{4}", "en": r"\d{4}-\d{2}-\d{2}"}[language]
    assert all(re.fullmatch(expected, day) for day in short), short
    assert all(day in row for day in short), (short, row)
    assert long not in row, row


def test_the_list_reads_register_fields_only_in_the_same_queries_however_many_documents(client, register):
    """The master list neither loads nor decodes the documents' text, and costs the same queries for 3 or 13 rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.selectors import DOCUMENT_TEXT_FIELDS, register_documents

    client.force_login(register["officer"])
    url = reverse("cms_register")
    client.get(url)  # warm the per-process caches (content types, site)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(10):
        make_document(f"QT-9{n}", unit=register["unit_b"], user=register["officer"])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    assert set(DOCUMENT_TEXT_FIELDS) <= register_documents().first().get_deferred_fields()
