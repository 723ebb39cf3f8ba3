"""The Excel list of one revision, read back with openpyxl cell by cell."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cms.acknowledgements import services
from cms.acknowledgements.admin_views import EXPORT_COLUMNS
from qms.spreadsheets.export import TABLE_HEADER_ROW
from tests import factories

from .conftest import make_distributed_document

pytestmark = pytest.mark.django_db


def test_export_lists_acknowledged_and_pending_people_by_unit(client, unit, officer):
    done = factories.make_staff(unit=unit, first_name="An", last_name="Nguyễn", job_title="Chuyên viên")
    waiting = factories.make_staff(unit=unit, first_name="Bình", last_name="=Trần", username="binh")
    page, version = make_distributed_document(unit=unit, user=officer)
    due = timezone.localdate() + timezone.timedelta(days=7)
    services.version_distribute(version=version, units=[unit], user=officer, due_date=due)
    ack = services.version_acknowledge(version=version, user=done)
    client.force_login(officer)
    response = client.get(reverse("acknowledgements_admin:export", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"{page.identifier}-rev1.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet.title == page.identifier  # not "Đã đọc và hiểu  QT-… Thủ tụ" (colon dropped, cut at 31)
    assert page.identifier in sheet["A2"].value and page.title in sheet["A2"].value
    assert "1 đã xác nhận, 1 chưa xác nhận" in sheet["A3"].value
    headings = [cell.value for cell in sheet[TABLE_HEADER_ROW]]
    assert headings == [str(column.header) for column in EXPORT_COLUMNS]
    assert headings[6:] == ["Xác nhận lúc", "Phân phối lúc", "Hạn xác nhận"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=TABLE_HEADER_ROW + 1)]
    assert len(rows) == 2
    first, second = rows
    assert first[:6] == [unit.code, unit.name, str(done), done.username, "Chuyên viên", "Đã xác nhận"]
    # Excel keeps times as fractions of a day, so the read-back value may round to the next second.
    local = timezone.localtime(ack.acknowledged_at).replace(tzinfo=None)
    assert abs(first[6] - local) < datetime.timedelta(seconds=1)
    assert first[8].date() == due
    assert second[:6] == [unit.code, unit.name, str(waiting), "binh", None, "Chưa xác nhận"]
    assert second[6] is None
    assert sheet.cell(row=TABLE_HEADER_ROW + 2, column=3).data_type == "s"  # "=Trần ..." stays text
