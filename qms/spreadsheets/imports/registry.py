"""Importers: the base class an app subclasses, and the registry its ``imports.py`` fills."""

from __future__ import annotations

from .cells import ImportColumn

_REGISTRY: dict[str, Importer] = {}


class Importer:
    """Subclass, set key/title/description/columns, implement apply_row, and `register()` an instance."""

    key: str = ""
    title: object = ""
    description: object = ""
    columns: list[ImportColumn] = []

    def column(self, name):
        return next(column for column in self.columns if column.name == name)

    def heading(self, name):
        return str(self.column(name).label)

    def has_permission(self, user):
        from qms.core.roles import is_quality_officer

        return bool(user.is_authenticated and (user.is_superuser or is_quality_officer(user)))

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


def register(importer):
    if not importer.key:
        raise ValueError("An importer needs a key")
    _REGISTRY[importer.key] = importer
    return importer


def importers():
    return dict(sorted(_REGISTRY.items(), key=lambda item: str(item[1].title)))


def get_importer(key):
    return _REGISTRY.get(key)
