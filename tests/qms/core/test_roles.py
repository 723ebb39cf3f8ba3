import pytest
from django.contrib.auth.models import Group
from django.test import override_settings

from qms.core import roles
from tests import factories

pytestmark = pytest.mark.django_db


def test_role_groups_exist_with_their_permissions():
    assert set(Group.objects.filter(name__in=roles.ALL_ROLES).values_list("name", flat=True)) == set(roles.ALL_ROLES)
    officers = Group.objects.get(name=roles.QUALITY_OFFICERS)
    codes = {f"{p.content_type.app_label}.{p.codename}" for p in officers.permissions.select_related("content_type")}
    assert {"wagtailadmin.access_admin", "core.change_organisationunit"} <= codes
    staff = Group.objects.get(name=roles.STAFF)
    assert not staff.permissions.filter(codename="access_admin").exists()


def test_wagtail_default_publishing_groups_are_removed():
    # They could publish a controlled document around the approval workflow.
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()


def test_sync_is_idempotent():
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    roles.sync_role_permissions()
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after


@pytest.mark.parametrize(
    "maker, admin",
    [
        (factories.make_staff, False),
        (factories.make_approver, False),
        (factories.make_officer, True),
        (factories.make_auditor, True),
    ],
)
def test_landing_place_by_role(client, maker, admin):
    user = maker()
    response = client.post("/accounts/login/", {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == ("/admin/" if admin else "/")


@pytest.mark.parametrize("maker, status", [(factories.make_staff, 302), (factories.make_officer, 200)])
def test_only_admin_roles_reach_the_admin(client, maker, status):
    client.force_login(maker())
    assert client.get("/admin/").status_code == status


def test_demo_account_refused_when_debug_off(client):
    user = factories.make_staff(is_demo=True)
    with override_settings(DEBUG=False):
        response = client.post("/accounts/login/", {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 200  # form redisplayed with an error
    assert "_auth_user_id" not in client.session
    with override_settings(DEBUG=True):
        response = client.post("/accounts/login/", {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302
