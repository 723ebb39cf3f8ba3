"""The public list of procedures (`/thu-tuc/`), rendered once per question and kept until the register changes.

Citizens read the list before they apply (ISO 9001 8.2.1 a: information about the services), and what
it says must be the register as it stands: never a repealed, replaced or internal procedure, never an
old time limit (8.5.1 a, 7.5.3.2 c: no superseded information in use). Rendering 50 procedures with
their ways took about three quarters of the view's time, the same work for every citizen asking the
same question, so the list's body (the search form, the count, the page of procedures, the pages) is
kept per language and per question: the search, level, field and page exactly as the view reads them,
nothing else. The body holds nothing of the reader (it is rendered without the request), so one entry
serves everyone; the page around it (header, person, language switch with its CSRF token, messages)
is rendered per request.

**Generation.** Every entry carries the generation it was built under, read with it in one round trip
and *before* the database. Saving or deleting a procedure or any of its children (ways, fees, dossier
components, legal bases: edited with it in one act, see models.py) replaces the generation, now and
again when the change commits, so no entry built before the change is served after it: the second
replacement closes the race of a citizen who read the old rows between the first one and the commit.
A missing generation (never set, evicted, the cache cleared) is replaced by a new one, never reused;
a cache that cannot keep it (Django's dummy cache) means every view renders.

Writes that send no signals (``bulk_create``, ``QuerySet.update``, SQL) must call ``invalidate()``
themselves; the product makes none on these models (every change goes through ``services.py``).
The procedure's process documents (the many-to-many ``documents``) are not watched: the list shows
none of them (the detail page, which is not cached, does).

Written by hand because nothing well kept does this: Django's ``cache_page`` and its template
``{% cache %}`` tag only expire by time, so a repealed procedure would stay on the list until the
timeout; wagtail-cache expires by time or when Wagtail pages are published, not when this register
changes; django-cacheops needs Redis (the default here is the file cache); django-cachalot caches
the queries, and the render was the cost. The generations are the core's (``qms.core.cache``), as
``cms.reader_cache``'s are.
"""

import hashlib
import json

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from qms.core.cache import generation_of, replace_generation

# Part of every key: bump it when a release changes how the list renders (its template, its labels),
# so that no body cached by the previous release is served after it (the file cache outlives restarts).
LAYOUT_VERSION = 1
PREFIX = f"procedures:public-list:{LAYOUT_VERSION}"
GENERATION_KEY = f"{PREFIX}:generation"
# An unchanged register's entries last an hour: a question nobody asks again leaves the cache by then.
TIMEOUT = 3600
#: What the view reads from the query string; anything else in it changes nothing and shares the entry.
PARAMETERS = ("q", "level", "field", "page")


def question(query):
    """The list's question from a query string (`request.GET`), in one spelling per question: the search
    trimmed, a level only if it is one, a page number only if it is one. Every distinct question is an entry
    of the shared cache, so spelling the same question differently must not make another one."""
    from .models import Level

    level = query.get("level", "")
    page = query.get("page", "").strip()
    return {
        "q": query.get("q", "").strip(),
        "level": level if level in Level.values else "",
        "field": query.get("field", "").strip(),
        # Digits 0-9 only ("٣" and "²" are digits to Python), without leading zeros; page 1 is no page.
        "page": str(int(page)) if page.isascii() and page.isdigit() and int(page) > 1 else "",
    }


def _key(language, params):
    # JSON of a list: unambiguous whatever the values hold ("&", ":", newlines), so two different
    # questions never share a key; hashed, so a long search stays a short key (memcached, files).
    spelled = json.dumps([language, *(params[name] for name in PARAMETERS)], ensure_ascii=False)
    return f"{PREFIX}:body:" + hashlib.sha256(spelled.encode()).hexdigest()


def invalidate():
    """Make every cached body unreachable, now and again when the current transaction commits."""
    replace_generation(GENERATION_KEY)


def body(params, render):
    """The list's body for `params` ({name: value} of PARAMETERS) in the active language: the cached one
    when it was built under the current generation, else `render()`'s (a str), kept for the next reader."""
    key = _key(get_language(), params)
    found = cache.get_many([GENERATION_KEY, key])
    current = generation_of(GENERATION_KEY, found)
    entry = found.get(key)
    if current is not None and entry is not None and entry["generation"] == current:
        return entry["body"]
    html = render()
    if current is not None:
        cache.set(key, {"generation": current, "body": str(html)}, TIMEOUT)
    return html


def _on_change(sender, **kwargs):
    invalidate()


def connect():
    """Listen to the register's own models only: a receiver for every model would turn off Django's fast deletes."""
    from .models import AdministrativeProcedure, ApplicationWay, DossierComponent, Fee, LegalBasis

    for sender in (AdministrativeProcedure, ApplicationWay, Fee, DossierComponent, LegalBasis):
        uid = f"procedures.public_cache.{sender._meta.label}"
        post_save.connect(_on_change, sender=sender, dispatch_uid=f"{uid}.save")
        post_delete.connect(_on_change, sender=sender, dispatch_uid=f"{uid}.delete")
