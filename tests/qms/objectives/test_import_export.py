"""Measurements come in from a real .xlsx through the import framework (dry run, all or nothing, hostile files
refused) and the register goes out as one, reopened here with openpyxl (ISO 9001 7.5.3, 9.1.1)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from qms.objectives.models import Measurement
from qms.spreadsheets.imports import ImportFileError, get_importer, import_reason, run_import
from qms.spreadsheets.testing import read_register, response_bytes

from .conftest import YEAR, approved, measure

pytestmark = pytest.mark.django_db

HEADINGS = ["Mã chỉ số", "Từ ngày", "Giá trị", "Nhận xét"]


def xlsx(rows, headings=HEADINGS):
    book = Workbook()
    book.active.append(headings)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def indicators(people):
    _first, satisfaction = approved(people["officer"], people["approver"], people["reporter"])
    _second, on_time = approved(
        people["officer"],
        people["approver"],
        people["reporter"],
        title="Đúng hẹn",
        indicator={"name": "Tỷ lệ đúng hẹn", "frequency": "quarterly", "source": "imported", "target": 98},
    )
    return satisfaction, on_time


def test_dry_run_writes_nothing_then_the_commit_records_each_row_through_the_service(people, indicators):
    satisfaction, on_time = indicators
    data = xlsx(
        [
            [satisfaction.pk, "01/01/2026", 92, "Phiếu khảo sát tháng 1"],
            [satisfaction.pk, datetime.datetime(YEAR, 2, 1), "88,5", None],
            [on_time.pk, "01/04/2026", "99.2", "Hệ thống một cửa"],
        ]
    )
    importer = get_importer("measurements")
    preview = run_import(importer, data, user=people["officer"], filename="so-lieu.xlsx", commit=False)
    assert preview.ok and preview.counts()["created"] == 3
    assert not Measurement.objects.exists()

    result = run_import(importer, data, user=people["officer"], filename="so-lieu.xlsx", commit=True)
    assert result.committed and result.counts() == {"created": 3, "updated": 0, "unchanged": 0}
    values = {(m.indicator_id, m.period_start): m.value for m in Measurement.objects.all()}
    assert values == {
        (satisfaction.pk, datetime.date(YEAR, 1, 1)): Decimal("92"),
        (satisfaction.pk, datetime.date(YEAR, 2, 1)): Decimal("88.5"),
        (on_time.pk, datetime.date(YEAR, 4, 1)): Decimal("99.2"),
    }
    quarter = Measurement.objects.get(indicator=on_time)
    assert quarter.period_end == datetime.date(YEAR, 6, 30) and quarter.recorded_by == people["officer"]
    entry = quarter.history.get()
    assert entry.history_user == people["officer"]
    assert import_reason("so-lieu.xlsx") in entry.history_change_reason

    # The same file again changes nothing, not even the history.
    again = run_import(importer, data, user=people["officer"], filename="so-lieu.xlsx", commit=True)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 3}
    assert Measurement.history.count() == 3


def test_a_corrected_value_is_updated_with_the_file_as_its_reason(people, indicators):
    satisfaction, _on_time = indicators
    measure(satisfaction, 1, 92, people["reporter"])
    data = xlsx([[satisfaction.pk, "01/01/2026", 91, "Sửa theo phiếu bổ sung"]])
    result = run_import(get_importer("measurements"), data, user=people["officer"], filename="sua.xlsx", commit=True)
    assert result.counts()["updated"] == 1
    measurement = Measurement.objects.get()
    assert measurement.value == Decimal("91") and measurement.version == 2
    latest = measurement.history.latest()
    assert "sua.xlsx" in latest.history_change_reason and latest.history_user == people["officer"]


@pytest.mark.parametrize(
    "bad_row",
    [
        ["999999", "01/03/2026", 90, None],  # no such indicator
        ["SATISFACTION", "15/03/2026", 90, None],  # not the first day of a period
        ["SATISFACTION", "01/03/2026", "chín mươi", None],  # not a number
        ["SATISFACTION", "01/03/2025", 90, None],  # another year than the objective's
        ["SATISFACTION", None, 90, None],  # a required cell empty
    ],
)
def test_one_bad_row_refuses_the_whole_file(people, indicators, bad_row):
    satisfaction, on_time = indicators
    bad_row = [satisfaction.pk if cell == "SATISFACTION" else cell for cell in bad_row]
    data = xlsx([[satisfaction.pk, "01/01/2026", 92, None], bad_row, [on_time.pk, "01/01/2026", 99, None]])
    result = run_import(get_importer("measurements"), data, user=people["officer"], filename="x.xlsx", commit=True)
    assert not result.committed
    assert [problem.row for problem in result.problems] == [3]
    assert not Measurement.objects.exists() and not Measurement.history.exists()


def test_a_row_the_rules_refuse_refuses_the_file(people, indicators):
    """A staff member who reports no indicator may not import one's measurements: the service says no."""
    satisfaction, _on_time = indicators
    data = xlsx([[satisfaction.pk, "01/01/2026", 92, None]])
    result = run_import(
        get_importer("measurements"), data, user=people["staff_other_unit"], filename="x.xlsx", commit=True
    )
    assert not result.committed and result.problems
    assert not Measurement.objects.exists()


def test_hostile_and_malformed_files_are_refused_whole(people, indicators):
    from qms.spreadsheets import hostile_files

    importer = get_importer("measurements")
    hostile = [
        hostile_files.xml_bomb(HEADINGS),
        hostile_files.zip_bomb(HEADINGS, size=120 * 1024 * 1024),
        hostile_files.many_sheets(HEADINGS, count=3),
        hostile_files.huge_sheet_without_dimension(HEADINGS, rows=30_000),
    ]
    for data in (b"", b"not a workbook", b"PK\x03\x04broken", *hostile):
        with pytest.raises(ImportFileError):
            run_import(importer, data, user=people["officer"], filename="x.xlsx", commit=True)
    assert not Measurement.objects.exists()


def test_the_register_reopens_with_its_three_sheets(client, people, indicators):
    satisfaction, on_time = indicators
    measure(satisfaction, 1, 92, people["reporter"], comment='=HYPERLINK("http://x")')
    missed = measure(satisfaction, 2, 80, people["reporter"])
    from qms.objectives import services

    nc = services.measurement_raise_nonconformity(measurement=missed, user=people["reporter"])
    client.force_login(people["auditor"])
    response = client.get(reverse("objectives:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    content = response_bytes(response)

    objectives = read_register(content, 0)
    assert objectives.headings[:3] == ["Mã mục tiêu", "Năm", "Mục tiêu"]
    assert sorted(row[2] for row in objectives.rows) == ["Hài lòng ≥ 90%", "Đúng hẹn"]
    first = next(row for row in objectives.rows if row[2] == "Hài lòng ≥ 90%")
    assert first[0] == satisfaction.objective_id and first[1] == YEAR
    assert first[7] == "Đã phê duyệt"

    indicators_sheet = read_register(content, 1)
    assert [row[0] for row in indicators_sheet.rows] == [satisfaction.pk, on_time.pk]
    assert indicators_sheet.rows[1][5] == 98

    measurements = read_register(content, 2)
    assert measurements.headings[:5] == ["Mã chỉ số", "Chỉ số", "Từ ngày", "Đến ngày", "Giá trị"]
    rows = measurements.rows
    assert [(row[0], row[2].date(), row[4]) for row in rows] == [
        (satisfaction.pk, datetime.date(YEAR, 1, 1), 92),
        (satisfaction.pk, datetime.date(YEAR, 2, 1), 80),
    ]
    assert rows[1][10] == nc.reference
    # A comment that looks like a formula stays text: the register never runs what a person typed.
    comment = measurements.cells[0][7]
    assert comment.data_type == "s" and comment.value.lstrip("'") == '=HYPERLINK("http://x")'


def test_staff_do_not_download_the_register(client, people):
    client.force_login(people["staff_same_unit"])
    assert client.get(reverse("objectives:export")).status_code == 403
