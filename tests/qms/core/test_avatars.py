"""The admin sends nothing about people to a third party (no Gravatar image per person)."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_admin_loads_no_gravatar(client):
    client.force_login(factories.make_officer())
    html = client.get("/admin/").content.decode()
    assert "gravatar.com" not in html
