"""The quality-record kit of the admin (`qms.core.admin_views`), through the registers that use it: a refusal of
the rules is a form error and leaves the record as it was, nobody deletes, the history is the inspect view's."""

import pytest
from django.urls import reverse

from qms.core.records import QmsError
from qms.feedback import services as feedback_services
from qms.feedback.models import Feedback
from qms.risks.models import Risk
from qms.spreadsheets.testing import read_register, response_bytes
from tests import factories as f
from tests.qms.risks.builders import make_risk

pytestmark = pytest.mark.django_db

REFUSAL = "Refused by a rule of the test."


def test_a_stale_edit_is_a_form_error_and_the_record_is_unchanged(client):
    officer = f.make_officer()
    risk = make_risk(user=officer, title="Hồ sơ trễ hạn")
    client.force_login(officer)
    response = client.post(
        reverse("risks_admin:edit", args=[risk.pk]),
        {"title": "Đổi tên", "unit": risk.unit_id, "owner": officer.pk, "expected_version": risk.version - 1},
    )
    assert response.status_code == 200
    assert "Đổi tên" in response.content.decode()  # the person's input stays on the form
    assert response.context["form"].non_field_errors()
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.title, stored.version, stored.history.count()) == ("Hồ sơ trễ hạn", risk.version, 1)


def test_what_a_service_wrote_before_refusing_is_not_kept(client, monkeypatch):
    """Feedback's own copy used to leave Wagtail's banner unset, so a refusal was a server error."""
    original = feedback_services.feedback_receive

    def write_then_refuse(**kwargs):
        original(**kwargs)
        raise QmsError(REFUSAL)

    monkeypatch.setattr(feedback_services, "feedback_receive", write_then_refuse)
    client.force_login(f.make_officer())
    response = client.post(
        reverse("feedback_admin:add"), {"channel": "phone", "kind": "complaint", "text": "Hồ sơ trả chậm."}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [REFUSAL]
    assert [str(m).startswith(REFUSAL) for m in response.context["messages"]] == [True]  # Wagtail's error banner
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_delete_view_refuses_even_a_superuser(client, method):
    risk = make_risk()
    client.force_login(f.make_user(is_superuser=True, is_staff=True))
    response = getattr(client, method)(reverse("risks_admin:delete", args=[risk.pk]))
    # Wagtail answers a refusal in its admin with its "no permission" redirect to the dashboard.
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    assert Risk.objects.filter(pk=risk.pk).exists()


@pytest.mark.parametrize("viewset", ["risks_admin", "feedback_admin"])
def test_the_history_is_the_inspect_view(client, viewset):
    record = make_risk() if viewset == "risks_admin" else feedback_services.feedback_receive(kind="complaint", text="x")
    client.force_login(f.make_officer())
    response = client.get(reverse(f"{viewset}:history", args=[record.pk]))
    assert response.status_code == 302 and response.url == reverse(f"{viewset}:inspect", args=[record.pk])


def test_the_excel_register_button_keeps_the_lists_filters(client):
    client.force_login(f.make_officer())
    html = client.get(reverse("risks_admin:index"), {"kind": "risk"}).content.decode()
    assert f'href="{reverse("risks:export")}?kind=risk"' in html
    assert f'href="{reverse("risks:heat_map")}"' in html  # the register's own buttons stay after it


def test_a_whole_register_button_carries_no_filter_it_would_ignore(client):
    client.force_login(f.make_officer())
    html = client.get(reverse("objectives_admin:index"), {"year": "2026"}).content.decode()
    assert f'href="{reverse("objectives:export")}"' in html and "export/?year" not in html


def test_the_register_holds_what_the_list_shows(client):
    officer = f.make_officer()
    late, other = f.make_nonconformity(title="Hồ sơ trả chậm"), f.make_nonconformity(title="Thiếu biểu mẫu")
    client.force_login(officer)
    url = reverse("nonconformities_admin_register")
    assert [row[0] for row in read_register(response_bytes(client.get(url, {"q": "chậm"}))).rows] == [late.reference]
    searched = read_register(response_bytes(client.get(url, {"q": other.reference, "severity": "major"})))
    assert searched.rows == []  # the filters and the search both apply
    everything = read_register(response_bytes(client.get(url, {"severity": "no-such-severity"})))
    assert len(everything.rows) == 2  # a filter that does not validate is ignored


def test_every_registers_history_and_record_view_is_the_kits():
    """Each admin viewset of the project over a record with a django-simple-history trail takes the kit's
    history and inspect views, so no register falls back to Wagtail's own history (issue 15).

    Not the people: Wagtail's user admin has no inspect view, and its history page is
    `qms.core.viewsets.PersonHistoryView`, a list of the kit's `Timeline` entries for the person.
    """
    from django.urls import get_resolver
    from wagtail.admin.viewsets import viewsets
    from wagtail.admin.viewsets.model import ModelViewSet
    from wagtail.users.views.users import UserViewSet

    from qms.core.admin_views import TimelineHistoryView, TimelineInspectView

    assert get_resolver().url_patterns  # loading the admin's URLs registers the viewsets
    with_history = [
        viewset
        for viewset in viewsets.viewsets
        if isinstance(viewset, ModelViewSet)
        and not isinstance(viewset, UserViewSet)
        and hasattr(viewset.model._meta, "simple_history_manager_attribute")
    ]
    assert {"survey_questions_admin", "survey_responses_admin", "audit_questions"} <= {v.name for v in with_history}
    for viewset in with_history:
        assert issubclass(viewset.history_view_class, TimelineHistoryView), viewset.name
        assert viewset.inspect_view_enabled and issubclass(viewset.inspect_view_class, TimelineInspectView), (
            viewset.name
        )
