"""Who sees a citizen's name and contact (role matrix, anonymous included), and who sees the record at all.

The name and contact are personal data: seen only by quality officers and the feedback's handler, never by
other staff, approvers or auditors, never on a public page, never in an export by someone else.
"""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from qms.feedback.models import Feedback

pytestmark = pytest.mark.django_db

# role -> (sees the record on the site, sees the name and contact)
MATRIX = {
    "officer": (True, True),
    "handler": (True, True),
    "staff_same_unit": (True, False),
    "staff_other_unit": (False, False),
    "approver": (True, False),
    "auditor": (True, False),
    "anonymous": (False, False),
}


def _client(person):
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


@pytest.mark.parametrize("role", list(MATRIX))
def test_contact_matrix_on_the_record_page(cast, role):
    person, feedback = cast["people"][role], cast["feedback"]
    sees_record, sees_contact = MATRIX[role]
    response = _client(person).get(f"/feedback/{feedback.pk}/")
    if not sees_record:
        assert response.status_code in (302, 404)  # anonymous: to the log-in; other units: not even confirmed
        return
    assert response.status_code == 200
    html = response.content.decode()
    for value in ("Nguyễn Văn A", "citizen@example.test", "0912 345 678"):
        assert (value in html) is sees_contact, (role, value)
    assert feedback.reference in html


@pytest.mark.parametrize("role", list(MATRIX))
def test_contact_matrix_in_the_policy(cast, role):
    from django.contrib.auth.models import AnonymousUser

    person = cast["people"][role] or AnonymousUser()
    assert person.has_perm("feedback.see_contact", cast["feedback"]) is MATRIX[role][1]
    assert person.has_perm("feedback.read_feedback", cast["feedback"]) is MATRIX[role][0]


@pytest.mark.parametrize("role", ["officer", "approver", "auditor"])
def test_contact_matrix_in_the_admin_inspect_view(cast, role):
    feedback = cast["feedback"]
    response = _client(cast["people"][role]).get(f"/admin/feedback/inspect/{feedback.pk}/")
    assert response.status_code == 200
    assert ("citizen@example.test" in response.content.decode()) is MATRIX[role][1]


def _export_cells(person):
    response = _client(person).get("/admin/feedback-register.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [str(cell.value) for row in book.active.iter_rows() for cell in row if cell.value is not None]


def test_the_officers_export_holds_the_contact_other_exports_never(cast):
    officer_cells = _export_cells(cast["people"]["officer"])
    assert "citizen@example.test" in officer_cells and cast["feedback"].reference in officer_cells
    for role in ("approver", "auditor"):
        cells = _export_cells(cast["people"][role])
        assert cast["feedback"].reference in cells
        assert not {"citizen@example.test", "0912 345 678", "Nguyễn Văn A"} & set(cells), role


def test_staff_and_anonymous_get_no_export(cast):
    for role in ("staff_same_unit", "anonymous"):
        response = _client(cast["people"][role]).get("/admin/feedback-register.xlsx")
        assert response.status_code in (302, 403), role


def test_the_contact_is_never_copied_into_history(cast):
    history = cast["feedback"].history.model
    columns = {field.name for field in history._meta.fields}
    assert not {"name", "email", "phone", "sender_key"} & columns


def test_the_attachment_is_served_only_to_those_who_see_the_contact(cast, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    feedback = cast["feedback"]
    Feedback.objects.filter(pk=feedback.pk).update(attachment_name="a.pdf")
    feedback.refresh_from_db()
    feedback.attachment.save("a.pdf", SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"), save=True)
    for role, (_sees, contact) in MATRIX.items():
        response = _client(cast["people"][role]).get(f"/feedback/{feedback.pk}/attachment/")
        assert (response.status_code == 200) is contact, role
