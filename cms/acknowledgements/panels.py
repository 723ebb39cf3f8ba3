"""The home page panel "To read and acknowledge" (ISO 9001 7.3: people know the procedures that concern them)."""

from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors


def pending_panel(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    pending = selectors.pending_for_user(user)
    if not pending:
        return ""
    today = timezone.localdate()
    items = [
        {
            "version": item.version,
            "url": item.page.get_url(request),
            "due_date": item.due_date,
            "overdue": item.due_date is not None and item.due_date < today,
        }
        for item in pending
    ]
    return render_to_string("acknowledgements/home_panel.html", {"items": items}, request=request)
