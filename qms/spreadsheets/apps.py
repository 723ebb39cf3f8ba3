"""Excel registers and imports (openpyxl)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpreadsheetsConfig(AppConfig):
    name = "qms.spreadsheets"
    label = "spreadsheets"
    verbose_name = _("Spreadsheets")

    def ready(self):
        from django.core import checks

        # Importers are registered through the hook qms_importers (qms.spreadsheets.imports.registry).
        checks.register(check_defusedxml, checks.Tags.security)


def check_defusedxml(app_configs=None, **kwargs):
    """Imports parse files from outside: openpyxl must read them through defusedxml (XML bombs)."""
    import openpyxl
    from django.core import checks

    if openpyxl.DEFUSEDXML:
        return []
    return [
        checks.Error(
            "openpyxl does not parse through defusedxml, so imports are open to XML bombs.",
            hint="Install defusedxml (requirements.txt) and do not set OPENPYXL_DEFUSEDXML=False.",
            id="spreadsheets.E001",
        )
    ]
