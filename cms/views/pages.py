"""Reading controlled documents on the site (ISO 9001 7.5.3.1 a: available where and when needed).

Staff land on the current effective version (the live page). Superseded versions
render the Wagtail revision their DocumentVersion points at, under a banner; only
published versions are reachable, never drafts. The rendered document body is
cached by revision, language and reader class, so a page with 30 versions costs
what a page with one does.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import get_language
from wagtail.models import PageViewRestriction

from .. import reader_cache, selectors
from ..models import DocumentVersion

BODY_CACHE_SECONDS = 24 * 3600


def _reading(view, **options):
    """A route of the document page: internal documents need a log-in first (7.5.3.1 b: protected).

    The route is bound to the page as a method (RoutablePageMixin), so it is called (page, request, ...).
    """

    def route(page, request, *args, **kwargs):
        denied = deny_reader(request, page)
        if denied is not None:
            return denied
        return view(request, page, *args, **options, **kwargs)

    route.__name__ = view.__name__
    return route


def routes():
    """The document page's routes, registered under cms.models.READING_ROUTES_HOOK (cms.wagtail_hooks)."""
    return [
        path("", _reading(serve_current), name="current"),
        path("print/", _reading(serve_current, printing=True), name="print_current"),
        path("v/<int:number>/", _reading(serve_version), name="version"),
        path("v/<int:number>/print/", _reading(serve_version, printing=True), name="print_version"),
        path("compare/<int:a>/<int:b>/", _reading(compare_versions), name="compare"),
    ]


def deny_reader(request, page):
    """Internal documents need a log-in; anonymous readers are sent to it (7.5.3.1 b: protected)."""
    if request.user.has_perm("cms.read_document", page):
        return None
    return redirect_to_login(request.get_full_path())


def _viewer_class(user):
    return "staff" if user.is_authenticated else "public"


def _body(request, page, shown, versions, *, version=None):
    """The document itself and its amendment history: the same for every reader of one class."""
    forms = list(shown.forms.all()) if version else list(shown.forms.select_related("document"))
    context = {
        "page": page,
        "shown": shown,
        "version": version,
        "versions": versions,
        "forms": forms,
        "clauses": list(shown.clauses.all()),
        "request": request,
        "numbers": _section_numbers(shown, forms),
    }
    return render_to_string("cms/includes/document_body.html", context)


SECTIONS = ("purpose", "scope", "references", "definitions", "steps", "forms", "records")


def _section_numbers(shown, forms):
    """{section: number} of the sections the document shows, numbered 1, 2, 3... in order: an empty
    section is left out and the next one takes its number."""
    present = [name for name in SECTIONS if (forms if name == "forms" else getattr(shown, name))]
    return {name: number for number, name in enumerate(present, start=1)}


def _cached_body(request, page, newest):
    """The rendered document, cached by its revision, language and reader; the full
    amendment history is loaded only when the body has to be rendered again."""
    if getattr(request, "is_preview", False):
        return _body(request, page, page, list(selectors.document_versions(page)))
    key = ":".join(
        str(part)
        for part in (
            "cms:doc",
            reader_cache.LAYOUT_VERSION,
            page.pk,
            page.live_revision_id,
            newest.pk if newest else 0,
            get_language(),
            _viewer_class(request.user),
            page.next_review_date,
            page.withdrawn_at and page.withdrawn_at.timestamp(),
        )
    )
    body = cache.get(key)
    if body is None:
        body = _body(request, page, page, list(selectors.document_versions(page)))
        cache.set(key, body, BODY_CACHE_SECONDS)
    return body


def _context(request, page, printing):
    return {
        "page": page,
        "self": page,
        "printing": printing,
        "printed_at": reader_cache.printed_at(),
        "reader_name": request.user if request.user.is_authenticated else None,
    }


def _restricted(page):
    # Nothing in the product sets Wagtail view restrictions (no group may publish), so the
    # one-query answer is the usual one; the page's own check costs two more.
    return PageViewRestriction.objects.exists() and page.get_view_restrictions().exists()


def serve_current(request, page, printing=False):
    newest = selectors.document_versions(page).first()
    current = newest if newest is None or newest.superseded_at is None else selectors.current_version(page)
    context = _context(request, page, printing)
    context.update(
        {
            "current_version": current,
            "body": _cached_body(request, page, newest),
        }
    )
    # Printing stamps the time; a page under a Wagtail view restriction (password, groups) is
    # checked on every request, so neither is kept in the reader cache.
    cacheable = not printing and not _restricted(page) and reader_cache.mark_cacheable(request, context)
    response = TemplateResponse(request, "cms/process_document_page.html", context)
    response.qms_reader_cacheable = cacheable
    response.qms_reader_page_id = page.pk
    return response


def serve_version(request, page, number, printing=False):
    version = (
        DocumentVersion.objects.select_related("revision", "superseded_by", "reviewed_by", "approved_by")
        .filter(page=page, number=number)
        .first()
    )
    if version is None:
        raise Http404
    if version.superseded_at is None and not page.withdrawn_at:
        return redirect(page.url + ("print/" if printing else ""))
    shown = version.revision.as_object()
    context = _context(request, page, printing)
    context.update(
        {
            "current_version": version,
            "superseded": version,
            "body": _body(request, page, shown, [version], version=version),
        }
    )
    return TemplateResponse(request, "cms/process_document_page.html", context)


def _comparison(page, request, old, new):
    """Wagtail's own revision comparison (wagtail.admin.compare), field by field, of what changed.

    The change summary is left out: the page shows the new one in a card of its own.
    """
    handler = type(page).get_edit_handler().get_bound_panel(instance=page, request=request, form=None)
    result = []
    for comparison_class in handler.get_comparison():
        diff = comparison_class(old, new)
        if getattr(diff, "field", None) is not None and diff.field.name == "change_summary":
            continue
        if diff.has_changed():
            result.append(diff)
    return result


def compare_versions(request, page, a, b):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    versions = {
        v.number: v for v in DocumentVersion.objects.select_related("revision").filter(page=page, number__in=[a, b])
    }
    if a not in versions or b not in versions:
        raise Http404
    old, new = sorted([versions[a], versions[b]], key=lambda v: v.number)
    context = _context(request, page, False)
    context.update(
        {
            "old": old,
            "new": new,
            "comparison": _comparison(page, request, old.revision.as_object(), new.revision.as_object()),
        }
    )
    return TemplateResponse(request, "cms/compare.html", context)
