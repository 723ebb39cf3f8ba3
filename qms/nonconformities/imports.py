"""Import of nonconformities from a spreadsheet (ISO 9001 10.2.2: carrying over an existing register or a
complaints log), through the shared import framework (`qms.spreadsheets.imports`).

Each row raises a nonconformity through `services.nonconformity_report`, like
the site and the audits do: it gets its reference, starts as *reported*, and its
history names the importing person and "Imported from FILE". A row whose title
already exists in that unit is left unchanged, so importing the same file twice
adds nothing. Statuses are not imported: a nonconformity moves only through the
workflow's rules.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.documents import document_by_identifier
from qms.core.models import IsoClause, OrganisationUnit, User
from qms.core.records import start_of_office_day
from qms.spreadsheets.imports import ImportColumn, Importer, RowError

from . import services
from .models import Nonconformity


def _choices(enum):
    """Each choice accepted by its code or by its label in any language (compared without case).

    The label in the active language comes last: the template's hint, its drop-down and its example row show
    that one, so a Vietnamese template offers Vietnamese words (the codes still work, for older files).
    """
    from django.conf import settings
    from django.utils import translation

    found = []
    for value, _label in enum.choices:
        names = [value]
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.append(str(enum(value).label))
        names.append(str(enum(value).label))
        names.append(_listable(names[-1]))
        # Duplicates dropped from the front, so the active language's wording stays last.
        found.append((value, *[name for name in dict.fromkeys(reversed(names[1:])) if name != value][::-1]))
    return tuple(found)


def _listable(label):
    """An Excel drop-down separates its entries with commas, so a label with one ("Phản ánh, khiếu nại ...")
    is offered as "Phản ánh / khiếu nại ..."; the label as written is accepted too."""
    return re.sub(r"\s*,\s*", " / ", label)


def _label(member):
    """A choice as the template's example row shows it: the active language's wording of its drop-down."""
    return _listable(str(member.label))


class NonconformityImporter(Importer):
    key = "nonconformities"
    title = gettext_lazy("Nonconformities")
    description = gettext_lazy(
        "Raises one nonconformity per row (status: reported). A title already recorded in the same unit is skipped."
    )

    @property
    def columns(self):
        return [
            ImportColumn(
                "title", gettext_lazy("Title"), required=True, key=True, max_length=255, example="Hồ sơ trả chậm"
            ),
            ImportColumn("unit", gettext_lazy("Unit code"), required=True, key=True, max_length=20, example="QLVH"),
            ImportColumn("description", gettext_lazy("Description"), required=True, example="Trả kết quả chậm 2 ngày."),
            ImportColumn(
                "source",
                gettext_lazy("Source"),
                required=True,
                kind="choice",
                choices=_choices(Nonconformity.Source),
                example=_label(Nonconformity.Source.COMPLAINT),
            ),
            ImportColumn(
                "severity",
                gettext_lazy("Severity"),
                kind="choice",
                choices=_choices(Nonconformity.Severity),
                example=_label(Nonconformity.Severity.MINOR),
            ),
            ImportColumn("reported_on", gettext_lazy("Reported on"), kind="date"),
            ImportColumn("reported_by", gettext_lazy("Reported by (username)"), max_length=150),
            ImportColumn("owner", gettext_lazy("Owner (username)"), max_length=150),
            ImportColumn("documents", gettext_lazy("Process documents (identifiers)"), kind="list"),
            ImportColumn("clauses", gettext_lazy("ISO 9001 clauses"), kind="list", example="8.5.1"),
        ]

    def apply_row(self, row, *, user, reason, context):
        values = row.values
        unit = OrganisationUnit.objects.filter(code__iexact=values["unit"]).first()
        if unit is None:
            raise RowError("unit", _("No unit has the code “%(code)s”.") % {"code": values["unit"]})
        if Nonconformity.objects.filter(unit=unit, title=values["title"].strip()).exists():
            return "unchanged", values["title"]
        people = {}
        for name in ("reported_by", "owner"):
            if values.get(name):
                people[name] = User.objects.filter(username__iexact=values[name]).first()
                if people[name] is None:
                    raise RowError(name, _("No person has the username “%(name)s”.") % {"name": values[name]})
        documents = []
        for identifier in values.get("documents") or []:
            document = document_by_identifier(identifier)
            if document is None:
                raise RowError("documents", _("No document has the identifier “%(id)s”.") % {"id": identifier})
            documents.append(document)
        clauses = []
        for number in values.get("clauses") or []:
            clause = IsoClause.objects.filter(number=number).first()
            if clause is None:
                raise RowError("clauses", _("“%(number)s” is not an ISO 9001 clause.") % {"number": number})
            clauses.append(clause)
        reported_at = None
        if values.get("reported_on"):
            reported_at = start_of_office_day(values["reported_on"])
        try:
            nc = services.nonconformity_report(
                title=values["title"],
                description=values["description"],
                source=values["source"],
                severity=values.get("severity") or Nonconformity.Severity.MINOR,
                unit=unit,
                reported_by=people.get("reported_by") or user,
                owner=people.get("owner"),
                documents=documents,
                clauses=clauses,
                reason=reason,
                reported_at=reported_at,
                recorded_by=user,
            )
        except services.NonconformityError as error:
            raise RowError(None, error.message) from error
        return "created", nc.reference


NONCONFORMITIES = NonconformityImporter()
