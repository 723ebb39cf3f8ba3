"""Satisfaction figures per procedure, unit and period (ISO 9001 9.1.2): count, mean, share satisfied, trend."""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from qms.feedback import forms as feedback_forms
from qms.feedback import selectors, services
from qms.feedback.models import SurveyQuestion, SurveyResponse
from tests import factories as f

pytestmark = pytest.mark.django_db


def _at(year, month, day=10):
    return timezone.make_aware(datetime.datetime(year, month, day, 10))


@pytest.fixture
def responses(db):
    unit, other = f.make_unit(code="VP"), f.make_unit(code="QLDL")
    for rating, when, where in [
        (5, _at(2026, 1), unit),
        (4, _at(2026, 1), unit),
        (2, _at(2026, 1), unit),
        (5, _at(2026, 2), unit),
        (3, _at(2026, 2), other),
        (1, _at(2025, 6), unit),  # outside the period below
    ]:
        services.survey_respond(rating=rating, unit=where, responded_at=when, channel="import")
    return {"unit": unit, "other": other}


def test_figures_count_mean_and_share_satisfied(responses):
    qs = selectors.survey_responses(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    figures = selectors.satisfaction_figures(qs)
    assert figures["count"] == 5
    assert figures["mean"] == 3.8
    assert figures["share_satisfied"] == 60.0  # 5, 4, 5 of five


def test_figures_per_unit_and_the_monthly_trend(responses):
    qs = selectors.survey_responses(
        unit=responses["unit"], start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31)
    )
    assert selectors.satisfaction_figures(qs)["count"] == 4
    trend = selectors.satisfaction_trend(qs)
    assert [(row["month"], row["count"], row["share_satisfied"]) for row in trend] == [
        (datetime.date(2026, 1, 1), 3, 66.7),
        (datetime.date(2026, 2, 1), 1, 100.0),
    ]
    by_unit = selectors.satisfaction_by(selectors.survey_responses(start=datetime.date(2026, 1, 1)), "unit")
    assert [(row["label"], row["count"]) for row in by_unit] == [("VP", 4), ("QLDL", 1)]


def test_the_indicator_objectives_read(responses):
    share = selectors.citizen_satisfaction_share(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 2, 28))
    assert share == 50.0
    assert selectors.citizen_satisfaction_share(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 1, 2)) is None


def test_the_figures_page_draws_the_trend_chart(responses):
    client = Client()
    client.force_login(f.make_staff())
    html = client.get("/feedback/satisfaction/?start=2026-01-01&end=2026-12-31").content.decode()
    assert "<svg" in html and "<polyline" in html and 'class="count">5<' in html


def test_a_rating_outside_1_to_5_is_refused():
    for rating in (0, 6, "x"):
        with pytest.raises(services.InvalidInput):
            services.survey_respond(rating=rating)
    assert not SurveyResponse.objects.exists()


def test_the_public_survey_with_a_configured_question(db):
    question = SurveyQuestion.objects.create(text="Có đúng hẹn không?")
    shown = signing.dumps(timezone.now().timestamp() - 60, salt=feedback_forms._SALT)
    client = Client()
    assert "Có đúng hẹn không?" in client.get("/feedback/survey/").content.decode()
    response = client.post(
        "/feedback/survey/", {"rating": "4", "comment": "Tốt", f"q_{question.pk}": "Có", "shown": shown, "website": ""}
    )
    assert response.status_code == 200
    saved = SurveyResponse.objects.get()
    assert (saved.rating, saved.comment, saved.answers) == (4, "Tốt", {str(question.pk): "Có"})


def test_the_survey_slip_of_a_procedure_carries_a_qr_code_of_its_address(client):
    import segno
    from wagtail.models import Page

    page = Page.objects.live().exclude(depth=1).first()
    response = client.get(f"/feedback/survey/{page.pk}/slip/")
    assert response.status_code == 200
    html = response.content.decode()
    url = f"http://testserver/feedback/survey/{page.pk}/"
    assert url in html
    # The drawn code is the one of this address (segno's rendering is deterministic), not of another page's.
    assert segno.make(url, error="m").svg_inline(scale=4) in html
    assert segno.make(f"http://testserver/feedback/survey/{page.pk + 1}/", error="m").svg_inline(scale=4) not in html
