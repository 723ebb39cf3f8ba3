"""Project-wide promises: migrations match models, lint is clean, catalogues are complete."""

import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/vi/LC_MESSAGES/django.po") if ".venv" not in p.parts)


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_vietnamese_catalogue_is_complete_and_compiled(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated and not fuzzy, f"untranslated: {untranslated}, fuzzy: {fuzzy}"
    mo = polib.mofile(str(path.with_suffix(".mo")))
    compiled = {e.msgid: e.msgstr for e in mo}
    stale = [e.msgid for e in po.translated_entries() if not e.msgid_plural and compiled.get(e.msgid) != e.msgstr]
    assert not stale, f"{path.with_suffix('.mo')} is out of date; run `make messages`: {stale[:5]}"


def test_a_message_has_one_vietnamese_translation_across_the_apps():
    """Django merges the apps' catalogues and the first app wins: the same English text translated two
    ways in two apps shows one app's wording in the other (e.g. a nonconformity's "Title" as a document
    name). Where the meaning really differs, the code gives the message a context (pgettext)."""
    translations = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)).translated_entries():
            key = (entry.msgctxt, entry.msgid)
            translations.setdefault(key, {})[str(path.relative_to(ROOT))] = entry.msgstr or str(entry.msgstr_plural)
    conflicts = {key: found for key, found in translations.items() if len(set(found.values())) > 1}
    assert not conflicts, conflicts
