"""The providers: each app tells the reminder engine what can fall due (DESIGN.md section 4).

A provider is a function made into a ``Provider`` for one kind of item, with its own label:

    @provider("document_review", label=_("Document reviews (ISO 9001 7.5.2)"), days_before=(30, 7, 1))
    def document_reviews(*, until, user=None):
        ...yield DueItem(...)

and registered with Wagtail's hook ``qms_reminder_providers`` in the app's ``wagtail_hooks.py``, a
callable returning its providers (docs/architecture.md)::

    @hooks.register("qms_reminder_providers")
    def reminder_providers():
        from . import reminders

        return [reminders.document_reviews]

It yields every open item due on or before `until` (overdue ones included), in
bulk and streamed (`.iterator()`, `select_related`/`values`, never one query per
item); with `user`, only the items that person is a recipient of (for the
"due for you" panels). Providers live in `<app>/reminders.py`.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from qms.core.extensions import collected

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueItem:
    """One item that falls due, as the engine needs it."""

    content_type_id: int
    object_id: int
    recipient_ids: tuple[int, ...]
    due_date: datetime.date
    title: str
    url: str = ""  # a path (/admin/...); digests prefix WAGTAILADMIN_BASE_URL
    unit_id: int | None = None  # whose manager receives the escalation


@dataclass(frozen=True)
class Provider:
    kind: str
    label: object  # lazy translation, plural ("Document reviews")
    items: Callable[..., Iterable[DueItem]]
    days_before: tuple[int, ...] = (30, 7, 1)
    overdue_every_days: int = 7
    escalation_grace_days: int = 14
    order: int = 100


HOOK = "qms_reminder_providers"


def provider(kind, *, label, days_before=(30, 7, 1), overdue_every_days=7, escalation_grace_days=14, order=100):
    """Decorator: `fn(*, until, user=None) -> Iterable[DueItem]` as the Provider of `kind`.

    The lead times given here are the defaults used until a quality officer saves
    a LeadTime row for the kind (the migration creates rows for the kinds we ship).
    """

    def decorator(fn):
        return Provider(
            kind=kind,
            label=label,
            items=fn,
            days_before=tuple(days_before),
            overdue_every_days=overdue_every_days,
            escalation_grace_days=escalation_grace_days,
            order=order,
        )

    return decorator


def safe_items(provider, **kwargs):
    """A provider's items; a provider that fails is logged and skipped, never taking the sweep or a page down."""
    try:
        yield from provider.items(**kwargs)
    except Exception:
        logger.exception("Reminder provider %r failed; its items are skipped this time", provider.kind)


def open_items(provider, *, until):
    """{(content_type_id, object_id): DueItem} of the provider's open items due by `until`, or None if it failed.

    The delivery re-checks its claimed rows against this (is the item still open, still due on
    the same date, still this person's?). A provider that fails answers None, never "nothing is
    open", so its reminders are sent as claimed rather than all withdrawn.
    """
    try:
        return {(item.content_type_id, item.object_id): item for item in provider.items(until=until)}
    except Exception:
        logger.exception("Reminder provider %r failed; its reminders are sent without re-checking", provider.kind)
        return None


def _by_kind():
    """{kind: Provider} of every registered provider (the last registered of a kind wins)."""
    return {provider.kind: provider for provider in collected(HOOK)}


def providers():
    return sorted(_by_kind().values(), key=lambda provider: (provider.order, provider.kind))


def get(kind):
    return _by_kind().get(kind)


def kind_label(kind):
    provider = get(kind)
    return provider.label if provider else kind


def content_type_id(model):
    """The content type of a provider's model (cached by Django after the first call)."""
    return ContentType.objects.get_for_model(model, for_concrete_model=False).pk
