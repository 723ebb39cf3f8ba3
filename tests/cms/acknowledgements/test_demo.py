import pytest

from cms.acknowledgements import demo
from cms.acknowledgements.models import Acknowledgement, Distribution
from tests import factories

from .conftest import make_distributed_document

pytestmark = pytest.mark.django_db


class Out:
    def __init__(self):
        self.lines = []

    def write(self, line):
        self.lines.append(line)


def test_demo_distributes_current_revisions_leaves_some_pending_and_is_idempotent(unit, officer, monkeypatch):
    from cms import demo as documents_demo
    from cms.models import DocumentVersion

    people = [factories.make_staff(unit=unit, username=f"demo{i}") for i in range(6)]
    pages = [make_distributed_document(unit=unit, user=officer, versions=2, distribute=False)[0] for _ in range(4)]
    # As if the document seeder of the same run had recorded them.
    seeded = set(DocumentVersion.objects.values_list("pk", flat=True))
    monkeypatch.setattr(documents_demo, "_seeded_version_ids", seeded)
    demo.seed(Out())
    counts = (Distribution.objects.count(), Acknowledgement.objects.count())
    assert counts[0] == len(pages)
    assert 0 < counts[1] < len(pages) * len(people)
    assert all(v.number == 2 for v in {d.version for d in Distribution.objects.all()})
    demo.seed(Out())
    assert (Distribution.objects.count(), Acknowledgement.objects.count()) == counts


def test_a_second_seed_never_acknowledges_a_revision_published_since(monkeypatch):
    """Acknowledgements are human acts that can never be deleted: the demo records them only for
    the revisions it created itself, never for one an officer published after the first run."""
    import io

    from cms import demo as documents_demo
    from cms.models import ProcessDocumentPage
    from qms.core.demo import seed_core
    from qms.core.models import User
    from tests.cms.builders import revise

    subjects = {code: (prefix, owner, names[:1]) for code, (prefix, owner, names) in documents_demo.SUBJECTS.items()}
    monkeypatch.setattr(documents_demo, "SUBJECTS", subjects)
    seed_core(io.StringIO())
    documents_demo.seed(io.StringIO())
    demo.seed(Out())
    assert Acknowledgement.objects.exists()
    officer, approver = User.objects.get(username="officer"), User.objects.get(username="approver")
    new_versions = []
    pages = [page for page in ProcessDocumentPage.objects.filter(unit__code="QLVH") if not page.workflow_in_progress]
    for page in pages[:4]:
        page = revise(page, officer=officer, approver=approver, summary="Sửa đổi sau lần chạy demo đầu tiên")
        new_versions.append(page.versions.order_by("-number").first())

    documents_demo.seed(io.StringIO())  # the next `seed_demo`
    demo.seed(Out())

    assert not Acknowledgement.objects.filter(version__in=new_versions).exists()
    assert Distribution.objects.filter(version__in=new_versions).count() == len(new_versions)  # still distributed
