"""The page every reader shares in the reader cache: safe, and invalidated precisely (ISO 9001 7.5.3, issue 21).

One rendered page per document, language and kind of reader (logged in or not), with each reader's own
parts (name, navigation, acknowledgement box, CSRF token) filled in per request. These tests prove that
no reader ever gets a superseded version, another reader's parts or a page they may not read, and that
a change replaces only what it changes.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms import reader_cache
from cms import services as document_services
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


def reader_client(person):
    client = Client()
    client.force_login(person)
    return client


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def read_until_kept(client, url):
    """A reader's views until all of the page is kept: miss or shared, then hit by the third at the latest."""
    states = [get(client, url)["X-Reader-Cache"] for _ in range(3)]
    assert states[-1] == "hit", states


def html_of(response):
    return response.content.decode()


def publish(page, officer, title):
    return document_services.document_publish_imported_revision(
        page=page,
        user=officer,
        reason="Luật mới",
        change_summary="Sửa theo luật mới",
        effective_date=timezone.localdate(),
        changes={"title": title},
    )


def test_a_second_reader_gets_the_shared_page_with_their_own_parts_in_two_queries(document, unit):
    page, _version = document
    first, second = factories.make_staff(unit=unit), factories.make_staff(unit=unit)
    assert get(reader_client(first), page.url)["X-Reader-Cache"] == "miss"
    client = reader_client(second)
    get(client, "/")  # the reader's profile (name, navigation) is kept from their first page on
    with CaptureQueriesContext(connection) as queries:
        response = get(client, page.url)
    assert response["X-Reader-Cache"] == "shared"
    assert len(queries) <= 3  # the session, the acknowledgement state (and the session's renewal)
    html = html_of(response)
    assert str(second) in html and str(first) not in html
    assert "qmsReaderCacheHole" not in html and TOKEN.search(html)
    # The token is this session's, in every form of the page (log out, language, acknowledge).
    tokens = set(TOKEN.findall(html))
    assert len(tokens) == 1
    # A first view is usually the only one: the reader's part is kept from their second view on.
    assert [get(client, page.url)["X-Reader-Cache"] for _ in range(2)] == ["shared", "hit"]


def test_a_superseded_version_is_never_served_to_any_reader(document, unit, officer):
    page, _version = document
    readers = [factories.make_staff(unit=unit) for _ in range(2)]
    clients = [reader_client(person) for person in readers]
    for client in clients:
        get(client, page.url)
        get(client, page.url)
    old_title = page.title
    publish(page, officer, "Quy trình theo luật mới")
    newcomer = reader_client(factories.make_staff(unit=unit))
    for client in [*clients, newcomer]:
        response = get(client, page.url)
        assert response["X-Reader-Cache"] != "hit"
        html = html_of(response)
        assert "Quy trình theo luật mới" in html and f"<h1>{old_title}</h1>" not in html
        # The box asks about the new revision, not the superseded one.
        assert "revision 1" not in html.lower().replace("lần ban hành", "revision")


def test_another_readers_acknowledgement_is_never_shown(document, unit):
    page, version = document
    acknowledger, colleague, newcomer = (factories.make_staff(unit=unit) for _ in range(3))
    mine, theirs = reader_client(acknowledger), reader_client(colleague)
    for client in (mine, theirs):
        read_until_kept(client, page.url)
    mine.post(reverse("acknowledgements:acknowledge", args=[version.pk]), {"next": page.url}, follow=True)
    after = get(mine, page.url)
    assert 'class="acknowledged"' in html_of(after)
    # The colleague's cached page is still valid (precise invalidation) and still asks them to confirm.
    other = get(theirs, page.url)
    assert other["X-Reader-Cache"] == "hit"
    assert 'class="acknowledged"' not in html_of(other) and 'class="button acknowledge"' in html_of(other)
    # A newcomer of the unit, served the shared page, is asked too.
    first_view = get(reader_client(newcomer), page.url)
    assert first_view["X-Reader-Cache"] == "shared"
    assert 'class="acknowledged"' not in html_of(first_view) and 'class="button acknowledge"' in html_of(first_view)


def test_an_acknowledgement_leaves_the_readers_other_documents_and_pages_valid(unit, officer):
    first, _v1 = make_distributed_document(unit=unit, user=officer)
    second, v2 = make_distributed_document(unit=unit, user=officer)
    client = reader_client(factories.make_staff(unit=unit))
    for page in (first, second):
        read_until_kept(client, page.url)
    client.post(reverse("acknowledgements:acknowledge", args=[v2.pk]), {"next": second.url}, follow=True)
    assert get(client, first.url)["X-Reader-Cache"] == "hit"
    assert get(client, second.url)["X-Reader-Cache"] == "shared"


def test_a_publication_replaces_that_document_only(unit, officer):
    first, _v1 = make_distributed_document(unit=unit, user=officer)
    second, _v2 = make_distributed_document(unit=unit, user=officer)
    client = reader_client(factories.make_staff(unit=unit))
    for page in (first, second):
        read_until_kept(client, page.url)
    publish(first, officer, "Quy trình đã sửa")
    assert get(client, second.url)["X-Reader-Cache"] == "hit"
    response = get(client, first.url)
    assert response["X-Reader-Cache"] == "miss" and "Quy trình đã sửa" in html_of(response)


def test_a_withdrawn_document_disappears_at_once(document, unit, officer):
    page, _version = document
    client = reader_client(factories.make_staff(unit=unit))
    get(client, page.url)
    assert get(client, page.url)["X-Reader-Cache"] == "hit"
    assert page.identifier in html_of(get(client, reverse("cms:documents")))
    document_services.document_withdraw(page=page, user=officer, reason="Bãi bỏ theo quyết định 12")
    html = html_of(get(client, page.url))
    assert 'class="banner withdrawn"' in html
    assert 'class="button acknowledge"' not in html  # nobody is asked to read a withdrawn document
    assert page.identifier not in html_of(get(client, reverse("cms:documents")))


def test_an_unpublished_document_is_gone_at_once(document, unit):
    page, _version = document
    client = reader_client(factories.make_staff(unit=unit))
    get(client, page.url)
    assert get(client, page.url)["X-Reader-Cache"] == "hit"
    url = page.url
    page.unpublish()
    assert client.get(url).status_code == 404


def test_permissions_decide_the_navigation_on_the_shared_page(document, unit):
    page, _version = document
    staff = reader_client(factories.make_staff(unit=unit))
    officer = reader_client(factories.make_officer(unit=unit))
    assert 'href="/admin/"' not in html_of(get(staff, page.url))
    response = get(officer, page.url)
    assert response["X-Reader-Cache"] == "shared"
    assert 'href="/admin/"' in html_of(response)
    assert 'href="/admin/"' not in html_of(get(staff, page.url))


def test_a_change_of_groups_reaches_the_shared_page(document, unit):
    page, _version = document
    person = factories.make_staff(unit=unit)
    client = reader_client(person)
    get(client, page.url)
    assert get(client, page.url)["X-Reader-Cache"] == "hit"
    person.groups.add(Group.objects.get(name=roles.QUALITY_OFFICERS))
    assert 'href="/admin/"' in html_of(get(client, page.url))


def test_anonymous_visitors_never_get_the_page_of_logged_in_readers(document, unit, officer):
    page, _version = document
    for _ in range(2):
        get(reader_client(factories.make_staff(unit=unit)), page.url)
    response = Client().get(page.url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    public = make_document(unit=unit, user=officer, is_public=True)
    reader = factories.make_staff(unit=unit)
    get(reader_client(reader), public.url)
    get(reader_client(reader), public.url)
    visitor = Client()
    for _ in range(2):
        html = html_of(get(visitor, public.url))
        assert str(reader) not in html and 'action="/accounts/logout/"' not in html
        assert reverse("login") in html


def test_a_deactivated_reader_is_sent_to_log_in_from_the_shared_page(document, unit):
    page, _version = document
    person = factories.make_staff(unit=unit)
    client = reader_client(person)
    get(client, page.url)
    get(reader_client(factories.make_staff(unit=unit)), page.url)
    person.is_active = False
    person.save()
    response = client.get(page.url)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_evicted_document_generation_is_never_reused(document, unit):
    from django.core.cache import cache

    page, _version = document
    client = reader_client(factories.make_staff(unit=unit))
    get(client, page.url)
    assert get(client, page.url)["X-Reader-Cache"] == "hit"
    cache.delete(reader_cache._document_key(page.pk))  # a full cache evicts keys as it likes
    assert get(client, page.url)["X-Reader-Cache"] == "miss"
