"""Who may grant which role (ISO 9001 5.3), through the real admin views and the people import.

The attack this guards against: a quality officer POSTing Wagtail's user edit form with
is_superuser, a new password or the Approvers group, for someone else or themselves.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from qms.core import people, roles
from qms.core.models import User
from tests.factories import PASSWORD, make_approver, make_auditor, make_officer, make_staff, make_unit, make_user

pytestmark = pytest.mark.django_db

ACTORS = {
    "administrator": lambda: make_user(is_superuser=True),
    "officer": make_officer,
    "approver": make_approver,
    "auditor": make_auditor,
    "staff": make_staff,
    "anonymous": lambda: None,
}


def group_ids(*names):
    return [str(pk) for pk in Group.objects.filter(name__in=names).values_list("pk", flat=True)]


def edit_data(person, **overrides):
    data = {
        "username": person.username,
        "first_name": person.first_name or "Given",
        "last_name": person.last_name or "Family",
        "email": person.email,
        "is_active": "on",
        "language": person.language,
        "digest_frequency": person.digest_frequency,
        "groups": group_ids(*person.groups.values_list("name", flat=True)),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def login(client, actor):
    if actor is not None:
        client.force_login(actor)


def state(person):
    person = User.objects.get(pk=person.pk)
    return (person.is_superuser, person.password, set(person.groups.values_list("name", flat=True)), person.email)


ATTACKS = {
    "superuser flag": lambda target: {"is_superuser": "on"},
    "password": lambda target: {"password1": "N3w-secret-pass!", "password2": "N3w-secret-pass!"},
    "approvers group": lambda target: {"groups": group_ids(roles.STAFF, roles.APPROVERS)},
    "officers group": lambda target: {"groups": group_ids(roles.STAFF, roles.QUALITY_OFFICERS)},
}


@pytest.mark.parametrize("actor_name", [name for name in ACTORS if name != "administrator"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_only_an_administrator_grants_privileges_to_another(client, actor_name, attack):
    actor = ACTORS[actor_name]()
    target = make_staff(first_name="Mai", last_name="Hoàng Thị")
    before = state(target)
    login(client, actor)
    client.post(reverse("wagtailusers_users:edit", args=[target.pk]), edit_data(target, **ATTACKS[attack](target)))
    assert state(target) == before


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_administrator_grants_them(client, attack):
    client.force_login(make_user(is_superuser=True))
    target = make_staff(first_name="Mai", last_name="Hoàng Thị")
    before = state(target)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[target.pk]), edit_data(target, **ATTACKS[attack](target))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert state(target) != before


@pytest.mark.parametrize("actor_name", ["administrator", "officer"])
def test_nobody_changes_their_own_groups(client, actor_name):
    actor = ACTORS[actor_name]()
    actor.first_name, actor.last_name = "Minh", "Lê Quang"
    actor.save()
    before = state(actor)
    client.force_login(actor)
    extra = group_ids(roles.STAFF, roles.QUALITY_OFFICERS, roles.APPROVERS, roles.AUDITORS)
    client.post(reverse("wagtailusers_users:edit", args=[actor.pk]), edit_data(actor, groups=extra))
    assert state(actor)[2] == before[2]


def test_officer_manages_names_unit_staff_and_auditors(client):
    officer = make_officer()
    unit = make_unit()
    target = make_staff(first_name="Mai", last_name="Hoàng Thị")
    client.force_login(officer)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[target.pk]),
        edit_data(target, first_name="Lan", unit=str(unit.pk), groups=group_ids(roles.STAFF, roles.AUDITORS)),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.first_name == "Lan" and target.unit == unit
    assert set(target.groups.values_list("name", flat=True)) == {roles.STAFF, roles.AUDITORS}
    entry = target.history.latest()
    assert entry.history_user == officer
    assert "Auditors" in entry.history_change_reason


def test_officer_keeps_roles_only_an_administrator_grants(client):
    """Untick-proof: the Approvers role an officer is not offered stays when they save the form."""
    target = make_approver(first_name="Lan", last_name="Trần Thị")
    client.force_login(make_officer())
    response = client.post(
        reverse("wagtailusers_users:edit", args=[target.pk]), edit_data(target, groups=group_ids(roles.STAFF))
    )
    assert response.status_code == 302
    assert set(target.groups.values_list("name", flat=True)) == {roles.STAFF, roles.APPROVERS}


def test_officer_may_not_take_over_an_approvers_account(client):
    target = make_approver(first_name="Lan", last_name="Trần Thị")
    client.force_login(make_officer())
    client.post(reverse("wagtailusers_users:edit", args=[target.pk]), edit_data(target, email="evil@example.test"))
    target.refresh_from_db()
    assert target.email != "evil@example.test"


def test_officer_edit_form_offers_only_what_they_may_change(client):
    target = make_staff(first_name="Mai", last_name="Hoàng Thị")
    client.force_login(make_officer())
    form = client.get(reverse("wagtailusers_users:edit", args=[target.pk])).context["form"]
    assert "is_superuser" not in form.fields and "password1" not in form.fields
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {roles.STAFF, roles.AUDITORS}


def create_data(username, *group_names, **extra):
    return {
        "username": username,
        "first_name": "An",
        "last_name": "Nguyễn Văn",
        "email": f"{username}@example.test",
        "password1": extra.pop("password", ""),
        "password2": extra.pop("password2", extra.get("password1", "")),
        "language": "vi",
        "digest_frequency": "daily",
        "groups": group_ids(*group_names),
        **extra,
    }


@pytest.mark.parametrize(
    "actor_name, group_names, created",
    [
        ("officer", (roles.STAFF, roles.AUDITORS), True),
        ("officer", (roles.STAFF, roles.APPROVERS), False),
        ("officer", (roles.QUALITY_OFFICERS,), False),
        ("approver", (roles.STAFF,), False),
        ("auditor", (roles.STAFF,), False),
        ("staff", (roles.STAFF,), False),
        ("anonymous", (roles.STAFF,), False),
        ("administrator", (roles.QUALITY_OFFICERS, roles.APPROVERS), True),
    ],
)
def test_create_a_person_with_roles(client, actor_name, group_names, created):
    actor = ACTORS[actor_name]()
    login(client, actor)
    data = create_data("nv.an", *group_names)
    if actor_name == "administrator":
        data["password1"] = data["password2"] = "An-strong-pass-2026"
    client.post(reverse("wagtailusers_users:add"), data)
    person = User.objects.filter(username="nv.an").first()
    assert (person is not None) == created
    if created:
        assert set(person.groups.values_list("name", flat=True)) == set(group_names)


def test_officer_creates_a_person_without_a_password(client):
    client.force_login(make_officer())
    data = create_data("nv.an", roles.STAFF)
    data["password1"] = data["password2"] = "An-strong-pass-2026"
    client.post(reverse("wagtailusers_users:add"), data)
    person = User.objects.get(username="nv.an")
    assert not person.has_usable_password(), "an officer's form has no password: the person asks for one"


def test_officer_cannot_make_an_administrator(client):
    client.force_login(make_officer())
    client.post(reverse("wagtailusers_users:add"), create_data("nv.an", roles.STAFF, is_superuser="on"))
    assert not User.objects.filter(username="nv.an", is_superuser=True).exists()


def test_the_service_refuses_whatever_the_entry_point():
    officer, target = make_officer(), make_staff()
    target.is_superuser = True
    with pytest.raises(people.PersonChangeRefused):
        people.person_save(actor=officer, person=target)
    target.is_superuser = False
    with pytest.raises(people.PersonChangeRefused):
        people.person_save(actor=officer, person=target, groups=Group.objects.filter(name=roles.APPROVERS))
    with pytest.raises(people.PersonChangeRefused):
        people.person_save(actor=officer, person=officer, groups=Group.objects.filter(name=roles.AUDITORS))
    target.set_password("Other-pass-2026")
    with pytest.raises(people.PersonChangeRefused):
        people.person_save(actor=officer, person=target)
    assert User.objects.get(pk=target.pk).check_password(PASSWORD)


def test_roles_and_active_flag_are_on_the_record_and_readable_in_the_admin(client):
    admin = make_user(is_superuser=True, first_name="Quản", last_name="Trị")
    target = make_staff(first_name="Mai", last_name="Hoàng Thị")
    client.force_login(admin)
    client.post(
        reverse("wagtailusers_users:edit", args=[target.pk]),
        edit_data(target, groups=group_ids(roles.STAFF, roles.APPROVERS), is_active=None),
    )
    target.refresh_from_db()
    assert not target.is_active
    entry = target.history.latest()
    assert entry.history_user == admin
    assert {row.group.name for row in entry.groups.all()} == {roles.STAFF, roles.APPROVERS}
    previous = entry.prev_record
    assert {row.group.name for row in previous.groups.all()} == {roles.STAFF}
    page = client.get(reverse("wagtailusers_users:history", args=[target.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Approvers" in text and "Quản" in text


# --- the people import obeys the same rule ---


def run_people_import(user, rows):
    from qms.spreadsheets.imports import get_importer, run_import
    from tests.qms.spreadsheets.xlsx import PEOPLE_HEADINGS, xlsx

    return run_import(
        get_importer("people"), xlsx(rows, headings=PEOPLE_HEADINGS), user=user, filename="f.xlsx", commit=True
    )


@pytest.mark.parametrize(
    "actor_name, role_cell, allowed",
    [
        ("officer", "Staff, Auditors", True),
        ("officer", "Approvers", False),
        ("officer", "Quality officers", False),
        ("administrator", "Approvers, Quality officers", True),
    ],
)
def test_the_import_sets_roles_by_the_same_rule(actor_name, role_cell, allowed):
    actor = ACTORS[actor_name]()
    target = make_staff(username="nv.an")
    result = run_people_import(actor, [("nv.an", "Nguyễn Văn An", "an@example.vn", "", role_cell, "")])
    assert result.committed == allowed, [str(p) for p in result.problems]
    names = set(target.groups.values_list("name", flat=True))
    assert (names != {roles.STAFF}) == allowed


def test_the_import_does_not_change_the_importers_own_roles():
    officer = make_officer(username="officer")
    result = run_people_import(officer, [("officer", "Lê Quang Minh", officer.email, "", "Staff, Auditors", "")])
    assert not result.committed
    assert set(officer.groups.values_list("name", flat=True)) == {roles.STAFF, roles.QUALITY_OFFICERS}


# --- Wagtail's bulk actions on the users list go through the same rule ---


def bulk_url(action, *people_):
    url = reverse("wagtail_bulk_action", args=["core", "user", action]) + "?"
    return url + "&".join(f"id={person.pk}" for person in people_)


@pytest.mark.parametrize("role", [roles.APPROVERS, roles.QUALITY_OFFICERS])
def test_officer_cannot_bulk_assign_a_privileged_role(client, role):
    officer, target = make_officer(), make_staff()
    client.force_login(officer)
    own_roles = set(officer.groups.values_list("name", flat=True))
    client.post(bulk_url("assign_role", officer, target), {"role": Group.objects.get(name=role).pk})
    assert set(officer.groups.values_list("name", flat=True)) == own_roles
    assert not target.groups.filter(name=role).exists()


def test_bulk_assign_of_a_role_an_officer_may_grant_is_recorded(client):
    officer, target = make_officer(), make_staff()
    client.force_login(officer)
    client.post(bulk_url("assign_role", target), {"role": Group.objects.get(name=roles.AUDITORS).pk})
    assert target.groups.filter(name=roles.AUDITORS).exists()
    assert target.history.latest().history_user == officer


def test_bulk_deactivation_is_recorded_and_spares_administrators(client):
    officer, target, admin = make_officer(), make_staff(), make_user(is_superuser=True)
    client.force_login(officer)
    client.post(bulk_url("set_active_state", target, admin), {"mark_as_active": "False"})
    target.refresh_from_db()
    admin.refresh_from_db()
    assert not target.is_active and admin.is_active
    entry = target.history.latest()
    assert entry.history_user == officer and entry.is_active is False


def test_a_person_is_not_copied_with_their_roles(client):
    client.force_login(make_officer())
    approver = make_approver()
    assert client.get(f"/admin/users/copy/{approver.pk}/").status_code == 404


def test_a_form_without_an_actor_offers_nothing_privileged():
    from qms.core.forms import QmsUserEditForm

    form = QmsUserEditForm(instance=make_staff())
    assert not {"is_superuser", "password1", "groups"} & set(form.fields)


def test_the_edit_page_names_the_roles_an_officer_cannot_change(client):
    target = make_approver(first_name="Lan", last_name="Trần Thị")
    client.force_login(make_officer(language="en"))
    html = client.get(reverse("wagtailusers_users:edit", args=[target.pk])).content.decode()
    assert "Roles you cannot change here: Approvers" in html


def test_the_import_names_the_refused_column():
    target = make_approver(username="nv.an")
    result = run_people_import(make_officer(), [("nv.an", "Nguyễn Văn An", "evil@example.vn", "", "", "")])
    assert not result.committed
    assert User.objects.get(pk=target.pk).email != "evil@example.vn"
    assert [problem.column for problem in result.problems] == ["E-mail"]
