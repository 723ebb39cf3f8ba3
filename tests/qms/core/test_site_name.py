"""The admin dashboard carries the organisation's name, not "localhost" (qms.core.organisation)."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Site

from qms.core import demo, organisation
from tests.factories import make_officer

pytestmark = pytest.mark.django_db


def default_site():
    return Site.objects.get(is_default_site=True)


def test_the_site_is_named_after_migrate_and_the_dashboard_shows_it(client):
    assert default_site().site_name == "Hệ thống quản lý chất lượng"
    client.force_login(make_officer())
    html = client.get("/admin/").content.decode()
    assert "Hệ thống quản lý chất lượng" in html
    assert "localhost" not in html


@override_settings(WAGTAIL_SITE_NAME="UBND tỉnh X")
def test_the_name_is_configurable_and_an_admins_name_stays():
    Site.objects.filter(is_default_site=True).update(site_name="")
    organisation.site_name_fill()
    assert default_site().site_name == "UBND tỉnh X"
    Site.objects.filter(is_default_site=True).update(site_name="Named in the admin")
    organisation.site_name_fill()
    assert default_site().site_name == "Named in the admin"


@override_settings(DEBUG=True)
def test_seed_demo_names_the_site_after_the_organisation(monkeypatch):
    monkeypatch.setattr(demo, "seeders", lambda: [])
    from qms.core.management.commands import seed_demo

    monkeypatch.setattr(seed_demo, "call_command", lambda *a, **k: None)
    call_command("seed_demo")
    assert default_site().site_name == demo.ORGANISATION_NAME
    with override_settings(QMS_ORGANISATION_NAME="Sở Tư pháp tỉnh Y"):
        call_command("seed_demo")
    assert default_site().site_name == "Sở Tư pháp tỉnh Y"
