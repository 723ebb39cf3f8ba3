"""Each registered review input (ISO 9001 9.3.2) against its register's own counts."""

import datetime

import pytest
from django.utils import timezone
from wagtail import hooks

from audits import services as audit_services
from audits.models import Audit, Finding
from qms.core.models import IsoClause
from qms.core.review_inputs import ReviewInput, review_inputs
from qms.feedback.models import Feedback
from qms.management_review import services
from qms.nonconformities.models import CorrectiveAction, Nonconformity
from tests import factories as f
from tests.audits import builders as ab
from tests.cms.builders import make_document
from tests.qms.feedback.conftest import receive

from .conftest import plan

TODAY = timezone.localdate()
YEAR_START, YEAR_END = datetime.date(TODAY.year, 1, 1), datetime.date(TODAY.year, 12, 31)


def gathered(key, start=YEAR_START, end=YEAR_END):
    item = next(i for i in review_inputs() if i.key == key)
    return item.gather(start, end)


def fig(data, key):
    return next(x["value"] for x in data["figures"] if x["key"] == key)


def rows(data, title_index=0):
    return data["tables"][title_index]["rows"]


def test_nonconformities_by_source_unit_severity_open_overdue(people):
    a, b = f.make_unit(code="A1"), f.make_unit(code="B1")
    f.make_nonconformity(unit=a, severity="major", source="complaint")
    f.make_nonconformity(unit=a, source="complaint")
    nc = f.make_nonconformity(unit=b, source="internal_audit")
    from qms.nonconformities.services import nonconformity_transition

    nonconformity_transition(nonconformity=nc, target="investigating", user=people["officer"])
    f.make_action(nc, user=people["officer"], due_date=TODAY - datetime.timedelta(days=2))
    last_year = timezone.now() - datetime.timedelta(days=400)
    f.make_nonconformity(unit=b, reported_at=last_year)  # before the period: open, not raised in it
    data = gathered("nonconformities")
    raised = Nonconformity.objects.filter(reported_at__year=TODAY.year)
    assert fig(data, "nonconformities_raised") == raised.count() == 3
    assert fig(data, "open_at_the_end_of_the_period") == 4
    assert fig(data, "overdue_actions") == CorrectiveAction.objects.filter(due_date__lt=TODAY).count() == 1
    assert dict(map(tuple, rows(data, 0))) == {"Phản ánh, khiếu nại của người dân, khách hàng": 2, "Đánh giá nội bộ": 1}
    assert dict(map(tuple, rows(data, 1))) == {"A1": 2, "B1": 1}
    assert dict(map(tuple, rows(data, 2))) == {"Nặng": 1, "Nhẹ": 2}
    assert sum(n for _band, n in rows(data, 3)) == 4
    # Closing one in the period counts it and its days to close.
    Nonconformity.objects.filter(pk=nc.pk).update(
        status="closed", closed_at=nc.reported_at + datetime.timedelta(days=3)
    )
    data = gathered("nonconformities", end=TODAY + datetime.timedelta(days=10))
    assert fig(data, "closed_in_the_period") == 1 and fig(data, "average_days_to_close") == 3.0


def test_feedback_received_answered_and_suggestions(people):
    receive(kind="complaint")
    receive(kind="suggestion", text="Nên có hướng dẫn trực tuyến.")
    receive(kind="suggestion", text="Mở thêm quầy một cửa.")
    data = gathered("feedback")
    assert fig(data, "feedback_received") == Feedback.objects.count() == 3
    assert fig(data, "feedback_answered") == 0
    kinds = dict(Feedback.Kind.choices)
    assert dict(map(tuple, rows(data))) == {str(kinds["suggestion"]): 2, str(kinds["complaint"]): 1}
    suggestions = gathered("feedback_suggestions")
    assert fig(suggestions, "suggestions_from_citizens") == 2
    assert {r[1] for r in rows(suggestions)} == {"Nên có hướng dẫn trực tuyến.", "Mở thêm quầy một cửa."}


def test_documents_issued_and_revised_in_the_period(people):
    make_document(identifier="QT-01")
    make_document(identifier="QT-02")
    data = gathered("documents")
    assert fig(data, "documents_issued") == 2 and fig(data, "documents_revised") == 0
    assert sorted(r[0] for r in rows(data)) == ["QT-01", "QT-02"]
    assert (
        gathered("documents", YEAR_START.replace(year=TODAY.year - 5), YEAR_END.replace(year=TODAY.year - 5))["tables"][
            0
        ]["rows"]
        == []
    )


def test_audits_held_findings_by_class_coverage_and_opportunities(people):
    officer, unit = people["officer"], f.make_unit(code="AUD")
    lead = f.make_auditor(unit=f.make_unit(code="TT"))
    programme = ab.make_programme(year=TODAY.year, user=officer)
    held = ab.make_audit(programme=programme, lead=lead, units=[unit], user=officer)
    ab.make_audit(programme=programme, lead=lead, units=[unit], user=officer)  # planned, not held
    audit_services.audit_start_preparation(audit=held, user=lead)
    audit_services.audit_open(audit=held, user=lead, notes="Họp khai mạc")
    for classification in ("minor", "opportunity", "opportunity"):
        audit_services.finding_record(
            audit=held,
            classification=classification,
            statement=f"Phát hiện {classification}",
            evidence="Sổ theo dõi",
            clause=IsoClause.objects.get(number="8.2.1"),
            unit=unit,
            user=lead,
        )
    audit_services.audit_finish_fieldwork(audit=held, user=lead)
    held.refresh_from_db()
    data = gathered("audits", end=max(YEAR_END, held.actual_end))
    assert fig(data, "audits_held") == Audit.objects.filter(actual_end__isnull=False).count() == 1
    assert fig(data, "findings") == Finding.objects.count() == 3
    assert fig(data, "programme_coverage") == 50.0
    assert dict(map(tuple, rows(data))) == {"Cơ hội cải tiến": 2, "Không phù hợp nhẹ": 1}
    ofis = gathered("audit_opportunities", end=max(YEAR_END, held.actual_end))
    assert fig(ofis, "opportunities_for_improvement_from_audits") == 2


def test_previous_reviews_decisions_and_their_follow_up(people):
    last = plan(people, title="Năm trước")
    last = services.pack_prepare(review=last, user=people["officer"])
    decision = services.decision_record(review=last, user=people["officer"], kind="change", text="Sửa quy trình QT-01")
    nc = services.decision_raise_nonconformity(decision=decision, user=people["officer"], unit=people["unit"])
    last = services.minutes_record(review=last, user=people["officer"], attendees=[])
    services.minutes_approve(review=last, user=people["chair"])
    data = gathered("previous_reviews", end=last.meeting_date + datetime.timedelta(days=1))
    assert fig(data, "decisions_of_previous_reviews") == 1
    row = rows(data)[0]
    assert row[0] == decision.reference and row[3] == "Sửa quy trình QT-01"
    assert row[6] == "Không có hành động" and row[8].startswith(nc.reference)  # no owner: a decision, no action
    assert fig(data, "actions_of_previous_reviews") == 0
    # A review still being held is not a "previous" review.
    assert fig(gathered("previous_reviews", end=last.meeting_date), "decisions_of_previous_reviews") == 0


def test_a_new_register_plugs_in_through_the_hook(people):
    # 9.3.2 c) 7), the performance of external providers: a register not built (objectives now has its own).
    def external_providers():
        return [
            ReviewInput(
                "c",
                "external_providers",
                "Kết quả thực hiện của nhà cung cấp bên ngoài",
                lambda s, e: {"figures": [{"key": "met", "label": "Đạt", "value": 4}]},
                order=70,
            )
        ]

    with hooks.register_temporarily("qms_review_inputs", external_providers):
        review = services.pack_prepare(review=plan(people), user=people["officer"])
    section = next(s for s in review.pack["sections"] if s["key"] == "external_providers")
    assert section["figures"][0]["value"] == 4


def test_a_key_registered_twice_is_an_error(db):
    def twice():
        return [ReviewInput("c", "feedback", "x", lambda s, e: {})]

    with hooks.register_temporarily("qms_review_inputs", twice), pytest.raises(ValueError):
        review_inputs()
