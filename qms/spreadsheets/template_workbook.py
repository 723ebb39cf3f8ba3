"""The downloadable template of an import: headings, an example row, notes and data validation.

ISO 9001 7.5.2: the template is the controlled format in which an organisation's
existing registers are brought into the product.
"""

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

_REQUIRED_FILL = PatternFill("solid", fgColor="FCE9C5")
_FILL = PatternFill("solid", fgColor="DDE4EE")
_DATA_ROWS = 2000  # validation applies to this many rows below the headings


def template_heading(column):
    return f"{column.label} *" if column.required else str(column.label)


def _hint(column):
    parts = [str(column.help)] if column.help else []
    if column.required:
        parts.append(_("Required."))
    else:
        parts.append(_("Optional."))
    if column.kind == "date":
        parts.append(_("A date, dd/mm/yyyy."))
    elif column.kind == "int":
        parts.append(_("A whole number."))
    elif column.kind == "bool":
        parts.append(_("Yes or No."))
    elif column.kind == "list":
        parts.append(_("Several values separated by commas."))
    if column.choices:
        shown = ", ".join(str(c[-1] if isinstance(c, tuple) else c) for c in column.choices)
        parts.append(_("One of: %(choices)s.") % {"choices": shown})
    if column.max_length:
        parts.append(_("At most %(max)s characters.") % {"max": column.max_length})
    return " ".join(parts)


def build_template(importer, language=None):
    """The template of `importer` as .xlsx bytes, headings in `language` (default: the active one)."""
    with translation.override(language or translation.get_language()):
        book = Workbook()
        ws = book.active
        ws.title = str(importer.title)[:31]
        for index, column in enumerate(importer.columns, 1):
            heading = template_heading(column)
            cell = ws.cell(row=1, column=index, value=heading)
            cell.data_type = "s"
            cell.font = Font(bold=True)
            cell.fill = _REQUIRED_FILL if column.required else _FILL
            cell.comment = Comment(_hint(column), "QMS", width=300, height=120)
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = max(14, min(50, len(heading) + 4))
            ref = f"{letter}2:{letter}{_DATA_ROWS + 1}"
            validation = None
            if column.kind == "bool":
                validation = DataValidation(type="list", formula1=f'"{_("Yes")},{_("No")}"', allow_blank=True)
            elif column.kind == "choice" and column.choices:
                shown = ",".join(str(c[-1] if isinstance(c, tuple) else c) for c in column.choices)
                if len(shown) < 250 and '"' not in shown:
                    validation = DataValidation(type="list", formula1=f'"{shown}"', allow_blank=True)
            elif column.kind == "date":
                validation = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
            elif column.kind == "int":
                validation = DataValidation(
                    type="whole", operator="greaterThanOrEqual", formula1=str(column.min_value or 0), allow_blank=True
                )
            if validation is not None:
                validation.error = _hint(column)
                validation.errorTitle = heading
                validation.showErrorMessage = True
                ws.add_data_validation(validation)
                validation.add(ref)
        for offset, example in enumerate(importer.example_rows(), 2):
            for index, column in enumerate(importer.columns, 1):
                value = example.get(column.name)
                if value is None:
                    continue
                if isinstance(value, bool):
                    value = _("Yes") if value else _("No")
                elif isinstance(value, list | tuple):
                    value = ", ".join(str(v) for v in value)
                cell = ws.cell(row=offset, column=index, value=value)
                if column.kind == "date":
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(value, str):
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
        out = BytesIO()
        book.save(out)
        return out.getvalue()
