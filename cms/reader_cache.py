"""A reader's repeated views of a current document come from a cache (ISO 9001 7.5.3.1 a: documented
information available where and when it is needed; 7.5.3.2 c: never a superseded version).

Staff keep a procedure open while they work and come back to it many times a day. Routing through the
page tree and rendering the page cost about twenty times Django's bare stack, so the finished page is
kept per reader: key = host, path, language, time zone, reader, today's date; value = the HTML and the
cache *generation* it was rendered under. Any change to what a document page shows (a page saved,
published, unpublished or moved; a version, review, distribution or acknowledgement recorded; a
person, their groups, permissions or unit; a view restriction) replaces the generation, which makes
every cached page unreachable at once: a reader can never get a version older than the current one.

The two per-request parts of the page are holes filled in on every response: the CSRF token of the
page's forms (acknowledge, log out, language) and the "printed on" time of the print footer. Each
render names its holes with a fresh random nonce, kept with the entry: a fixed placeholder would also
replace the same text written in a document, and a document must be served exactly as approved
(ISO 9001 7.5.3.2 c); nothing written before the render can contain a nonce drawn for it.

Written by hand because nothing well kept does this: Django's ``cache_page`` and cache middleware can
only expire by time (a newly published revision would wait for the timeout) and key on the whole
Cookie header; wagtail-cache serves anonymous visitors only, and our documents are read logged in.
"""

import hashlib
import secrets
import uuid

from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import formats, timezone
from django.utils.translation import get_language
from wagtail import views as wagtail_views

# Part of every key of the document caches (this one and the body cache of cms.views.pages): bump it
# when a release changes how a document page renders, so that no page cached before the release is
# served after it.
LAYOUT_VERSION = 3
GENERATION_KEY = f"cms:reader-cache:{LAYOUT_VERSION}:generation"
TIMEOUT = 3600
# Letters and hex digits only, so that they pass through HTML escaping unchanged; see _new_holes.
HOLE_PREFIX = "qmsReaderCacheHole"

# What a document page shows besides the page tree itself (wagtailcore.Page subclasses are watched too).
WATCHED_MODELS = {
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.GroupPagePermission",
    "cms.DocumentVersion",
    "cms.DocumentReview",
    "cms.DocumentForm",
    "acknowledgements.Distribution",
    "acknowledgements.Acknowledgement",
    "core.User",
    "core.OrganisationUnit",
    "core.IsoClause",
    "auth.Group",
}


def _new_generation():
    return uuid.uuid4().hex


def generation():
    """The current generation; a missing one (never set, or evicted) is replaced by a new one, never reused."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _new_generation(), None)
        value = cache.get(GENERATION_KEY)
    return value


def invalidate():
    """Make every cached page unreachable: now, and again when the change commits.

    The second replacement closes the race of a reader who rendered the old content between the
    first one and the commit and cached it under the first new generation.
    """
    cache.set(GENERATION_KEY, _new_generation(), None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, _new_generation(), None))


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


def connect():
    """Listen to the watched models only: a receiver for every model would turn off Django's fast deletes."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.models import Page, get_page_models

    for sender in {Page, *get_page_models(), *(apps.get_model(label) for label in WATCHED_MODELS)}:
        uid = f"cms.reader_cache.{sender._meta.label}"
        post_save.connect(_on_save, sender=sender, dispatch_uid=f"{uid}.save")
        post_delete.connect(_on_change, sender=sender, dispatch_uid=f"{uid}.delete")
    # Group memberships and permissions decide the navigation and who may read what.
    user = get_user_model()
    for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"cms.reader_cache.{through._meta.label}")


def _reader(request):
    """Who reads, from the session alone: the person's id and the hash of their credentials.

    A hit needs no query for the person. This is sound because an entry is stored only after
    Django's authentication accepted a session carrying this very (person, hash) pair, and any
    change to the person (deactivated, password changed, deleted, groups) replaces the generation;
    a session from before a password change carries another hash, so it never reaches the entry.
    """
    session = getattr(request, "session", None)
    if session is None:
        return ""
    return f"{session.get(SESSION_KEY, '')}:{session.get(HASH_SESSION_KEY, '')}"


def _key(request):
    parts = (
        request.get_host(),
        request.path,
        get_language(),
        timezone.get_current_timezone_name(),
        _reader(request),
        timezone.localdate().isoformat(),  # overdue banners and acknowledgement deadlines change at midnight
    )
    return f"cms:reader-cache:{LAYOUT_VERSION}:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _cacheable_request(request):
    # A pending message ("Acknowledged", "Saved") must be shown, and so consumed, by a real render.
    return request.method == "GET" and not request.GET and not len(messages.get_messages(request))


def _new_holes():
    """(CSRF token hole, printed-at hole) of one render: a nonce no page content can contain."""
    nonce = secrets.token_hex(16)
    return f"{HOLE_PREFIX}{nonce}Csrf", f"{HOLE_PREFIX}{nonce}PrintedAt"


def mark_cacheable(request, context):
    """Called by the page view: render holes instead of this request's token and time, if the page is cached."""
    if not getattr(request, "qms_reader_cache", False):
        return False
    request.qms_reader_cache_holes = holes = _new_holes()
    context["csrf_token"], context["printed_at"] = holes
    return True


def printed_at():
    return formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")


def _fill(request, content, holes):
    csrf_hole, printed_at_hole = holes
    return content.replace(csrf_hole.encode(), get_token(request).encode()).replace(
        printed_at_hole.encode(), printed_at().encode()
    )


def serve(request, path):
    """Wagtail's page serving, with the reader cache in front of it."""
    if not _cacheable_request(request):
        return wagtail_views.serve(request, path)
    key = _key(request)
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY) or generation()
    entry = found.get(key)
    # An entry without holes of its own was stored by an earlier release: a miss.
    if entry is not None and entry["generation"] == current and "holes" in entry:
        response = HttpResponse(_fill(request, entry["content"], entry["holes"]), content_type=entry["content_type"])
        response["X-Reader-Cache"] = "hit"
        return response
    request.qms_reader_cache = True
    response = wagtail_views.serve(request, path)
    if getattr(response, "qms_reader_cacheable", False) and response.status_code == 200:
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
        holes = request.qms_reader_cache_holes
        cache.set(
            key,
            {
                "generation": current,
                "content": response.content,
                "content_type": response["Content-Type"],
                "holes": holes,
            },
            TIMEOUT,
        )
        response.content = _fill(request, response.content, holes)
        response["X-Reader-Cache"] = "miss"
    return response
