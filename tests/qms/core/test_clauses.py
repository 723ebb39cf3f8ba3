import pytest
from django.utils import translation

from qms.core.data.iso9001 import CLAUSES
from qms.core.models import IsoClause

pytestmark = pytest.mark.django_db


def test_catalogue_is_loaded_with_parents():
    assert IsoClause.objects.count() == len(CLAUSES)
    for number in ["4", "7.5.3", "8.5.1", "9.1.2", "9.2", "10.2", "10.2.1"]:
        assert IsoClause.objects.filter(number=number).exists(), number
    clause = IsoClause.objects.get(number="7.5.3")
    assert clause.parent.number == "7.5"
    assert clause.parent.parent.number == "7"


def test_ordering_is_numeric_not_alphabetic():
    numbers = list(IsoClause.objects.filter(parent__number="10").values_list("number", flat=True))
    assert numbers == ["10.1", "10.2", "10.3"]
    tops = list(IsoClause.objects.filter(parent=None).values_list("number", flat=True))
    assert tops == ["4", "5", "6", "7", "8", "9", "10"]


def test_title_follows_language():
    clause = IsoClause.objects.get(number="9.2")
    with translation.override("en"):
        assert clause.title == "Internal audit"
    with translation.override("vi"):
        assert clause.title == clause.title_vi != clause.title_en
