"""The ground every quality record stands on: its one error root, saving with history, and the local day.

ISO 9001 7.5.3 asks that changes to documented information be controlled and traceable: who, when and
why. Every service that changes a quality record saves it through `save_with_history`, so the person and
the whole reason always reach django-simple-history, never a shortened one.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy


class QmsError(Exception):
    """A change the rules refuse. `message` is for the person who tried it, in their language.

    Every app's domain errors derive from it, so a view catches one class and shows `message`.
    """

    default_message = gettext_lazy("This change is not allowed.")

    def __init__(self, message=None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class NotPermitted(QmsError):
    default_message = gettext_lazy("You are not allowed to do this.")


class ConflictError(QmsError):
    """A lost race: somebody else changed the record after this person opened it."""

    default_message = gettext_lazy(
        "Someone else changed this record after you opened it. Reload it, check their change and try again."
    )


def save_with_history(obj, *, user, reason, **save_kwargs):
    """Save `obj`, recording `user` and the whole `reason` in its django-simple-history entry.

    `user` may be None (a system act: the sweep, a migration); an anonymous user is recorded as None.
    The reason is kept whole (the history column is a text field: SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD).
    """
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    obj._change_reason = str(reason) if reason else ""
    obj.save(**save_kwargs)
    return obj


def local_day(moment=None):
    """The calendar day of `moment` (default: now) in the active time zone: the day people mean by "today"."""
    return timezone.localdate(moment) if moment is not None else timezone.localdate()
