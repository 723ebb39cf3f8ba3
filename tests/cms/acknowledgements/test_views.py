import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cms.acknowledgements import services
from cms.acknowledgements.models import Acknowledgement
from qms.core import site
from tests import factories

from .conftest import make_distributed_document

pytestmark = pytest.mark.django_db


def render_box(page, user, **extra):
    request = RequestFactory().get(f"/doc/{page.pk}/")
    request.user = user
    template = Template("{% load acknowledgement_tags %}{% acknowledgement_box page %}")
    return template.render(Context({"request": request, "page": page, "csrf_token": "tok", **extra}))


def test_box_offers_the_button_then_shows_the_date(document, unit):
    page, version = document
    reader = factories.make_staff(unit=unit)
    html = render_box(page, reader)
    assert "Tôi đã đọc và hiểu lần ban hành 1" in html
    assert reverse("acknowledgements:acknowledge", args=[version.pk]) in html
    services.version_acknowledge(version=version, user=reader)
    html = render_box(page, reader)
    assert "Tôi đã đọc và hiểu" not in html
    assert "Bạn đã xác nhận" in html


def test_box_is_empty_for_people_not_asked(document):
    from django.contrib.auth.models import AnonymousUser

    page, _version = document
    assert "form" not in render_box(page, AnonymousUser())
    assert "form" not in render_box(page, factories.make_staff(unit=factories.make_unit()))


def test_box_costs_one_query_whatever_the_history(unit, officer, django_assert_num_queries):
    reader = factories.make_staff(unit=unit)
    short, _v = make_distributed_document(unit=unit, user=officer, versions=1)
    long, _v = make_distributed_document(unit=unit, user=officer, versions=12)
    for page in (short, long):
        with django_assert_num_queries(1):
            assert "Tôi đã đọc và hiểu" in render_box(page, reader)


def test_acknowledge_view_records_for_the_signed_in_person_only(client, document, unit):
    page, version = document
    reader = factories.make_staff(unit=unit)
    colleague = factories.make_staff(unit=unit)
    client.force_login(reader)
    url = reverse("acknowledgements:acknowledge", args=[version.pk])
    response = client.post(url, {"next": "/somewhere/", "person": colleague.pk, "user": colleague.pk})
    assert response.status_code == 302 and response["Location"] == "/somewhere/"
    assert list(Acknowledgement.objects.values_list("person_id", flat=True)) == [reader.pk]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("lần ban hành 1" in m for m in messages)


def test_acknowledge_view_refusal_is_a_message_and_nothing_is_recorded(client, document):
    _page, version = document
    client.force_login(factories.make_staff(unit=factories.make_unit()))
    response = client.post(reverse("acknowledgements:acknowledge", args=[version.pk]), {"next": "https://evil.test/"})
    assert response.status_code == 302
    assert "evil.test" not in response["Location"]
    assert not Acknowledgement.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("không được phân phối" in m for m in messages)


def test_acknowledge_view_wants_a_post_and_a_login(client, document):
    _page, version = document
    url = reverse("acknowledgements:acknowledge", args=[version.pk])
    assert client.post(url)["Location"].startswith("/accounts/login/")
    client.force_login(factories.make_staff())
    assert client.get(url).status_code == 405


def test_home_panel_lists_what_the_person_must_read(client, document, unit):
    page, version = document
    reader = factories.make_staff(unit=unit)
    client.force_login(reader)
    html = client.get("/").content.decode()
    assert 'id="acknowledgements-pending"' in html
    assert page.identifier in html and "lần ban hành 1" in html
    services.version_acknowledge(version=version, user=reader)
    assert 'id="acknowledgements-pending"' not in client.get("/").content.decode()
    assert any(panel.name == "acknowledgements" for panel in site.panels())


def test_officer_page_shows_people_by_unit_and_the_distribution_history(client, document, unit, officer):
    _page, version = document
    done = factories.make_staff(unit=unit, first_name="Đã", last_name="Đọc")
    waiting = factories.make_staff(unit=unit, first_name="Chưa", last_name="Đọc")
    services.version_acknowledge(version=version, user=done)
    services.version_distribute(
        version=version, units=[unit], user=officer, due_date=timezone.localdate(), reason="Nhắc lại hạn"
    )
    client.force_login(officer)
    response = client.get(reverse("acknowledgements_admin:version", args=[version.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    pending_rows = html.split('class="pending"')
    assert len(pending_rows) == 2 and str(waiting) in pending_rows[1].split("</tr>")[0]
    assert str(done) in html.split('class="acknowledged"')[1].split("</tr>")[0]
    # The distribution history is the kit's timeline: the first distribution and the change of its due date,
    # each with who, when, the unit and why, the change with its old and new values.
    history = html[html.index('id="distribution-history"') :]
    assert 'class="timeline-list"' in history
    changed, created = response.context["history"]
    assert (changed.user, changed.subject, changed.reason) == (officer, str(unit), "Nhắc lại hạn")
    assert [(change.old, change.new) for change in changed.changes] == [
        ("–", date_format(timezone.localdate(), "SHORT_DATE_FORMAT"))
    ]
    assert f"<del>–</del> → <ins>{changed.changes[0].new}</ins>" in history and "Nhắc lại hạn" in history
    assert created.subject == str(unit) and created.reason and created.changes == []
    assert str(unit) in history and date_format(timezone.localtime(created.date), "SHORT_DATETIME_FORMAT") in history


def test_officer_distributes_through_the_form_and_bad_input_keeps_the_choice(client, document, officer):
    _page, version = document
    other = factories.make_unit(code="QLDL")
    client.force_login(officer)
    url = reverse("acknowledgements_admin:distribute", args=[version.pk])
    response = client.post(url, {"units": [other.pk], "due_date": "2000-01-01"})
    assert response.status_code == 400
    assert "quá khứ" in response.content.decode()
    assert not version.distributions.filter(unit=other).exists()
    response = client.post(url, {"units": [other.pk], "reason": "Liên quan"})
    assert response.status_code == 302
    distribution = version.distributions.get(unit=other)
    assert distribution.distributed_by == officer
    assert distribution.history.get().history_change_reason == "Liên quan"


def test_the_document_page_reads_title_then_revision_then_acknowledgement(client, unit, officer):
    """The identifier and title come first; the revision line and the button below, apart from them."""
    page, version = make_distributed_document(unit=unit, user=officer, versions=2)
    client.force_login(factories.make_staff(unit=unit))
    html = client.get(page.url).content.decode()
    content = html[html.index('class="print-frame"') :]
    content = content[content.index("<tbody>") :]
    identifier, title = content.index(page.identifier), content.index(f"<h1>{page.title}</h1>")
    revision, box = content.index('class="revision-info"'), content.index('class="acknowledgement-box')
    assert identifier < title < revision < box
    assert content.count(f"<h1>{page.title}</h1>") == 1
    assert 'class="doc-status"' in content and 'name="csrfmiddlewaretoken"' in content
    old = client.get(f"{page.url}v/1/").content.decode()
    assert old.count("<h1>") == 1 and page.identifier in old and 'class="revision-info"' not in old
