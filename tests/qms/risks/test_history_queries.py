"""A risk's site page and admin inspect view cost the same however long its history is (issue 21).

ISO 9001 6.1.2 b over 7.5.3: every periodic review is a record of its own with its own history, shown on the
risk's timeline; a page that read each review's history in a query of its own would grow with every review.
"""

import pytest
from django.urls import reverse

from qms.core.timeline import Timeline, timeline
from qms.risks import services
from qms.risks.models import RiskReview
from tests.queries import assert_same_queries

from .builders import make_risk

pytestmark = pytest.mark.django_db

LIMIT = 30


def _risk(records):
    """An accepted risk reviewed until it has `records` history records (each review adds one, and a review)."""
    risk = make_risk(likelihood=2, impact=2)
    services.risk_plan_treatment(risk=risk, user=risk.owner, treatment="accept", justification="Mức thấp")
    n = 0
    while risk.history.count() < records:
        services.risk_review(
            risk=risk,
            user=risk.owner,
            residual_likelihood=1 + n % 2,
            residual_impact=2,
            effectiveness=RiskReview.Effectiveness.NOT_APPLICABLE,
            reason=f"Rà soát lần {n}",
        )
        n += 1
    return risk


@pytest.mark.parametrize("page", ["site", "admin"])
def test_risk_pages_do_not_grow_with_the_history(client, page):
    small, large = _risk(10), _risk(200)
    assert large.reviews.count() > 90
    client.force_login(small.owner)
    small.owner.is_superuser = True  # reads both risks, on the site and in the admin
    small.owner.save()
    if page == "site":
        urls = [reverse("risks:detail", args=[risk.pk]) for risk in (small, large)]
    else:
        urls = [reverse("risks_admin:inspect", args=[risk.pk]) for risk in (small, large)]
    assert_same_queries(client, urls, limit=LIMIT)


def test_the_related_records_read_together_give_the_entries_read_one_by_one():
    risk = _risk(12)
    reviews = list(risk.reviews.all())
    assert len(reviews) > 3
    one_by_one = Timeline().add_record(risk)
    for review in reviews:
        one_by_one.add_record(review, subject=f"{review._meta.verbose_name}: {review}")
    expected = one_by_one.entries()
    assert [vars(entry) for entry in timeline(risk, related=reviews)] == [vars(entry) for entry in expected]
    assert sum(bool(entry.subject) for entry in expected) == len(reviews)
