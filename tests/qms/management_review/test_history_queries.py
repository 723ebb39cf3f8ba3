"""The officer's review screen costs the same however long the review's timeline is (issue 21).

ISO 9001 9.3.3 over 7.5.3: every decision of the review is a record of its own with its own history, shown on
the review's timeline with the sections'; a page that read each one's history in a query of its own would
grow with every decision.
"""

from django.urls import reverse

from qms.management_review import services
from qms.management_review.models import ManagementReview, ReviewDecision, ReviewSection
from tests.queries import assert_same_queries

from .conftest import plan

LIMIT = 30


def _records(review):
    return (
        ManagementReview.history.filter(id=review.pk).count()
        + ReviewDecision.history.filter(review_id=review.pk).count()
        + ReviewSection.history.filter(review_id=review.pk).count()
    )


def _review(people, records, **extra):
    """A review with its pack, then decisions (two at least) until its timeline has `records` history records."""
    officer = people["officer"]
    review = services.pack_prepare(review=plan(people, **extra), user=officer)
    n = 0
    while n < 2 or _records(review) < records:
        services.decision_record(
            review=review, user=officer, kind=ReviewDecision.Kind.IMPROVEMENT, text=f"Quyết định {n}"
        )
        n += 1
    return review


def test_the_review_screen_does_not_grow_with_the_history(client, people):
    small = _review(people, 10)
    large = _review(people, 200, title="Xem xét bổ sung")
    assert large.decisions.count() > 150
    client.force_login(people["officer"])
    urls = [reverse("management_review:detail", args=[review.pk]) for review in (small, large)]
    assert_same_queries(client, urls, limit=LIMIT)
