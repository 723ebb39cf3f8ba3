"""The role groups' rights belong to the product (qms.core.roles): read-only in the admin, refused if posted."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from qms.core import roles
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(is_superuser=True, language="en"))
    return client


def codes(group):
    return set(group.permissions.values_list("codename", flat=True))


def test_a_role_groups_permissions_are_shown_read_only_with_a_note(admin_client):
    group = Group.objects.get(name=roles.QUALITY_OFFICERS)
    response = admin_client.get(reverse("wagtailusers_groups:edit", args=[group.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<fieldset disabled>" in html
    assert "set by the product" in html and "another group" in html


def test_a_posted_change_to_a_role_group_is_refused(admin_client):
    group = Group.objects.get(name=roles.STAFF)
    before = codes(group)
    extra = Permission.objects.get(codename="delete_user")
    response = admin_client.post(
        reverse("wagtailusers_groups:edit", args=[group.pk]),
        {"name": "Everyone", "permissions": [str(extra.pk)]},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == roles.STAFF and codes(group) == before


def test_a_role_group_cannot_be_deleted(admin_client):
    group = Group.objects.get(name=roles.AUDITORS)
    admin_client.post(reverse("wagtailusers_groups:delete", args=[group.pk]))
    assert Group.objects.filter(pk=group.pk).exists()


def test_other_groups_stay_editable(admin_client):
    group = Group.objects.create(name="Extra rights")
    response = admin_client.get(reverse("wagtailusers_groups:edit", args=[group.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "<fieldset disabled>" not in html
