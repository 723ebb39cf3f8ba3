"""The checklist asks about the quality objectives (6.2) and the risks and opportunities (6.1.2) of the processes
in scope: an auditor of a process checks that its objectives are known and measured, and that the treatment of
its risks is carried out and evaluated (ISO 9001 9.2.2 a, issue #16)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from audits import services
from audits.models import ChecklistItem
from qms.objectives import services as objectives
from qms.objectives.models import Indicator, QualityObjective
from qms.risks import services as risks
from qms.risks.models import Risk
from tests import factories as f
from tests.audits import builders as b
from tests.qms.risks.builders import make_risk


@pytest.fixture
def approver(db):
    return f.make_approver(unit=f.make_unit())


@pytest.fixture
def documents(db):
    return b.make_process_document(identifier="QT-01"), b.make_process_document(identifier="QT-02")


def objective_in_force(officer, approver, documents, *, title="Hồ sơ giải quyết đúng hạn 100 %", **indicator):
    objective = objectives.objective_create(user=officer, title=title, year=2026, owner=officer, documents=documents)
    objectives.indicator_create(
        objective=objective,
        user=officer,
        **{
            "name": "Tỷ lệ hồ sơ đúng hạn",
            "unit_of_measure": "%",
            "direction": "higher",
            "target": Decimal("97.5"),
            "frequency": "quarterly",
            "source": "manual",
            "reporter": officer,
            **indicator,
        },
    )
    return objectives.objective_approve(objective=objective, user=approver)


def risk_under_treatment(officer, document, *, title="Hồ sơ trả chậm vào cao điểm", treatment="reduce", kind="risk"):
    risk = make_risk(user=officer, unit=officer.unit, document=document, title=title, kind=kind)
    risk = risks.risk_assess(risk=risk, user=officer, likelihood=3, impact=3)
    return risks.risk_plan_treatment(risk=risk, user=officer, treatment=treatment, plan="Bố trí thêm công chức")


def lines(items, source):
    return [item for item in items if item.source == source]


def test_objectives_and_risks_of_a_process_in_scope_are_asked(
    programme, officer, auditor, approver, documents, settings
):
    in_scope, out_of_scope = documents
    objective = objective_in_force(officer, approver, [in_scope])
    objective_in_force(officer, approver, [out_of_scope], title="Mục tiêu của quy trình khác")
    risk = risk_under_treatment(officer, in_scope)
    opportunity = risk_under_treatment(
        officer, in_scope, title="Tiếp nhận hồ sơ trực tuyến", treatment="pursue", kind="opportunity"
    )
    risk_under_treatment(officer, out_of_scope, title="Rủi ro của quy trình khác")
    audit = b.make_audit(programme=programme, lead=auditor, documents=[in_scope], user=officer)

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        items = services.checklist_generate(audit=audit, user=auditor)

    about_objectives = lines(items, ChecklistItem.Source.OBJECTIVE)
    assert [item.clause.number for item in about_objectives] == ["6.2", "6.2"]
    assert all(item.document == in_scope for item in about_objectives)
    known, measured = (item.question for item in about_objectives)
    assert objective.title in known and "known" in known and "health" in known
    assert "Tỷ lệ hồ sơ đúng hạn" in measured and "quarterly" in measured and "≥ 97.5 %" in measured

    about_risks = lines(items, ChecklistItem.Source.RISK)
    assert all(item.clause.number == "6.1.2" and item.document == in_scope for item in about_risks)
    texts = [item.question for item in about_risks]
    assert len(texts) == 4  # the actions carried out, their effectiveness evaluated: for each of the two
    assert sum(risk.reference in t for t in texts) == 2 and sum(opportunity.reference in t for t in texts) == 2
    assert any("carried out" in t and t.startswith("Risk ") for t in texts)
    assert any("effectiveness" in t and t.startswith("Opportunity ") for t in texts)
    everything = " ".join(item.question for item in items)
    assert "quy trình khác" not in everything  # nothing of a process out of scope


def test_withdrawn_objectives_drafts_and_closed_risks_are_not_asked(programme, officer, auditor, approver, documents):
    """Only what is in force is audited: a draft is not yet set by top management, a withdrawn objective no
    longer applies, and a closed risk was closed with its reason because it no longer applies to the process."""
    document = documents[0]
    withdrawn = objective_in_force(officer, approver, [document], title="Mục tiêu đã rút")
    objectives.objective_close(objective=withdrawn, user=officer, target="withdrawn", reason="Quy trình thay đổi")
    objectives.objective_create(user=officer, title="Mục tiêu dự thảo", year=2026, owner=officer, documents=[document])
    closed = make_risk(user=officer, unit=officer.unit, document=document, title="Rủi ro đã đóng")
    risks.risk_close(risk=closed, user=officer, reason="Không còn áp dụng")
    audit = b.make_audit(programme=programme, lead=auditor, documents=[document], user=officer)

    items = services.checklist_generate(audit=audit, user=auditor)

    assert not lines(items, ChecklistItem.Source.OBJECTIVE)
    assert not lines(items, ChecklistItem.Source.RISK)


def test_an_accepted_or_undecided_risk_is_asked_what_fits_it(programme, officer, auditor, documents, settings):
    document = documents[0]
    undecided = make_risk(user=officer, unit=officer.unit, document=document, title="Chưa đánh giá")
    accepted = risk_under_treatment(officer, document, title="Chấp nhận", treatment="accept")
    audit = b.make_audit(programme=programme, lead=auditor, documents=[document], user=officer)

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        items = services.checklist_generate(audit=audit, user=auditor)

    texts = {item.question for item in lines(items, ChecklistItem.Source.RISK)}
    assert len(texts) == 2
    assert any(undecided.reference in t and "treatment decided" in t for t in texts)
    assert any(accepted.reference in t and "decision justified" in t for t in texts)


def test_the_lines_are_in_the_organisations_language_and_generated_once(
    programme, officer, auditor, approver, documents, settings
):
    document = documents[0]
    objective_in_force(officer, approver, [document])
    risk_under_treatment(officer, document)
    audit = b.make_audit(programme=programme, lead=auditor, documents=[document], user=officer)
    settings.LANGUAGE_CODE = "vi"

    with translation.override("en"):
        items = services.checklist_generate(audit=audit, user=auditor)
        again = services.checklist_generate(audit=audit, user=auditor)

    assert again == []
    texts = " ".join(item.question for item in items if item.source in ("objective", "risk"))
    assert "mục tiêu chất lượng" in texts.lower() and "rủi ro" in texts.lower()
    assert "hằng quý" in texts.lower() and "97,5" in texts
    assert "Quality objective" not in texts and "Risk " not in texts
    # Every line, written in one insert, still has its "created" history entry with the person and the reason.
    history = ChecklistItem.history.filter(audit_id=audit.pk)
    assert history.count() == len(items)
    assert all(row.history_user_id == auditor.pk and row.history_change_reason for row in history)


def _many(officer, document, n):
    """`n` objectives in force, each with two indicators, and `n` risks under treatment, written directly."""
    for i in range(n):
        objective = QualityObjective.objects.create(
            title=f"Mục tiêu {i}", year=2026, owner=officer, drafted_by=officer, status="approved"
        )
        objective.documents.add(document)
        for j in range(2):
            Indicator.objects.create(objective=objective, name=f"Chỉ số {i}.{j}", target=Decimal(90), reporter=officer)
        Risk.objects.create(
            reference=f"R-2026-{document.pk:03d}{i:03d}",
            title=f"Rủi ro {i}",
            unit=officer.unit,
            document=document,
            owner=officer,
            identified_by=officer,
            likelihood=3,
            impact=3,
            treatment="reduce",
            status="under_treatment",
            review_date=datetime.date(2026, 12, 31),
        )


def _queries_of_generating(programme, officer, auditor, n):
    document = b.make_process_document()
    _many(officer, document, n)
    audit = b.make_audit(programme=programme, lead=auditor, documents=[document], user=officer)
    auditor = type(auditor).objects.get(pk=auditor.pk)  # no permission cached from an earlier run
    with CaptureQueriesContext(connection) as queries:
        items = services.checklist_generate(audit=audit, user=auditor)
    assert len(lines(items, ChecklistItem.Source.OBJECTIVE)) == 3 * n
    assert len(lines(items, ChecklistItem.Source.RISK)) == 2 * n
    return len(queries)


def test_generating_costs_the_same_queries_with_2_or_20_objectives_and_risks(programme, officer, auditor):
    _queries_of_generating(programme, officer, auditor, 1)  # warms the caches (content types, clauses)
    few = _queries_of_generating(programme, officer, auditor, 2)
    many = _queries_of_generating(programme, officer, auditor, 20)
    assert few == many


def test_an_objective_of_two_processes_in_scope_is_asked_at_each(programme, officer, auditor, approver, documents):
    """Each process is audited on its own (often by a different auditor): its people must know the objective."""
    objective_in_force(officer, approver, list(documents))
    audit = b.make_audit(programme=programme, lead=auditor, documents=list(documents), user=officer)

    items = services.checklist_generate(audit=audit, user=auditor)

    about_objectives = lines(items, ChecklistItem.Source.OBJECTIVE)
    assert [item.document.identifier for item in about_objectives] == ["QT-01", "QT-01", "QT-02", "QT-02"]
