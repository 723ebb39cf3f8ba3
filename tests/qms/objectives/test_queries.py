"""The objectives table and an objective's page cost the same number of queries however many objectives,
indicators and measurements there are (3 against 13): nothing is read row by row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import approved, make_indicator, measure

pytestmark = pytest.mark.django_db


def objectives(people, count, start=0):
    made = []
    for n in range(start, start + count):
        objective, indicator = approved(
            people["officer"],
            people["approver"],
            people["reporter"],
            owner=people["owner"],
            unit=people["home"] if n % 2 else None,
            title=f"Mục tiêu {n}",
        )
        for month in (1, 2, 3):
            measure(indicator, month, 80 + month * 4, people["reporter"])
        made.append(objective)
    return made


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["officer", "staff_same_unit", "reporter"])
def test_the_table_costs_the_same_for_3_and_13_objectives(client, people, django_assert_num_queries, role):
    objectives(people, 3)
    client.force_login(people[role])
    url = reverse("objectives:list")
    client.get(url)  # warm what every page loads once (session, site, navigation)
    few = queries(client, url)
    objectives(people, 10, start=3)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.content.decode().count("data-objective=") == 13


@pytest.mark.parametrize("role", ["officer", "reporter"])
def test_an_objective_page_costs_the_same_for_3_and_13_indicators_with_measurements(
    client, people, django_assert_num_queries, role
):
    from qms.objectives import services

    def build(count):
        objective = services.objective_create(
            user=people["officer"], title=f"Trang {count}", year=2026, owner=people["owner"]
        )
        made = [
            make_indicator(objective, people["officer"], people["reporter"], name=f"Chỉ số {n}") for n in range(count)
        ]
        services.objective_approve(objective=objective, user=people["approver"])
        for indicator in made:
            for month in range(1, 4 if count == 3 else 12):
                measure(indicator, month, 70 + month * 3, people["reporter"])
        # A missed target raised, so the page links a nonconformity too.
        first = indicator.measurements.order_by("period_start").first()
        services.measurement_raise_nonconformity(measurement=first, user=people["reporter"])
        return objective

    small, large = build(3), build(13)
    client.force_login(people[role])
    client.get(reverse("objectives:detail", args=[small.pk]))
    few = queries(client, reverse("objectives:detail", args=[small.pk]))
    with django_assert_num_queries(few):
        response = client.get(reverse("objectives:detail", args=[large.pk]))
    assert response.content.decode().count("<circle") == 13 * 11
