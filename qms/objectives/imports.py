"""Import of measurements (ISO 9001 9.1.1), through the shared import framework (template, dry run, all-or-nothing).

One row per indicator and period: the indicator's identifier (as the register exports it), the first day of
the period, the value, a comment. Each row goes through `services.measurement_record`, so the same rules hold
as on the site: an approved objective, a period of its year, a correction only with a reason (the import's
"Imported from FILE"); a row equal to what is recorded is left unchanged, so importing the same file twice
changes nothing.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.records import QmsError
from qms.spreadsheets.imports import CellError, ImportColumn, Importer, RowError

from . import services
from .models import Indicator, Measurement


def _number(value):
    """A value typed as a number or as text ("95,5" the Vietnamese way, or "95.5")."""
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("expected a number, found “%(value)s”.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("expected a number, found “%(value)s”.") % {"value": value})
    return number


class MeasurementsImporter(Importer):
    key = "measurements"
    title = gettext_lazy("Measurements of indicators")
    description = gettext_lazy(
        "One measurement per row: the indicator's identifier (see the objectives register), the first day of "
        "the period and the value. A period already measured is corrected; an equal row is left unchanged."
    )

    @property
    def columns(self):
        return [
            ImportColumn(
                "indicator",
                gettext_lazy("Indicator identifier"),
                required=True,
                key=True,
                kind="int",
                min_value=1,
                example=1,
            ),
            ImportColumn("period_start", gettext_lazy("Period from"), required=True, key=True, kind="date"),
            ImportColumn("value", gettext_lazy("Value"), required=True, parser=_number, example="95.5"),
            ImportColumn("comment", gettext_lazy("Comment"), max_length=4000),
        ]

    def apply_row(self, row, *, user, reason, context):
        values = row.values
        indicator = Indicator.objects.select_related("objective").filter(pk=values["indicator"]).first()
        if indicator is None:
            raise RowError("indicator", _("No indicator has the identifier %(id)s.") % {"id": values["indicator"]})
        existing = Measurement.objects.filter(indicator=indicator, period_start=values["period_start"]).first()
        comment = values.get("comment") or ""
        if existing is not None and existing.value == values["value"] and existing.comment == comment.strip():
            return "unchanged", str(existing)
        try:
            measurement = services.measurement_record(
                indicator=indicator,
                period_start=values["period_start"],
                value=values["value"],
                comment=comment,
                user=user,
                reason=reason,
                version=existing.version if existing else None,
            )
        except QmsError as error:
            raise RowError(None, error.message) from error
        return ("updated" if existing else "created"), str(measurement)


MEASUREMENTS = MeasurementsImporter()
