"""The indicator chart (ISO 9001 9.1.3: results analysed): one point per measurement, against the target line."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from qms.objectives.chart import indicator_chart
from qms.objectives.selectors import objective_detail

from .conftest import approved, measure

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))


def chart_of(objective):
    (indicator,) = objective_detail(objective)
    return parse(indicator_chart(indicator, indicator.series))


@pytest.fixture
def measured(people):
    objective, indicator = approved(people["officer"], people["approver"], people["reporter"])
    for month, value in ((1, 92), (2, 80), (3, 86), (5, 95)):
        measure(indicator, month, value, people["reporter"])
    return objective, indicator


def test_one_point_per_measurement_and_the_target_and_warning_lines(measured):
    objective, _indicator = measured
    svg = chart_of(objective)
    points = svg.findall(f"{SVG}circle")
    assert [(p.get("data-period"), p.get("data-value"), p.get("data-met")) for p in points] == [
        ("2026-01-01", "92", "yes"),
        ("2026-02-01", "80", "no"),
        ("2026-03-01", "86", "no"),
        ("2026-05-01", "95", "yes"),
    ]
    assert [p.get("class") for p in points] == ["point met", "point missed", "point missed", "point met"]
    (target,) = svg.findall(f"{SVG}line[@class='target']")
    assert target.get("data-target") == "90" and target.get("y1") == target.get("y2")
    (warning,) = svg.findall(f"{SVG}line[@class='warning']")
    # Higher is better: the SVG's y grows downwards, so a miss is drawn below the target line, the warning
    # threshold (85) below the target too.
    y_target = float(target.get("y1"))
    assert float(warning.get("y1")) > y_target
    for point in points:
        assert (float(point.get("cy")) < y_target) is (point.get("data-met") == "yes")
    (line,) = svg.findall(f"{SVG}polyline")
    assert len(line.get("points").split()) == 4
    # A share reads on its whole scale.
    assert [t.text for t in svg.findall(f"{SVG}text[@class='tick']")] == ["0", "50", "100"]
    # A screen reader reads each point's period, value and verdict.
    assert "80 %" in points[1].find(f"{SVG}title").text


def test_without_measurements_the_chart_has_the_target_and_no_point(people):
    objective, _indicator = approved(people["officer"], people["approver"], people["reporter"])
    svg = chart_of(objective)
    assert svg.findall(f"{SVG}circle") == [] and svg.findall(f"{SVG}polyline") == []
    assert len(svg.findall(f"{SVG}line[@class='target']")) == 1


def test_the_objective_page_shows_the_chart(client, people, measured):
    objective, _indicator = measured
    client.force_login(people["staff_same_unit"])
    response = client.get(reverse("objectives:detail", args=[objective.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index("<svg")
    svg = parse(html[start : html.index("</svg>", start) + len("</svg>")])
    assert len(svg.findall(f"{SVG}circle")) == 4


def test_lower_is_better_draws_a_miss_above_the_target(people):
    objective, indicator = approved(
        people["officer"],
        people["approver"],
        people["reporter"],
        indicator={"unit_of_measure": "", "direction": "lower", "target": 2, "warning_threshold": 3},
    )
    measure(indicator, 1, 1, people["reporter"])
    measure(indicator, 2, 5, people["reporter"])
    svg = chart_of(objective)
    met, missed = svg.findall(f"{SVG}circle")
    y_target = float(svg.find(f"{SVG}line[@class='target']").get("y1"))
    assert met.get("data-met") == "yes" and float(met.get("cy")) > y_target
    assert missed.get("data-met") == "no" and float(missed.get("cy")) < y_target
