"""One term per concept (docs/glossary.md): the Vietnamese catalogues use the glossary's term and none of its
rejected variants. A QMS is read by auditors who compare wording across records (ISO 9001 7.5.2 identification)."""

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def _glossary():
    rows = []
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("English", "---"):
            continue
        english, vietnamese, rejected, _note = cells
        rows.append((english, vietnamese, [v.strip() for v in rejected.split(";") if v.strip()]))
    return rows


def _catalogues():
    return sorted(
        path
        for path in ROOT.glob("**/locale/vi/LC_MESSAGES/django.po")
        if ".venv" not in path.parts and "wagtail" not in path.parts
    )


def _entries():
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            if entry.translated() and not entry.obsolete:
                texts = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
                yield path.relative_to(ROOT), entry, " ".join(texts)


def test_the_glossary_is_read():
    rows = _glossary()
    assert len(rows) >= 25
    assert ("process owner", "chủ quy trình") in [(en, vi) for en, vi, _rejected in rows]


def test_no_catalogue_uses_a_rejected_variant():
    rows = _glossary()
    found = [
        f"{path}: {entry.msgid!r} -> {text!r} uses '{variant}' (glossary: '{vietnamese}')"
        for path, entry, text in _entries()
        for _english, vietnamese, rejected in rows
        for variant in rejected
        if variant.lower() in text.lower()
    ]
    assert not found, "\n".join(found)


# The concepts whose English name always maps to the same Vietnamese words, whatever the sentence.
STRICT = ("process owner", "quality officer", "corrective action", "master list", "read and understood")


def test_a_message_naming_a_concept_uses_its_term():
    terms = {english: vietnamese for english, vietnamese, _rejected in _glossary()}
    wrong = [
        f"{path}: {entry.msgid!r} -> {text!r} should say '{terms[english]}'"
        for path, entry, text in _entries()
        for english in STRICT
        if re.search(rf"\b{english}s?\b", entry.msgid, re.IGNORECASE) and terms[english].lower() not in text.lower()
    ]
    assert not wrong, "\n".join(wrong)
