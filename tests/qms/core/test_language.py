"""A logged-in person's stored language wins over the browser's; anonymous visitors get the organisation's
default unless they choose with the site's switch."""

import pytest
from django.conf import settings
from wagtail.users.models import UserProfile

from tests.factories import make_officer, make_staff

pytestmark = pytest.mark.django_db


def lang(response):
    return response.headers.get("Content-Language")


@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_a_vietnamese_person_with_an_english_browser_reads_vietnamese(client, path):
    client.force_login(make_officer(language="vi"))
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert lang(response) == "vi"
    assert 'lang="vi"' in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_the_admin_preference_decides(client, path):
    officer = make_officer(language="vi")
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(officer)
    assert lang(client.get(path, HTTP_ACCEPT_LANGUAGE="vi")) == "en"


def test_an_anonymous_visitor_gets_the_organisations_language(client):
    assert lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == settings.LANGUAGE_CODE


def test_an_anonymous_visitor_chooses_with_the_switch(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert lang(client.get("/", HTTP_ACCEPT_LANGUAGE="vi")) == "en"


def test_a_logged_in_persons_switch_is_stored(client):
    person = make_staff(language="vi")
    client.force_login(person)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    person.refresh_from_db()
    assert person.language == "vi", "the language of e-mails is a choice of its own"
    assert UserProfile.get_for_user(person).preferred_language == "en"
    assert lang(client.get("/admin/", HTTP_ACCEPT_LANGUAGE="vi")) in ("en", None)
    assert lang(client.get("/", HTTP_ACCEPT_LANGUAGE="vi")) == "en"
