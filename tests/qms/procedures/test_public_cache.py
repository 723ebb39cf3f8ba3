"""The public list's cached body (qms.procedures.public_cache): a citizen never reads a list older than the
register (ISO 9001 8.2.1 a, 7.5.3.2 c), one question's entry never answers another, languages never mix."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms.procedures import services
from qms.procedures.models import AdministrativeProcedure, ApplicationWay
from tests import factories as f

from .conftest import make_procedure

pytestmark = pytest.mark.django_db

URL = "/thu-tuc/"


@pytest.fixture
def register(db):
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    shown = make_procedure(
        user=officer, unit=unit, code="1.000948.H38", name="Cấp giấy phép biểu diễn", field="Nghệ thuật biểu diễn"
    )
    district = make_procedure(
        user=officer,
        unit=unit,
        code="2.000111",
        name="Công nhận gia đình văn hóa",
        field="Văn hóa cơ sở",
        level="district",
        ways=((10, "working_days"),),
    )
    return {"officer": officer, "unit": unit, "shown": shown, "district": district}


def _main(response):
    """The list itself: the page around it carries a fresh CSRF token on every view."""
    assert response.status_code == 200
    return re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)


def _queries(client, params=None):
    with CaptureQueriesContext(connection) as captured:
        body = _main(client.get(URL, params or {}))
    return len(captured), body


def _edit(officer, code, **changes):
    procedure = AdministrativeProcedure.objects.get(code=code)
    ways = changes.pop("ways", None)
    for name, value in changes.items():
        setattr(procedure, name, value)
    if ways is not None:
        procedure.ways = [ApplicationWay(kind="in_person", time_limit=Decimal(t), time_unit=u) for t, u in ways]
    return services.procedure_save(procedure=procedure, user=officer, reason="Changed for a test")


def test_the_second_view_is_served_from_the_cache_without_the_database(client, register):
    assert reverse("procedures:list") == URL
    first_queries, first = _queries(client)
    again_queries, again = _queries(client)
    assert first_queries >= 4 and again_queries == 0
    assert again == first and "1.000948.H38" in again


def test_a_procedure_made_internal_repealed_or_published_leaves_or_joins_the_cached_list_at_once(client, register):
    officer = register["officer"]
    _queries(client)
    assert _queries(client)[0] == 0  # cached
    _edit(officer, "1.000948.H38", is_public=False)
    assert "1.000948.H38" not in _queries(client)[1]
    _edit(officer, "2.000111", status=AdministrativeProcedure.Status.REPEALED)
    assert "2.000111" not in _queries(client)[1]
    _edit(officer, "1.000948.H38", is_public=True)
    assert "1.000948.H38" in _queries(client)[1]
    make_procedure(user=officer, unit=register["unit"], code="1.004444.H38", name="Thủ tục mới công bố")
    assert "1.004444.H38" in _queries(client)[1]


def test_a_changed_time_limit_or_name_shows_at_once(client, register):
    officer = register["officer"]
    assert "15 ngày làm việc" in _queries(client)[1]
    _edit(officer, "1.000948.H38", ways=((7, "working_days"),))
    body = _queries(client)[1]
    assert "7 ngày làm việc" in body and "15 ngày làm việc" not in body
    _edit(officer, "1.000948.H38", name="Cấp giấy phép biểu diễn nghệ thuật (sửa đổi)")
    assert "(sửa đổi)" in _queries(client)[1]


def test_a_way_deleted_on_its_own_leaves_the_cached_list_at_once(client, register):
    # Not through the service: a child's own save or delete replaces the generation too.
    assert "15 ngày làm việc" in _queries(client)[1]
    ApplicationWay.objects.filter(procedure__code="1.000948.H38").delete()
    assert "15 ngày làm việc" not in _queries(client)[1]


def test_a_list_cached_before_the_change_committed_is_not_served_after(
    client, register, django_capture_on_commit_callbacks
):
    # A citizen reading between the change and its commit reads the old rows (another connection) and
    # keeps them under the generation of that moment: the commit replaces it again.
    with django_capture_on_commit_callbacks(execute=True):
        _edit(register["officer"], "1.000948.H38", name="Tên mới")
        _queries(client)
        assert _queries(client)[0] == 0  # kept under the generation of before the commit
    queries, body = _queries(client)
    assert queries > 0 and "Tên mới" in body


def test_a_missing_generation_is_replaced_not_reused(client, register):
    from qms.procedures import public_cache

    _queries(client)
    generation = cache.get(public_cache.GENERATION_KEY)
    cache.delete(public_cache.GENERATION_KEY)  # evicted
    assert _queries(client)[0] > 0
    assert cache.get(public_cache.GENERATION_KEY) not in (None, generation)


QUESTIONS = [
    {},
    {"q": "biểu diễn"},
    {"q": "Biểu diễn"},  # the same procedures, but the search box shows what was typed
    {"q": "văn hóa"},
    {"q": "văn hóa", "level": "district"},
    {"q": "văn hóa&level=district"},  # what a key made of the joined query string would confuse
    {"q": 'văn hóa", "district'},
    {"q": "văn hóa", "field": "Văn hóa cơ sở"},
    {"field": "Văn hóa cơ sở"},
    {"level": "district"},
    {"level": "province"},
    {"page": "2"},
]


def test_two_different_questions_never_share_an_entry(client, register):
    fresh = []
    for params in QUESTIONS:
        cache.clear()
        fresh.append(_main(client.get(URL, params)))
    assert len(set(fresh)) == len(QUESTIONS) - 1  # page 2 of one page is page 1 again, and says so
    for _round in range(2):  # the first round fills the cache, the second reads it
        for params, expected in zip(QUESTIONS, fresh, strict=True):
            assert _main(client.get(URL, params)) == expected, params


def test_one_question_spelled_differently_is_one_entry(client, register):
    """Each spelling would be an entry of its own in the shared cache, for anyone to fill."""
    _queries(client, {"q": "biểu diễn"})
    spellings = [{"q": " biểu diễn  "}, {"level": "nowhere"}, {"page": "x"}, {"page": "²"}, {"page": "01"}]
    for spelling in ({"q": "biểu diễn", **spelling} for spelling in spellings):
        assert _queries(client, spelling)[0] == 0, spelling


def test_a_parameter_the_list_does_not_read_shares_the_entry(client, register):
    _queries(client, {"q": "biểu diễn"})
    assert _queries(client, {"q": "biểu diễn", "utm_source": "zalo"})[0] == 0


def test_languages_do_not_mix(client, register):
    vietnamese = _main(client.get(URL))  # the organisation's language
    client.post("/i18n/setlang/", {"language": "en", "next": URL})  # a visitor's choice, with the switch
    english = _main(client.get(URL))
    assert "Thủ tục hành chính" in vietnamese and "ngày làm việc" in vietnamese
    assert "Administrative procedures" in english and "working days" in english
    assert "Administrative procedures" not in vietnamese and "ngày làm việc" not in english
    client.post("/i18n/setlang/", {"language": "vi", "next": URL})
    assert _main(client.get(URL)) == vietnamese


def test_the_cached_list_keeps_nothing_of_the_reader_who_filled_it(client, register):
    staff = f.make_staff(unit=register["unit"])
    client.force_login(staff)
    assert str(staff) in client.get(URL).content.decode()  # a staff member's view fills the entry
    client.logout()
    with CaptureQueriesContext(connection) as captured:
        page = client.get(URL).content.decode()
    assert not any("procedures_" in query["sql"] for query in captured)  # the entry the staff's view filled
    assert "1.000948.H38" in page and str(staff) not in page and reverse("login") in page
