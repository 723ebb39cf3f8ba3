"""The minutes and the pack as a Word document (python-docx), in the form a Vietnamese agency files it:
the agency's header beside the national motto, the title BIÊN BẢN, the sections with their tables, and the
signature block (chair and secretary). Opens in Word and LibreOffice (tests/qms/management_review)."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from qms.spreadsheets.export import organisation_name


def _centered(cell_or_doc, text, bold=False, size=12):
    p = cell_or_doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    return p


def _header(doc, place_date):
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _centered(left, organisation_name().upper(), bold=True)
    _centered(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    _centered(right, "Độc lập – Tự do – Hạnh phúc", bold=True)
    _centered(right, place_date, size=11).runs[0].italic = True


def _section(doc, section):
    for fig in section.get("figures", []):
        doc.add_paragraph(f"{fig['label']}: {fig['value']}", style="List Bullet")
    for table in section.get("tables", []):
        if not table.get("rows"):
            continue
        doc.add_paragraph(table["title"]).runs[0].bold = True
        t = doc.add_table(rows=1, cols=len(table["columns"]))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, table["columns"], strict=True):
            cell.text = str(text)
            cell.paragraphs[0].runs[0].bold = True
        for row in table["rows"]:
            cells = t.add_row().cells
            for cell, value in zip(cells, row, strict=False):
                cell.text = str(value)


def _signatures(doc, left_title, left_name, right_title, right_name):
    table = doc.add_table(rows=1, cols=2)
    for cell, title, name in zip(table.rows[0].cells, (left_title, right_title), (left_name, right_name), strict=True):
        _centered(cell, title, bold=True)
        _centered(cell, _("(signature and full name)"), size=10).runs[0].italic = True
        for _i in range(3):
            cell.add_paragraph()
        _centered(cell, name, bold=True)


def _name(user):
    return (user.get_full_name() or user.username) if user else ""


def minutes_docx(review, sections_text):
    """The minutes and the frozen pack of `review` as .docx bytes; `sections_text`: {key: ReviewSection}."""
    doc = Document()
    _header(doc, _("%(day)s") % {"day": review.meeting_date.strftime("Ngày %d tháng %m năm %Y")})
    _centered(doc, _("MINUTES OF THE MANAGEMENT REVIEW"), bold=True, size=14)
    _centered(doc, review.title, bold=True)
    doc.add_paragraph(
        _("Period reviewed: %(start)s – %(end)s")
        % {"start": review.period_start.strftime("%d/%m/%Y"), "end": review.period_end.strftime("%d/%m/%Y")}
    )
    doc.add_paragraph(_("Chair: %(name)s") % {"name": _name(review.chair)})
    doc.add_paragraph(_("Secretary: %(name)s") % {"name": _name(review.officer)})
    attendees = ", ".join(_name(u) for u in review.attendees.all())
    doc.add_paragraph(_("Attendees: %(names)s") % {"names": attendees or "–"})
    if review.attendance_note:
        doc.add_paragraph(review.attendance_note)
    for free_label, free_text in (
        (_("Changes in external and internal issues"), review.external_internal_issues),
        (_("Performance of external providers"), review.external_providers),
        (_("Adequacy of resources"), review.resources),
    ):
        if free_text:
            doc.add_heading(free_label, level=2)
            doc.add_paragraph(free_text)
    for section in review.pack.get("sections", []):
        doc.add_heading(f"9.3.2 {section['clause_item']}) {section['label']}", level=2)
        _section(doc, section)
        text = sections_text.get(section["key"])
        if text and text.summary:
            doc.add_paragraph(_("Summary: %(text)s") % {"text": text.summary})
        if text and text.discussion:
            doc.add_paragraph(_("Discussion: %(text)s") % {"text": text.discussion})
    decisions = list(review.decisions.all())
    doc.add_heading(_("Decisions (9.3.3)"), level=2)
    if decisions:
        t = doc.add_table(rows=1, cols=5)
        t.style = "Table Grid"
        headings = (_("Reference"), _("Kind"), _("Decision"), _("Owner"), _("Due date"))
        for cell, text in zip(t.rows[0].cells, headings, strict=True):
            cell.text = str(text)
        for d in decisions:
            cells = t.add_row().cells
            cells[0].text = str(d.reference)
            cells[1].text = str(d.get_kind_display())
            cells[2].text = d.text
            cells[3].text = _name(d.owner) or "–"
            cells[4].text = d.due_date.strftime("%d/%m/%Y") if d.due_date else "–"
    if review.conclusion:
        doc.add_heading(_("Conclusion"), level=2)
        doc.add_paragraph(review.conclusion)
    _signatures(
        doc, _("SECRETARY"), _name(review.minutes_written_by or review.officer), _("CHAIR"), _name(review.chair)
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def report_docx(year, report, sections):
    doc = Document()
    _header(doc, f"Ngày … tháng … năm {year + 1}" if year else "")
    _centered(doc, _("REPORT ON APPLYING, MAINTAINING AND IMPROVING THE QUALITY MANAGEMENT SYSTEM"), bold=True, size=14)
    _centered(doc, _("Year %(year)s") % {"year": year}, bold=True)
    for section in sections:
        doc.add_heading(section["label"], level=2)
        if section["key"] == "scope":
            doc.add_paragraph(_("Decision number: %(n)s") % {"n": report.decision_number or "–"})
            date = report.decision_date.strftime("%d/%m/%Y") if report.decision_date else "–"
            doc.add_paragraph(_("Date: %(d)s") % {"d": date})
            doc.add_paragraph(_("Scope: %(s)s") % {"s": report.scope or "–"})
        for item in section["inputs"]:
            _section(doc, item)
        if section["text"]:
            doc.add_paragraph(section["text"])
    _signatures(doc, "", "", _("HEAD OF AGENCY"), "")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
