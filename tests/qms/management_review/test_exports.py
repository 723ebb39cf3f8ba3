"""The files that go into the ISO file open in a second, independent reader (LibreOffice, headless) and carry
what the meeting had before it and decided (ISO 9001 9.3.2, 9.3.3, 7.5.3): the Word minutes and the Excel
pack of a review, the yearly ISO report in Word and Excel."""

import csv
import datetime
import io
import shutil
import subprocess
import uuid

import docx
import pytest
from django.urls import reverse

from qms.management_review import report, services
from qms.management_review.excel import section_heading
from qms.management_review.models import ReviewDecision
from tests import factories as f

from .conftest import plan

pytestmark = [pytest.mark.libreoffice, pytest.mark.django_db]

DUE = datetime.date(2030, 6, 30)
DECISIONS = (
    (ReviewDecision.Kind.IMPROVEMENT, "Số hoá sổ theo dõi hồ sơ một cửa."),
    (ReviewDecision.Kind.RESOURCES, "Bố trí thêm một cán bộ tại bộ phận một cửa."),
)


def convert(path, tmp_path, target):
    """`path` converted by LibreOffice into `target` ("txt:Text" or a CSV filter), with a private profile
    (parallel runs must not share one); the converted file's text."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    profile = f"file:///tmp/qms-lo-{uuid.uuid4().hex}"
    out = tmp_path / "out"
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", target]
            + ["--outdir", str(out), str(path)],
            check=True,
            capture_output=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    extension = target.split(":")[0]
    return (out / f"{path.stem}.{extension}").read_text(encoding="utf-8-sig")


def csv_rows(path, tmp_path):
    return list(csv.reader(io.StringIO(convert(path, tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76"))))


@pytest.fixture
def held(people):
    f.make_nonconformity(unit=people["unit"])
    review = plan(people)
    review = services.pack_prepare(review=review, user=people["officer"])
    services.section_update(
        review=review, user=people["officer"], key="nonconformities", summary="Một điểm không phù hợp còn mở."
    )
    for kind, text in DECISIONS:
        services.decision_record(
            review=review, user=people["officer"], kind=kind, text=text, owner=people["staff"], due_date=DUE
        )
    return services.minutes_record(
        review=review, user=people["officer"], attendees=[people["attendee"]], conclusion="Phù hợp và có hiệu lực."
    )


def download(client, user, url, tmp_path, name):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    return path


def test_the_word_minutes_open_and_hold_every_section_and_decision(client, people, held, tmp_path):
    path = download(client, people["attendee"], reverse("reviews:docx", args=[held.pk]), tmp_path, "minutes.docx")
    headings = [section_heading(s) for s in held.pack["sections"]]
    assert len(headings) >= 8
    # python-docx reads it back ...
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for heading in headings:
        assert heading in paragraphs
    for _kind, text in DECISIONS:
        assert text in cells
    for decision in held.decisions.all():
        assert str(decision.reference) in cells
    # ... and so does LibreOffice, which is what the agency's file opens with.
    text = convert(path, tmp_path, "txt:Text")
    for heading in headings:
        assert heading in text
    for _kind, decision in DECISIONS:
        assert decision in text
    assert "Một điểm không phù hợp còn mở." in text
    assert "Phù hợp và có hiệu lực." in text
    assert held.title in text


def test_the_excel_pack_opens_and_holds_every_section_and_decision(client, people, held, tmp_path):
    path = download(client, people["auditor"], reverse("reviews:xlsx", args=[held.pk]), tmp_path, "pack.xlsx")
    rows = csv_rows(path, tmp_path)
    labels = [row[0] for row in rows if row]
    for section in held.pack["sections"]:
        assert section_heading(section) in labels
    values = {row[1] for row in rows if len(row) > 1}
    for _kind, text in DECISIONS:
        assert text in values
    # The figures are the frozen pack's: the nonconformities section says one was raised.
    nc = next(s for s in held.pack["sections"] if s["key"] == "nonconformities")
    raised = next(fig for fig in nc["figures"] if fig["key"] == "nonconformities_raised")
    start = labels.index(section_heading(nc))
    after = [row for row in rows[start + 1 :] if row][: len(nc["figures"])]
    assert [raised["label"], "1"] in [row[:2] for row in after]


def test_the_yearly_report_opens_in_word_and_excel_with_each_section(client, people, held, tmp_path):
    services.minutes_approve(review=held, user=people["chair"])
    year = held.meeting_date.year
    services.report_update(year=year, user=people["officer"], texts={"improvements": "Cải tiến một cửa."})
    _record, sections = report.report_sections(year)
    labels = [s["label"] for s in sections]
    assert len(labels) == len(report.SECTIONS)
    officer = people["officer"]
    word = download(client, officer, reverse("management_review:report_docx") + f"?year={year}", tmp_path, "r.docx")
    text = convert(word, tmp_path, "txt:Text")
    for label in labels:
        assert label in text
    assert "Cải tiến một cửa." in text
    assert held.title in text  # the reviews held
    book = download(client, officer, reverse("management_review:report_xlsx") + f"?year={year}", tmp_path, "r.xlsx")
    rows = csv_rows(book, tmp_path)
    first = [row[0] for row in rows if row]
    for label in labels:
        assert label in first
    reviews_row = next(row for row in rows if row and row[0] == str(report.SECTIONS[4][1]))
    held_count = next(rows[i + 1] for i, row in enumerate(rows) if row == reviews_row)
    assert held_count[1] == "1"
