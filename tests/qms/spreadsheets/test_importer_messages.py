"""Importers in other apps write t()/tl(); their strings must be listed and translated here."""

import ast
from pathlib import Path

import polib
import pytest

from qms.spreadsheets.importer_messages import MESSAGES

ROOT = Path(__file__).resolve().parents[3]
IMPORTERS = ("qms/spreadsheets/organisation.py", "cms/imports.py", "audits/imports.py")
MODULES = [ROOT / m for m in IMPORTERS if (ROOT / m).exists()]


def literals(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "tl"):
            assert node.args and isinstance(node.args[0], ast.Constant), f"{path}: t() needs a literal string"
            yield node.args[0].value


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_importer_strings_are_listed_and_translated(path):
    catalogue = polib.pofile(str(ROOT / "qms/spreadsheets/locale/vi/LC_MESSAGES/django.po"))
    translated = {entry.msgid for entry in catalogue.translated_entries()}
    found = set(literals(path))
    assert found, f"{path} has no t()/tl() string"
    assert found <= set(MESSAGES), f"add to importer_messages.py: {sorted(found - set(MESSAGES))}"
    assert found <= translated, f"untranslated: {sorted(found - translated)}"
    source = path.read_text(encoding="utf-8")
    assert "gettext" not in source and " _(" not in source, "use t()/tl() in importer modules"
