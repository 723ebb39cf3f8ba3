"""Searching the procedures on the site: bad input is a search that finds nothing, never an error
(ISO 9001 7.5.3.1 a: documented information available when needed), on SQLite and PostgreSQL."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cms import selectors
from tests import factories
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    'a"b',
    "\x00",
    "%00",
    "Quảng\x00",
    "\x00\x01\x1f\x7f",
    "\u200b",
    '"',
    "*",
    "(",
    ")",
    "-",
    "^",
    "NEAR(",
    "'",
    "\\",
]


@pytest.fixture
def public_document():
    unit = factories.make_unit()
    return make_document("QT-S01", unit=unit, is_public=True, title="Quảng cáo trên bảng quảng cáo")


def _assert_bad_queries_answer_the_normal_page(client, document):
    for raw in BAD_QUERIES:
        # "%00" in the URL arrives as a NUL; the literal text "%00" is sent too.
        response = client.get("/procedures/", {"q": raw})
        assert response.status_code == 200, repr(raw)
        html = response.content.decode()
        if raw in ("\x00", "\x00\x01\x1f\x7f", "\u200b"):
            assert document.identifier not in html, repr(raw)
    response = client.get("/procedures/?q=%00")
    assert response.status_code == 200 and document.identifier not in response.content.decode()
    response = client.get("/procedures/", {"q": "x" * 5000})
    assert response.status_code == 200


def test_bad_search_input_gets_the_normal_page_with_no_results(client, public_document):
    _assert_bad_queries_answer_the_normal_page(client, public_document)


@pytest.mark.postgres
def test_bad_search_input_gets_the_normal_page_on_postgresql(client, public_document):
    _assert_bad_queries_answer_the_normal_page(client, public_document)


def test_control_characters_are_stripped_from_a_real_query(client, public_document):
    html = client.get("/procedures/", {"q": "Quảng\x00 cáo\x07"}).content.decode()
    assert public_document.identifier in html


def test_the_query_is_cleaned_at_the_search_itself():
    assert selectors.clean_search_query(" Quảng\x00 cáo\r\n\t ") == "Quảng cáo"
    assert len(selectors.clean_search_query("x" * 5000)) == selectors.SEARCH_QUERY_MAX_LENGTH
    assert selectors.clean_search_query("\ud800Quảng\u200b") == "Quảng"  # no lone surrogate reaches UTF-8
    assert selectors.clean_search_query('Quảng "cáo"') == "Quảng cáo"  # a quote would end SQLite's phrase


def test_a_query_of_nothing_but_control_characters_finds_nothing(public_document):
    assert len(selectors.search_documents(user=AnonymousUser(), query="\x00\u200b")) == 0
    assert len(selectors.search_documents(user=AnonymousUser(), query="  ")) == 1  # no query: the list
