"""Query counts of a page as its record's history grows (issue 21: a trail only grows, so a page that reads it
must cost the same with 10 entries as with 200)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(client, url):
    """The SQL statements of one GET of `url`, which must answer 200."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def assert_same_queries(client, urls, *, limit):
    """The pages of `urls` (a small and a large history) cost the same number of queries, at most `limit`.

    The first URL is read once before counting: per-process caches (site settings, clauses, admin menus)
    are filled then, not inside the figures."""
    queries_of(client, urls[0])
    counts = [queries_of(client, url) for url in urls]
    assert counts[0] == counts[1], counts
    assert counts[1] <= limit, counts
