"""One publication service (cms.publishing.document_publish) for the three paths that make a revision effective,
and follow-up steps whose failure the quality officers see and retry (ISO 9001 7.5.2 c, 7.5.3).

Each path (the workflow's end, the register import, scheduled go-live) must give the same evidence: a
version record with its signatures, the previous version superseded, the new one distributed to its
readers. The beat path with a real Celery worker is tests/cms/test_scheduled_publishing.py.
"""

import datetime
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cms import publishing, services
from cms.acknowledgements import services as acknowledgement_services
from cms.acknowledgements.models import Distribution
from cms.errors import DocumentPermissionError
from cms.models import ProcessDocumentPage, PublicationFollowUp
from cms.reminders import PUBLICATION_FOLLOW_UP, publication_follow_ups_failed
from qms.core import roles
from qms.core.records import start_of_local_day
from qms.reminders.models import Delivery
from qms.reminders.services import reminders_sweep
from qms.spreadsheets.imports import get_importer, run_import
from tests import factories
from tests.cms.builders import make_document, revise
from tests.qms.spreadsheets.xlsx import xlsx

pytestmark = pytest.mark.django_db

IMPORT_HEADINGS = [
    "Identifier",
    "Title",
    "Unit code",
    "Process owner (username)",
    "Review interval (months)",
    "Current revision",
    "Effective date",
    "Public",
]


@pytest.fixture
def world():
    unit = factories.make_unit(code="VP")
    other = factories.make_unit(code="KT")
    return {
        "unit": unit,
        "other": other,
        "officer": factories.make_officer(unit=unit),
        "approver": factories.make_approver(),
        "reader": factories.make_staff(unit=unit),
    }


def assert_published_as_revision_2(page, world, *, reviewed_by, approved_by):
    """The evidence every path leaves: the record, the supersession, the distribution, the follow-up done."""
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    first, second = page.versions.get(number=1), page.versions.get(number=2)
    assert page.live_revision_id == second.revision_id
    assert (second.reviewed_by, second.approved_by) == (reviewed_by, approved_by)
    assert second.superseded_at is None and first.superseded_by == second and first.superseded_at is not None
    assert page.next_review_date == second.effective_date + _months(page)
    # Distributed to the owning unit and to every unit that had revision 1 (7.5.3.1 a).
    assert set(Distribution.objects.filter(version=second).values_list("unit", flat=True)) == {
        world["unit"].pk,
        world["other"].pk,
    }
    follow_up = PublicationFollowUp.objects.get(version=second)
    assert (follow_up.step, follow_up.status, follow_up.attempts) == ("distribution", "done", 1)
    return second


def _months(page):
    from dateutil.relativedelta import relativedelta

    return relativedelta(months=page.review_interval_months)


def distributed_document(world):
    page = make_document(unit=world["unit"], user=world["officer"], identifier="QT-07")
    acknowledgement_services.version_distribute(
        version=page.versions.get(), units=[world["other"]], user=world["officer"]
    )
    return page


def test_the_workflow_end_publishes_through_the_service(world, django_capture_on_commit_callbacks):
    page = distributed_document(world)
    with django_capture_on_commit_callbacks(execute=True):
        revise(page, officer=world["officer"], approver=world["approver"], summary="Bước 3 rút ngắn")
    version = assert_published_as_revision_2(page, world, reviewed_by=world["officer"], approved_by=world["approver"])
    assert version.published_by == world["approver"]


def test_the_register_import_publishes_through_the_service(world, django_capture_on_commit_callbacks):
    page = distributed_document(world)
    signed = datetime.date(2026, 11, 2)
    data = xlsx([("QT-07", page.title, "VP", "", 12, 2, signed, "Không")], headings=IMPORT_HEADINGS)
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(get_importer("documents"), data, user=world["officer"], filename="so.xlsx", commit=True)
    assert result.committed, [str(problem) for problem in result.problems]
    version = assert_published_as_revision_2(page, world, reviewed_by=None, approved_by=None)
    assert version.effective_date == signed and version.published_by == world["officer"]
    # Back-dated: revision 1 stopped being in force at the start of revision 2's effective day.
    assert page.versions.get(number=1).superseded_at == start_of_local_day(signed)


def test_scheduled_go_live_publishes_through_the_service(world, django_capture_on_commit_callbacks):
    page = distributed_document(world)
    go_live = timezone.now() + datetime.timedelta(seconds=2)
    with django_capture_on_commit_callbacks(execute=True):
        revise(
            page,
            officer=world["officer"],
            approver=world["approver"],
            summary="Từ ngày hiệu lực",
            changes={"go_live_at": go_live},
        )
    assert page.versions.count() == 1 and PublicationFollowUp.objects.count() == 1  # approved, only scheduled
    time.sleep(max(0.0, (go_live - timezone.now()).total_seconds()) + 0.2)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")  # what beat's task runs: this app's command, wrapping Wagtail's
    version = assert_published_as_revision_2(page, world, reviewed_by=world["officer"], approved_by=world["approver"])
    assert version.effective_date == timezone.localdate(go_live)
    assert page.versions.get(number=1).superseded_at == ProcessDocumentPage.objects.get(pk=page.pk).go_live_at


def break_distribution(monkeypatch):
    def fail(*, version):
        raise ConnectionError("mail relay down")

    monkeypatch.setattr(acknowledgement_services, "version_distribute_default", fail)


def test_a_failed_distribution_is_shown_to_the_officers_and_retried(
    world, client, monkeypatch, django_capture_on_commit_callbacks
):
    page = distributed_document(world)
    break_distribution(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        revise(page, officer=world["officer"], approver=world["approver"], summary="Bước 3 rút ngắn")
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    version = page.versions.get(number=2)
    # The publication stands; its distribution did not happen, and that is on record.
    assert version.is_current and not Distribution.objects.filter(version=version).exists()
    follow_up = PublicationFollowUp.objects.get(version=version)
    assert follow_up.status == "failed" and "mail relay down" in follow_up.error
    assert follow_up.published_by == world["approver"]

    # The approver who published and every quality officer are reminded of it, today.
    items = list(publication_follow_ups_failed.items(until=timezone.localdate()))
    assert [(item.object_id, item.due_date) for item in items] == [(follow_up.pk, timezone.localdate())]
    assert items[0].recipient_ids[0] == world["approver"].pk and world["officer"].pk in items[0].recipient_ids
    assert list(publication_follow_ups_failed.items(until=timezone.localdate(), user=world["reader"])) == []
    reminders_sweep(as_of=timezone.localdate())
    assert set(Delivery.objects.filter(kind=PUBLICATION_FOLLOW_UP).values_list("recipient", flat=True)) >= {
        world["approver"].pk,
        world["officer"].pk,
    }

    # The officer sees it in the admin; a reader may not, nor retry it.
    client.force_login(world["reader"])
    assert client.get(reverse("cms_follow_ups")).status_code in (302, 403)
    assert client.post(reverse("cms_follow_up_retry", args=[follow_up.pk])).status_code in (302, 403)
    client.force_login(world["approver"])  # in the admin, but not a quality officer
    assert client.get(reverse("cms_follow_ups")).status_code == 302  # Wagtail's answer to PermissionDenied
    assert client.post(reverse("cms_follow_up_retry", args=[follow_up.pk])).status_code == 302
    with pytest.raises(DocumentPermissionError):
        publishing.publication_follow_up_retry(follow_up=follow_up, user=world["reader"])
    client.force_login(world["officer"])
    listing = client.get(reverse("cms_follow_ups"))
    assert listing.status_code == 200 and "mail relay down" in listing.content.decode()

    assert PublicationFollowUp.objects.get(pk=follow_up.pk).attempts == 1  # nobody else's retry ran
    # Retried while the cause is still there: the attempt is recorded and the officer told why.
    response = client.post(reverse("cms_follow_up_retry", args=[follow_up.pk]), follow=True)
    assert "mail relay down" in response.content.decode()
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.attempts) == ("failed", 2)

    monkeypatch.undo()
    client.post(reverse("cms_follow_up_retry", args=[follow_up.pk]))
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.attempts) == ("done", 3)
    assert follow_up.history.first().history_user == world["officer"]
    assert set(Distribution.objects.filter(version=version).values_list("unit", flat=True)) == {
        world["unit"].pk,
        world["other"].pk,
    }
    assert list(publication_follow_ups_failed.items(until=timezone.localdate())) == []


def test_a_follow_up_that_never_ran_is_shown_once_a_step_would_have_finished(world, django_capture_on_commit_callbacks):
    page = distributed_document(world)
    with django_capture_on_commit_callbacks(execute=False):  # the process dies between the commit and the step
        revise(page, officer=world["officer"], approver=world["approver"], summary="Bước 3 rút ngắn")
    follow_up = PublicationFollowUp.objects.get(version__page=page, version__number=2)
    assert follow_up.status == "pending"
    assert list(publication_follow_ups_failed.items(until=timezone.localdate())) == []
    PublicationFollowUp.objects.filter(pk=follow_up.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert [item.object_id for item in publication_follow_ups_failed.items(until=timezone.localdate())] == [
        follow_up.pk
    ]
    publishing.publication_follow_up_retry(follow_up=follow_up, user=world["officer"])
    assert PublicationFollowUp.objects.get(pk=follow_up.pk).status == "done"
    assert Distribution.objects.filter(version=follow_up.version).count() == 2


def test_publishing_twice_records_one_version(world, django_capture_on_commit_callbacks):
    page = make_document(unit=world["unit"], user=world["officer"])
    revision = page.live_revision
    with django_capture_on_commit_callbacks(execute=True):
        again = publishing.document_publish(revision=revision, user=world["officer"])
    assert again == page.versions.get() and PublicationFollowUp.objects.filter(version=again).count() == 1


def test_separation_of_duties_still_holds_at_the_workflow_end(world):
    page = make_document(unit=world["unit"], user=world["officer"])
    writer = factories.make_user(roles.QUALITY_OFFICERS, roles.APPROVERS)
    services.document_submit(page=page, user=writer, change_summary="Tự phê duyệt?")
    services.document_task_approve(page=page, user=world["officer"])
    with pytest.raises(DocumentPermissionError):
        services.document_task_approve(page=page, user=writer)
    assert page.versions.count() == 1


def test_an_administrator_cannot_publish_a_document_around_the_workflow(client, world):
    """The editor's Publish would make a revision effective with no version record: refused for a superuser too."""
    from django.contrib.auth import get_user_model

    from tests.cms.admin_forms import edit_form_data

    page = make_document(unit=world["unit"], user=world["officer"])
    admin = get_user_model().objects.create_superuser("root", "root@example.test", "pw-root-1")
    client.force_login(admin)
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert 'name="action-publish"' not in editor
    data = edit_form_data(page, action="action-publish", title="Published around", change_summary="bypass")
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    assert page.title != "Published around" and page.versions.count() == 1
