"""Role x view matrix for the read-and-understood views (staff acknowledge for themselves only)."""

import pytest
from django.urls import reverse

from tests import factories

from .conftest import make_distributed_document

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "owner", "other_owner", "approver", "auditor", "officer"]
# Admin views: Wagtail sends people without admin access to the login page (302);
# people in the admin who may not see this document get a 403.
EXPECTED = {
    "index": {
        "anonymous": 302,
        "staff": 302,
        "owner": 200,
        "other_owner": 200,
        "approver": 200,
        "auditor": 200,
        "officer": 200,
    },
    "document": {
        "anonymous": 302,
        "staff": 302,
        "owner": 302,
        "other_owner": 403,
        "approver": 403,
        "auditor": 302,
        "officer": 302,
    },
    "version": {
        "anonymous": 302,
        "staff": 302,
        "owner": 200,
        "other_owner": 403,
        "approver": 403,
        "auditor": 200,
        "officer": 200,
    },
    "export": {
        "anonymous": 302,
        "staff": 302,
        "owner": 200,
        "other_owner": 403,
        "approver": 403,
        "auditor": 200,
        "officer": 200,
    },
    "distribute": {
        "anonymous": 302,
        "staff": 302,
        "owner": 200,
        "other_owner": 403,
        "approver": 403,
        "auditor": 403,
        "officer": 200,
    },
}


@pytest.fixture
def world(unit, officer):
    owner = factories.make_staff(unit=unit)
    page, version = make_distributed_document(unit=unit, owner=owner, user=officer)
    other_unit = factories.make_unit()
    other_owner = factories.make_staff(unit=other_unit)
    make_distributed_document(unit=other_unit, owner=other_owner, user=officer)
    people = {
        "anonymous": None,
        "staff": factories.make_staff(unit=unit),
        "owner": owner,
        "other_owner": other_owner,
        "approver": factories.make_approver(unit=unit),
        "auditor": factories.make_auditor(unit=other_unit),
        "officer": officer,
    }
    urls = {
        "index": reverse("acknowledgements_admin:index"),
        "document": reverse("acknowledgements_admin:document", args=[page.pk]),
        "version": reverse("acknowledgements_admin:version", args=[version.pk]),
        "export": reverse("acknowledgements_admin:export", args=[version.pk]),
        "distribute": reverse("acknowledgements_admin:distribute", args=[version.pk]),
    }
    return people, urls, version


@pytest.mark.parametrize("view", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, world, role, view):
    people, urls, _version = world
    if people[role] is not None:
        client.force_login(people[role])
    response = client.get(urls[view])
    assert response.status_code == EXPECTED[view][role], (role, view)
    if role in ("anonymous", "staff"):
        assert "/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_distribute_post_matrix(client, world, role, unit):
    people, urls, version = world
    if people[role] is not None:
        client.force_login(people[role])
    response = client.post(urls["distribute"], {"units": [unit.pk]})
    allowed = EXPECTED["distribute"][role] == 200
    assert response.status_code == (302 if allowed else EXPECTED["distribute"][role])
    assert version.distributions.filter(distributed_by__isnull=False).count() == 1  # the one from the set-up
    if allowed:
        assert response["Location"] == urls["version"]


def test_owner_index_lists_only_their_units_documents(client, world):
    people, _urls, version = world
    client.force_login(people["other_owner"])
    assert version.page.identifier not in client.get(reverse("acknowledgements_admin:index")).content.decode()
    client.force_login(people["owner"])
    assert version.page.identifier in client.get(reverse("acknowledgements_admin:index")).content.decode()
