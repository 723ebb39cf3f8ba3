"""The yearly ISO report as a workbook (qms.spreadsheets: formula-safe, self-identifying header block):
a summary sheet of every section's figures and texts, then one sheet per table."""

from django.utils.translation import gettext as _

from qms.spreadsheets.export import Column, RegisterWorkbook


def report_workbook(year, report, sections, *, user):
    book = RegisterWorkbook(title=_("Yearly ISO report %(year)s") % {"year": year}, user=user)
    pairs = [
        (_("Conformity announcement decision number"), report.decision_number or ""),
        (_("Conformity announcement date"), report.decision_date),
        (_("QMS scope"), report.scope or ""),
    ]
    for section in sections:
        for item in section["inputs"]:
            for fig in item.get("figures", []):
                pairs.append((f"{section['label']} – {fig['label']}", fig["value"]))
        if section["text"]:
            pairs.append((section["label"], section["text"]))
    book.add_summary(_("Summary"), pairs)
    for section in sections:
        for item in section["inputs"]:
            for table in item.get("tables", []):
                columns = [
                    Column(h, lambda row, i=i: row[i] if i < len(row) else "") for i, h in enumerate(table["columns"])
                ]
                book.add_table(table["title"], columns, table["rows"])
    return book
