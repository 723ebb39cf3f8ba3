"""A feedback's site page and admin inspect view cost the same however long its history is (issue 21).

ISO 9001 9.1.2 over 7.5.3: an answer can go back and forth between the handler and the approver many times;
each round is on the record, and the page that shows the record must not grow with them.
"""

import pytest
from django.urls import reverse

from qms.feedback import services
from tests.queries import assert_same_queries

from .conftest import assigned

pytestmark = pytest.mark.django_db

LIMIT = 30


def _feedback(cast, records):
    """Assigned feedback whose answer is submitted and returned until it has `records` history records."""
    people = cast["people"]
    feedback = assigned(officer=people["officer"], handler=people["handler"], unit=cast["home"])
    n = 0
    while feedback.history.count() < records:
        feedback = services.feedback_answer(feedback=feedback, user=people["handler"], answer=f"Trả lời lần {n}")
        feedback = services.feedback_return_answer(feedback=feedback, user=people["approver"], reason=f"Bổ sung {n}")
        n += 1
    return feedback


@pytest.mark.parametrize("page", ["site", "admin"])
def test_feedback_pages_do_not_grow_with_the_history(client, cast, page):
    small, large = _feedback(cast, 10), _feedback(cast, 200)
    client.force_login(cast["people"]["officer"])
    if page == "site":
        urls = [feedback.get_absolute_url() for feedback in (small, large)]
    else:
        urls = [reverse("feedback_admin:inspect", args=[feedback.pk]) for feedback in (small, large)]
    assert_same_queries(client, urls, limit=LIMIT)
