"""Document reviews coming up and overdue (ISO 9001 7.5.2: documented information is reviewed for suitability).

Registered with the reminder engine (qms.reminders.registry); found by autodiscovery.
Recipient: the process owner, or the owning unit's manager when the document has none.
"""

from django.db.models import Q
from django.urls import reverse

from qms.reminders import kinds
from qms.reminders.registry import DueItem, content_type_id, register

from .models import ProcessDocumentPage


@register(kinds.DOCUMENT_REVIEW, days_before=(30, 7, 1), order=10)
def document_reviews(*, until, user=None):
    pages = ProcessDocumentPage.objects.live().filter(
        withdrawn_at__isnull=True, next_review_date__isnull=False, next_review_date__lte=until
    )
    if user is not None:
        pages = pages.filter(Q(process_owner=user) | Q(process_owner__isnull=True, unit__manager=user))
    ct = content_type_id(ProcessDocumentPage)
    rows = pages.order_by("next_review_date", "pk").values_list(
        "pk", "identifier", "title", "next_review_date", "process_owner_id", "unit_id", "unit__manager_id"
    )
    for pk, identifier, title, due, owner_id, unit_id, manager_id in rows.iterator(chunk_size=2000):
        recipient = owner_id or manager_id
        if recipient is None:
            continue
        yield DueItem(
            content_type_id=ct,
            object_id=pk,
            recipient_ids=(recipient,),
            due_date=due,
            title=f"{identifier} {title}",
            url=reverse("wagtailadmin_pages:edit", args=[pk]),
            unit_id=unit_id,
        )
