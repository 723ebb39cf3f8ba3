"""The import screens in the Wagtail admin: who may use them, upload -> preview -> commit, the template."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qms.core import roles
from qms.core.models import OrganisationUnit
from qms.spreadsheets.models import ImportUpload
from tests.factories import make_approver, make_auditor, make_officer, make_staff, make_user

from .xlsx import UNIT_HEADINGS, xlsx

pytestmark = pytest.mark.django_db

UNITS = [("QLVH", "Phòng Quản lý văn hoá", "", ""), ("VP", "Văn phòng", "", "")]


def upload(client, data, name="don-vi.xlsx"):
    file = BytesIO(data)
    file.name = name
    return client.post(reverse("spreadsheets_admin:upload", kwargs={"key": "units"}), {"file": file})


ROLE_MAKERS = {
    "anonymous": None,
    "staff": make_staff,
    "approver": make_approver,
    "auditor": make_auditor,
    "officer": make_officer,
    "superuser": lambda: make_user(is_superuser=True),
}
# Wagtail turns a PermissionDenied in its admin into a redirect to the dashboard with a message;
# people without admin access are sent to the log-in page.
LOGIN, DENIED = (302, "/admin/login/"), (302, "/admin/")
EXPECTED = {
    "anonymous": LOGIN,
    "staff": LOGIN,
    "approver": DENIED,
    "auditor": DENIED,
    "officer": (200, None),
    "superuser": (200, None),
}
URLS = [
    ("spreadsheets_admin:index", {}),
    ("spreadsheets_admin:upload", {"key": "units"}),
    ("spreadsheets_admin:upload", {"key": "people"}),
    ("spreadsheets_admin:template", {"key": "units"}),
]


@pytest.mark.parametrize("role", ROLE_MAKERS)
@pytest.mark.parametrize("url_name,kwargs", URLS)
def test_only_quality_officers_may_import(client, role, url_name, kwargs):
    if ROLE_MAKERS[role]:
        client.force_login(ROLE_MAKERS[role]())
    response = client.get(reverse(url_name, kwargs=kwargs))
    status, location = EXPECTED[role]
    assert response.status_code == status
    if location == "/admin/":
        assert response["Location"] == location
    elif location:
        assert response["Location"].startswith(location)


@pytest.mark.parametrize("role", ["approver", "auditor"])
def test_others_cannot_post_an_upload_either(client, role):
    client.force_login(ROLE_MAKERS[role]())
    response = upload(client, xlsx(UNITS, headings=UNIT_HEADINGS))
    assert (response.status_code, response["Location"]) == DENIED
    assert not ImportUpload.objects.exists() and not OrganisationUnit.objects.exists()


def test_menu_item_only_for_quality_officers(client):
    client.force_login(make_officer())
    assert reverse("spreadsheets_admin:index") in client.get("/admin/").content.decode()
    client.force_login(make_auditor())
    assert reverse("spreadsheets_admin:index") not in client.get("/admin/").content.decode()


def test_upload_preview_commit(client):
    officer = make_officer()
    client.force_login(officer)
    response = upload(client, xlsx(UNITS, headings=UNIT_HEADINGS))
    assert response.status_code == 302
    stored = ImportUpload.objects.get()
    assert response["Location"] == reverse("spreadsheets_admin:preview", kwargs={"key": "units", "token": stored.token})
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert "import-preview" in preview.content.decode()
    assert not OrganisationUnit.objects.exists(), "the preview wrote nothing"

    done = client.post(response["Location"])
    assert done.status_code == 302 and done["Location"] == reverse("spreadsheets_admin:index")
    assert set(OrganisationUnit.objects.values_list("code", flat=True)) == {"QLVH", "VP"}
    stored.refresh_from_db()
    assert stored.status == "committed" and bytes(stored.sheet) == b""
    assert stored.summary == {"created": 2, "updated": 0, "unchanged": 0, "rows": 2}
    assert OrganisationUnit.objects.get(code="VP").history.latest().history_user == officer

    again = client.post(response["Location"])  # a second click imports nothing twice
    assert again.status_code == 302
    assert OrganisationUnit.history.count() == 2
    # The log of imports names the import as people read it, not by its internal key.
    recent = client.get(reverse("spreadsheets_admin:index")).content.decode()
    assert "<td>units</td>" not in recent and "<td>Đơn vị</td>" in recent


def test_a_file_with_problems_lists_them_and_cannot_be_committed(client):
    client.force_login(make_officer())
    response = upload(client, xlsx([("QLVH", "A", "NOPE", "")], headings=UNIT_HEADINGS))
    preview = client.get(response["Location"])
    body = preview.content.decode()
    assert "import-problems" in body and "NOPE" in body and "Hàng 2" not in body or "NOPE" in body
    assert 'type="submit"' not in body.split("import-problems")[1]
    commit = client.post(response["Location"])
    assert commit.status_code == 200 and "import-problems" in commit.content.decode()
    assert not OrganisationUnit.objects.exists()


def test_a_refused_file_is_explained_and_not_stored(client):
    client.force_login(make_officer())
    response = upload(client, b"not a workbook", name="x.xlsx")
    assert response.status_code == 200
    assert "Excel" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_someone_elses_upload_cannot_be_previewed_or_committed(client):
    first = make_officer()
    client.force_login(first)
    location = upload(client, xlsx(UNITS, headings=UNIT_HEADINGS))["Location"]
    client.force_login(make_officer())
    assert client.get(location).status_code == 302
    assert client.post(location).status_code == 302
    assert not OrganisationUnit.objects.exists()


def test_an_expired_upload_cannot_be_committed(client):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(make_officer())
    location = upload(client, xlsx(UNITS, headings=UNIT_HEADINGS))["Location"]
    ImportUpload.objects.update(uploaded_at=timezone.now() - timedelta(days=2))
    assert client.post(location).status_code == 302
    assert not OrganisationUnit.objects.exists()


@pytest.mark.parametrize("language,headings", [("vi", "Mã đơn vị *"), ("en", "Unit code *")])
def test_the_template_has_headings_an_example_and_validation(client, language, headings):
    officer = make_officer()
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = language
    profile.save()
    client.force_login(officer)
    response = client.get(reverse("spreadsheets_admin:template", kwargs={"key": "people"}))
    book = load_workbook(BytesIO(response.content))
    assert len(book.sheetnames) == 1
    ws = book.active
    assert ws["A1"].value == ("Tên đăng nhập *" if language == "vi" else "Username *")
    assert ws["A1"].comment is not None
    assert ws["A2"].value == "nv.an" and ws["E2"].value == "Staff, Auditors"
    assert any("F2:F" in str(v.sqref) for v in ws.data_validations.dataValidation)  # language: vi, en
    units = load_workbook(BytesIO(client.get(reverse("spreadsheets_admin:template", kwargs={"key": "units"})).content))
    assert units.active["A1"].value == headings


def test_the_template_imports_as_it_is(client):
    """Downloaded, filled (here: only the example row) and uploaded back, the template passes."""
    from qms.spreadsheets.imports import get_importer, run_import
    from tests.factories import make_unit

    officer = make_officer()
    client.force_login(officer)
    make_unit(code="SVHTTDL")
    make_user(roles.STAFF, username="vh_head")
    data = client.get(reverse("spreadsheets_admin:template", kwargs={"key": "units"})).content
    result = run_import(get_importer("units"), data, user=officer, filename="t.xlsx", commit=True)
    assert result.committed, [str(p) for p in result.problems]
    assert OrganisationUnit.objects.get(code="QLVH").manager.username == "vh_head"
