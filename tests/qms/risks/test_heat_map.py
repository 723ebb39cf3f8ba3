"""The heat map counts the open risks per cell and links each to the filtered list; the list's query count
stays the same however many risks there are (ISO 9001 6.1.2)."""

import pytest
from django.urls import reverse

from qms.risks import selectors, services

from .builders import make_risk

pytestmark = pytest.mark.django_db


def _cell(rows, likelihood, impact):
    return next(cell for row in rows for cell in row if (cell.likelihood, cell.impact) == (likelihood, impact))


def test_counts_per_cell_open_only_and_bands():
    officer = make_risk(likelihood=1, impact=1).owner
    make_risk(user=officer, likelihood=4, impact=5)
    make_risk(user=officer, likelihood=4, impact=5, kind="opportunity")
    closed = make_risk(user=officer, likelihood=4, impact=5)
    services.risk_close(risk=closed, user=officer, reason="Đã hết")
    make_risk(user=officer)  # not rated: not on the map
    rows = selectors.heat_map(officer)
    assert len(rows) == 5 and [cell.impact for cell in rows[0]] == [1, 2, 3, 4, 5]
    assert rows[0][0].likelihood == 5 and rows[-1][0].likelihood == 1
    assert _cell(rows, 4, 5).count == 2 and _cell(rows, 4, 5).band == "high"
    assert _cell(rows, 1, 1).count == 1 and _cell(rows, 1, 1).band == "low"
    assert sum(cell.count for row in rows for cell in row) == 3
    assert _cell(selectors.heat_map(officer, {"kind": "opportunity"}), 4, 5).count == 1
    assert selectors.unrated_count(officer) == 1


def test_the_page_links_each_cell_to_its_risks(client):
    risk = make_risk(likelihood=3, impact=2)
    other = make_risk(user=risk.owner, likelihood=2, impact=3)
    client.force_login(risk.owner)
    page = client.get(reverse("risks:heat_map")).content.decode()
    link = reverse("risks:list") + "?likelihood=3&amp;impact=2"
    assert link in page
    listed = client.get(reverse("risks:list"), {"likelihood": 3, "impact": 2}).content.decode()
    assert risk.reference in listed and other.reference not in listed
    high = client.get(reverse("risks:list"), {"band": "high"}).content.decode()
    assert risk.reference not in high


def test_the_list_costs_the_same_queries_for_3_or_13_risks(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = make_risk(likelihood=2, impact=2).owner
    for n in range(2):
        make_risk(user=officer, likelihood=1 + n, impact=3)
    client.force_login(officer)
    client.get(reverse("risks:list"))  # the session and the person's groups, read once
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("risks:list"))
    assert response.content.decode().count('data-risk="') == 3
    for n in range(10):
        make_risk(user=officer, likelihood=1 + n % 5, impact=1 + (n * 2) % 5)
    with django_assert_num_queries(len(three.captured_queries)):
        response = client.get(reverse("risks:list"))
    assert response.content.decode().count('data-risk="') == 13
