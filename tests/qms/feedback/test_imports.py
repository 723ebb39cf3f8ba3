"""Feedback logs and survey results come in through the import framework: services, history, no duplicates."""

import io

import pytest
from django.core import mail
from openpyxl import Workbook

from qms.feedback.models import Feedback, SurveyResponse
from qms.spreadsheets.imports import get_importer, run_import
from tests import factories as f

pytestmark = pytest.mark.django_db


def _xlsx(headings, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_feedback_log_is_received_through_the_service_once_and_mails_nobody():
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    data = _xlsx(
        ["received_on", "kind", "text", "channel", "unit", "email"],
        [
            ["05/10/2026", "complaint", "Trả kết quả chậm", "desk", "QLVH", "dan@example.test"],
            ["06/10/2026", "suggestion", "Thêm chỗ ngồi chờ", None, None, None],
        ],
    )
    importer = get_importer("feedback")
    result = run_import(importer, data, user=officer, filename="so-tiep-nhan.xlsx", commit=True)
    assert result.committed, result.problems
    first = Feedback.objects.get(text="Trả kết quả chậm")
    assert (first.channel, first.unit, first.email) == ("desk", unit, "dan@example.test")
    assert first.received_at.date().isoformat() == "2026-10-05" and first.reference.startswith("PAKN-2026-")
    assert Feedback.objects.get(text="Thêm chỗ ngồi chờ").channel == "import"
    assert (
        first.history.get().history_user == officer and "so-tiep-nhan.xlsx" in first.history.get().history_change_reason
    )
    assert mail.outbox == []
    again = run_import(importer, data, user=officer, filename="so-tiep-nhan.xlsx", commit=True)
    assert again.counts()["unchanged"] == 2 and Feedback.objects.count() == 2


def test_survey_results_import_once_by_their_identifier():
    officer = f.make_officer()
    f.make_unit(code="VP")
    data = _xlsx(
        ["responded_on", "rating", "comment", "unit", "identifier"],
        [["01/11/2026", 5, "Tốt", "VP", "HS-1"], ["02/11/2026", 2, None, "VP", "HS-2"]],
    )
    importer = get_importer("survey_results")
    assert run_import(importer, data, user=officer, filename="ks.xlsx", commit=True).committed
    assert sorted(SurveyResponse.objects.values_list("rating", flat=True)) == [2, 5]
    assert run_import(importer, data, user=officer, filename="ks.xlsx", commit=True).counts()["unchanged"] == 2


def test_a_rating_over_five_refuses_the_file():
    officer = f.make_officer()
    data = _xlsx(["responded_on", "rating"], [["01/11/2026", 7]])
    result = run_import(get_importer("survey_results"), data, user=officer, filename="ks.xlsx", commit=True)
    assert not result.committed and not SurveyResponse.objects.exists()
