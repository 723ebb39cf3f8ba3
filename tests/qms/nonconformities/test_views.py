"""Site views: reporting from a document page, editing with conflicts, evidence, the home panel."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qms.nonconformities import services
from qms.nonconformities.models import Nonconformity
from tests import factories as f

from .conftest import make_document

pytestmark = pytest.mark.django_db


def test_report_from_a_document_prefills_document_and_unit(client):
    owning, mine = f.make_unit(code="DOC"), f.make_unit(code="MINE")
    document = make_document(owning)
    staff = f.make_staff(unit=mine)
    client.force_login(staff)
    url = reverse("nonconformities:report") + f"?document={document.pk}"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["unit"] == owning.pk and form.initial["documents"] == [document.pk]
    assert document.identifier in page.content.decode()
    # Staff may choose a staff report or a complaint, not an audit.
    assert {value for value, _label in form.fields["source"].choices} == {"staff_report", "complaint"}
    response = client.post(
        url,
        {
            "title": "Biểu mẫu cũ",
            "description": "Quy trình dẫn tới biểu mẫu đã hết hiệu lực.",
            "source": "staff_report",
            "severity": "minor",
            "unit": owning.pk,
            "documents": [document.pk],
        },
    )
    nc = Nonconformity.objects.get()
    assert response.status_code == 302 and response["Location"] == nc.get_absolute_url()
    assert list(nc.documents.all()) == [document.specific] or list(nc.documents.values_list("pk", flat=True)) == [
        document.pk
    ]
    assert nc.reported_by == staff and nc.unit == owning and nc.status == "reported"
    assert nc.history.earliest().history_user == staff


def test_report_refuses_an_audit_source_from_staff_and_keeps_input(client):
    unit = f.make_unit()
    client.force_login(f.make_staff(unit=unit))
    response = client.post(
        reverse("nonconformities:report"),
        {"title": "Giữ lại", "description": "Mô tả", "source": "internal_audit", "severity": "minor", "unit": unit.pk},
    )
    assert response.status_code == 200 and not Nonconformity.objects.exists()
    assert "Giữ lại" in response.content.decode()


def test_stale_edit_gets_a_conflict_message_and_keeps_what_was_typed(client):
    unit = f.make_unit()
    officer = f.make_officer(unit=unit)
    nc = f.make_nonconformity(unit=unit)
    client.force_login(officer)
    page = client.get(reverse("nonconformities:edit", args=[nc.pk]))
    loaded_version = page.context["form"].initial["version"]
    services.nonconformity_update(nonconformity=nc, user=officer, title="Sửa trước")
    data = {
        "title": "Bản của tôi",
        "description": nc.description,
        "source": nc.source,
        "severity": nc.severity,
        "unit": unit.pk,
        "version": loaded_version,
    }
    response = client.post(reverse("nonconformities:edit", args=[nc.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bản của tôi" in body
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert Nonconformity.objects.get(pk=nc.pk).title == "Sửa trước"


def test_edit_writes_structured_root_cause_with_reason(client):
    unit = f.make_unit()
    officer = f.make_officer(unit=unit)
    nc = f.make_nonconformity(unit=unit)
    client.force_login(officer)
    data = {
        "title": nc.title,
        "description": nc.description,
        "source": nc.source,
        "severity": "major",
        "unit": unit.pk,
        "root_cause_method": "five_whys",
        "why_1": "Trả chậm",
        "why_2": "Thiếu người",
        "root_cause": "Thiếu người",
        "version": nc.version,
    }
    response = client.post(reverse("nonconformities:edit", args=[nc.pk]), data)
    assert response.status_code == 200  # no reason: refused, form shown again
    assert Nonconformity.objects.get(pk=nc.pk).severity == "minor"
    data["reason"] = "Ảnh hưởng tới công dân"
    response = client.post(reverse("nonconformities:edit", args=[nc.pk]), data)
    assert response.status_code == 302
    nc.refresh_from_db()
    assert nc.root_cause_answers == {"whys": ["Trả chậm", "Thiếu người"]} and nc.severity == "major"
    assert nc.history.latest().history_change_reason == "Ảnh hưởng tới công dân"
    page = client.get(nc.get_absolute_url())
    assert "Ảnh hưởng tới công dân" in page.content.decode()  # the timeline shows the reason


def test_completion_with_files_and_evidence_download_is_guarded(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    nc, action, people = cast["nc"], cast["action"], cast["people"]
    services.nonconformity_update(nonconformity=nc, user=people["officer"], root_cause="X", reason="RCA")
    services.nonconformity_transition(nonconformity=nc, target="action_planned", user=people["officer"])
    client.force_login(people["action_owner"])
    upload = SimpleUploadedFile("anh.png", b"\x89PNG fake", content_type="image/png")
    response = client.post(
        reverse("nonconformities:action_complete", args=[action.pk]),
        {"evidence": "Đã sửa", "files": [upload], "version": action.version},
    )
    assert response.status_code == 302
    record = action.files.get()
    # Evidence is stored privately, never under MEDIA_ROOT where the proxy serves it to anyone.
    assert not any(tmp_path.rglob("anh*.png"))
    private_root = settings.STORAGES["private"]["OPTIONS"]["location"]
    assert Path(record.file.path).is_relative_to(private_root) and Path(record.file.path).exists()
    download = client.get(reverse("nonconformities:evidence", args=[record.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG fake"
    client.force_login(people["staff_other_unit"])
    assert client.get(reverse("nonconformities:evidence", args=[record.pk])).status_code == 404


def test_home_panel_lists_my_open_actions(client, cast):
    from qms.core.site import home_panels

    class Request:
        user = cast["people"]["action_owner"]

    panels = home_panels(Request())
    assert any(cast["nc"].reference in html for html in panels)
    client.force_login(cast["people"]["action_owner"])
    page = client.get(reverse("nonconformities:my_actions"))
    assert cast["nc"].reference in page.content.decode()


def test_due_date_move_without_reason_is_refused_on_the_site(client, cast):
    import datetime

    action, people = cast["action"], cast["people"]
    client.force_login(people["officer"])
    url = reverse("nonconformities:action_edit", args=[action.pk])
    data = {
        "kind": action.kind,
        "description": action.description,
        "owner": action.owner_id,
        "due_date": (action.due_date + datetime.timedelta(days=5)).isoformat(),
        "version": action.version,
    }
    assert client.post(url, data).status_code == 200
    action.refresh_from_db()
    original = action.due_date
    data["reason"] = "Chờ phê duyệt kinh phí"
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert action.due_date == original + datetime.timedelta(days=5)


def test_missing_reason_is_said_once_next_to_the_reason_field(client):
    unit = f.make_unit()
    officer = f.make_officer(unit=unit)
    nc = f.make_nonconformity(unit=unit)
    client.force_login(officer)
    data = {
        "title": nc.title,
        "description": nc.description,
        "source": nc.source,
        "severity": "major",
        "unit": unit.pk,
        "version": nc.version,
    }
    response = client.post(reverse("nonconformities:edit", args=[nc.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    message = response.context["form"].errors["reason"][0]
    body = response.content.decode()
    assert body.count(message) == 1
    assert body.index(message) > body.index('name="reason"')  # inline, under the field, not a message on top
    assert not list(response.context["messages"])
    assert Nonconformity.objects.get(pk=nc.pk).severity == "minor"


def test_missing_reason_for_a_due_date_move_is_said_once(client, cast):
    import datetime

    action, people = cast["action"], cast["people"]
    client.force_login(people["officer"])
    response = client.post(
        reverse("nonconformities:action_edit", args=[action.pk]),
        {
            "kind": action.kind,
            "description": action.description,
            "owner": action.owner_id,
            "due_date": (action.due_date + datetime.timedelta(days=5)).isoformat(),
            "version": action.version,
        },
    )
    message = response.context["form"].errors["reason"][0]
    assert response.content.decode().count(message) == 1 and not list(response.context["messages"])
