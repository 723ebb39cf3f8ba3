"""What this app needs to know about document versions, in one place (ISO 9001 7.5.3.2 d).

"Current" here means in force today: not superseded, effective on or before
today (a scheduled publication is not yet in force), and its document live and
not withdrawn. Only a current revision is distributed, acknowledged or pending.
"""

from django.utils import timezone

from cms.models import DocumentVersion
from cms.selectors import DOCUMENT_TEXT_FIELDS


def current_versions():
    return DocumentVersion.objects.filter(
        superseded_at__isnull=True,
        effective_date__lte=timezone.localdate(),
        page__live=True,
        page__withdrawn_at__isnull=True,
    )


def is_current(version):
    return current_versions().filter(pk=version.pk).exists()


def current_version_of(page_id):
    return current_versions().filter(page_id=page_id).select_related("page").order_by("-number").first()


def previous_version(version):
    return (
        DocumentVersion.objects.filter(page_id=version.page_id, number__lt=version.number).order_by("-number").first()
    )


def versions_with_pages(ids):
    """{id: DocumentVersion} with page (its register fields, not its text) and owning unit, in one query.

    Reminders and the dashboard list a person's pending revisions by identifier and title: a page's
    text (rich text and StreamField JSON) is the bulk of its row and is neither read nor decoded.
    """
    return (
        DocumentVersion.objects.select_related("page", "page__unit")
        .defer(*(f"page__{name}" for name in DOCUMENT_TEXT_FIELDS))
        .in_bulk(list(ids))
    )
