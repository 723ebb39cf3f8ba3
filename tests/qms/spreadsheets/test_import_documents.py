"""The process document register importer (cms/imports.py), through the document services."""

import datetime as dt

import pytest
from wagtail.models import PageLogEntry

from cms.models import DocumentVersion, ProcessDocumentPage
from qms.spreadsheets.imports import get_importer, run_import
from tests.factories import make_officer, make_unit, make_user

from .xlsx import xlsx

pytestmark = pytest.mark.django_db

HEADINGS = [
    "Identifier",
    "Title",
    "Unit code",
    "Process owner (username)",
    "Review interval (months)",
    "Current revision",
    "Effective date",
    "Public",
]


@pytest.fixture
def setup():
    unit = make_unit(code="VP", name="Văn phòng")
    make_unit(code="QLVH", name="Phòng QLVH")
    officer = make_officer(username="officer", unit=unit)
    owner = make_user(username="chu.tri", unit=unit)
    return officer, owner


def run(data, officer, filename="so-tai-lieu.xlsx", commit=True):
    return run_import(get_importer("documents"), data, user=officer, filename=filename, commit=commit)


def register(rows):
    return xlsx(rows, headings=HEADINGS)


def test_a_register_of_procedures_is_created_with_current_versions(setup):
    officer, owner = setup
    rows = [
        ("QT-01", "Quy trình kiểm soát tài liệu", "VP", "chu.tri", 12, 3, dt.date(2025, 3, 1), "Không"),
        ("QT-02", "Quy trình tiếp nhận hồ sơ", "VP", "", "", "", "15/01/2026", "Có"),
    ]
    result = run(register(rows), officer)
    assert result.committed, [str(p) for p in result.problems]
    assert result.counts() == {"created": 2, "updated": 0, "unchanged": 0}
    first = ProcessDocumentPage.objects.get(identifier="QT-01")
    assert first.live and first.title == "Quy trình kiểm soát tài liệu" and first.process_owner == owner
    assert first.unit.code == "VP" and not first.is_public and first.review_interval_months == 12
    version = DocumentVersion.objects.get(page=first)
    assert (version.number, version.effective_date) == (3, dt.date(2025, 3, 1))
    second = ProcessDocumentPage.objects.get(identifier="QT-02")
    assert second.is_public and DocumentVersion.objects.get(page=second).number == 1
    log = PageLogEntry.objects.filter(page=first, action="wagtail.publish").latest("timestamp")
    assert log.user == officer


def test_reimport_updates_register_fields_and_adds_the_next_revision(setup):
    officer, owner = setup
    rows = [("QT-01", "Quy trình A", "VP", "", 12, 3, dt.date(2025, 3, 1), "No")]
    run(register(rows), officer)
    again = run(register(rows), officer)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 1}
    assert ProcessDocumentPage.objects.count() == 1

    changed = [("qt-01", "Quy trình A (sửa)", "VP", "chu.tri", 6, 4, dt.date(2026, 1, 10), "Yes")]
    result = run(register(changed), officer, filename="v2.xlsx")
    assert result.committed, [str(p) for p in result.problems]
    assert result.counts()["updated"] == 1
    page = ProcessDocumentPage.objects.get(identifier="QT-01")
    assert (page.title, page.process_owner, page.review_interval_months, page.is_public) == (
        "Quy trình A (sửa)",
        owner,
        6,
        True,
    )
    current = DocumentVersion.objects.get(page=page, superseded_at__isnull=True)
    assert (current.number, current.effective_date) == (4, dt.date(2026, 1, 10))
    assert PageLogEntry.objects.filter(page=page).latest("timestamp").user == officer


@pytest.mark.parametrize(
    "row,column,words",
    [
        (("QT-01", "A", "QLVH", "", "", 3, "", ""), "Unit code", "does not move"),
        (("QT-01", "A", "VP", "", "", 2, "", ""), "Current revision", "already has revision 3"),
        (("QT-01", "A", "VP", "", "", 6, "", ""), "Current revision", "one at a time"),
        (("QT-01", "A", "VP", "", "", 3, dt.date(2024, 1, 1), ""), "Effective date", "is not changed"),
        (("QT-09", "A", "NOPE", "", "", 1, "", ""), "Unit code", "no unit"),
        (("QT-09", "A", "VP", "ghost", "", 1, "", ""), "Process owner (username)", "no person"),
        (("QT-09", "A", "VP", "", 0, 1, "", ""), "Review interval (months)", "at least 1"),
        (("QT-09", "A", "VP", "", "", "", "31/02/2026", ""), "Effective date", "expected a date"),
        (("QT-09", "A", "VP", "", "", "", "", "maybe"), "Public", "yes or no"),
    ],
)
def test_contradictions_are_reported_and_nothing_is_written(setup, row, column, words):
    from django.utils import translation

    officer, _owner = setup
    run(register([("QT-01", "A", "VP", "", 12, 3, dt.date(2025, 3, 1), "")]), officer)
    before = (ProcessDocumentPage.objects.count(), DocumentVersion.objects.count(), PageLogEntry.objects.count())
    with translation.override("en"):
        result = run(register([("QT-05", "New one", "VP", "", "", "", "", ""), row]), officer)
        problems = [(p.column, p.message) for p in result.problems]
    assert not result.committed
    assert len(problems) == 1 and problems[0][0] == column and words in problems[0][1], problems
    after = (ProcessDocumentPage.objects.count(), DocumentVersion.objects.count(), PageLogEntry.objects.count())
    assert after == before
    assert not ProcessDocumentPage.objects.filter(identifier="QT-05").exists()


def test_130_procedures_in_one_file(setup):
    """An organisation starts from its whole register at once."""
    officer, _owner = setup
    rows = [(f"QT-{n:03d}", f"Quy trình số {n}", "VP", "", 12, 1 + n % 4, dt.date(2025, 1, 1), "") for n in range(130)]
    result = run(register(rows), officer)
    assert result.committed and result.counts()["created"] == 130
    assert DocumentVersion.objects.count() == 130


def test_a_preview_checks_without_publishing(setup):
    officer, _owner = setup
    rows = [("QT-01", "A", "VP", "", 12, 3, dt.date(2025, 3, 1), "")]
    result = run(register(rows), officer, commit=False)
    assert result.ok and result.counts()["created"] == 1 and not result.committed
    assert not ProcessDocumentPage.objects.exists() and not DocumentVersion.objects.exists()


@pytest.mark.parametrize("commit", [False, True])
def test_a_document_in_review_is_not_updated_by_an_import(setup, commit):
    from cms.services import document_submit

    officer, _owner = setup
    run(register([("QT-01", "A", "VP", "", 12, 3, dt.date(2025, 3, 1), "")]), officer)
    page = ProcessDocumentPage.objects.get(identifier="QT-01")
    document_submit(page=page, user=officer, change_summary="Sửa bước 2")
    before = PageLogEntry.objects.count()
    result = run(register([("QT-01", "A (new title)", "VP", "", 12, 3, "", "")]), officer, commit=commit)
    assert not result.committed
    assert ["has a revision in review" in p.message or "chờ xem xét" in p.message for p in result.problems] == [True]
    assert ProcessDocumentPage.objects.get(identifier="QT-01").title == "A"
    assert PageLogEntry.objects.count() == before
