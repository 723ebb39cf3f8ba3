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
