"""The Wagtail admin: lists with filters, inspect with the timeline and transition buttons, edits through the
services, no deletion, the Excel register read back, and the quality officers' dashboard panel."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qms.nonconformities import services
from qms.nonconformities.models import CorrectiveAction, Nonconformity
from qms.spreadsheets.export import TABLE_HEADER_ROW
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(cast):
    """The cast's nonconformity with an overdue action, plus a closed major one elsewhere."""
    people = cast["people"]
    action = cast["action"]
    services.action_update(
        action=action,
        user=people["officer"],
        due_date=timezone.localdate() - datetime.timedelta(days=3),
        reason="Nhập lại hạn cũ",
    )
    other = f.make_nonconformity(unit=cast["other"], severity="major", title='=HYPERLINK("x")')
    return {**cast, "other_nc": other}


def test_index_filters_and_search(client, register):
    client.force_login(register["people"]["officer"])
    url = reverse("nonconformities_admin:index")
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert register["nc"].reference in body and register["other_nc"].reference in body
    only_overdue = client.get(url, {"overdue": "true"}).content.decode()
    assert register["nc"].reference in only_overdue and register["other_nc"].reference not in only_overdue
    majors = client.get(url, {"severity": "major"}).content.decode()
    assert register["other_nc"].reference in majors and register["nc"].reference not in majors
    by_unit = client.get(url, {"unit": register["home"].pk}).content.decode()
    assert register["nc"].reference in by_unit and register["other_nc"].reference not in by_unit
    searched = client.get(url, {"q": register["nc"].reference}).content.decode()
    assert register["other_nc"].reference not in searched
    actions = client.get(reverse("corrective_actions_admin:index"), {"overdue": "true"})
    assert actions.status_code == 200 and register["nc"].reference in actions.content.decode()


def test_staff_cannot_open_the_admin_lists(client, register):
    client.force_login(register["people"]["staff_same_unit"])
    response = client.get(reverse("nonconformities_admin:index"))
    assert response.status_code in (302, 403)


def test_excel_register_reads_back_with_types(client, register):
    client.force_login(register["people"]["officer"])
    response = client.get(reverse("nonconformities_admin_register"), {"severity": "minor"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    headings = [cell.value for cell in sheet[TABLE_HEADER_ROW]]
    assert headings[0] == "Số hiệu" and "Mức độ" in headings
    rows = list(sheet.iter_rows(min_row=TABLE_HEADER_ROW + 1, values_only=True))
    assert [row[0] for row in rows] == [register["nc"].reference]  # the filter applied: minor only
    row = dict(zip(headings, rows[0], strict=False))
    assert row["Đơn vị"] == "HOME"
    assert isinstance(row["Thời điểm báo cáo"], datetime.datetime)
    assert row["Hành động"] == 1 and row["Hành động quá hạn"] == 1  # real numbers, not text
    assert row["Thời điểm đóng"] is None
    assert "Mức độ: Nhẹ" in " ".join(str(c.value) for c in sheet["A"][:5] if c.value)
    actions = book.worksheets[1]
    action_rows = list(actions.iter_rows(min_row=TABLE_HEADER_ROW + 1, values_only=True))
    assert action_rows[0][0] == register["nc"].reference
    assert isinstance(action_rows[0][4], datetime.datetime)  # the due date is a real date cell
    assert action_rows[0][6] == "Có"  # overdue


def test_excel_register_never_writes_a_formula(client, register):
    client.force_login(register["people"]["officer"])
    response = client.get(reverse("nonconformities_admin_register"), {"severity": "major"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    title = sheet.cell(row=TABLE_HEADER_ROW + 1, column=2)
    assert title.value == '=HYPERLINK("x")' and title.data_type == "s"


def test_inspect_shows_the_timeline_and_only_allowed_buttons(client, register):
    nc, people = register["nc"], register["people"]
    url = reverse("nonconformities_admin:inspect", args=[nc.pk])
    client.force_login(people["officer"])
    body = client.get(url).content.decode()
    assert "Nhập lại hạn cũ" not in body  # the action's reason is on the action, not here
    # Investigating, no root cause yet: rejecting is possible, planning and closing are not.
    assert 'data-target="rejected"' in body
    assert 'data-target="action_planned"' not in body and 'data-target="closed"' not in body
    assert "nc-timeline" in body
    client.force_login(people["auditor"])
    body = client.get(url).content.decode()
    assert "data-target=" not in body
    response = client.post(
        reverse("nonconformities_admin_transition", args=[nc.pk]),
        {"target": "rejected", "reason": "x", "version": nc.version},
    )
    assert response.status_code == 302
    assert Nonconformity.objects.get(pk=nc.pk).status == "investigating"


def test_admin_edit_goes_through_the_service(client, register):
    nc, officer = register["nc"], register["people"]["officer"]
    nc.refresh_from_db()
    client.force_login(officer)
    url = reverse("nonconformities_admin:edit", args=[nc.pk])
    data = {
        "title": nc.title,
        "description": nc.description,
        "source": nc.source,
        "severity": "major",
        "unit": nc.unit_id,
        "owner": nc.owner_id,
        "containment": "",
        "containment_done_on": "",
        "root_cause_method": "",
        "root_cause": "",
        "expected_version": nc.version,
    }
    response = client.post(url, data)
    assert response.status_code == 200  # refused: no reason for a severity change
    assert Nonconformity.objects.get(pk=nc.pk).severity == "minor"
    data["reason"] = "Ảnh hưởng nhiều hồ sơ"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    nc = Nonconformity.objects.get(pk=nc.pk)
    assert nc.severity == "major"
    entry = nc.history.latest()
    assert entry.history_user == officer and entry.history_change_reason == "Ảnh hưởng nhiều hồ sơ"
    # A stale copy (the version the form was loaded with) is refused.
    data["title"] = "Ghi đè"
    response = client.post(url, data)
    assert response.status_code == 200
    assert Nonconformity.objects.get(pk=nc.pk).title != "Ghi đè"


def test_admin_create_assigns_a_reference(client, register):
    officer = register["people"]["officer"]
    client.force_login(officer)
    response = client.post(
        reverse("nonconformities_admin:add"),
        {
            "title": "Khiếu nại của công dân",
            "description": "Trả kết quả chậm",
            "source": "complaint",
            "severity": "minor",
            "unit": register["home"].pk,
        },
    )
    assert response.status_code == 302
    nc = Nonconformity.objects.get(title="Khiếu nại của công dân")
    assert nc.reference.startswith("NC-") and nc.reported_by == officer
    assert nc.history.get().history_user == officer


def test_nothing_is_deleted_not_even_by_a_superuser(client, register):
    admin = f.make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    nc, action = register["nc"], register["action"]
    # The admin turns the refusal into a redirect with a "no permission" message.
    for url in (
        reverse("nonconformities_admin:delete", args=[nc.pk]),
        reverse("corrective_actions_admin:delete", args=[action.pk]),
    ):
        assert client.get(url).status_code in (302, 403)
        assert client.post(url).status_code in (302, 403)
    assert Nonconformity.objects.filter(pk=nc.pk).exists() and CorrectiveAction.objects.filter(pk=action.pk).exists()


def test_dashboard_panel_for_quality_officers_only(client, register):
    client.force_login(register["people"]["officer"])
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "nc-dashboard" in body and "HOME" in body
    client.force_login(register["people"]["auditor"])
    assert "nc-dashboard" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_admin_history_leads_to_the_timeline(client, register):
    client.force_login(register["people"]["officer"])
    nc, action = register["nc"], register["action"]
    response = client.get(reverse("nonconformities_admin:history", args=[nc.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("nonconformities_admin:inspect", args=[nc.pk])
    response = client.get(reverse("corrective_actions_admin:history", args=[action.pk]))
    assert response["Location"] == reverse("corrective_actions_admin:inspect", args=[action.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Nhập lại hạn cũ" in page  # the due-date change and its reason, on the action's timeline


@pytest.mark.libreoffice
def test_libreoffice_opens_the_register_as_written(client, register, tmp_path):
    """A second, independent reader: LibreOffice reads the same cells, the formula-like title as text."""
    from tests.qms.spreadsheets.test_libreoffice import to_csv

    client.force_login(register["people"]["officer"])
    response = client.get(reverse("nonconformities_admin_register"))
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = to_csv(path, tmp_path)
    data = [row for row in rows[TABLE_HEADER_ROW:] if row and row[0]]
    by_reference = {row[0]: row for row in data}
    assert set(by_reference) == {register["nc"].reference, register["other_nc"].reference}
    assert by_reference[register["other_nc"].reference][1] == '=HYPERLINK("x")'
    assert by_reference[register["nc"].reference][4] == "HOME"


def test_admin_edit_shows_the_root_cause_analysis_as_fields(client, register):
    nc, officer = register["nc"], register["people"]["officer"]
    nc.refresh_from_db()
    client.force_login(officer)
    url = reverse("nonconformities_admin:edit", args=[nc.pk])
    html = client.get(url).content.decode()
    assert 'name="why_1"' in html and 'name="cause_methods"' in html
    assert 'name="root_cause_answers"' not in html  # never the raw JSON
    data = {
        "title": nc.title,
        "description": nc.description,
        "source": nc.source,
        "severity": nc.severity,
        "unit": nc.unit_id,
        "owner": nc.owner_id or "",
        "root_cause_method": "five_whys",
        "why_1": "Hồ sơ trả chậm",
        "why_2": "Thiếu người tiếp nhận",
        "cause_methods": "ignored for five whys",
        "root_cause": "Thiếu người tiếp nhận",
        "reason": "Phân tích nguyên nhân",
        "expected_version": nc.version,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    nc = Nonconformity.objects.get(pk=nc.pk)
    assert nc.root_cause_answers == {"whys": ["Hồ sơ trả chậm", "Thiếu người tiếp nhận"]}
    assert nc.history.latest().history_change_reason == "Phân tích nguyên nhân"
    html = client.get(url).content.decode()
    assert 'value="Thiếu người tiếp nhận"' in html  # the saved answers come back into the fields


def test_admin_transition_to_a_nonsense_target_is_a_bad_request(client, register):
    nc, officer = register["nc"], register["people"]["officer"]
    nc.refresh_from_db()
    client.force_login(officer)
    response = client.post(
        reverse("nonconformities_admin_transition", args=[nc.pk]),
        {"target": "nonsense", "reason": "x", "version": nc.version},
    )
    assert response.status_code == 400
    assert "Trạng thái không hợp lệ" in response.content.decode()
    assert Nonconformity.objects.get(pk=nc.pk).status == "investigating"


def test_admin_transition_without_a_version_is_refused_as_a_stale_copy(client, register):
    nc, officer = register["nc"], register["people"]["officer"]
    nc.refresh_from_db()
    client.force_login(officer)
    response = client.post(
        reverse("nonconformities_admin_transition", args=[nc.pk]), {"target": "rejected", "reason": "x"}, follow=True
    )
    after = Nonconformity.objects.get(pk=nc.pk)
    assert after.status == "investigating" and after.version == nc.version
    assert str(services.ConflictError.default_message) in [str(m) for m in response.context["messages"]]
