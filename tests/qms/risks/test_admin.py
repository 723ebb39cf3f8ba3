"""The Wagtail admin register: the list filtered by kind, band, unit, status and owner, identify and edit
through the services with a reason, inspect with the timeline, no deletion, the Excel register of the list."""

import pytest
from django.urls import reverse

from qms.risks.models import Risk
from tests import factories as f

from .builders import make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(db):
    home, other = f.make_unit(code="HOME"), f.make_unit(code="OTHER")
    officer = f.make_officer(unit=home)
    owner = f.make_staff(unit=other)
    high = make_risk(user=officer, unit=home, likelihood=5, impact=4, title="Hồ sơ trễ hạn")
    low = make_risk(user=officer, unit=other, owner=owner, likelihood=1, impact=2, title="Thiếu biểu mẫu")
    chance = make_risk(user=officer, unit=home, kind="opportunity", title="Dịch vụ công toàn trình")
    return {"officer": officer, "owner": owner, "high": high, "low": low, "chance": chance, "home": home}


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({}, {"high", "low", "chance"}),
        ({"band": "high"}, {"high"}),
        ({"band": "low"}, {"low"}),
        ({"kind": "opportunity"}, {"chance"}),
        ({"status": "identified"}, {"chance"}),
        ("unit", {"high", "chance"}),
        ("owner", {"low"}),
    ],
)
def test_index_filters(client, register, params, shown):
    if params == "unit":
        params = {"unit": register["home"].pk}
    elif params == "owner":
        params = {"owner": register["owner"].pk}
    client.force_login(register["officer"])
    body = client.get(reverse("risks_admin:index"), params).content.decode()
    assert {name for name in ("high", "low", "chance") if register[name].reference in body} == shown


def test_identify_and_edit_through_the_services_with_a_reason(client, register):
    officer = register["officer"]
    client.force_login(officer)
    response = client.post(
        reverse("risks_admin:add"),
        {
            "kind": "risk",
            "title": "Văn bản pháp luật thay đổi",
            "unit": register["home"].pk,
            "owner": officer.pk,
            "likelihood": "3",
            "impact": "4",
            "reason": "Rà soát đầu năm",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    risk = Risk.objects.get(title="Văn bản pháp luật thay đổi")
    assert risk.reference.startswith("R-") and risk.score == 12 and risk.status == "assessed"
    assert risk.history.first().history_change_reason == "Rà soát đầu năm"
    response = client.post(
        reverse("risks_admin:edit", args=[risk.pk]),
        {
            "title": "Văn bản pháp luật thay đổi chưa cập nhật",
            "unit": register["home"].pk,
            "owner": officer.pk,
            "reason": "Làm rõ tên",
            "expected_version": risk.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    risk.refresh_from_db()
    assert risk.title.endswith("chưa cập nhật") and risk.history.first().history_change_reason == "Làm rõ tên"
    inspect = client.get(reverse("risks_admin:inspect", args=[risk.pk])).content.decode()
    assert "Làm rõ tên" in inspect and risk.get_absolute_url() in inspect
    # Nobody holds the delete permission, and the view refuses anyway (ISO 9001 7.5.3.2).
    assert client.post(reverse("risks_admin:delete", args=[risk.pk])).status_code in (302, 403)
    assert Risk.objects.filter(pk=risk.pk).exists()


def test_staff_cannot_open_the_admin_list(client, register):
    client.force_login(register["owner"])
    assert client.get(reverse("risks_admin:index")).status_code in (302, 403)


def test_the_excel_button_exports_what_the_list_shows(client, register):
    import io

    from openpyxl import load_workbook

    from qms.spreadsheets.export import TABLE_HEADER_ROW

    client.force_login(register["officer"])
    response = client.get(reverse("risks:export"), {"band": "high"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(min_row=TABLE_HEADER_ROW + 1, values_only=True))
    assert [row[0] for row in rows] == [register["high"].reference]
