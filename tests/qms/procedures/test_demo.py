"""The demo register: about 130 procedures named after the demo's documents, each linked to its internal process,
with a year of monthly figures and a few late months raising their nonconformity; idempotent."""

import io

import pytest

from cms import demo as cms_demo
from qms.core import demo as core_demo
from qms.core.models import OrganisationUnit
from qms.nonconformities.models import Nonconformity
from qms.procedures import demo
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
