"""Reads of controlled documents reused by views, exports and other apps (ISO 9001 7.5.3: availability).

"Current" means live (published) and not withdrawn; anonymous readers see only public ones.
Superseded versions are never current: the live page always shows the latest effective version.
"""

import datetime
import unicodedata

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from .duties import approval_refusal, change_summary_problem, revision_writers  # noqa: F401 (the rules, read here too)
from .models import DocumentVersion, ProcessDocumentPage


def current_documents(*, user):
    """Documents a reader may list as current: live, not withdrawn, public only for anonymous readers."""
    return ProcessDocumentPage.objects.current_for(user)


# A person types a few words; a longer query is a paste or a probe.
SEARCH_QUERY_MAX_LENGTH = 200


def clean_search_query(raw):
    """The words of a search as the search backends can take them.

    Control and format characters (NUL, zero-width space, lone surrogates) are removed: SQLite's
    full-text MATCH and PostgreSQL refuse a NUL with an error, not with no results. A double quote
    becomes a space: Wagtail's SQLite backend wraps each term in quotes, and one more ends the phrase.
    """
    text = "".join(
        " " if char == '"' or unicodedata.category(char).startswith("C") else char for char in str(raw or "")
    )
    return " ".join(text.split())[:SEARCH_QUERY_MAX_LENGTH].strip()


def search_documents(*, user, query, unit=None):
    """Wagtail search over the current documents the reader may see (of one unit, if given).

    No query lists them all; a query of nothing searchable (only control characters) finds nothing.
    """
    queryset = current_documents(user=user)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    words = clean_search_query(query)
    if not words:
        return queryset.none() if str(query or "").strip() else queryset.select_related("unit")
    return queryset.search(words, operator="and")


def document_versions(page):
    """The amendment history, newest first, with the people it names (one query)."""
    return (
        DocumentVersion.objects.filter(page=page)
        .select_related("reviewed_by", "approved_by", "superseded_by")
        .order_by("-number")
    )


def current_version(page):
    return DocumentVersion.objects.filter(page=page, superseded_at__isnull=True).order_by("-number").first()


def next_version_number(page):
    last = DocumentVersion.objects.filter(page=page).order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


#: The document's own text: what a reader reads, never a register column.
DOCUMENT_TEXT_FIELDS = ("purpose", "scope", "references", "definitions", "steps", "records")


def register_documents(*, status=None, unit=None, clause=None, review_due=None, today=None):
    """Rows of the master list (danh mục tài liệu) with their current version, filterable.

    status: "current", "withdrawn", "draft" (never published) or None for all.
    review_due: "overdue" or "soon" (within 30 days).
    """
    today = today or timezone.localdate()
    queryset = (
        ProcessDocumentPage.objects.select_related("unit", "process_owner")
        # The register shows register fields only: the document's text (rich text and StreamField JSON,
        # the bulk of each row) is neither read from the database nor decoded per row.
        .defer(*DOCUMENT_TEXT_FIELDS)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.filter(superseded_at__isnull=True),
                to_attr="current_versions",
            )
        )
        .order_by("identifier")
    )
    if status == "current":
        queryset = queryset.filter(live=True, withdrawn_at__isnull=True)
    elif status == "withdrawn":
        queryset = queryset.filter(withdrawn_at__isnull=False)
    elif status == "draft":
        queryset = queryset.filter(live=False, withdrawn_at__isnull=True)
    if unit:
        queryset = queryset.filter(unit=unit)
    if clause:
        queryset = queryset.filter(clauses=clause)
    if review_due == "overdue":
        queryset = queryset.filter(withdrawn_at__isnull=True, next_review_date__lt=today)
    elif review_due == "soon":
        queryset = queryset.filter(
            withdrawn_at__isnull=True,
            next_review_date__gte=today,
            next_review_date__lte=today + datetime.timedelta(days=30),
        )
    return queryset.distinct()


def document_status(page):
    if page.withdrawn_at:
        return _("Withdrawn")
    if not page.live:
        return _("Draft")
    return _("Current")
