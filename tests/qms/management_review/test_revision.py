"""A decision that changes a procedure starts its revision (ISO 9001 9.3.3 b, 7.5.2): a draft whose change
summary cites the decision, submitted later through the approval workflow like any revision; once per
decision, on the record, and refused where the document cannot take one."""

import pytest
from django.urls import reverse

from cms import services as cms_services
from cms.errors import DocumentError, DocumentPermissionError
from cms.models import ProcessDocumentPage
from qms.management_review import services
from tests import factories as f
from tests.cms.builders import make_document


@pytest.fixture
def decided(people, review):
    review = services.pack_prepare(review=review, user=people["officer"])
    decision = services.decision_record(
        review=review, user=people["officer"], kind="change", text="Rút ngắn thời hạn giải quyết còn 5 ngày."
    )
    return review, decision


def test_the_decision_starts_a_draft_that_cites_it(people, decided):
    review, decision = decided
    doc = make_document("QT-MR-01", unit=people["unit"])
    revisions = doc.revisions.count()
    revision = services.decision_start_revision(decision=decision, user=people["officer"], document=doc)
    doc = ProcessDocumentPage.objects.get(pk=doc.pk)
    assert doc.revisions.count() == revisions + 1 and doc.latest_revision == revision
    assert revision.user == people["officer"] and not doc.workflow_in_progress  # a draft, to finish and submit
    draft = revision.as_object()
    assert decision.reference in draft.change_summary and decision.text in draft.change_summary
    assert doc.live_revision != revision  # the version in force is unchanged until approval
    decision.refresh_from_db()
    assert decision.document == doc
    entry = decision.history.latest()
    assert entry.history_user == people["officer"] and entry.history_change_reason
    # Once per decision.
    with pytest.raises(services.ReviewError):
        services.decision_start_revision(decision=decision, user=people["officer"], document=doc)
    assert doc.revisions.count() == revisions + 1


def test_a_document_in_review_or_not_editable_is_refused_and_nothing_is_recorded(people, decided):
    _review, decision = decided
    doc = make_document("QT-MR-02", unit=people["unit"])
    author = f.make_officer(unit=people["unit"])
    cms_services.document_submit(page=doc, user=author, change_summary="Sửa biểu mẫu")
    revisions = doc.revisions.count()
    with pytest.raises(DocumentError):
        services.decision_start_revision(decision=decision, user=people["officer"], document=doc)
    other = make_document("QT-MR-03", unit=people["unit"])
    with pytest.raises(services.NotPermitted):  # the chair (an approver) does not manage the review
        services.decision_start_revision(decision=decision, user=people["chair"], document=other)
    with pytest.raises(DocumentPermissionError):  # and the document's side asks for its own permission
        cms_services.document_start_revision(page=other, user=people["staff"], change_summary="Theo quyết định")
    decision.refresh_from_db()
    assert decision.document is None and doc.revisions.count() == revisions
    assert other.revisions.count() == 1


def test_who_started_the_revision_does_not_approve_it(people, decided):
    """The starter wrote the draft: reviewing or approving it is for someone else (ISO 9001 5.3, 7.5.2 c)."""
    _review, decision = decided
    doc = make_document("QT-MR-05", unit=people["unit"])
    officer = people["officer"]
    services.decision_start_revision(decision=decision, user=officer, document=doc)
    cms_services.document_submit(page=doc, user=officer, change_summary=f"{decision.reference}: rút ngắn thời hạn")
    with pytest.raises(DocumentError):
        cms_services.document_task_approve(page=doc, user=officer)
    reviewer = f.make_officer(unit=people["unit"])
    cms_services.document_task_approve(page=doc, user=reviewer)  # the review step, by another officer


def test_the_officer_starts_it_from_the_review_screen(client, people, decided):
    review, decision = decided
    doc = make_document("QT-MR-04", unit=people["unit"], title="Cấp phép biểu diễn")
    client.force_login(people["officer"])
    screen = client.get(reverse("management_review:detail", args=[review.pk])).content.decode()
    assert 'class="start-revision"' in screen and "QT-MR-04" in screen
    response = client.post(
        reverse("management_review:act", args=[review.pk, "start-revision"]),
        {"decision": decision.pk, "document": doc.pk},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.document_id == doc.pk
    screen = client.get(reverse("management_review:detail", args=[review.pk])).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[doc.pk]) in screen
