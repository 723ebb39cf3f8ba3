"""Issue 19's "done when" in a real browser: a quality officer imports the register of procedures, links a
procedure to its process document, imports a month of figures with late dossiers, and sees the nonconformity
raised for that month and the on-time chart."""

import io

import pytest
from openpyxl import Workbook

from qms.nonconformities.models import Nonconformity
from qms.procedures.models import AdministrativeProcedure
from tests import factories as f
from tests.browser import log_in
from tests.cms.builders import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(headings, rows):
    book = Workbook()
    book.active.append(headings)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(page, key, name, data):
    page.goto(f"/admin/imports/{key}/")
    page.set_input_files("input[type=file]", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    with page.expect_navigation():
        page.click("#import-check")
    with page.expect_navigation():
        page.click("#import-commit")
    assert "error" not in (page.locator(".messages").first.get_attribute("class") or "")


def test_officer_imports_links_records_figures_and_sees_the_nonconformity_and_chart(page):
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    document = make_document("QT-VH-04", unit=unit, title="Quy trình nội bộ giải quyết thủ tục cấp giấy phép")
    log_in(page, officer)

    register = _xlsx(
        ["Mã", "Tên thủ tục", "Cấp thực hiện", "Lĩnh vực", "Cơ quan thực hiện", "Mã đơn vị", "Cách thức thực hiện"],
        [
            [
                "1.000948.H38",
                "Thủ tục cấp giấy phép tổ chức biểu diễn nghệ thuật",
                "Cấp tỉnh",
                "Nghệ thuật biểu diễn",
                "Sở Văn hóa, Thể thao và Du lịch",
                "QLVH",
                "Trực tiếp | 5 | ngày làm việc",
            ],
            [
                "1.000949.H38",
                "Thủ tục thông báo tổ chức biểu diễn nghệ thuật",
                "Cấp tỉnh",
                "Nghệ thuật biểu diễn",
                "Sở Văn hóa, Thể thao và Du lịch",
                "QLVH",
                "Trực tiếp | 3 | ngày làm việc",
            ],
        ],
    )
    _import(page, "procedures", "danh-muc-tthc.xlsx", register)
    procedure = AdministrativeProcedure.objects.get(code="1.000948.H38")
    assert AdministrativeProcedure.objects.count() == 2

    # Link the procedure to its internal process in the admin, with the reason.
    page.goto(f"/admin/procedures/edit/{procedure.pk}/")
    page.select_option("#id_documents", [str(document.pk)])
    page.fill("#id_reason", "Liên kết quy trình nội bộ QT-VH-04")
    with page.expect_navigation():
        page.click("button[data-w-kbd-key-value='mod+s']")
    assert list(procedure.documents.all()) == [document], page.locator("main").inner_text()[:1500]

    late = _xlsx(
        ["Mã thủ tục", "Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày giải quyết", "Bước bị trễ", "Lý do trễ hạn"],
        [
            [
                "1.000948.H38",
                "000.00.38.H38-260105-0007",
                "05/01/2026",
                "12/01/2026",
                "15/01/2026",
                "Thẩm định hồ sơ",
                "Chờ ý kiến cơ quan phối hợp",
            ]
        ],
    )
    _import(page, "late_dossiers", "ho-so-tre-han.xlsx", late)
    figures = _xlsx(
        [
            "Mã thủ tục",
            "Tháng",
            "Tiếp nhận mới",
            "Giải quyết đúng hạn",
            "Giải quyết trễ hạn",
            "Phiếu xin lỗi đã phát hành",
        ],
        [["1.000948.H38", "01/2026", 20, 19, 1, 1], ["1.000949.H38", "01/2026", 8, 8, 0, 0]],
    )
    _import(page, "procedure_performance", "mot-cua-01-2026.xlsx", figures)

    nc = Nonconformity.objects.get()
    assert nc.source == "process_monitoring" and list(nc.documents.all()) == [document]
    page.goto(f"/admin/procedures/inspect/{procedure.pk}/")
    figures_table = page.locator("table.procedure-figures")
    assert nc.reference in figures_table.inner_text()
    with page.expect_navigation():
        figures_table.locator(f"a:has-text('{nc.reference}')").click()
    assert "000.00.38.H38-260105-0007" in page.content()

    page.goto("/admin/procedure-rates/?from=2026-01&to=2026-01")
    chart = page.locator("svg.on-time-chart")
    assert chart.is_visible()
    assert chart.locator("rect").count() == 1
    assert "96,4 %" in page.locator("table.on-time-rates").first.inner_text()  # 27 of 28 resolved on time
    assert page.locator("tr.late").count() == 1
