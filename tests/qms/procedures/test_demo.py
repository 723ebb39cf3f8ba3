"""The demo register: about 130 procedures named after the demo's documents, each linked to its internal process,
with a year of monthly figures and a few late months raising their nonconformity; idempotent."""

import io
from decimal import Decimal

import pytest

from cms import demo as cms_demo
from cms import duties
from cms import services as cms_services
from cms.models import ProcessDocumentPage
from qms.core import demo as core_demo
from qms.core.models import OrganisationUnit, User
from qms.nonconformities.models import Nonconformity
from qms.procedures import demo, time_limits, working_days
from qms.procedures.models import AdministrativeProcedure, ProcedurePerformance
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db


def test_the_full_plan_is_about_130_procedures_each_with_its_internal_process():
    rows = [(identifier, title, unit) for identifier, title, unit, _owner, _public in cms_demo._documents()]
    internal = {identifier for identifier, title, _unit in rows if title.startswith("Quy trình nội bộ")}
    planned = demo.plan(rows)
    assert 120 <= len(planned) <= 140
    assert len({code for code, *_rest in planned}) == len(planned)
    assert all(set(linked) & internal for _c, _n, _l, _u, linked in planned)


def test_demo_seeds_procedures_figures_and_late_months_once():
    out = io.StringIO()
    core_demo.seed_core(out)
    unit = OrganisationUnit.objects.get(code="QLVH")
    for identifier, title in (
        ("QT-VH-01", "Thủ tục cấp giấy phép tổ chức biểu diễn nghệ thuật"),
        ("QT-VH-02", "Thủ tục cấp lại giấy phép tổ chức biểu diễn nghệ thuật"),
        ("QT-VH-03", "Quy trình nội bộ giải quyết thủ tục giấy phép tổ chức biểu diễn nghệ thuật"),
        ("QT-VH-05", "Thủ tục thông báo tổ chức biểu diễn nghệ thuật"),
        ("QT-VH-06", "Thủ tục xếp hạng di tích cấp tỉnh"),
        ("QT-VH-07", "Thủ tục công nhận bảo tàng ngoài công lập"),
    ):
        make_document(identifier, unit=unit, title=title)
    demo.seed(out)
    procedures = AdministrativeProcedure.objects.all()
    assert procedures.count() == 10  # five province-level, five district-level
    first = procedures.get(code="1.000001.H38")
    assert set(first.documents.values_list("identifier", flat=True)) == {"QT-VH-01", "QT-VH-03"}
    assert ProcedurePerformance.objects.filter(procedure=first).count() == 12
    late = ProcedurePerformance.objects.filter(late__gt=0)
    assert late.count() == 3 and all(r.nonconformity_id for r in late)
    assert Nonconformity.objects.filter(source="process_monitoring").count() == 3
    before = (
        AdministrativeProcedure.history.count(),
        ProcedurePerformance.history.count(),
        Nonconformity.objects.count(),
    )
    demo.seed(out)
    after = (
        AdministrativeProcedure.history.count(),
        ProcedurePerformance.history.count(),
        Nonconformity.objects.count(),
    )
    assert after == before


def test_demo_documents_have_structured_step_times_within_their_procedures_statutory_time(monkeypatch):
    """The time-limit check is real on demo data: every demo document that implements a procedure has
    structured step times, and they fit the shortest statutory time of every way of every procedure it
    implements, so submitting it unchanged is not refused; seeding again changes nothing."""
    subjects = {code: (prefix, owner, names[:2]) for code, (prefix, owner, names) in cms_demo.SUBJECTS.items()}
    monkeypatch.setattr(cms_demo, "SUBJECTS", subjects)
    out = io.StringIO()
    core_demo.seed_core(out)
    cms_demo.seed(out)
    demo.seed(out)
    assert cms_demo.STEP_DAYS <= min(demo.TIME_LIMITS)
    linked = ProcessDocumentPage.objects.filter(procedures__isnull=False).distinct()
    assert linked.count() >= 10

    def steps_of(page):
        return page.get_latest_revision_as_object().steps

    for page in linked:
        steps = steps_of(page)
        times = time_limits.step_times(steps)
        assert len(times) == len(steps) == len(cms_demo.STEPS)
        assert all(block.value["time_limit"] == "" for block in steps)  # one time per step: the structured one
        assert time_limits.total_hours(times) == cms_demo.STEP_DAYS * working_days.HOURS_PER_DAY
        shortest = min(way.time_limit for p in page.procedures.all() for way in p.ways.all())
        assert time_limits.total_hours(times) <= shortest * working_days.HOURS_PER_DAY
        assert duties.time_limit_problem(page, steps) == ""
    # Not vacuous: the same steps one day longer than the shortest statutory time are refused.
    page = linked.first()
    shortest = min(way.time_limit for p in page.procedures.all() for way in p.ways.all())
    longer = [*steps_of(page).get_prep_value()]
    longer[1]["value"]["duration"] = str(Decimal(longer[1]["value"]["duration"]) + shortest - cms_demo.STEP_DAYS + 1)
    problem = duties.time_limit_problem(page, longer)
    assert any(code in problem for code in page.procedures.values_list("code", flat=True))
    # A demo officer submitting a demo document unchanged is not refused.
    free = next(p for p in linked if not p.workflow_in_progress)
    submitter = free.process_owner or User.objects.get(username="officer2")
    assert cms_services.document_submit(page=free, user=submitter, change_summary="Rà soát định kỳ") is not None
    before = {p.pk: steps_of(p).get_prep_value() for p in linked}
    counts = (ProcessDocumentPage.objects.count(), AdministrativeProcedure.objects.count())
    cms_demo.seed(out)
    demo.seed(out)
    assert (ProcessDocumentPage.objects.count(), AdministrativeProcedure.objects.count()) == counts
    assert {p.pk: steps_of(p).get_prep_value() for p in linked} == before
