import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from qms.core import roles
from qms.core.models import OrganisationUnit, User

pytestmark = pytest.mark.django_db


def counts():
    return (OrganisationUnit.objects.count(), User.objects.count())


@override_settings(DEBUG=True)
def test_seed_demo_is_idempotent_and_has_the_demo_logins(client):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first[0] >= 6
    for username, role in [
        ("officer", roles.QUALITY_OFFICERS),
        ("approver", roles.APPROVERS),
        ("auditor", roles.AUDITORS),
        ("staff", roles.STAFF),
    ]:
        user = User.objects.get(username=username)
        assert user.in_group(role)
        assert user.unit is not None
    # django-axes needs the request in authenticate(): log in through the real form.
    response = client.post("/accounts/login/", {"username": "staff", "password": "demo-qms-2026"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    staff = User.objects.get(username="staff")
    assert staff.manager is not None and staff.manager.unit == staff.unit


@override_settings(DEBUG=False)
def test_seed_demo_refused_without_debug():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
