"""Arbitrary cell values thrown at the units and people importers: they import or explain, never crash,
never half-write (the issue's property)."""

import datetime as dt
import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qms.core.models import OrganisationUnit, User
from qms.spreadsheets.imports import ImportFileError, get_importer, run_import
from tests.factories import make_officer, make_unit

from .xlsx import PEOPLE_HEADINGS, UNIT_HEADINGS, xlsx

pytestmark = pytest.mark.django_db

# Characters an .xlsx cannot hold at all (openpyxl refuses to write them, so no real file has them).
ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")

texts = st.text(max_size=40).map(lambda s: ILLEGAL.sub("", s))
codes = st.sampled_from(["VP", "QLVH", "vp", " TT ", "X" * 25, "", "=1+1", "officer", "nv.an", "a b", "Đơn-vị"])
cells = st.one_of(
    st.none(),
    texts,
    codes,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["Staff", "Auditors, Approvers", "Boss", "vi", "en", "Có", "x@example.vn", "bad@", "#N/A"]),
)


names = st.text(alphabet="abcdefghiklmnoprstuvyàáạảãâầấậăắđêếệôốơớưứ ", min_size=1, max_size=30).filter(str.strip)
plausible_unit = st.tuples(
    st.from_regex(r"[A-Z]{2,5}[0-9]?", fullmatch=True),
    names,
    st.sampled_from(["", "VP", "QLVH"]),
    st.sampled_from(["", "officer"]),
).map(list)
plausible_person = st.builds(
    lambda user, name, unit, roles, language: [user, f"Nguyễn {name}", f"{user}@example.vn", unit, roles, language],
    st.from_regex(r"[a-z]{3,8}(\.[a-z]{2,4})?", fullmatch=True),
    names,
    st.sampled_from(["", "VP", "QLVH"]),
    st.sampled_from(["", "Staff", "Auditors, Staff", "Quality officers"]),
    st.sampled_from(["", "vi", "en"]),
)


def mutated(row_strategy, width):
    """A plausible row with one cell replaced by an arbitrary value."""
    return st.tuples(row_strategy, st.integers(0, width - 1), cells).map(
        lambda t: [t[2] if i == t[1] else v for i, v in enumerate(t[0])]
    )


def rows_of(width, plausible):
    row = st.one_of(plausible, mutated(plausible, width), st.lists(cells, min_size=width, max_size=width + 1))
    return st.lists(row, min_size=1, max_size=5)


OUTCOMES = []


def state():
    return (
        list(OrganisationUnit.objects.order_by("pk").values_list("pk", "code", "name", "parent_id", "manager_id")),
        list(User.objects.order_by("pk").values_list("pk", "username", "email", "unit_id", "first_name", "last_name")),
        OrganisationUnit.history.count(),
        User.history.count(),
    )


def check(importer, data, officer):
    before = state()
    with transaction.atomic():
        try:
            result = run_import(get_importer(importer), data, user=officer, filename="x.xlsx", commit=True)
        except ImportFileError as error:
            OUTCOMES.append("refused")
            assert str(error.message).strip()
            assert state() == before
        else:
            if result.committed:
                assert not result.problems
                assert len(result.outcomes) == result.rows_read  # every row accounted for
                OUTCOMES.append("committed")
                after = state()
                created = result.counts()["created"]
                grew = len(after[0]) - len(before[0]) if importer == "units" else len(after[1]) - len(before[1])
                assert grew == created
            else:
                OUTCOMES.append("explained")
                assert result.problems and all(str(problem).strip() for problem in result.problems)
                assert state() == before, "a refused import wrote something"
        transaction.set_rollback(True)  # each example starts from the same database


@pytest.fixture
def officer():
    vp = make_unit(code="VP")
    make_unit(code="QLVH", parent=vp)
    return make_officer(username="officer", unit=vp)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_of(4, plausible_unit))
def test_units_importer_imports_or_explains(officer, rows):
    check("units", xlsx(rows, headings=UNIT_HEADINGS), officer)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_of(6, plausible_person))
def test_people_importer_imports_or_explains(officer, rows):
    check("people", xlsx(rows, headings=PEOPLE_HEADINGS), officer)


def test_the_examples_covered_every_outcome():
    """Runs after the two properties (file order): they must have both imported and explained."""
    if not OUTCOMES:
        pytest.skip("run with the property tests")
    assert {"committed", "explained"} <= set(OUTCOMES), OUTCOMES
