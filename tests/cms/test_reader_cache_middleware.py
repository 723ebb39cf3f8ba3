"""The reader cache answers before URL resolution, and only for paths that Wagtail's page serving owns (issue 21).

ISO 9001 7.5.3.2 c): whatever route the answer takes, it is the current version, and a path that
another view serves never gets a cached document.
"""

import pytest
from django.core.handlers.base import BaseHandler
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_urlconf

from cms import reader_cache
from tests import factories
from tests.cms.acknowledgements.conftest import make_distributed_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return factories.make_unit(code="QLVH", name="Phòng Quản lý Văn hóa")


@pytest.fixture
def document(unit):
    return make_distributed_document(unit=unit, user=factories.make_officer(unit=unit))


@pytest.fixture
def resolutions(monkeypatch):
    """The URL resolutions Django makes, one per request that reaches the URLconf."""
    made = []
    resolve_request = BaseHandler.resolve_request

    def counting(handler, request):
        made.append(request.path)
        return resolve_request(handler, request)

    monkeypatch.setattr(BaseHandler, "resolve_request", counting)
    return made


def test_a_cached_view_is_answered_without_resolving_its_url(client, document, unit, resolutions):
    page, _version = document
    client.force_login(factories.make_staff(unit=unit))
    assert client.get(page.url)["X-Reader-Cache"] == "miss"
    assert resolutions == [page.url]
    for _ in range(2):
        response = client.get(page.url)
        assert response.status_code == 200 and response["X-Reader-Cache"] in ("shared", "hit")
        assert page.identifier in response.content.decode()
    assert resolutions == [page.url]


def test_only_the_paths_wagtail_serves_are_looked_up(document):
    page, _version = document
    urlconf = get_urlconf()
    assert reader_cache._served_by_wagtail(urlconf, page.url)
    for elsewhere in ("/admin/", "/accounts/login/", "/healthz", "/procedures/", "/thu-tuc/"):
        assert not reader_cache._served_by_wagtail(urlconf, elsewhere), elsewhere


def test_a_document_published_where_there_was_none_is_served_at_once(client, document, unit):
    page, _version = document
    client.force_login(factories.make_staff(unit=unit))
    page.unpublish()
    for _ in range(2):  # remembered as "not a document"
        assert client.get(page.url).status_code == 404
    page.get_latest_revision().publish()
    response = client.get(page.url)
    assert response.status_code == 200 and page.identifier in response.content.decode()


def test_a_page_that_is_not_a_document_is_not_looked_up_again(client, unit):
    client.force_login(factories.make_staff(unit=unit))
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    # The reader cache's look-up of a path among the current documents (reader_cache._resolve).
    looked_up = [query["sql"] for query in queries if '"url_path" = ' in query["sql"]]
    assert looked_up == []


def test_a_made_up_path_is_never_remembered(client, unit):
    """A scanner's paths would otherwise fill the cache and push the readers' pages out of it."""
    from django.core.cache import cache

    client.force_login(factories.make_staff(unit=unit))
    for _ in range(2):
        assert client.get("/khong-co-trang-nay/").status_code == 404
    assert cache.get(reader_cache._key("route", "testserver", "khong-co-trang-nay/")) is None
    assert client.get("/").status_code == 200
    assert cache.get(reader_cache._key("route", "testserver", ""))["page_id"] is None


def test_a_process_keeps_only_its_latest_pages():
    recent = reader_cache._RecentPages()
    for n in range(recent.SIZE + 10):
        recent.put(f"page-{n}", {"n": n})
    recent.get("page-10")  # read again: kept
    recent.put("page-new", {"n": -1})
    assert recent.get("page-0") is None and recent.get("page-11") is None
    assert recent.get("page-10") == {"n": 10} and recent.get("page-new") == {"n": -1}
    assert len(recent._pages) == recent.SIZE


def test_a_process_keeps_a_page_a_minute_at_most():
    recent = reader_cache._RecentPages()
    recent.put("page", {"n": 1})
    assert recent.get("page") == {"n": 1}
    recent.SECONDS = 0
    recent.put("page", {"n": 1})
    assert recent.get("page") is None


def test_a_documents_own_views_are_never_remembered_as_no_document(client, document, unit):
    """Their paths can be spelled many ways (v/01/, v/001/...): remembering each would fill the cache."""
    from django.core.cache import cache

    page, _version = document
    client.force_login(factories.make_staff(unit=unit))
    assert client.get(f"{page.url}print/").status_code == 200
    assert cache.get(reader_cache._key("route", "testserver", f"{page.url[1:]}print/")) is None


def test_a_cache_that_keeps_nothing_always_renders_and_never_serves_a_withdrawn_document(document, unit, settings):
    from cms import services as document_services

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    page, _version = document
    client = Client()
    client.force_login(factories.make_staff(unit=unit))
    assert [client.get(page.url)["X-Reader-Cache"] for _ in range(2)] == ["miss", "miss"]
    officer = factories.make_officer(unit=factories.make_unit(code="VP2"))
    document_services.document_withdraw(page=page, user=officer, reason="Bãi bỏ theo quyết định 12")
    response = client.get(page.url)
    assert response["X-Reader-Cache"] == "miss" and 'class="banner withdrawn"' in response.content.decode()
