import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from qms.core import roles
from qms.core.models import OrganisationUnit, User
from tests import factories

pytestmark = pytest.mark.django_db


def test_officer_sets_a_persons_unit_manager_and_language(client):
    unit = factories.make_unit(code="QLDL")
    manager = factories.make_staff(unit=unit)
    person = factories.make_staff(username="nga")
    admin = factories.make_user(is_superuser=True)
    client.force_login(admin)
    edit_url = reverse("wagtailusers_users:edit", args=[person.pk])
    page = client.get(edit_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="unit"' in html and 'name="digest_frequency"' in html
    response = client.post(
        edit_url,
        {
            "username": "nga",
            "email": "nga@example.test",
            "first_name": "Nga",
            "last_name": "Phan",
            "is_active": "on",
            "unit": unit.pk,
            "manager": manager.pk,
            "job_title": "Chuyên viên",
            "language": "en",
            "digest_frequency": "weekly",
            "groups": [Group.objects.get(name=roles.STAFF).pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.unit, person.manager, person.language, person.digest_frequency) == (unit, manager, "en", "weekly")
    # the change is on the record, with who made it
    latest = person.history.first()
    assert latest.history_user == admin and latest.unit_id == unit.pk


@pytest.mark.parametrize(
    "maker, listing, add",
    [
        (factories.make_officer, 200, 200),
        (factories.make_auditor, 200, 302),
        (factories.make_approver, 302, 302),
        (factories.make_staff, 302, 302),
    ],
)
def test_unit_admin_permission_matrix(client, maker, listing, add):
    client.force_login(maker())
    assert client.get("/admin/organisationunit/").status_code == listing
    assert client.get("/admin/organisationunit/new/").status_code == add


def test_officer_creates_a_unit_with_history(client):
    officer = factories.make_officer()
    client.force_login(officer)
    response = client.post("/admin/organisationunit/new/", {"code": "TT2", "name": "Trung tâm", "is_active": "on"})
    assert response.status_code == 302
    unit = OrganisationUnit.objects.get(code="TT2")
    assert unit.history.first().history_user == officer


def test_clause_catalogue_is_read_only_for_officers(client):
    client.force_login(factories.make_officer())
    assert client.get("/admin/isoclause/").status_code == 200
    assert client.get("/admin/isoclause/new/").status_code == 302  # no add permission: redirected away


def test_user_history_never_records_passwords():
    user = factories.make_staff()
    fields = {f.name for f in User.history.model._meta.get_fields()}
    assert "password" not in fields and user.history.exists()


def test_a_units_history_is_the_kits_timeline(client):
    """Wagtail's history page of a unit sends the reader to its record, where the unit's own history is: who
    renamed it, from what to what."""
    officer = factories.make_officer()
    unit = factories.make_unit(code="QLDS", name="Phòng Di sản")
    client.force_login(officer)
    edit = client.post(
        reverse("organisationunit:edit", args=[unit.pk]),
        {"code": "QLDS", "name": "Phòng Quản lý Di sản", "is_active": "on"},
    )
    assert edit.status_code == 302, edit.content.decode()[:2000]
    inspect = reverse("organisationunit:inspect", args=[unit.pk])
    assert client.get(reverse("organisationunit:history", args=[unit.pk])).url == inspect
    newest = client.get(inspect).context["timeline"][0]
    assert newest.user == officer
    assert [(change.old, change.new) for change in newest.changes] == [("Phòng Di sản", "Phòng Quản lý Di sản")]
