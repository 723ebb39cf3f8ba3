"""ISO 9001 9.2.2 a: the programme shows what its audits leave out."""

from audits.selectors import programme_coverage
from qms.core.models import IsoClause
from tests import factories as f
from tests.audits import builders as b


def test_uncovered_documents_units_and_clauses_are_listed(programme, officer, auditor):
    root = f.make_unit(code="ROOT")
    covered_unit = f.make_unit(parent=root)
    left_out_unit = f.make_unit(parent=root)
    doc_unit = f.make_unit(parent=root)
    covered_doc = b.make_process_document(unit=doc_unit)
    left_out_doc = b.make_process_document(unit=left_out_unit)
    b.make_audit(
        programme=programme,
        lead=auditor,
        units=[covered_unit],
        documents=[covered_doc],
        clauses=[IsoClause.objects.get(number="8"), IsoClause.objects.get(number="9.2.2")],
        user=officer,
    )
    coverage = programme_coverage(programme)
    assert left_out_doc in coverage.missing_documents
    assert covered_doc not in coverage.missing_documents
    assert left_out_unit in coverage.missing_units
    assert covered_unit not in coverage.missing_units
    assert doc_unit not in coverage.missing_units  # owns a document in scope
    assert root not in [row.obj for row in coverage.units]  # the organisation is audited through its units
    missing = {clause.number for clause in coverage.missing_clauses}
    assert "8.5" not in missing  # below a clause in scope
    assert "9.2" not in missing  # above a clause in scope
    assert {"4.1", "7.5", "10.2", "9.3"} <= missing
    assert not coverage.complete


def test_coverage_page_warns(client, programme, officer, auditor):
    left_out = b.make_process_document(identifier="QT-99")
    client.force_login(officer)
    response = client.get(f"/audits/programmes/{programme.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "QT-99" in body and left_out.title in body
    assert "coverage-warning" in body


def test_full_coverage_has_no_warning(programme, officer, auditor):
    from qms.core.models import OrganisationUnit

    units = list(OrganisationUnit.objects.filter(parent__isnull=False))
    lead = f.make_auditor(unit=None)
    clauses = [IsoClause.objects.get(number=str(n)) for n in range(4, 11)]
    b.make_audit(programme=programme, lead=lead, units=units, clauses=clauses, user=officer)
    coverage = programme_coverage(programme)
    assert coverage.missing_units == [] and coverage.missing_clauses == []
