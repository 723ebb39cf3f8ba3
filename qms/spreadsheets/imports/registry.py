"""Importers: the base class an app subclasses, and the importers the apps register.

An app registers its importers with Wagtail's hook ``qms_importers`` in its ``wagtail_hooks.py``: a
callable returning ``Importer`` instances (docs/architecture.md)::

    @hooks.register("qms_importers")
    def importers():
        return [imports.CHECKLIST_QUESTIONS]
"""

from __future__ import annotations

from qms.core.extensions import collected

from .cells import ImportColumn

HOOK = "qms_importers"


class Importer:
    """Subclass, set key/title/description/columns, implement apply_row, and register an instance (hook
    ``qms_importers``)."""

    key: str = ""
    title: object = ""
    description: object = ""
    columns: list[ImportColumn] = []
    #: The files the upload offers to choose (the file input's ``accept``): an .xlsx sheet by default.
    accept = ".xlsx"

    def read_file(self, data):
        """The uploaded bytes as a ``Sheet`` (rows by column index, the first of them the headings).

        An .xlsx through ``read_sheet`` and its limits by default; an importer of another format (JSON
        from a national portal) overrides it, within the same size limit, raising ImportFileError."""
        from .reading import read_sheet

        return read_sheet(data)

    def template(self):
        """(content, content type, file extension) of the file to download and fill: the .xlsx template."""
        from ..export import XLSX_CONTENT_TYPE
        from ..template_workbook import build_template

        return build_template(self), XLSX_CONTENT_TYPE, "xlsx"

    def column(self, name):
        return next(column for column in self.columns if column.name == name)

    def heading(self, name):
        return str(self.column(name).label)

    def has_permission(self, user):
        return user.has_perm("spreadsheets.import_records")

    def order_rows(self, rows):
        """The order rows are written in (e.g. parent units before their children)."""
        return rows

    def check_rows(self, rows):
        """Problems across rows (beyond duplicate keys), found before writing: [(row number, column name, message)]."""
        return []

    def apply_row(self, row, *, user, reason, context):
        """Create or update the record of one row, with history (user, reason). Returns (action, label).

        Writes made in a preview are rolled back; `context["commit"]` tells which it is, and
        `context` may hold caches shared by the rows."""
        raise NotImplementedError

    def example_rows(self):
        return [{column.name: column.example for column in self.columns}]


def importers():
    """{key: importer} of every registered importer, by title."""
    found = {}
    for importer in collected(HOOK):
        if not importer.key:
            raise ValueError("An importer needs a key")
        found[importer.key] = importer
    return dict(sorted(found.items(), key=lambda item: str(item[1].title)))


def get_importer(key):
    return importers().get(key)
