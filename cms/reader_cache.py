"""Readers' views of a current document come from a cache (ISO 9001 7.5.3.1 a: documented
information available where and when it is needed; 7.5.3.2 c: never a superseded version).

Staff read procedures all day, most of them for the first time that day: routing through the page
tree and rendering the page cost about fifteen times Django's bare stack. So a current document's
finished page is kept **once for every reader** of one kind (logged in or not), per host, path,
language, time zone and day, and what is a reader's own is a *hole* in it, filled per request:

- from the reader's **profile** (their name, the site navigation their groups allow, the
  administration link), kept per person, credentials and language, read without a query;
- from the reader's **part** of that document (the "I have read and understood" box), kept per
  reader and document, built with one query (``acknowledgement_state_of_current``) when missing;
  the box of everyone who still has to acknowledge is rendered once and kept with the page;
- per response: the CSRF token of the forms and the "printed on" time of the print footer.

A path is mapped straight to its document (the *route*), so a hit does not walk the page tree;
a path that Wagtail answered with a page that is no document is remembered as such for a few
minutes. ``ReaderCacheMiddleware``
answers from the cache before Django resolves the URL, for the paths that resolve to ``serve``.

**Generations.** Every entry is keyed by the cache generations it was built under, each read
*before* the database: the global one (a site, locale, view restriction, group, person, unit or
clause changed: everything), the document's (its page saved, published, unpublished, moved or
withdrawn; a version, review, form or distribution recorded: that document only) and the reader's
part of one document (an acknowledgement: that reader, that document only). A change replaces the
generation, now and again when it commits, which makes the entries built under the old one
unreachable; a missing generation (never set, or evicted) is replaced by a new one, never reused.
So no reader is ever served a version older than the current one, or another reader's part.

The invalidation API called from outside this module: ``invalidate()`` (everything),
``invalidate_document(page_id)`` and ``invalidate_reading(person_id, page_id)``.

Holes are named with a fresh random nonce of each render, kept with the entry: a fixed
placeholder would also replace the same text written in a document, and a document must be served
exactly as approved (ISO 9001 7.5.3.2 c); nothing written before the render can contain a nonce
drawn for it. The entry is stored split at its holes, so filling it is one join.

Written by hand because nothing well kept does this: Django's ``cache_page`` and cache middleware can
only expire by time (a newly published revision would wait for the timeout) and key on the whole
Cookie header; wagtail-cache serves anonymous visitors only, and our documents are read logged in.
"""

import collections
import functools
import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.context_processors import PermWrapper
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import SimpleTemplateResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.translation import get_language, gettext
from wagtail import views as wagtail_views

from qms.core.cache import generation_of, new_generation, replace_generation

from .acknowledgements import selectors as acknowledgement_selectors

# Part of every key of the document caches (this one and the body cache of cms.views.pages): bump it
# when a release changes how a document page renders, so that no page cached before the release is
# served after it.
LAYOUT_VERSION = 5
PREFIX = f"cms:reader-cache:{LAYOUT_VERSION}"
GENERATION_KEY = f"{PREFIX}:generation"
TIMEOUT = 3600
# A document's and a reading's generation outlive the entries built under them; one that expires
# or is evicted is replaced by a new one, which only costs a render.
GENERATION_TIMEOUT = 7 * 24 * 3600
NOT_A_DOCUMENT_TIMEOUT = 300
# Longer paths than any document's are left to Django's URL resolution (ReaderCacheMiddleware).
MAX_PATH = 255
# Letters and hex digits only, so that they pass through HTML escaping unchanged; see _new_nonce.
HOLE_PREFIX = "qmsReaderCacheHole"
HOLES = ("Csrf", "PrintedAt", "Name", "Nav", "Person", "Acknowledgement")

# What a document page shows besides the page tree itself (wagtailcore.Page subclasses are watched
# too): a change to one of these replaces the global generation.
WATCHED_MODELS = {
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.GroupPagePermission",
    "core.User",
    "core.OrganisationUnit",
    "core.IsoClause",
    "auth.Group",
}
# What shows on one document's page only (each has a page_id or a version): its generation.
DOCUMENT_MODELS = {"cms.DocumentVersion", "cms.DocumentReview", "cms.DocumentForm", "acknowledgements.Distribution"}


def _document_key(page_id):
    return f"{PREFIX}:document:{page_id}"


def _reading_key(person_id, page_id):
    return f"{PREFIX}:reading:{person_id}:{page_id}"


def generation():
    """The current global generation; a missing one is replaced by a new one, never reused."""
    return _generation(GENERATION_KEY)


def _timeout(key):
    return None if key == GENERATION_KEY else GENERATION_TIMEOUT


def _generation(key, found=None):
    return generation_of(key, found, timeout=_timeout(key))


def _replace(key):
    replace_generation(key, timeout=_timeout(key))


def invalidate():
    """Make every cached page, profile and part unreachable."""
    _replace(GENERATION_KEY)


def invalidate_document(page_id):
    """One document changed (published, withdrawn, reviewed, distributed...): its page, for every reader."""
    _replace(_document_key(page_id))


def invalidate_reading(person_id, page_id):
    """One reader's part of one document changed (they acknowledged it): that part only."""
    _replace(_reading_key(person_id, page_id))


def _on_save(sender, update_fields=None, **kwargs):
    # A log-in only stamps last_login, which no page shows.
    if update_fields is not None and set(update_fields) == {"last_login"}:
        return
    invalidate()


def _on_change(sender, **kwargs):
    invalidate()


def _on_m2m(sender, action, **kwargs):
    if action.startswith("post_"):
        invalidate()


def _on_document_page(sender, instance, **kwargs):
    # A document page is a leaf: saving, publishing, unpublishing or moving it changes its own page
    # (the list pages are not kept here). A move of a page above it replaces everything (_on_save).
    invalidate_document(instance.pk)


def _page_id_of(instance):
    page_id = getattr(instance, "page_id", None)
    if page_id is None and getattr(instance, "version_id", None) is not None:
        from .models import DocumentVersion

        page_id = DocumentVersion.objects.filter(pk=instance.version_id).values_list("page_id", flat=True).first()
    return page_id


def _on_document_part(sender, instance, **kwargs):
    page_id = _page_id_of(instance)
    if page_id is None:
        invalidate()
    else:
        invalidate_document(page_id)


def _on_acknowledgement(sender, instance, **kwargs):
    page_id = _page_id_of(instance)
    if page_id is None:
        invalidate()
    else:
        invalidate_reading(instance.person_id, page_id)


def connect():
    """Listen to the watched models only: a receiver for every model would turn off Django's fast deletes."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.models import Page, get_page_models
    from wagtail.signals import post_page_move

    from .models import ProcessDocumentPage

    def listen(senders, on_save, on_delete, name):
        for sender in senders:
            uid = f"cms.reader_cache.{name}.{sender._meta.label}"
            post_save.connect(on_save, sender=sender, dispatch_uid=f"{uid}.save")
            post_delete.connect(on_delete, sender=sender, dispatch_uid=f"{uid}.delete")

    other_pages = {Page, *get_page_models()} - {ProcessDocumentPage}
    listen({*other_pages, *(apps.get_model(label) for label in WATCHED_MODELS)}, _on_save, _on_change, "all")
    listen({ProcessDocumentPage}, _on_document_page, _on_document_page, "document")
    listen({apps.get_model(label) for label in DOCUMENT_MODELS}, _on_document_part, _on_document_part, "part")
    acknowledgement = apps.get_model("acknowledgements.Acknowledgement")
    listen({acknowledgement}, _on_acknowledgement, _on_acknowledgement, "reading")
    # A move changes the URLs of the page and of everything under it.
    post_page_move.connect(_on_change, dispatch_uid="cms.reader_cache.post_page_move")
    # Group memberships and permissions decide the navigation and who may read what.
    user = get_user_model()
    for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"cms.reader_cache.{through._meta.label}")


def _reader(request):
    """Who reads, from the session alone: the person's id and the hash of their credentials.

    A hit needs no query for the person. This is sound because a profile is stored only after
    Django's authentication accepted a session carrying this very (person, hash) pair, and any
    change to the person (deactivated, password changed, deleted, groups) replaces the generation;
    a session from before a password change carries another hash, so it never reaches the profile.
    """
    session = getattr(request, "session", None)
    if session is None:
        return None, ""
    person_id = session.get(SESSION_KEY)
    return person_id, f"{person_id or ''}:{session.get(HASH_SESSION_KEY, '')}"


@functools.cache
def _secret_digest():
    return hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()


def _key(kind, *parts):
    return f"{PREFIX}:{kind}:" + hashlib.sha256("\n".join(str(part) for part in parts).encode()).hexdigest()


def _cacheable_request(request):
    # A pending message ("Acknowledged", "Saved") must be shown, and so consumed, by a real render.
    return request.method == "GET" and not request.GET and not len(messages.get_messages(request))


def _new_nonce():
    return secrets.token_hex(16)


def _hole(nonce, name):
    return f"{HOLE_PREFIX}{nonce}{name}"


# Every nonce's holes, compiled once: a pattern per nonce would be compiled on every render, since
# each render draws a new nonce (re's own cache never sees one twice).
_HOLE = re.compile(HOLE_PREFIX.encode() + rb"([0-9a-f]{32})(" + "|".join(HOLES).encode() + b")")


def _split(content, nonce):
    """[text, hole name, text, ..., text]: the content cut at the holes of its render (this nonce's only)."""
    nonce, parts, position = nonce.encode(), [], 0
    for hole in _HOLE.finditer(content):
        if hole.group(1) == nonce:
            parts += [content[position : hole.start()], hole.group(2).decode()]
            position = hole.end()
    parts.append(content[position:])
    return parts


def _join(parts, values):
    out = list(parts)
    for index in range(1, len(out), 2):
        out[index] = values[out[index]]
    return b"".join(out)


def mark_cacheable(request, context):
    """Called by the page view: render holes instead of what is the reader's own, if the page is cached."""
    if not getattr(request, "qms_reader_cache", False):
        return False
    request.qms_reader_cache_nonce = nonce = _new_nonce()
    context["csrf_token"] = _hole(nonce, "Csrf")
    context["printed_at"] = _hole(nonce, "PrintedAt")
    context["reader_name"] = _hole(nonce, "Name")
    context["reader_holes"] = request.qms_reader_cache_holes = {
        "nav": _hole(nonce, "Nav"),
        "person": _hole(nonce, "Person"),
        "acknowledgement": _hole(nonce, "Acknowledgement"),
    }
    return True


_printed_at = {}


def printed_at():
    """Now, as the print footer shows it: to the minute, so formatted once a minute per language and zone."""
    now = timezone.localtime()
    key = (get_language(), timezone.get_current_timezone_name(), now.replace(second=0, microsecond=0))
    text = _printed_at.get(key)
    if text is None:
        if len(_printed_at) > 100:
            _printed_at.clear()
        text = _printed_at[key] = formats.date_format(now, "SHORT_DATETIME_FORMAT")
    return text


@dataclass(frozen=True)
class Reader:
    """Who the acknowledgement box is for, as the profile knows them (no query)."""

    pk: int
    unit_id: int | None
    is_authenticated: bool = True


def _profile(request, generation_now):
    """The reader's own parts of the page header, from request.user (which Django authenticated)."""
    from qms.core import site

    user = request.user
    nonce = _new_nonce()
    person = render_to_string(
        "includes/site_person.html",
        {"request": request, "perms": PermWrapper(user), "csrf_token": _hole(nonce, "Csrf")},
    )
    nav = render_to_string("includes/site_nav.html", {"site_nav": site.nav_for(user)})
    name = str(user) if user.is_authenticated else gettext("an anonymous visitor")
    return {
        "generation": generation_now,
        "kind": "staff" if user.is_authenticated else "public",
        "person_id": user.pk if user.is_authenticated else None,
        "unit_id": getattr(user, "unit_id", None) if user.is_authenticated else None,
        "name": conditional_escape(name).encode(),
        "nav": nav.encode(),
        "person": _split(person.encode(), nonce),
    }


def _box(request, state):
    """The acknowledgement box for `state` (as `acknowledgement_box` renders it), split at its CSRF hole."""
    nonce = _new_nonce()
    html = render_to_string(
        "acknowledgements/acknowledgement_box.html",
        {"state": state, "csrf_token": _hole(nonce, "Csrf"), "next": request.get_full_path()},
    )
    return _split(html.encode(), nonce)


def _form_box(request, current):
    """The box of every reader who still has to acknowledge `current`: the same for all of them but their
    CSRF token (a hole), so it is rendered once, with the page, and kept in its entry."""
    return None if current is None else _box(request, {"version": current, "acknowledged_at": None})


def _part(request, profile, entry):
    """The reader's own part of one document: the acknowledgement box, where the page has one (one query).

    Most readers still have to acknowledge: their box is the entry's own; only one who has acknowledged
    (their own date and time) or has nothing to acknowledge gets a box of their own.
    """
    current = entry.get("acknowledgement_version")
    if profile["person_id"] is None or current is None:
        return {"acknowledgement": [b""]}
    reader = Reader(pk=profile["person_id"], unit_id=profile["unit_id"])
    state = acknowledgement_selectors.acknowledgement_state_of_current(current, reader)
    if state is None:
        return {"acknowledgement": [b""]}
    if state["acknowledged_at"] is None:
        return {"acknowledgement": entry["acknowledgement_form"]}
    return {"acknowledgement": _box(request, state)}


def _fill(request, entry, profile, part):
    token = get_token(request).encode()
    own = {"Csrf": token}
    return _join(
        entry["content"],
        {
            "Csrf": token,
            "PrintedAt": printed_at().encode(),
            "Name": profile["name"],
            "Nav": profile["nav"],
            "Person": _join(profile["person"], own),
            "Acknowledgement": _join(part["acknowledgement"], own),
        },
    )


def _respond(request, entry, profile, part, state):
    response = HttpResponse(_fill(request, entry, profile, part), content_type=entry["content_type"])
    response["X-Reader-Cache"] = state
    return response


@dataclass
class _Lookup:
    """What the cache holds for one request: the response where it can answer, else what a render keeps."""

    response: HttpResponse | None = None
    # True: the cache cannot serve this request (a session Django no longer accepts, or not a document).
    bypass: bool = False
    person_id: object = None
    profile: dict | None = None
    route_key: str = ""
    generation: str = ""
    page_id: int | None = None
    page_key: str = ""
    part_key: str | None = None
    keep_locally: bool = False


class _RecentPages:
    """The pages this process read last, by key: a page is never changed under its key (the key holds the
    generations it was built under, read from the shared cache on every request), so a page read by many
    readers in a row is read from the shared cache once per process. Bounded; a lock, for threaded workers."""

    SIZE = 64
    # A minute at most: a change that sends no signal (a data fix in SQL) reaches readers as it would
    # through the shared cache's own timeout, only sooner.
    SECONDS = 60

    def __init__(self):
        self._pages = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            entry, until = kept
            if time.monotonic() >= until:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self._lock:
            self._pages[key] = (entry, time.monotonic() + self.SECONDS)
            self._pages.move_to_end(key)
            while len(self._pages) > self.SIZE:
                self._pages.popitem(last=False)


_pages = _RecentPages()


def _lookup(request, path):
    """Answer from the cache (``hit`` or ``shared``) where it can; else what ``serve`` needs to render and keep."""
    person_id, reader = _reader(request)
    host, language, zone = request.get_host(), get_language(), timezone.get_current_timezone_name()
    # Overdue banners and acknowledgement deadlines change at midnight.
    day = timezone.localdate().isoformat()
    route_key = _key("route", host, path)
    # The secret key's digest too: a profile never outlives the key its session was signed with.
    profile_key = _key("profile", reader, language, _secret_digest()) if person_id else None
    found = cache.get_many([key for key in (GENERATION_KEY, route_key, profile_key) if key])
    current = _generation(GENERATION_KEY, found)
    route = found.get(route_key)
    if route is not None and route["generation"] != current:
        route = None
    if route is not None and route["page_id"] is None:
        return _Lookup(bypass=True)  # not a document: Wagtail serves it
    profile = found.get(profile_key) if profile_key else None
    if profile is not None and profile["generation"] != current:
        profile = None
    if profile is None and person_id:
        if not _is_session_reader(request, person_id):
            return _Lookup(bypass=True)  # a session Django no longer accepts: log-in
        # Kept from the reader's first page on (their home page, usually), whatever it is.
        profile = _profile(request, current)
        cache.set(profile_key, profile, TIMEOUT)
    if route is not None:
        page_id = route["page_id"]
    else:
        page_id, is_document = _resolve(request, path)
        if not is_document:
            # Not a document: Wagtail serves it. ``serve`` remembers the path as such once Wagtail has
            # answered it, and only for a page at this very path: never a 404 or a document's own views
            # (print, a version), whose paths anyone can spell many ways and so fill the cache with.
            return _Lookup(bypass=True, route_key=route_key if page_id else "", generation=current)
    if route is None:
        cache.set(route_key, {"generation": current, "page_id": page_id}, TIMEOUT)
    if profile is None:
        profile = _profile(request, current)  # an anonymous visitor's, never kept

    def keys_of(page, *, create):
        """(page key, part key or None, whether the process may keep the page) under the generations, read
        before the database so that a change
        committed meanwhile makes what we build unreachable. A missing reading generation is created only
        when asked (a render, which keeps the reader's part): a reader's first view of a page the cache
        holds is usually their only one, so its part is kept only from the second view on."""
        document_key, reading_key = _document_key(page), _reading_key(person_id, page)
        generations = cache.get_many([document_key, reading_key])
        document = _generation(document_key, generations)
        reading = generations.get(reading_key)
        if reading is None and create and person_id:
            reading = _generation(reading_key)
        page_key = _key("page", host, path, language, zone, day, profile["kind"], current, document)
        # A cache that keeps nothing has no generations: the key would never change, so never keep it here.
        local = current is not None and document is not None
        if reading is None:
            return page_key, None, local
        return page_key, _key("part", reader, page, language, zone, day, current, document, reading), local

    page_key, part_key, local = keys_of(page_id, create=False)
    entry = _pages.get(page_key) if local else None
    wanted = [key for key in (None if entry else page_key, part_key) if key]
    got = cache.get_many(wanted) if wanted else {}
    if entry is None:
        entry = got.get(page_key)
        if entry is not None and local:
            _pages.put(page_key, entry)
    if entry is not None:
        part, state = got.get(part_key) if part_key else None, "hit"
        if part is None:
            part, state = _part(request, profile, entry), "shared"
            if person_id and part_key:
                cache.set(part_key, part, TIMEOUT)
            elif person_id:
                # Kept from the next view on; `add`, so that a generation set meanwhile is not replaced.
                cache.add(_reading_key(person_id, page_id), new_generation(), GENERATION_TIMEOUT)
        return _Lookup(response=_respond(request, entry, profile, part, state))
    page_key, part_key, local = keys_of(page_id, create=True)
    return _Lookup(
        keep_locally=local,
        person_id=person_id,
        profile=profile,
        route_key=route_key,
        page_id=page_id,
        page_key=page_key,
        part_key=part_key,
    )


def serve(request, path):
    """Wagtail's page serving, with the reader cache in front of it.

    ``X-Reader-Cache``: ``hit`` (all from the cache), ``shared`` (the page from the cache, the
    reader's own part built for them) or ``miss`` (the page rendered).
    """
    # The middleware has looked this request up already where it could (a cacheable one).
    found = getattr(request, "qms_reader_lookup", None)
    if found is None:
        if not _cacheable_request(request):
            return wagtail_views.serve(request, path)
        found = _lookup(request, path)
    if found.response is not None:
        return found.response
    if found.bypass:
        response = wagtail_views.serve(request, path)
        if found.route_key and response.status_code == 200:
            # A page that is no document, for a few minutes only: a document published here later is
            # served by Wagtail meanwhile (never wrongly), and from the cache again soon after.
            not_a_document = {"generation": found.generation, "page_id": None}
            cache.set(found.route_key, not_a_document, NOT_A_DOCUMENT_TIMEOUT)
        return response
    request.qms_reader_cache = True
    response = wagtail_views.serve(request, path)
    if not (getattr(response, "qms_reader_cacheable", False) and response.status_code == 200):
        return response
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.render()
    served = response.qms_reader_page_id
    entry = {
        "content": _split(response.content, request.qms_reader_cache_nonce),
        "content_type": response["Content-Type"],
        # The revision the acknowledgement box asks about, found once with the page (None: no box).
        "acknowledgement_version": request.qms_reader_cache_holes.get("acknowledgement_version"),
    }
    entry["acknowledgement_form"] = _form_box(request, entry["acknowledgement_version"])
    part = _part(request, found.profile, entry)
    if served == found.page_id:
        own = {found.part_key: part} if found.person_id and found.part_key else {}
        cache.set_many({found.page_key: entry, **own}, TIMEOUT)
        if found.keep_locally:
            _pages.put(found.page_key, entry)
    else:
        cache.delete(found.route_key)  # the path leads elsewhere now: learn it again on the next view
    response.content = _fill(request, entry, found.profile, part)
    response["X-Reader-Cache"] = "miss"
    return response


# Bounded: a scanner's made-up paths may pass through here too.
@functools.lru_cache(maxsize=1024)
def _served_by_wagtail(urlconf, path_info):
    """Whether Django's URL resolution sends `path_info` to ``serve``: fixed for the life of a process."""
    try:
        return resolve(path_info, urlconf).func is serve
    except Resolver404:
        return False


class ReaderCacheMiddleware:
    """Answer a cached document before Django resolves its URL.

    Wagtail's page serving is the last of the site's URL patterns, so resolving a document's path
    tries every other pattern first: about a tenth of a cached view. Whether a path reaches
    ``serve`` is resolved once per path and process; only a path that does is looked up here, with
    ``serve``'s own rules, and anything the cache cannot answer goes on to the view as before.
    Stands after the session, the person, their language and time zone are in place.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path_info = request.path_info
        if len(path_info) <= MAX_PATH and _cacheable_request(request) and _served_by_wagtail(get_urlconf(), path_info):
            request.qms_reader_lookup = found = _lookup(request, request.path_info[1:])
            if found.response is not None:
                return found.response
        return self.get_response(request)


def _resolve(request, path):
    """(the page at `path` of the request's site, whether it is a current document), straight from its URL
    path (two queries); (None, False) where no page has that very path (a document's print view, a 404).

    Wagtail's routing walks the page tree and loads the specific page; the route only needs the id,
    and is checked against the page Wagtail served before anything is kept under it.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, Site

    from .models import ProcessDocumentPage

    site = Site.find_for_request(request)
    if site is None:
        return None, False
    root = next((root.root_path for root in Site.get_site_root_paths() if root.site_id == site.pk), None)
    if root is None:
        return None, False
    found = Page.objects.filter(url_path=root + path, live=True).values_list("pk", "content_type_id").first()
    if found is None:
        return None, False
    return found[0], found[1] == ContentType.objects.get_for_model(ProcessDocumentPage).pk


def _is_session_reader(request, person_id):
    """Django authenticated the session's person (active, same password): a profile may be kept for it."""
    user = request.user
    return user.is_authenticated and str(user.pk) == str(person_id)
