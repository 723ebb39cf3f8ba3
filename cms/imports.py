"""Import of the process document register (ISO 9001 7.5.2, 7.5.3): an organisation's existing list of procedures.

Registered through the hook qms_importers (wagtail_hooks.py). One row per
document: identifier (the natural key), title, unit code, process owner (username),
review interval in months, current revision number, effective date, public or internal.
Every write goes through the document services (cms.services), so the page tree,
the effective version entry, per-unit edit rights and Wagtail's log are exactly as
for any other document. A preview checks every row without calling the services
(registering a document publishes pages, which is slow); the commit calls them, and a
refusal they raise is reported on its row with nothing written:

- a new identifier: `document_create` registers the document with its current
  revision number and effective date (default: today);
- a known identifier: changed register fields (title, owner, interval, public) go
  through `document_update_register_fields` (no new version); a revision number one
  above the recorded one goes through `document_publish_imported_revision` with the
  file's effective date. A recorded version is never rewritten: a different
  effective date for the same revision, an older revision, or a gap of several
  revisions is reported on the row, not guessed. A blank owner, interval or public
  cell leaves that field as it is. Moving a document to another unit is refused.

The master list export (cms.views.admin) writes these columns under the same headings
(EXPORT_COLUMNS, here: the file is this import's), plus columns for people only (unit name,
owner's name, next review date, status: cms.master_list) that the import accepts and reads
past: an exported master list imports back with nothing changed.

Messages use `t`/`tl` (see qms.spreadsheets.importer_messages) so that they are
translated in the spreadsheets catalogue, not added to the cms catalogue.
"""

from django.utils import timezone

from qms.core.models import OrganisationUnit, User
from qms.spreadsheets import export
from qms.spreadsheets.importer_messages import t, tl
from qms.spreadsheets.imports import ImportColumn, Importer, RowError

from . import selectors, services
from .errors import DocumentError
from .master_list import MASTER_LIST_ONLY_COLUMNS, MASTER_LIST_ONLY_HELP
from .models import ProcessDocumentPage


class InformationColumn(ImportColumn):
    """A column of the master list export that an import reads past (unit name, status...).

    The master list exported by the product is also this import's file (docs/registers-and-imports.md: a register
    exported by the product imports back as it is); what it shows only for people is accepted
    under its heading and never written.
    """

    def parse(self, raw):
        return None


IMPORTED_COLUMNS = [
    ImportColumn(
        "identifier",
        tl("Identifier"),
        required=True,
        key=True,
        max_length=30,
        help=tl("Unique document code, e.g. QT-07. Existing identifiers are updated."),
        example="QT-07",
    ),
    ImportColumn("title", tl("Title"), required=True, max_length=255, example="Quy trình tiếp nhận hồ sơ"),
    ImportColumn(
        "unit",
        tl("Unit code"),
        required=True,
        max_length=20,
        help=tl("Code of the owning unit, already in the product."),
        example="VP",
    ),
    ImportColumn(
        "owner",
        tl("Process owner (username)"),
        max_length=150,
        help=tl("Username of a person already in the product."),
        example="officer",
    ),
    ImportColumn(
        "review_interval",
        tl("Review interval (months)"),
        kind="int",
        min_value=1,
        help=tl("Blank: 12 for a new document."),
        example=12,
    ),
    ImportColumn(
        "revision",
        tl("Current revision"),
        kind="int",
        min_value=1,
        help=tl("Number of the revision in force. Blank: 1 for a new document."),
        example=3,
    ),
    ImportColumn(
        "effective_date",
        tl("Effective date"),
        kind="date",
        help=tl("When the current revision took effect. Blank: today for a new document."),
    ),
    ImportColumn(
        "is_public",
        tl("Public"),
        kind="bool",
        help=tl("Yes: anyone may read it (e.g. administrative procedures). No: internal."),
        example=False,
    ),
]


def imported_heading(name):
    """The heading of an imported column (a lazy string), for the master list export to write."""
    return next(column.label for column in IMPORTED_COLUMNS if column.name == name)


def current_of(doc):
    """The current version prefetched by selectors.register_documents, or None."""
    return doc.current_versions[0] if getattr(doc, "current_versions", None) else None


def _imported(name, value, **kwargs):
    return export.Column(imported_heading(name), value, **kwargs)


_ONLY = dict(MASTER_LIST_ONLY_COLUMNS)

# The export is also the document import's file (docs/registers-and-imports.md: a register exported by the product
# imports back as it is): every imported column under the importer's own heading, and the
# values it reads (unit code, owner's username), so that importing it back changes nothing.
EXPORT_COLUMNS = [
    _imported("identifier", lambda doc: doc.identifier),
    _imported("title", lambda doc: doc.title, width=50),
    _imported("unit", lambda doc: doc.unit.code),
    _ONLY["unit_name"],
    _ONLY["owner_name"],
    _imported("owner", lambda doc: doc.process_owner.get_username() if doc.process_owner else None),
    _imported("revision", lambda doc: current_of(doc).number if current_of(doc) else None, kind="int"),
    _imported(
        "effective_date",
        lambda doc: current_of(doc).effective_date if current_of(doc) else None,
        kind="date",
    ),
    _imported("review_interval", lambda doc: doc.review_interval_months, kind="int"),
    _ONLY["next_review_date"],
    _imported("is_public", lambda doc: doc.is_public, kind="bool"),
    _ONLY["status"],
]


class DocumentRegisterImporter(Importer):
    key = "documents"
    title = tl("Process document register")
    description = tl(
        "The list of procedures and other controlled documents, by identifier: registers new documents with "
        "their current revision and updates the register fields of existing ones."
    )

    @property
    def columns(self):
        # The master list's own columns (cms catalogue), accepted under their headings and read past.
        return IMPORTED_COLUMNS + [
            InformationColumn(name, column.header, help=MASTER_LIST_ONLY_HELP)
            for name, column in MASTER_LIST_ONLY_COLUMNS
        ]

    def example_rows(self):
        rows = super().example_rows()
        rows[0]["effective_date"] = timezone.localdate().replace(month=1, day=15)
        return rows

    def apply_row(self, row, *, user, reason, context):
        values = row.values
        unit = OrganisationUnit.objects.filter(code__iexact=values["unit"]).first()
        if unit is None:
            raise RowError("unit", t("there is no unit with code “%(code)s”.") % {"code": values["unit"]})
        owner = None
        if values["owner"]:
            owner = User.objects.filter(username__iexact=values["owner"]).first()
            if owner is None:
                raise RowError(
                    "owner", t("there is no person with username “%(username)s”.") % {"username": values["owner"]}
                )
        label = f"{values['identifier']} – {values['title']}"
        page = ProcessDocumentPage.objects.filter(identifier__iexact=values["identifier"]).first()
        preview = not context.get("commit", True)
        try:
            if page is None:
                if preview:
                    # Registering a document publishes pages (slow): a preview checks, the commit writes.
                    return "created", label
                services.document_create(
                    identifier=values["identifier"],
                    title=values["title"],
                    unit=unit,
                    user=user,
                    reason=reason,
                    process_owner=owner,
                    review_interval_months=values["review_interval"] or 12,
                    is_public=bool(values["is_public"]),
                    revision_number=values["revision"] or 1,
                    effective_date=values["effective_date"] or timezone.localdate(),
                )
                return "created", label
            return self._update(page, values, unit, owner, user=user, reason=reason, preview=preview), label
        except DocumentError as error:
            raise RowError(None, str(error.message)) from None

    def _update(self, page, values, unit, owner, *, user, reason, preview=False):
        if page.unit_id != unit.pk:
            raise RowError(
                "unit",
                t("%(identifier)s belongs to unit %(unit)s; an import does not move a document to another unit.")
                % {"identifier": page.identifier, "unit": page.unit.code},
            )
        wanted = {"title": values["title"]}
        if owner is not None:
            wanted["process_owner"] = owner
        if values["review_interval"] is not None:
            wanted["review_interval_months"] = values["review_interval"]
        if values["is_public"] is not None:
            wanted["is_public"] = values["is_public"]
        changed = {name: value for name, value in wanted.items() if getattr(page, name) != value}
        publish = self._revision_to_publish(page, values)
        if preview:
            if (changed or publish) and page.withdrawn_at:
                raise RowError(None, t("%(identifier)s is withdrawn.") % {"identifier": page.identifier})
            if (changed or publish) and page.workflow_in_progress:
                raise RowError(
                    None,
                    t("%(identifier)s has a revision in review; update it after the decision.")
                    % {"identifier": page.identifier},
                )
            return "updated" if changed or publish else "unchanged"
        if changed:
            page = services.document_update_register_fields(page=page, user=user, reason=reason, **changed)
        if publish:
            services.document_publish_imported_revision(
                page=page,
                user=user,
                reason=reason,
                change_summary=reason,
                effective_date=values["effective_date"] or timezone.localdate(),
            )
        return "updated" if changed or publish else "unchanged"

    @staticmethod
    def _revision_to_publish(page, values):
        """True when the file's revision is the next one; a problem when it contradicts the record."""
        current = selectors.current_version(page)
        revision = values["revision"]
        if revision is None or current is None:
            return False
        if revision == current.number:
            if values["effective_date"] and values["effective_date"] != current.effective_date:
                raise RowError(
                    "effective_date",
                    t("revision %(number)s is recorded as effective on %(date)s; a recorded version is not changed.")
                    % {"number": current.number, "date": current.effective_date.strftime("%d/%m/%Y")},
                )
            return False
        if revision < current.number:
            raise RowError(
                "revision",
                t("the product already has revision %(number)s, newer than this file's.") % {"number": current.number},
            )
        if revision > current.number + 1:
            raise RowError(
                "revision",
                t("the product has revision %(number)s; revisions are added one at a time (import %(next)s first).")
                % {"number": current.number, "next": current.number + 1},
            )
        return True


DOCUMENT_REGISTER = DocumentRegisterImporter()
