"""How people's names read (Vietnamese: family name first, as the people import reads them)."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_names_read_family_name_first_by_default():
    person = factories.make_staff(first_name="Mai", last_name="Hoàng Thị")
    assert person.get_full_name() == "Hoàng Thị Mai" and str(person) == "Hoàng Thị Mai"


def test_given_name_first_when_configured(settings):
    settings.QMS_FAMILY_NAME_FIRST = False
    person = factories.make_staff(first_name="Jane", last_name="Smith")
    assert str(person) == "Jane Smith"


def test_no_name_falls_back_to_the_username():
    person = factories.make_staff(first_name="", last_name="", username="nv.an")
    assert str(person) == "nv.an"
