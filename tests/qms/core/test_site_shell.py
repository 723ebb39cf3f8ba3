import json

import pytest
from django.test import override_settings

from tests import factories

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["database"]["ok"] and body["broker"]["ok"]


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_BROKER_TRANSPORT_OPTIONS={})
def test_healthz_reports_broker_down(client):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False


def test_home_page_for_anonymous_and_staff(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hệ thống quản lý chất lượng" in html
    title = html[html.index("<title>") + len("<title>") : html.index("</title>")]
    assert title.strip() and " · " not in title  # the home page's own title, not "X · X"
    client.force_login(factories.make_staff())
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("make", "shown"),
    [(factories.make_staff, False), (factories.make_officer, True), (factories.make_auditor, True), (None, True)],
)
def test_the_site_links_to_the_admin_for_whoever_may_enter_it(client, make, shown):
    """The one permission the admin asks (`wagtailadmin.access_admin`, which a superuser holds as every one),
    not a superuser check beside it."""
    user = make() if make else factories.make_user(is_superuser=True, is_staff=True)
    client.force_login(user)
    assert ('href="/admin/"' in client.get("/").content.decode()) is shown


def test_language_switch(client):
    response = client.get("/")
    assert "Đăng nhập" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert ">Log in<" in response.content.decode()


def test_admin_offers_vietnamese():
    from wagtail.admin.localization import get_available_admin_languages

    assert ("vi", "Tiếng Việt") in get_available_admin_languages()


def test_apps_plug_links_and_home_panels_into_the_site(client):
    from django.utils.html import format_html
    from wagtail import hooks

    from qms.core import site

    def nav():
        return [site.NavItem("Health", "healthz", visible=lambda user: user.is_authenticated)]

    def panels():
        return [
            site.HomePanel("hello", lambda request: format_html("<section id='hello-panel'>{}</section>", "hi")),
            site.HomePanel("hidden", lambda request: ""),
        ]

    with hooks.register_temporarily([(site.NAV_HOOK, nav), (site.HOME_PANELS_HOOK, panels)]):
        html = client.get("/").content.decode()
        assert "id='hello-panel'" in html
        assert 'href="/healthz"' not in html
        client.force_login(factories.make_staff())
        assert 'href="/healthz"' in client.get("/").content.decode()
