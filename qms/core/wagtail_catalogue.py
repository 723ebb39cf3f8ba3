"""The project's Vietnamese catalogue of the Wagtail admin (issue 20; ISO 9001 7.5: people read the
system they work in in their own language).

Wagtail 8 ships Vietnamese for about a sixth of its admin. We keep a full translation in
``locale/wagtail/vi/LC_MESSAGES/{django,djangojs}.po``, the second entry of ``LOCALE_PATHS``: a
``LOCALE_PATHS`` catalogue wins over an app's own (for ``django`` and ``djangojs`` alike), and our own
``locale/`` comes first so the product's wording wins on a message both use. It is not in
``locale/vi/``, which ``make messages`` rebuilds from our sources with ``--no-obsolete``.

The list of messages to translate is each installed Wagtail app's English catalogue
(``<app>/locale/en/LC_MESSAGES/<domain>.po``), so after a Wagtail upgrade ``missing()`` names the new
ones and ``update()`` adds them, empty, for a translator (``make wagtail-messages``).
See https://docs.djangoproject.com/en/5.2/topics/i18n/translation/#how-django-discovers-translations
"""

import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import django
import polib
from django.apps import apps
from django.conf import settings

from .workflow_names import data_names, group_names

DOMAINS = ("django", "djangojs")
# Wagtail apps whose catalogue we do not carry although they may be installed: none today. An app
# here is left to Wagtail's own catalogue (and reported as such by the check).
NOT_COVERED: set[str] = set()
# Third-party apps whose messages show in the Wagtail admin (axes: the locked-out log-ins list) and that
# ship no English catalogue: the language whose catalogue lists their msgids (its translations are not
# used).
THIRD_PARTY = {"axes": "de", "django_celery_beat": "de", "simple_history": "de"}
DATA_APP = "qms data (workflow names)"  # the role groups' names too (qms.core.workflow_names)
# Django's own Vietnamese lags its msgids (timesince's "%(num)d minute" is English, so the dashboard
# says "0 minutes trước"): we carry the messages of Django's core that its catalogue lacks, except
# language names (we offer two) and the default start page (never shown).
DJANGO_APP = "django"
_DJANGO_SKIPPED = ("conf/global_settings.py", "views/templates/default_urlconf.html")
HEADER = {
    "Project-Id-Version": "qms-tracker wagtail-vi",
    "Language": "vi",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
    "PO-Revision-Date": "2026-12-03 12:00+0700",
    "Last-Translator": "QMS tracker contributors",
    "Language-Team": "Vietnamese",
}
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}|</?[a-zA-Z][^>]*>")


def catalogue_dir() -> Path:
    return Path(settings.BASE_DIR) / "locale" / "wagtail" / "vi" / "LC_MESSAGES"


def catalogue_path(domain: str) -> Path:
    return catalogue_dir() / f"{domain}.po"


def _shown_in_wagtail(entry: polib.POEntry) -> bool:
    """A third-party message our users can meet: one from models or app configs, which the Wagtail
    viewsets show (django-celery-beat's schedules, django-simple-history's change kinds), not one of
    the Django admin's, which this product does not install."""
    return any(not (path.endswith("admin.py") or "/templates/" in path) for path, _line in entry.occurrences)


def sources(domain: str) -> list[tuple[str, Path]]:
    """(app name, catalogue listing its messages) of every installed app whose messages we carry."""
    found = []
    django_core = SimpleNamespace(name=DJANGO_APP, path=str(Path(django.__file__).parent / "conf"))
    for config in [*apps.get_app_configs(), django_core]:
        if config.name in NOT_COVERED:
            continue
        if config.name.startswith("wagtail") or config.name == DJANGO_APP:
            path = Path(config.path) / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        elif config.name in THIRD_PARTY:
            path = Path(config.path) / "locale" / THIRD_PARTY[config.name] / "LC_MESSAGES" / f"{domain}.po"
        else:
            continue
        if path.exists():
            found.append((config.name, path))
    return found


def _lacking_in_django(entry: polib.POEntry, django_vi: set) -> bool:
    if (entry.msgctxt, entry.msgid) in django_vi:
        return False
    return not all(path.endswith(_DJANGO_SKIPPED) for path, _line in entry.occurrences)


def _messages(app: str, path: Path) -> list[polib.POEntry]:
    entries = [e for e in polib.pofile(str(path)) if not e.obsolete]
    if app == DJANGO_APP:
        vi = polib.pofile(str(path).replace("/en/", "/vi/"))
        django_vi = {(e.msgctxt, e.msgid) for e in vi if e.translated()}
        return [e for e in entries if _lacking_in_django(e, django_vi)]
    return [e for e in entries if _shown_in_wagtail(e)] if app in THIRD_PARTY else entries


def source_entries(domain: str) -> dict[tuple[str | None, str], tuple[str, polib.POEntry]]:
    """Every message to carry for ``domain``, keyed by (context, msgid), first app first."""
    entries = {}
    for app, path in sources(domain):
        for entry in _messages(app, path):
            entries.setdefault((entry.msgctxt, entry.msgid), (app, entry))
    if domain == "django":
        for name in [*data_names(), *group_names()]:
            entries.setdefault((None, name), (DATA_APP, polib.POEntry(msgid=name)))
    return entries


def load(domain: str) -> polib.POFile:
    path = catalogue_path(domain)
    return polib.pofile(str(path)) if path.exists() else polib.POFile()


def translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural.get(0))
    return bool(entry.msgstr)


def missing(domain: str) -> dict[str, list[str]]:
    """Per Wagtail app, the messages our catalogue does not translate."""
    ours = {(e.msgctxt, e.msgid): e for e in load(domain)}
    lacking: dict[str, list[str]] = {}
    for key, (app, _entry) in source_entries(domain).items():
        if key not in ours or not translated(ours[key]):
            lacking.setdefault(app, []).append(key[1])
    return lacking


def counts(domain: str) -> dict[str, tuple[int, int]]:
    """Per app, (translated, total) of all its messages, shared ones included."""
    ours = {(e.msgctxt, e.msgid): e for e in load(domain)}
    groups = {app: {(e.msgctxt, e.msgid) for e in _messages(app, path)} for app, path in sources(domain)}
    if domain == "django":
        groups[DATA_APP] = {(None, name) for name in [*data_names(), *group_names()]}
    done = {app: sum(1 for key in keys if key in ours and translated(ours[key])) for app, keys in groups.items()}
    return {app: (done[app], len(keys)) for app, keys in groups.items()}


def placeholders(text: str) -> Counter:
    return Counter(_PLACEHOLDER.findall(text))


def placeholder_mismatches(domain: str) -> list[str]:
    """Translations whose placeholders or HTML tags differ from the English (the plural's, if any)."""
    wrong = []
    for entry in load(domain):
        if not translated(entry):
            continue
        english = entry.msgid_plural or entry.msgid
        text = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        if placeholders(english) != placeholders(text):
            wrong.append(f"{entry.msgid!r} -> {text!r}")
    return wrong


def update(domain: str) -> tuple[int, int]:
    """Add Wagtail's new messages (empty) and drop those Wagtail no longer has; keep translations.

    Returns (added, dropped). Does not compile: an empty message falls back to Wagtail's own catalogue.
    """
    po = load(domain)
    po.metadata = {**HEADER, **{k: v for k, v in po.metadata.items() if k not in HEADER}}
    wanted = source_entries(domain)
    have = {(e.msgctxt, e.msgid) for e in po}
    added = 0
    for key, (app, source) in wanted.items():
        if key in have:
            continue
        entry = polib.POEntry(
            msgctxt=source.msgctxt,
            msgid=source.msgid,
            msgid_plural=source.msgid_plural,
            msgstr="",
            occurrences=[],
            msgstr_plural={0: ""} if source.msgid_plural else {},
            flags=[flag for flag in source.flags if flag != "fuzzy"],
            comment=app,
        )
        po.append(entry)
        added += 1
    dropped = [e for e in po if (e.msgctxt, e.msgid) not in wanted]
    for entry in dropped:
        po.remove(entry)
    catalogue_dir().mkdir(parents=True, exist_ok=True)
    po.wrapwidth = 100
    po.save(str(catalogue_path(domain)))
    return added, len(dropped)
