"""The checklist of a process in scope states its administrative procedures' one-stop figures (issue #19): the
dossiers resolved on time in the twelve months before the audit, and asks how the late ones were handled
(ISO 9001 9.1.1 monitoring, 8.7 a service that missed its time limit)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits import services
from audits.models import ChecklistItem
from qms.procedures import performance
from qms.procedures.models import AdministrativeProcedure
from tests.audits import builders as b
from tests.qms.procedures.conftest import make_procedure

START = datetime.date(2026, 3, 1)  # the builders' audits start then: the twelve months are 03/2025–02/2026


def figures(procedure, officer, month, on_time, late):
    performance.performance_record(
        procedure=procedure, month=month, figures={"on_time": on_time, "late": late}, user=officer
    )


def procedure_lines(items):
    return [item for item in items if item.source == ChecklistItem.Source.PROCEDURE]


def test_the_procedures_of_a_process_in_scope_come_with_their_figures(programme, officer, auditor):
    in_scope = b.make_process_document(identifier="QT-TT-01")
    out_of_scope = b.make_process_document(identifier="QT-TT-02")
    procedure = make_procedure(user=officer, documents=[in_scope], code="1.000948.H38")
    figures(procedure, officer, datetime.date(2025, 6, 1), on_time=30, late=2)
    figures(procedure, officer, datetime.date(2026, 1, 1), on_time=18, late=0)
    figures(procedure, officer, datetime.date(2026, 3, 1), on_time=1, late=9)  # the audit's month: not counted
    figures(procedure, officer, datetime.date(2025, 2, 1), on_time=1, late=9)  # before the twelve months
    make_procedure(user=officer, documents=[out_of_scope], code="2.000001", name="Thủ tục của quy trình khác")
    repealed = make_procedure(user=officer, documents=[in_scope], code="2.000002", name="Thủ tục đã bãi bỏ")
    AdministrativeProcedure.objects.filter(pk=repealed.pk).update(status=AdministrativeProcedure.Status.REPEALED)
    unmeasured = make_procedure(user=officer, documents=[in_scope], code="2.000003", name="Thủ tục chưa có số liệu")
    audit = b.make_audit(programme=programme, lead=auditor, documents=[in_scope], user=officer)

    items = procedure_lines(services.checklist_generate(audit=audit, user=auditor))

    assert [item.document for item in items] == [in_scope, in_scope]
    assert all(item.clause.number == "9.1.1" for item in items)
    measured, without = sorted(items, key=lambda item: "1.000948.H38" not in item.question)
    assert "1.000948.H38" in measured.question and "48/50" in measured.question and "96" in measured.question
    assert "03/2025" in measured.question and "02/2026" in measured.question
    assert unmeasured.code in without.question
    everything = " ".join(item.question for item in items)
    assert "quy trình khác" not in everything and "đã bãi bỏ" not in everything

    # Regenerating after more figures came in adds no second line for the same procedure.
    figures(procedure, officer, datetime.date(2025, 12, 1), on_time=10, late=0)
    again = procedure_lines(services.checklist_generate(audit=audit, user=auditor))
    assert again == [] and audit.checklist.filter(source=ChecklistItem.Source.PROCEDURE).count() == 2


def _queries_of_generating(programme, officer, auditor, n):
    document = b.make_process_document()
    for i in range(n):
        procedure = make_procedure(user=officer, documents=[document], code=f"3.{n:03d}{i:03d}")
        figures(procedure, officer, datetime.date(2025, 9, 1), on_time=5, late=1)
    audit = b.make_audit(programme=programme, lead=auditor, documents=[document], user=officer)
    auditor = type(auditor).objects.get(pk=auditor.pk)  # no permission cached from an earlier run
    with CaptureQueriesContext(connection) as captured:
        items = services.checklist_generate(audit=audit, user=auditor)
    assert len(procedure_lines(items)) == n
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_generating_costs_the_same_with_2_and_with_20_procedures(programme, officer, auditor):
    _queries_of_generating(programme, officer, auditor, 1)  # warms the caches (content types, clauses)
    few = _queries_of_generating(programme, officer, auditor, 2)
    assert few == _queries_of_generating(programme, officer, auditor, 20)
