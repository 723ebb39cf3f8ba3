"""The audit checklist question importer (audits/imports.py)."""

import pytest
from django.utils import translation

from audits.models import ChecklistQuestion
from qms.spreadsheets.imports import get_importer, run_import
from tests.cms.builders import make_document
from tests.factories import make_officer

from .xlsx import xlsx

pytestmark = pytest.mark.django_db

HEADINGS = ["ISO 9001 clause", "Document identifier", "Question", "Order", "Active"]


def run(rows, officer, filename="cau-hoi.xlsx"):
    with translation.override("en"):
        result = run_import(
            get_importer("checklist-questions"),
            xlsx(rows, headings=HEADINGS),
            user=officer,
            filename=filename,
            commit=True,
        )
        result.listed = [str(p) for p in result.problems]
    return result


def test_questions_by_clause_and_document_and_reimport(django_user_model):
    officer = make_officer()
    make_document("QT-01", user=officer)
    rows = [
        ("7.5.3", "", "Are obsolete documents withdrawn?", 10, ""),
        (8.5, "", "Are outputs controlled?", "", "Yes"),  # typed as a number by Excel
        ("", "qt-01", "Is the current revision at hand?", 20, "No"),
    ]
    result = run(rows, officer)
    assert result.committed, result.listed
    assert result.counts() == {"created": 3, "updated": 0, "unchanged": 0}
    question = ChecklistQuestion.objects.get(text="Is the current revision at hand?")
    assert question.document.identifier == "QT-01" and not question.is_active and question.sort_order == 20
    assert ChecklistQuestion.objects.get(text="Are outputs controlled?").clause.number == "8.5"
    entry = question.history.latest()
    assert entry.history_user == officer and entry.history_change_reason == "Imported from cau-hoi.xlsx"

    again = run(rows, officer)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 3}
    rows[0] = ("7.5.3", "", "are obsolete  documents withdrawn?", 5, "No")
    changed = run(rows, officer)
    assert changed.counts() == {"created": 0, "updated": 1, "unchanged": 2}
    assert ChecklistQuestion.objects.count() == 3


def test_problems_are_listed_and_nothing_written():
    officer = make_officer()
    rows = [
        ("", "", "No scope", "", ""),
        ("11.1", "", "Unknown clause", "", ""),
        ("", "QT-404", "Unknown document", "", ""),
        ("9.2", "", "Same", "", ""),
        ("9.2", "", "same", "", ""),
    ]
    result = run(rows, officer)
    assert not result.committed
    assert result.listed == [
        "Row 2, column “ISO 9001 clause”: give the clause, the document identifier or both.",
        "Row 3, column “ISO 9001 clause”: “11.1” is not an ISO 9001 clause number.",
        "Row 4, column “Document identifier”: there is no document with identifier “QT-404”.",
        "Row 6, column “ISO 9001 clause”: “9.2 / same” is already on row 5; each row must have its own identifier.",
    ]
    assert not ChecklistQuestion.objects.exists()
