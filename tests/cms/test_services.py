"""Effective versions, withdrawal and reviews through the services (ISO 9001 7.5.2, 7.5.3)."""

import datetime

import pytest
from django.utils import timezone

from cms import services
from cms.errors import DocumentError, DocumentPermissionError
from cms.models import DocumentReview, DocumentVersion
from tests import factories
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db


def short(day):
    from django.utils import formats

    return formats.date_format(day, "SHORT_DATE_FORMAT")


def test_document_create_records_the_given_version():
    unit = factories.make_unit()
    owner = factories.make_staff(unit=unit)
    page = make_document("QT-07", unit=unit, owner=owner, revision_number=3, effective_date=datetime.date(2025, 3, 1))
    version = page.versions.get()
    assert (version.number, version.effective_date) == (3, datetime.date(2025, 3, 1))
    assert page.next_review_date == datetime.date(2026, 3, 1)
    assert page.live and page.get_parent().specific.unit == unit
    assert owner.groups.filter(name=services.owners_group_name(unit)).exists()


def test_identifier_is_unique_case_insensitively():
    make_document("QT-01")
    with pytest.raises(DocumentError):
        make_document("qt-01")


def test_workflow_approval_publishes_a_new_version_and_supersedes_the_previous():
    unit = factories.make_unit()
    officer = factories.make_officer(unit=unit)
    approver = factories.make_approver()
    page = make_document(unit=unit, user=officer)
    submitter = factories.make_officer(unit=unit)  # nobody reviews what they submitted (ISO 9001 5.3)
    services.document_submit(page=page, user=submitter, change_summary="Shorter time limit", changes={"title": "New"})
    page.refresh_from_db()
    assert page.title != "New"  # still under review: staff read the effective version
    services.document_task_approve(page=page, user=officer)
    with pytest.raises(DocumentPermissionError):
        services.document_task_approve(page=page, user=officer)  # officers do not approve
    services.document_task_approve(page=page, user=approver)
    page.refresh_from_db()
    assert page.title == "New"
    first, second = page.versions.order_by("number")
    assert second.number == 2 and second.change_summary == "Shorter time limit"
    assert (second.reviewed_by, second.approved_by) == (officer, approver)
    assert second.reviewed_at and second.approved_at and second.effective_date == timezone.localdate()
    assert first.superseded_by == second and first.superseded_at is not None
    assert second.superseded_at is None


def test_a_back_dated_history_is_superseded_on_each_successors_effective_date(client):
    """ISO 9001 7.5.3.2: the status of an old revision says when it stopped being in force, not when it was typed in."""
    unit = factories.make_unit()
    officer = factories.make_officer(unit=unit)
    page = make_document("QT-VH-34", unit=unit, user=officer, effective_date=datetime.date(2024, 1, 10))
    for day in (datetime.date(2025, 2, 3), datetime.date(2026, 4, 11)):
        services.document_publish_imported_revision(
            page=page, user=officer, reason="paper register", change_summary=f"From {day}", effective_date=day
        )
    first, second, third = page.versions.order_by("number")
    zone = timezone.get_default_timezone()
    assert first.superseded_at == datetime.datetime(2025, 2, 3, tzinfo=zone)
    assert second.superseded_at == datetime.datetime(2026, 4, 11, tzinfo=zone)
    assert timezone.localtime(second.superseded_at).date() == third.effective_date
    assert third.superseded_at is None
    client.force_login(factories.make_staff(unit=unit))
    page.refresh_from_db()
    history = client.get(page.url).content.decode()
    history = history[history.index('class="amendments"') :]
    assert f"{short(datetime.date(2025, 2, 3))}" in history and f"{short(datetime.date(2026, 4, 11))}" in history
    assert short(timezone.localdate()) not in history
    banner = client.get(f"{page.url}v/2/").content.decode()
    assert short(datetime.date(2026, 4, 11)) in banner.split('class="banner superseded"')[1].split("</p>")[0]


def test_a_revision_published_today_supersedes_the_previous_now():
    unit = factories.make_unit()
    officer = factories.make_officer(unit=unit)
    page = make_document(unit=unit, user=officer, effective_date=datetime.date(2024, 1, 10))
    before = timezone.now()
    services.document_publish_imported_revision(
        page=page, user=officer, reason="test", change_summary="Today", effective_date=None
    )
    first, second = page.versions.order_by("number")
    assert second.effective_date == timezone.localdate()
    assert before <= first.superseded_at <= timezone.now()
    assert first.superseded_by == second


def test_the_data_migration_dates_existing_supersessions_from_the_successor():
    from django.apps import apps

    migration = __import__("cms.migrations.0006_superseded_at_from_successor", fromlist=["x"])
    unit = factories.make_unit()
    officer = factories.make_officer(unit=unit)
    page = make_document(unit=unit, user=officer, effective_date=datetime.date(2024, 1, 10))
    services.document_publish_imported_revision(
        page=page, user=officer, reason="t", change_summary="Later", effective_date=datetime.date(2025, 6, 1)
    )
    first = page.versions.get(number=1)
    wrong = timezone.now()
    DocumentVersion.objects.filter(pk=first.pk).update(superseded_at=wrong)  # as recorded before the fix
    migration.superseded_at_from_successor(apps, None)
    first.refresh_from_db()
    assert first.superseded_at == datetime.datetime(2025, 6, 1, tzinfo=timezone.get_default_timezone())


def test_submit_needs_a_new_change_summary():
    unit = factories.make_unit()
    officer = factories.make_officer(unit=unit)
    page = make_document(unit=unit, user=officer, reason="First issue")
    with pytest.raises(DocumentError):
        services.document_submit(page=page, user=officer, change_summary=" ")
    with pytest.raises(DocumentError):
        services.document_submit(page=page, user=officer, change_summary="First issue")


def test_a_refused_submission_leaves_no_revision_behind(monkeypatch):
    """The revision and the workflow's start are one step: without a workflow to take it, nothing is saved
    (a lone draft would make the person a writer of the revision, barring them from approving it, 5.3)."""
    from cms.models import ProcessDocumentPage

    unit = factories.make_unit()
    officer = factories.make_officer(unit=unit)
    page = make_document(unit=unit, user=officer, reason="First issue")
    revisions = page.revisions.count()
    monkeypatch.setattr(ProcessDocumentPage, "get_workflow", lambda self: None)
    with pytest.raises(DocumentError):
        services.document_submit(page=page, user=officer, change_summary="Sửa bước 2")
    assert page.revisions.count() == revisions


def test_a_revision_is_started_only_as_its_writers_own_draft():
    unit = factories.make_unit()
    officer, other = factories.make_officer(unit=unit), factories.make_officer(unit=unit)
    page = make_document(unit=unit, user=officer, reason="First issue")
    draft = page.get_latest_revision_as_object()
    draft.title = "Bản nháp của người khác"
    draft.save_revision(user=other)
    revisions = page.revisions.count()
    with pytest.raises(DocumentError):  # someone else's draft
        services.document_start_revision(page=page, user=officer, change_summary="Theo quyết định XXLĐ")
    assert page.revisions.count() == revisions
    services.document_start_revision(page=page, user=other, change_summary="Theo quyết định XXLĐ")  # their own
    assert page.revisions.count() == revisions + 1

    locked = make_document(unit=unit, user=officer, reason="First issue")
    locked.locked, locked.locked_by = True, other
    locked.save(update_fields=["locked", "locked_by"])
    with pytest.raises(DocumentError):  # locked by someone else
        services.document_start_revision(page=locked, user=officer, change_summary="Theo quyết định XXLĐ")


def test_withdraw_keeps_the_document_and_marks_it():
    officer = factories.make_officer()
    page = make_document(user=officer)
    staff = factories.make_staff()
    with pytest.raises(DocumentPermissionError):
        services.document_withdraw(page=page, user=staff, reason="old")
    services.document_withdraw(page=page, user=officer, reason="Replaced by QT-09")
    page.refresh_from_db()
    assert page.live and page.withdrawn_at and page.withdrawn_reason == "Replaced by QT-09"
    with pytest.raises(DocumentError):
        services.document_withdraw(page=page, user=officer, reason="again")


def test_review_still_valid_sets_the_next_date_and_keeps_history():
    unit = factories.make_unit()
    owner = factories.make_staff(unit=unit)
    page = make_document(unit=unit, owner=owner, effective_date=datetime.date(2024, 1, 10))
    assert page.next_review_date == datetime.date(2025, 1, 10)
    services.document_review_record(page=page, outcome=DocumentReview.Outcome.STILL_VALID, comment="", user=owner)
    page.refresh_from_db()
    assert page.next_review_date == timezone.localdate().replace(year=timezone.localdate().year + 1)
    services.document_review_record(
        page=page, outcome=DocumentReview.Outcome.NEEDS_REVISION, comment="Decree 144 changed", user=owner
    )
    assert page.reviews.count() == 2
    with pytest.raises(DocumentPermissionError):  # only officers withdraw
        services.document_review_record(page=page, outcome=DocumentReview.Outcome.WITHDRAW, comment="x", user=owner)
    with pytest.raises(DocumentPermissionError):
        services.document_review_record(
            page=page, outcome=DocumentReview.Outcome.STILL_VALID, comment="", user=factories.make_staff()
        )


def test_review_withdraw_by_officer_withdraws():
    officer = factories.make_officer()
    page = make_document(user=officer)
    services.document_review_record(page=page, outcome="withdraw", comment="Procedure abolished", user=officer)
    page.refresh_from_db()
    assert page.withdrawn_at is not None and page.next_review_date is None


def test_register_fields_update_without_a_new_version():
    officer = factories.make_officer()
    page = make_document(user=officer, effective_date=datetime.date(2025, 1, 1))
    services.document_update_register_fields(
        page=page, user=officer, reason="register", review_interval_months=24, is_public=True
    )
    page.refresh_from_db()
    assert page.is_public and page.review_interval_months == 24
    assert page.next_review_date == datetime.date(2027, 1, 1)
    assert DocumentVersion.objects.filter(page=page).count() == 1


def test_a_review_is_named_by_its_local_day():
    page = make_document()
    review = services.document_review_record(page=page, outcome="valid", comment="", user=factories.make_officer())
    morning = datetime.datetime(2026, 4, 11, 6, 0, tzinfo=timezone.get_default_timezone())  # 10 April in UTC
    review.reviewed_at = morning
    assert short(datetime.date(2026, 4, 11)) in str(review)
