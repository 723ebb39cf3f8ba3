"""The master list's own columns (ISO 9001 7.5.3): what the register shows for people only.

The master list of documents (danh mục tài liệu, cms.views.admin) exports the document import's file
(cms.imports: the imported columns under the importer's headings) plus these columns, which the import
accepts under their headings and reads past. Kept apart from the view so that the import, which
must know them, depends on the register's columns and not on an admin view.
"""

from django.utils.translation import gettext_lazy as _

from qms.spreadsheets import export

from . import selectors

# What the master list shows for people only; the document import reads past these columns.
MASTER_LIST_ONLY_COLUMNS = [
    ("unit_name", export.Column(_("Unit"), lambda doc: doc.unit.name, width=30)),
    ("owner_name", export.Column(_("Process owner"), lambda doc: str(doc.process_owner or "") or None)),
    ("next_review_date", export.Column(_("Next review date"), lambda doc: doc.next_review_date, kind="date")),
    ("status", export.Column(_("Status"), lambda doc: selectors.document_status(doc))),
]
MASTER_LIST_ONLY_HELP = _("Shown by the master list for information; an import does not change it.")
