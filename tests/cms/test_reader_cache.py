"""The reader cache of document pages: fast repeated views, never a superseded version (ISO 9001 7.5.3)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms import reader_cache
from cms import services as document_services
from cms.acknowledgements.models import Acknowledgement
from qms.core import roles
from tests import factories
from tests.cms.acknowledgements.conftest import make_distributed_document
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def unit():
    return factories.make_unit(code="QLVH", name="Phòng Quản lý Văn hóa")


@pytest.fixture
def officer():
    return factories.make_officer(unit=factories.make_unit(code="VP", name="Văn phòng"))


@pytest.fixture
def document(unit, officer):
    return make_distributed_document(unit=unit, user=officer)


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_a_repeated_view_is_served_from_the_cache_with_fresh_holes(client, document, unit):
    page, version = document
    client.force_login(factories.make_staff(unit=unit))
    first = get(client, page.url)
    assert first["X-Reader-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = get(client, page.url)
    assert second["X-Reader-Cache"] == "hit"
    assert len(queries) == 1  # the session: neither the person nor anything of the page
    html = second.content.decode()
    assert page.identifier in html and f"revision {version.number}" in html.lower().replace("lần ban hành", "revision")
    assert "qmsReaderCacheHole" not in html
    assert TOKEN.search(html) and reader_cache.printed_at() in html


def test_page_text_equal_to_a_placeholder_is_served_unchanged(client, unit, officer):
    """The holes are a nonce of each render, so no text a writer put in the document can be one of them."""
    old_placeholders = "qmsReaderCacheCsrfHole qmsReaderCachePrintedAtHole"
    page = make_document(unit=unit, user=officer, content={"purpose": f"<p>Mã: {old_placeholders}</p>"})
    client.force_login(factories.make_staff(unit=unit))
    first, second = get(client, page.url), get(client, page.url)
    assert (first["X-Reader-Cache"], second["X-Reader-Cache"]) == ("miss", "hit")
    for response in (first, second):
        html = response.content.decode()
        assert f"Mã: {old_placeholders}" in html
        assert TOKEN.search(html) and "qmsReaderCacheHole" not in html


def test_the_token_of_a_cached_page_is_accepted(document, unit):
    page, version = document
    reader = factories.make_staff(unit=unit)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    get(client, page.url)
    cached = get(client, page.url)
    assert cached["X-Reader-Cache"] == "hit"
    token = TOKEN.search(cached.content.decode()).group(1)
    response = client.post(
        reverse("acknowledgements:acknowledge", args=[version.pk]), {"csrfmiddlewaretoken": token, "next": page.url}
    )
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(person=reader, version=version).exists()


def test_a_new_revision_is_read_at_once(client, document, unit, officer):
    page, _version = document
    client.force_login(factories.make_staff(unit=unit))
    get(client, page.url)
    assert get(client, page.url)["X-Reader-Cache"] == "hit"
    document_services.document_publish_imported_revision(
        page=page,
        user=officer,
        reason="Luật mới",
        change_summary="Sửa theo luật mới",
        effective_date=timezone.localdate(),
        changes={"title": "Quy trình đã sửa"},
    )
    response = get(client, page.url)
    assert response["X-Reader-Cache"] == "miss"
    assert "Quy trình đã sửa" in response.content.decode()


def test_acknowledging_shows_the_message_then_the_acknowledged_box(client, document, unit):
    page, version = document
    reader = factories.make_staff(unit=unit)
    client.force_login(reader)
    assert "acknowledge" in get(client, page.url).content.decode()
    get(client, page.url)
    response = client.post(reverse("acknowledgements:acknowledge", args=[version.pk]), {"next": page.url}, follow=True)
    html = response.content.decode()
    assert 'class="acknowledged"' in html
    assert 'class="messages' in html  # a pending message is rendered, never a cached page without it
    assert not response.has_header("X-Reader-Cache")
    # The page shared by every reader stays; the reader's own part (the box) is built again.
    assert get(client, page.url)["X-Reader-Cache"] == "shared"
    again = get(client, page.url)
    assert again["X-Reader-Cache"] == "hit" and 'class="acknowledged"' in again.content.decode()


def test_each_reader_has_their_own_page(document, unit):
    page, _version = document
    first, second = factories.make_staff(unit=unit), factories.make_staff(unit=factories.make_unit())
    pages = {}
    for person in (first, second, first):
        client = Client()
        client.force_login(person)
        pages.setdefault(person.pk, []).append(get(client, page.url))
    assert [response["X-Reader-Cache"] for response in pages[first.pk]] == ["miss", "hit"]
    assert pages[second.pk][0]["X-Reader-Cache"] == "shared"  # the page of every reader, their own parts
    assert str(second) in pages[second.pk][0].content.decode()
    assert str(second) not in pages[first.pk][1].content.decode()
    # Only the person asked to acknowledge gets the button.
    assert "acknowledgement-box" in pages[first.pk][1].content.decode()
    assert "acknowledgement-box" not in pages[second.pk][0].content.decode()


def test_a_change_of_groups_reaches_the_navigation(client, document, unit):
    page, _version = document
    reader = factories.make_staff(unit=unit)
    client.force_login(reader)
    get(client, page.url)
    assert get(client, page.url)["X-Reader-Cache"] == "hit"
    reader.groups.add(Group.objects.get(name=roles.QUALITY_OFFICERS))
    response = get(client, page.url)
    assert response["X-Reader-Cache"] == "miss"
    assert 'href="/admin/"' in response.content.decode()


def test_withdrawal_and_review_reach_readers(client, document, unit, officer):
    page, _version = document
    client.force_login(factories.make_staff(unit=unit))
    get(client, page.url)
    document_services.document_withdraw(page=page, user=officer, reason="Bãi bỏ theo quyết định 12")
    assert 'class="banner withdrawn"' in get(client, page.url).content.decode()


def test_a_log_in_elsewhere_keeps_the_cache(client, document, unit):
    page, _version = document
    reader = factories.make_staff(unit=unit)
    client.force_login(reader)
    get(client, page.url)
    Client().force_login(reader)  # stamps last_login only
    assert get(client, page.url)["X-Reader-Cache"] == "hit"


def test_restricted_pages_print_views_and_queries_are_not_cached(client, document, unit):
    page, _version = document
    client.force_login(factories.make_staff(unit=unit))
    for _ in range(2):
        assert not get(client, f"{page.url}print/").has_header("X-Reader-Cache")
        assert not get(client, f"{page.url}?highlight=1").has_header("X-Reader-Cache")
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    for _ in range(2):
        assert not get(client, page.url).has_header("X-Reader-Cache")
    restriction.delete()
    get(client, page.url)
    assert get(client, page.url)["X-Reader-Cache"] == "hit"


def test_anonymous_visitors_are_sent_to_log_in_even_after_a_cached_view(client, document, unit):
    page, _version = document
    client.force_login(factories.make_staff(unit=unit))
    get(client, page.url)
    get(client, page.url)
    response = Client().get(page.url)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_evicted_generation_never_brings_old_pages_back(client, document, unit):
    page, _version = document
    client.force_login(factories.make_staff(unit=unit))
    get(client, page.url)
    cache.delete(reader_cache.GENERATION_KEY)  # a full cache evicts keys as it likes
    assert get(client, page.url)["X-Reader-Cache"] == "miss"


def test_the_generation_is_replaced_again_when_the_change_commits(django_capture_on_commit_callbacks):
    before = reader_cache.generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reader_cache.invalidate()
    during = reader_cache.generation()
    assert during != before and len(callbacks) == 1
    callbacks[0]()
    assert reader_cache.generation() not in (before, during)


def test_a_new_day_is_a_new_page(client, document, unit, monkeypatch):
    page, _version = document
    client.force_login(factories.make_staff(unit=unit))
    session = client.session
    session.set_expiry(3 * 24 * 60 * 60)  # a session that outlives the idle time, so that tomorrow it is still open
    session.save()
    get(client, page.url)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert get(client, page.url)["X-Reader-Cache"] == "miss"


@pytest.mark.parametrize("change", ["password", "deactivation"])
def test_a_session_the_person_no_longer_holds_never_reaches_a_cached_page(document, unit, change):
    page, _version = document
    reader = factories.make_staff(unit=unit)
    before = Client()
    before.force_login(reader)
    get(before, page.url)
    assert get(before, page.url)["X-Reader-Cache"] == "hit"
    if change == "password":
        reader.set_password("a-new-password-2026")
        # The person's new session caches its own copy...
        reader.save()
        after = Client()
        after.force_login(reader)
        get(after, page.url)
        assert get(after, page.url)["X-Reader-Cache"] == "hit"
    else:
        reader.is_active = False
        reader.save()
    # ...which the session from before the change never reaches: it is sent to log in.
    response = before.get(page.url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
