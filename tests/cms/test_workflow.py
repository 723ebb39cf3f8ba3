"""The approval workflow end to end through the admin (ISO 9001 7.5.2 c: review and approval before issue)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState

from cms.models import DocumentReview, DocumentVersion, ProcessDocumentPage
from tests import factories
from tests.cms.admin_forms import edit_form_data
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    unit = factories.make_unit()
    return {
        "unit": unit,
        "owner": factories.make_staff(unit=unit),
        "officer": factories.make_officer(),
        "approver": factories.make_approver(),
    }


def _edit(client, page, **kwargs):
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form_data(page, **kwargs))


def _act(client, page, action):
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    task_state = page.current_workflow_state.current_task_state
    return client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]), {})


def test_a_revision_cannot_be_submitted_without_a_change_summary(client, people):
    page = make_document(unit=people["unit"], owner=people["owner"], user=people["officer"])
    client.force_login(people["owner"])
    response = _edit(client, page, action="action-submit", change_summary="")
    assert response.status_code == 200 and "change_summary" in response.context["form"].errors
    assert not WorkflowState.objects.for_instance(page).exists()
    # Saving a draft needs no summary.
    assert _edit(client, page, title="Draft only").status_code == 302


def test_owner_drafts_officer_reviews_approver_approves(client, people):
    page = make_document(unit=people["unit"], owner=people["owner"], user=people["officer"], title="Old")
    client.force_login(people["owner"])
    _edit(client, page, action="action-submit", title="New", change_summary="Thêm bước tiếp nhận trực tuyến")
    page.refresh_from_db()
    assert page.workflow_in_progress and page.title == "Old"
    client.force_login(people["officer"])
    _act(client, page, "approve")
    client.force_login(people["approver"])
    _act(client, page, "approve")
    page.refresh_from_db()
    assert page.title == "New"
    version = page.versions.get(number=2)
    assert version.reviewed_by == people["officer"] and version.approved_by == people["approver"]
    assert version.change_summary == "Thêm bước tiếp nhận trực tuyến"
    assert version.revision_id == page.live_revision_id


def test_a_revision_in_review_cannot_be_changed_behind_the_reviewers(client, people):
    """Wagtail locks a page in a workflow for everyone but the current step's reviewers, and
    WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT makes any edit go through the steps again."""
    page = make_document(unit=people["unit"], owner=people["owner"], user=people["officer"])
    client.force_login(people["owner"])
    _edit(client, page, action="action-submit", change_summary="First change")
    client.force_login(people["officer"])
    _act(client, page, "approve")
    client.force_login(people["owner"])
    _edit(client, page, title="Edited during approval", change_summary="First change, corrected")
    client.force_login(people["officer"])
    _edit(client, page, title="Edited during approval", change_summary="First change, corrected")
    client.force_login(people["approver"])
    _act(client, page, "approve")
    page.refresh_from_db()
    assert page.title != "Edited during approval" and page.versions.count() == 2
    assert page.versions.get(number=2).change_summary == "First change"


def test_rejection_publishes_nothing(client, people):
    page = make_document(unit=people["unit"], owner=people["owner"], user=people["officer"], title="Kept")
    client.force_login(people["owner"])
    _edit(client, page, action="action-submit", title="Rejected", change_summary="Proposal")
    client.force_login(people["officer"])
    _act(client, page, "reject")
    page.refresh_from_db()
    assert page.title == "Kept" and page.versions.count() == 1


def test_a_scheduled_revision_becomes_effective_on_its_date(people):
    import time

    from cms import services

    page = make_document(unit=people["unit"], owner=people["owner"], user=people["officer"])
    go_live = timezone.now() + datetime.timedelta(seconds=2)
    services.document_submit(
        page=page,
        user=people["owner"],
        change_summary="From the go-live date",
        changes={"title": "Scheduled", "go_live_at": go_live},
    )
    services.document_task_approve(page=page, user=people["officer"])
    services.document_task_approve(page=page, user=people["approver"])
    page.refresh_from_db()
    assert page.title != "Scheduled" and page.versions.count() == 1  # approved, not yet effective
    time.sleep(max(0.0, (go_live - timezone.now()).total_seconds()) + 0.2)
    call_command("publish_scheduled")
    page.refresh_from_db()
    version = page.versions.get(number=2)
    assert page.title == "Scheduled"
    assert version.effective_date == timezone.localdate(go_live)
    # The previous revision stopped being in force at the go-live time, not when the job ran.
    assert page.versions.get(number=1).superseded_at == page.go_live_at
    assert version.approved_by == people["approver"] and version.reviewed_by == people["officer"]


def test_versions_and_reviews_have_no_edit_or_delete_path(client, people):
    page = make_document(unit=people["unit"], owner=people["owner"], user=people["officer"])
    factories.make_staff()
    from cms import services

    review = services.document_review_record(page=page, outcome="valid", comment="", user=people["officer"])
    version = page.versions.get()
    admin = factories.make_user(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    for prefix, obj in (("cms_versions", version), ("cms_reviews", review)):
        assert client.get(reverse(f"{prefix}:index")).status_code == 200
        assert client.get(reverse(f"{prefix}:inspect", args=[obj.pk])).status_code == 200
        for name in ("edit", "delete"):
            response = client.get(reverse(f"{prefix}:{name}", args=[obj.pk]))
            assert response.status_code in (302, 403), (prefix, name, response.status_code)
            response = client.post(reverse(f"{prefix}:{name}", args=[obj.pk]), {"change_summary": "x"})
            assert response.status_code in (302, 403)
        assert client.get(reverse(f"{prefix}:add")).status_code in (302, 403)
    assert DocumentVersion.objects.get(pk=version.pk).change_summary == version.change_summary
    assert DocumentReview.objects.filter(pk=review.pk).exists()
    # No role holds a change or delete permission on them: they have none to give.
    from django.contrib.auth.models import Permission

    codenames = set(Permission.objects.filter(content_type__app_label="cms").values_list("codename", flat=True))
    assert not codenames & {"change_documentversion", "delete_documentversion", "add_documentversion"}
    assert not codenames & {"change_documentreview", "delete_documentreview", "add_documentreview"}
    # A page with versions cannot be deleted: the evidence is protected.
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        ProcessDocumentPage.objects.get(pk=page.pk).delete()
