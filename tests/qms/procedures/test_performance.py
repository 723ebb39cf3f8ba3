"""The one-stop figures: a month per procedure from the one-stop system's export, one nonconformity per procedure
and month with late dossiers (source: process monitoring), raised once; on-time rates per procedure, unit, month."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from qms.nonconformities.models import Nonconformity
from qms.procedures import performance
from qms.procedures.models import LateDossier, ProcedurePerformance
from qms.spreadsheets.imports import get_importer, run_import
from tests import factories as f
from tests.cms.builders import make_document

from .conftest import make_procedure

pytestmark = pytest.mark.django_db

FIGURES = [
    "Mã thủ tục",
    "Tháng",
    "Kỳ trước chuyển qua",
    "Tiếp nhận mới",
    "Giải quyết đúng hạn",
    "Giải quyết trễ hạn",
    "Đang giải quyết",
    "Trả lại hoặc từ chối",
    "Phiếu xin lỗi đã phát hành",
]
LATE = ["Mã thủ tục", "Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày giải quyết", "Bước bị trễ", "Lý do trễ hạn"]


def _xlsx(headings, rows):
    book = Workbook()
    book.active.append(headings)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def setup(db):
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    document = make_document("QT-VH-04", unit=unit)
    first = make_procedure(user=officer, unit=unit, code="1.000948.H38", documents=[document])
    second = make_procedure(user=officer, unit=unit, code="1.000949.H38")
    return {"officer": officer, "first": first, "second": second, "document": document, "unit": unit}


def test_a_month_with_late_dossiers_raises_one_nonconformity_with_them_and_a_reimport_raises_none(setup):
    officer = setup["officer"]
    late = _xlsx(
        LATE, [["1.000948.H38", "HS-0001", "05/01/2026", "12/01/2026", "15/01/2026", "Thẩm định", "Chờ ý kiến"]]
    )
    assert run_import(get_importer("late_dossiers"), late, user=officer, filename="tre.xlsx", commit=True).committed
    figures = _xlsx(
        FIGURES, [["1.000948.H38", "01/2026", 2, 20, 18, 1, 3, 0, 1], ["1.000949.H38", "01/2026", 0, 5, 5, 0, 0, 0, 0]]
    )
    importer = get_importer("procedure_performance")
    preview = run_import(importer, figures, user=officer, filename="mot-cua.xlsx", commit=False)
    assert preview.ok, preview.problems
    assert not Nonconformity.objects.exists()  # a dry run raises nothing
    result = run_import(importer, figures, user=officer, filename="mot-cua.xlsx", commit=True)
    assert result.committed, result.problems
    nc = Nonconformity.objects.get()
    assert nc.source == "process_monitoring" and nc.unit == setup["unit"]
    assert "HS-0001" in nc.description and "Thẩm định" in nc.description
    assert list(nc.documents.all()) == [setup["document"]]
    record = ProcedurePerformance.objects.get(procedure=setup["first"], month=datetime.date(2026, 1, 1))
    assert record.nonconformity == nc and record.on_time_rate == 94.7
    assert record.late_dossiers.get().dossier_code == "HS-0001"
    # The same file again, or corrected figures: still one nonconformity for the month.
    again = run_import(importer, figures, user=officer, filename="mot-cua.xlsx", commit=True)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 2}
    corrected = _xlsx(FIGURES, [["1.000948.H38", "01/2026", 2, 20, 17, 2, 3, 0, 2]])
    assert (
        run_import(importer, corrected, user=officer, filename="mot-cua-2.xlsx", commit=True).counts()["updated"] == 1
    )
    assert Nonconformity.objects.count() == 1
    assert ProcedurePerformance.objects.count() == 2
    # Another month with late dossiers is another nonconformity.
    february = _xlsx(FIGURES, [["1.000948.H38", "02/2026", 3, 10, 9, 1, 3, 0, 1]])
    run_import(importer, february, user=officer, filename="t2.xlsx", commit=True)
    assert Nonconformity.objects.count() == 2


def test_a_late_dossier_resolved_in_time_or_an_unknown_procedure_is_refused(setup):
    rows = [
        ["1.000948.H38", "HS-1", "05/01/2026", "12/01/2026", "10/01/2026", "", ""],
        ["9.999999", "HS-2", "05/01/2026", "12/01/2026", "15/01/2026", "", ""],
    ]
    result = run_import(
        get_importer("late_dossiers"), _xlsx(LATE, rows), user=setup["officer"], filename="x.xlsx", commit=True
    )
    assert not result.committed and len(result.problems) == 2
    assert not LateDossier.objects.exists() and not ProcedurePerformance.objects.exists()


def test_only_quality_officers_record_figures(setup):
    staff = f.make_staff(unit=setup["unit"])
    figures = _xlsx(FIGURES, [["1.000948.H38", "01/2026", 0, 5, 4, 1, 0, 0, 1]])
    importer = get_importer("procedure_performance")
    assert not importer.has_permission(staff)
    result = run_import(importer, figures, user=staff, filename="x.xlsx", commit=True)
    assert not result.committed and not Nonconformity.objects.exists()


def test_on_time_rates_per_month_unit_and_procedure_and_the_chart(setup, client):
    officer = setup["officer"]
    for month, on_time, late in ((1, 9, 1), (2, 10, 0)):
        performance.performance_record(
            procedure=setup["first"],
            month=datetime.date(2026, month, 1),
            figures={"received": 10, "on_time": on_time, "late": late},
            user=officer,
        )
    performance.performance_record(
        procedure=setup["second"],
        month=datetime.date(2026, 1, 1),
        figures={"received": 4, "on_time": 4, "late": 0},
        user=officer,
    )
    report = performance.report(start="2026-01", end="2026-02")
    assert [(r.label, r.rate) for r in report.months] == [("01/2026", 92.9), ("02/2026", 100.0)]
    assert [(r.label.split()[0], r.late) for r in report.procedures] == [("1.000948.H38", 1), ("1.000949.H38", 0)]
    assert report.units[0].rate == round(100 * 23 / 24, 1)
    svg = performance.chart_svg(report.months)
    assert svg.startswith("<svg") and svg.count("<rect") == 2 and "92.9" in svg
    client.force_login(officer)
    page = client.get(reverse("procedures_admin_performance"), {"from": "2026-01", "to": "2026-02"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "1.000948.H38" in body and 'class="late"' in body


def test_the_report_costs_the_same_queries_at_any_size(setup, django_assert_max_num_queries):
    officer = setup["officer"]
    for month in range(1, 13):
        performance.performance_record(
            procedure=setup["first"],
            month=datetime.date(2025, month, 1),
            figures={"received": 5, "on_time": 5, "late": 0},
            user=officer,
        )
    with django_assert_max_num_queries(3):
        report = performance.report()
        assert len(report.months) == 12


def test_citizens_do_not_read_the_rates(setup, client):
    response = client.get(reverse("procedures_admin_performance"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_months_figures_show_their_history_in_the_admin(setup, client):
    """The figures' record is the kit's: Wagtail's history page sends the reader to it, and it holds the import's
    and each correction's entry with its reason; no link to the site, where the figures have no page."""
    officer = setup["officer"]
    month = datetime.date(2026, 1, 1)
    for figures, reason in (({"received": 5, "on_time": 5}, "Nhập lần đầu"), ({"received": 6}, "Sửa số tiếp nhận")):
        performance.performance_record(
            procedure=setup["first"], month=month, figures=figures, user=officer, reason=reason
        )
    record = ProcedurePerformance.objects.get(procedure=setup["first"], month=month)
    client.force_login(officer)
    inspect = reverse("procedure_performance_admin:inspect", args=[record.pk])
    assert client.get(reverse("procedure_performance_admin:history", args=[record.pk])).url == inspect
    response = client.get(inspect)
    assert response.status_code == 200 and response.context["site_url"] == ""
    reasons = [entry.reason for entry in response.context["timeline"]]
    assert len(reasons) == 2 and "Sửa số tiếp nhận" in reasons[0] and "Nhập lần đầu" in reasons[1]
    assert "Sửa số tiếp nhận" in response.content.decode()
