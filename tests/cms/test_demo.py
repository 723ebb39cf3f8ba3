"""The demo seeder goes through the real services and is idempotent (a trimmed list keeps it fast)."""

import io
import zipfile

import pytest
from django.utils import timezone
from wagtail.models import TaskState, WorkflowState

from cms import demo
from cms.models import DocumentForm, DocumentVersion, ProcessDocumentPage
from qms.core.demo import seed_core
from tests import factories

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_with_genuine_versions(monkeypatch):
    subjects = {code: (prefix, owner, names[:2]) for code, (prefix, owner, names) in demo.SUBJECTS.items()}
    monkeypatch.setattr(demo, "SUBJECTS", subjects)
    seed_core(io.StringIO())
    demo.seed(io.StringIO())
    count = ProcessDocumentPage.objects.count()
    versions = DocumentVersion.objects.count()
    assert count == len(demo._documents()) > 10
    demo.seed(io.StringIO())
    assert ProcessDocumentPage.objects.count() == count
    assert DocumentVersion.objects.count() == versions
    per_document = [page.versions.count() for page in ProcessDocumentPage.objects.all()]
    assert min(per_document) >= 1 and max(per_document) <= 6
    # Every page shows its newest version; exactly one current version each.
    for page in ProcessDocumentPage.objects.all():
        assert page.versions.filter(superseded_at__isnull=True).count() == 1
    assert ProcessDocumentPage.objects.filter(next_review_date__lt=timezone.localdate()).exists()
    assert DocumentVersion.objects.filter(approved_by__username="approver").exists()
    # Nobody in the demo reviews or approves a revision they submitted (ISO 9001 5.3).
    states = WorkflowState.objects.all()
    assert states.exists()
    for state in states:
        deciders = set(state.task_states.filter(status=TaskState.STATUS_APPROVED).values_list("finished_by", flat=True))
        assert state.requested_by_id not in deciders


def test_demo_procedures_carry_real_forms_public_and_internal(client, monkeypatch):
    """The forms are real .docx files; the rule `cms.read_form_file` shows on them."""
    subjects = {code: (prefix, owner, names[:1]) for code, (prefix, owner, names) in demo.SUBJECTS.items()}
    monkeypatch.setattr(demo, "SUBJECTS", subjects)
    seed_core(io.StringIO())
    demo.seed(io.StringIO())
    public = DocumentForm.objects.filter(page__is_public=True, document__isnull=False).first()
    internal_only = (
        DocumentForm.objects.filter(page__is_public=False, document__isnull=False)
        .exclude(document__in=DocumentForm.objects.filter(page__is_public=True).values("document"))
        .first()
    )
    public_files = DocumentForm.objects.filter(page__is_public=True).values("document")
    shared = DocumentForm.objects.filter(page__is_public=False, document__in=public_files).first()
    assert public and internal_only and shared
    assert client.get(shared.document.url).status_code == 200  # shared with a public procedure: public
    for form in (public, internal_only):
        with form.document.file.open("rb") as handle, zipfile.ZipFile(handle) as package:
            assert zipfile.ZipFile.testzip(package) is None
            assert form.title.upper() in package.read("word/document.xml").decode()
    assert client.get(public.document.url).status_code == 200
    response = client.get(internal_only.document.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(factories.make_staff())  # demo accounts cannot log in with DEBUG off
    assert client.get(internal_only.document.url).status_code == 200
