"""The review pack and the yearly ISO report as workbooks (qms.spreadsheets: formula-safe, self-identifying
header block): a summary sheet first (every 9.3.2 section's heading, figures and texts; for a review also its
decisions of 9.3.3), then one sheet per table."""

from django.utils.translation import gettext as _

from qms.spreadsheets.export import Column, RegisterWorkbook


def section_heading(section):
    """The heading of a pack section as the minutes, the workbook and the page print it: "9.3.2 a) ..."."""
    return f"9.3.2 {section['clause_item']}) {section['label']}"


def _name(user):
    return (user.get_full_name() or user.username) if user else ""


def _table_sheets(book, tables):
    for table in tables:
        columns = [Column(h, lambda row, i=i: row[i] if i < len(row) else "") for i, h in enumerate(table["columns"])]
        book.add_table(table["title"], columns, table["rows"])


def pack_workbook(review, sections_text, decisions, *, user):
    """The frozen pack of `review`, its texts and decisions; `sections_text`: {key: ReviewSection}."""
    book = RegisterWorkbook(title=review.title, user=user)
    pairs = [
        (_("Period reviewed"), f"{review.period_start:%d/%m/%Y} – {review.period_end:%d/%m/%Y}"),
        (_("Meeting date"), review.meeting_date),
        (_("Chair"), _name(review.chair)),
        (_("Status"), str(review.get_status_display())),
    ]
    for section in review.pack.get("sections", []):
        pairs.append((section_heading(section), ""))
        pairs.extend((fig["label"], fig["value"]) for fig in section.get("figures", []))
        text = sections_text.get(section["key"])
        if text and text.summary:
            pairs.append((_("Summary"), text.summary))
        if text and text.discussion:
            pairs.append((_("Discussion"), text.discussion))
    pairs.append((_("Decisions (9.3.3)"), len(decisions)))
    pairs.extend((str(d.get_kind_display()), d.text) for d in decisions)
    if review.conclusion:
        pairs.append((_("Conclusion"), review.conclusion))
    book.add_summary(_("Summary"), pairs)
    book.add_table(
        _("Decisions (9.3.3)"),
        [
            Column(_("Reference"), lambda d: str(d.reference)),
            Column(_("Kind"), lambda d: str(d.get_kind_display())),
            Column(_("Decision"), lambda d: d.text),
            Column(_("Owner"), lambda d: _name(d.owner)),
            Column(_("Due date"), lambda d: d.due_date, kind="date"),
            Column(_("Actions"), lambda d: "; ".join(str(a.get_status_display()) for a in getattr(d, "actions", ()))),
        ],
        decisions,
    )
    for section in review.pack.get("sections", []):
        _table_sheets(book, section.get("tables", []))
    return book


def report_workbook(year, report, sections, *, user):
    book = RegisterWorkbook(title=_("Yearly ISO report %(year)s") % {"year": year}, user=user)
    pairs = [
        (_("Conformity announcement decision number"), report.decision_number or ""),
        (_("Conformity announcement date"), report.decision_date),
        (_("QMS scope"), report.scope or ""),
    ]
    for section in sections:
        # Each section's heading on its own row, with the officer's text beside it, then its figures.
        pairs.append((section["label"], section["text"] or ""))
        for item in section["inputs"]:
            pairs.extend((fig["label"], fig["value"]) for fig in item.get("figures", []))
    book.add_summary(_("Summary"), pairs)
    for section in sections:
        for item in section["inputs"]:
            _table_sheets(book, item.get("tables", []))
    return book
