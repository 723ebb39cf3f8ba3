"""Reading documents on the site: current, superseded, withdrawn, compare, print, list and search (ISO 9001 7.5.3)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms import services
from cms.models import DocumentForm
from tests import factories
from tests.cms.builders import make_document, revise

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    unit = factories.make_unit()
    return {
        "unit": unit,
        "officer": factories.make_officer(unit=unit),
        "approver": factories.make_approver(),
        "staff": factories.make_staff(unit=unit),
    }


def test_staff_read_the_current_version_with_its_history(client, people):
    page = make_document("QT-07", unit=people["unit"], user=people["officer"], title="Cấp phép biểu diễn")
    revise(
        page,
        officer=people["officer"],
        approver=people["approver"],
        summary="Rút ngắn thời hạn",
        changes={"title": "Cấp giấy phép biểu diễn"},
    )
    client.force_login(people["staff"])
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cấp giấy phép biểu diễn" in html and "Rút ngắn thời hạn" in html
    assert f"{page.url}v/1/" in html  # link to the superseded revision
    assert "superseded" not in html.split("amendments")[0].lower() or "banner" not in html


def test_a_superseded_version_is_readable_with_a_banner(client, people):
    page = make_document("QT-08", unit=people["unit"], user=people["officer"], title="Old title")
    revise(
        page,
        officer=people["officer"],
        approver=people["approver"],
        summary="New title",
        changes={"title": "New title"},
    )
    client.force_login(people["staff"])
    response = client.get(f"{page.url}v/1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Old title" in html and 'class="banner superseded"' in html
    assert "revision 2" in html.lower() or "lần ban hành 2" in html.lower() or "2" in html
    # The current version's own URL sends readers to the page itself.
    assert client.get(f"{page.url}v/2/").status_code == 302
    assert client.get(f"{page.url}v/9/").status_code == 404


def test_compare_shows_the_change_summary_and_the_diff(client, people):
    page = make_document("QT-09", unit=people["unit"], user=people["officer"], title="Alpha")
    revise(page, officer=people["officer"], approver=people["approver"], summary="Renamed", changes={"title": "Beta"})
    client.force_login(people["staff"])
    response = client.get(f"{page.url}compare/1/2/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Renamed" in html and "Alpha" in html and "Beta" in html


def test_print_layout_names_the_document_on_every_page(client, people):
    page = make_document("QT-10", unit=people["unit"], user=people["officer"])
    client.force_login(people["staff"])
    html = client.get(f"{page.url}print/").content.decode()
    assert "print-header" in html and "QT-10" in html and "print-footer" in html
    assert str(people["staff"]) in html


def test_anonymous_readers_see_public_documents_only(client, people):
    public = make_document("TT-01", unit=people["unit"], user=people["officer"], is_public=True)
    internal = make_document("QT-11", unit=people["unit"], user=people["officer"])
    assert client.get(public.url).status_code == 200
    response = client.get(internal.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    listing = client.get("/procedures/").content.decode()
    assert "TT-01" in listing and "QT-11" not in listing


def test_withdrawn_documents_leave_the_list_and_search_but_stay_readable(client, people):
    page = make_document("QT-12", unit=people["unit"], user=people["officer"], title="Quảng cáo rao vặt")
    other = make_document("QT-13", unit=people["unit"], user=people["officer"], title="Quảng cáo băng rôn")
    services.document_withdraw(page=page, user=people["officer"], reason="Bãi bỏ")
    client.force_login(people["staff"])
    listing = client.get("/procedures/").content.decode()
    assert "QT-13" in listing and "QT-12" not in listing
    found = client.get("/procedures/", {"q": "Quảng cáo"}).content.decode()
    assert "QT-13" in found and "QT-12" not in found
    html = client.get(page.url).content.decode()
    assert 'class="banner withdrawn"' in html
    assert other.pk


def test_staff_page_queries_do_not_grow_with_versions_and_forms(client, people):
    small = make_document("QT-20", unit=people["unit"], user=people["officer"])
    big = make_document("QT-21", unit=people["unit"], user=people["officer"])
    for n in range(10):
        DocumentForm.objects.create(page=big, code=f"BM-{n}", title=f"Form {n}")
    for n in range(2, 31):
        services.document_publish_imported_revision(
            page=big, user=people["officer"], reason="history", change_summary=f"Change {n}", effective_date=None
        )
    assert big.versions.count() == 30
    client.force_login(people["staff"])
    counts = []
    for page in (small, big):
        cache.clear()
        client.get(page.url)  # warm the session and site caches alike
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(page.url).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            client.get(page.url)
        counts.append((len(cold), len(warm)))
    assert counts[0] == counts[1], counts
    assert counts[1][1] <= 15, counts


def test_drafts_in_review_are_never_shown_to_staff(client, people):
    page = make_document("QT-30", unit=people["unit"], user=people["officer"], title="Effective title")
    services.document_submit(
        page=page, user=people["officer"], change_summary="Draft", changes={"title": "Draft title"}
    )
    client.force_login(people["staff"])
    html = client.get(page.url).content.decode()
    assert "Effective title" in html and "Draft title" not in html
    # The admin preview and draft views are out of reach for staff.
    from django.urls import reverse

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_withdrawn_document_cannot_be_revised(people):
    from cms.errors import DocumentError

    page = make_document("QT-31", unit=people["unit"], user=people["officer"])
    services.document_withdraw(page=page, user=people["officer"], reason="Bãi bỏ")
    with pytest.raises(DocumentError):
        services.document_submit(page=page, user=people["officer"], change_summary="Revive")


def test_unit_index_lists_current_documents_for_the_reader(client, people):
    public = make_document("TT-40", unit=people["unit"], user=people["officer"], is_public=True)
    make_document("QT-41", unit=people["unit"], user=people["officer"])
    index_url = public.get_parent().url
    html = client.get(index_url).content.decode()
    assert "TT-40" in html and "QT-41" not in html
    client.force_login(people["staff"])
    html = client.get(index_url).content.decode()
    assert "TT-40" in html and "QT-41" in html


def test_the_records_table_tells_who_keeps_a_record_from_where_it_is_kept(client, people):
    from django.utils import translation

    records = [
        {
            "type": "record",
            "value": {"record": "Sổ theo dõi", "keeper": "Văn thư", "location": "Tủ hồ sơ 2", "retention": "5 năm"},
        }
    ]
    page = make_document(unit=people["unit"], user=people["officer"], content={"records": records})
    people["staff"].language = "en"  # a logged-in person reads in their own language, not the browser's
    people["staff"].save()
    client.force_login(people["staff"])
    html = client.get(page.url).content.decode()
    table = html[html.index("Sổ theo dõi") - 600 : html.index("Sổ theo dõi")]
    with translation.override("en"):
        kept_by, where = translation.gettext("Kept by (person or unit)"), translation.gettext("Storage location")
    assert f"<th>{kept_by}</th><th>{where}</th>" in table


def test_the_document_list_is_titled_like_the_navigation_item(client, people):
    from django.utils.translation import gettext

    make_document(unit=people["unit"], user=people["officer"])
    client.force_login(people["staff"])
    html = client.get("/procedures/").content.decode()
    assert f"<h1>{gettext('Documents')}</h1>" in html
    nav = html[: html.index("<h1>")]
    assert f">{gettext('Documents')}<" in nav


def test_sections_are_numbered_in_the_order_shown_without_gaps(client, people):
    """An empty section is left out, and the next one takes its number (no "5. Steps" then "7. Records")."""
    import re

    content = {
        "purpose": "<p>Quy định trình tự.</p>",
        "steps": [("step", {"step": "Tiếp nhận hồ sơ", "responsible": "BPMC", "time_limit": "1 ngày", "output": ""})],
        "records": [("record", {"record": "Hồ sơ", "keeper": "BPMC", "location": "Kho", "retention": "5 năm"})],
    }
    page = make_document(unit=people["unit"], user=people["officer"], content=content)
    reader = factories.make_staff(unit=people["unit"], language="en")  # the person's language decides
    client.force_login(reader)
    html = client.get(page.url).content.decode()
    headings = re.findall(r"<h2>(\d+)\. ([^<]+)</h2>", html)
    assert headings == [("1", "Purpose"), ("2", "Steps"), ("3", "Records to keep")], headings
