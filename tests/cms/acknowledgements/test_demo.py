import pytest

from cms.acknowledgements import demo
from cms.acknowledgements.models import Acknowledgement, Distribution
from tests import factories

from .conftest import make_document

pytestmark = pytest.mark.django_db


class Out:
    def __init__(self):
        self.lines = []

    def write(self, line):
        self.lines.append(line)


def test_demo_distributes_current_revisions_leaves_some_pending_and_is_idempotent(unit, officer):
    people = [factories.make_staff(unit=unit, username=f"demo{i}") for i in range(6)]
    pages = [make_document(unit=unit, user=officer, versions=2, distribute=False)[0] for _ in range(4)]
    demo.seed(Out())
    counts = (Distribution.objects.count(), Acknowledgement.objects.count())
    assert counts[0] == len(pages)
    assert 0 < counts[1] < len(pages) * len(people)
    assert all(v.number == 2 for v in {d.version for d in Distribution.objects.all()})
    demo.seed(Out())
    assert (Distribution.objects.count(), Acknowledgement.objects.count()) == counts
