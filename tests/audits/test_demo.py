"""The demo audits: last year's programme completed, this year's in progress; seeding twice changes nothing."""

import io

from audits import demo
from audits.models import Audit, AuditProgramme, Finding
from qms.core import demo as core_demo


def test_demo_is_complete_and_idempotent(db):
    core_demo.seed_core(io.StringIO())
    from qms.core.models import OrganisationUnit
    from tests.audits.builders import make_process_document
    from tests.audits.test_checklist import _fill_document

    document = make_process_document(unit=OrganisationUnit.objects.get(code="QLVH"), identifier="QT-VH-01")
    _fill_document(document)
    demo.seed(io.StringIO())
    first = Audit.objects.order_by("reference").first()
    assert list(first.scope_documents.all()) == [document]
    assert first.checklist.filter(source="document_step").count() == 2
    counts = (AuditProgramme.objects.count(), Audit.objects.count(), Finding.objects.count())
    demo.seed(io.StringIO())
    assert (AuditProgramme.objects.count(), Audit.objects.count(), Finding.objects.count()) == counts
    last, this = AuditProgramme.objects.order_by("year")
    assert last.status == AuditProgramme.Status.COMPLETED and last.approved_by is not None
    assert this.status == AuditProgramme.Status.APPROVED
    assert set(this.audits.values_list("status", flat=True)) == {"closed", "in_progress", "planned"}
    assert not last.audits.exclude(status="closed").exists()
    # Every nonconformity finding of a closed audit has its nonconformity.
    assert not Finding.objects.filter(
        audit__status="closed", classification__in=Finding.NONCONFORMITIES, nonconformity__isnull=True
    ).exists()
    assert Finding.objects.exclude(verification="").exists()  # the follow-up verified last year's findings
    assert Audit.objects.filter(checklist__result="conforming").exists()


def test_demo_past_events_carry_past_dates_and_a_consistent_history(db):
    """QA saw last year's audits closed "today" and this year's programme approved "today 08:11"."""
    import datetime

    from django.utils import timezone

    core_demo.seed_core(io.StringIO())
    demo.seed(io.StringIO())
    today = timezone.localdate()
    last, this = AuditProgramme.objects.order_by("year")
    for programme in (last, this):
        approved = timezone.localtime(programme.approved_at).date()
        assert approved == datetime.date(programme.year - 1, 12, 15)
        record = programme.history.filter(status=AuditProgramme.Status.APPROVED).order_by("history_date").first()
        assert record.history_date == programme.approved_at and record.approved_at == programme.approved_at
    for audit in Audit.objects.filter(programme=last):
        closed = timezone.localtime(audit.closed_at).date()
        assert closed == audit.actual_end + datetime.timedelta(days=7) and closed < today
        statuses = list(audit.history.order_by("history_date", "history_id").values_list("status", flat=True))
        changes = [status for i, status in enumerate(statuses) if i == 0 or status != statuses[i - 1]]
        assert changes == ["planned", "preparing", "in_progress", "reporting", "closed"]
        newest = audit.history.order_by("-history_date").first()
        assert newest.history_date == audit.closed_at and newest.closed_at == audit.closed_at
        assert all(timezone.localtime(f.recorded_at).date() < today for f in audit.findings.all())
        # Planned when the programme was drawn up, before it was approved.
        planned = audit.history.order_by("history_date").first().history_date
        assert planned < last.approved_at < audit.opening_meeting_at
