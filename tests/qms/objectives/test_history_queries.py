"""An objective's site page and admin inspect view cost the same however long its history is (issue 21).

ISO 9001 6.2 over 7.5.3: a draft objective is edited many times before it is approved (its owner, its title,
the documents it serves, a many-to-many field with its own history); the trail only grows.
"""

import pytest
from django.urls import reverse

from qms.objectives import services
from tests.cms.builders import make_document
from tests.queries import assert_same_queries

from .conftest import make_indicator, make_objective

pytestmark = pytest.mark.django_db

LIMIT = 30


def _objective(people, documents, records):
    """A draft objective with an indicator, edited (title, owner, documents) until it has `records` records."""
    officer = people["officer"]
    objective = make_objective(officer, owner=people["owner"], title=f"Mục tiêu {records}")
    make_indicator(objective, officer, people["reporter"])
    owners = [people["owner"], people["staff_same_unit"]]
    n = 0
    while objective.history.count() < records:
        odd = n % 2
        objective = services.objective_update(
            objective=objective,
            user=officer,
            reason=f"Sửa lần {n}",
            title=f"Mục tiêu {records} lần {n}",
            owner=owners[odd],
            documents=documents[odd:],
        )
        n += 1
    return objective


@pytest.mark.parametrize("page", ["site", "admin"])
def test_objective_pages_do_not_grow_with_the_history(client, people, page):
    documents = [make_document(f"QT-M{n}", unit=people["home"]) for n in range(2)]
    small, large = _objective(people, documents, 10), _objective(people, documents, 200)
    client.force_login(people["officer"])
    if page == "site":
        urls = [reverse("objectives:detail", args=[objective.pk]) for objective in (small, large)]
    else:
        urls = [reverse("objectives_admin:inspect", args=[objective.pk]) for objective in (small, large)]
    assert_same_queries(client, urls, limit=LIMIT)
