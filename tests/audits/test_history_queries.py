"""The audit workspace and the programme page cost the same however long the audit's history is (issue 21).

ISO 9001 7.5.3: the trail is read often and only grows; a page that made a query per history record
(its many-to-many snapshots, every related record it names) would get slower with every change.
"""

import pytest

from audits import services
from qms.core.models import IsoClause
from tests import factories as f
from tests.audits import builders as b
from tests.queries import assert_same_queries

LIMIT = 30


def _grow(audit, *, officer, changes):
    """`changes` plan changes through the service, each touching the scope, the documents, the clauses and the team."""
    units = [f.make_unit() for _n in range(2)]
    documents = [b.make_process_document(unit=units[0]) for _n in range(2)]
    team = [f.make_auditor(unit=f.make_unit()) for _n in range(2)]
    clauses = list(IsoClause.objects.filter(number__in=["8.2", "8.5", "9.1"]))
    base = list(audit.scope_units.all())
    for n in range(changes):
        odd = n % 2
        services.audit_update(
            audit=audit,
            user=officer,
            reason=f"Thay đổi {n}",
            title=f"Đánh giá lần {n}",
            units=base + units[: 1 + odd],
            documents=documents[odd:],
            clauses=clauses[odd:],
            team=team[: 1 + odd],
        )


@pytest.mark.parametrize("page", ["workspace", "programme"])
def test_page_queries_do_not_grow_with_the_audit_history(client, programme, officer, auditor, audited_unit, page):
    other = b.make_programme(year=2027, user=officer)
    small = b.make_audit(programme=programme, lead=auditor, units=[audited_unit], user=officer)
    large = b.make_audit(programme=other, lead=auditor, units=[audited_unit], user=officer)
    _grow(small, officer=officer, changes=10)  # one history entry per change, its many-to-many fields included
    _grow(large, officer=officer, changes=200)
    assert 10 <= small.history.count() and large.history.count() >= 200
    client.force_login(auditor)
    if page == "workspace":
        urls = [f"/audits/{small.pk}/", f"/audits/{large.pk}/"]
    else:  # the programme page lists its audits (one each here), never their history
        urls = [f"/audits/programmes/{programme.pk}/", f"/audits/programmes/{other.pk}/"]
    assert_same_queries(client, urls, limit=LIMIT)
