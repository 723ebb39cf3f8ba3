"""The ground every quality record stands on: its one error root, saving with history, and the local day.

ISO 9001 7.5.3 asks that changes to documented information be controlled and traceable: who, when and
why. Every service that changes a quality record saves it through `save_with_history`, so the person and
the whole reason always reach django-simple-history, never a shortened one.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history


class QmsError(Exception):
    """A change the rules refuse. `message` is for the person who tried it, in their language.

    Every app's domain errors derive from it, so a view catches one class and shows `message`.
    """

    default_message = gettext_lazy("This change is not allowed.")

    def __init__(self, message=None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class HistoryEvent(models.TextChoices):
    """The events a kind of record goes through, each with its translated default reason.

    As zulip's RealmAuditLog names its event types in one place instead of free strings, each app names
    its records' events in its `events.py` (a subclass with members: `REPORTED = "reported", _("Reported")`),
    and its services record `Event.X.reason(reason)`: the person's whole reason when they gave one, else the
    event's own sentence. No new column: the reason is what django-simple-history keeps (ISO 9001 7.5.3).
    """

    def reason(self, given="", **params):
        given = str(given or "").strip()
        if given:
            return given
        return str(self.label) % params if params else str(self.label)


class NotPermitted(QmsError):
    default_message = gettext_lazy("You are not allowed to do this.")


class ConflictError(QmsError):
    """A lost race: somebody else changed the record after this person opened it."""

    default_message = gettext_lazy(
        "Someone else changed this record after you opened it. Reload it, check their change and try again."
    )


def save_with_history(obj, *, user, reason, m2m=None, **save_kwargs):
    """Save `obj`, recording `user` and the whole `reason` in its django-simple-history entry.

    `user` may be None (a system act: the sweep, a migration); an anonymous user is recorded as None.
    The reason is kept whole (the history column is a text field: SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD).

    `m2m` ({field name: records}): many-to-many fields set in the same act. django-simple-history records an
    entry per many-to-many write (a `set()` is a clear and an add), so they are written with history
    skipped and the save after them records one entry holding their new values. A new record is saved
    first (its "created" entry), then the relations and the entry that holds them.
    """
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    obj._change_reason = str(reason) if reason else ""
    if m2m:
        if obj.pk is None:
            obj.save(**save_kwargs)
        obj.skip_history_when_saving = True
        try:
            for name, values in m2m.items():
                getattr(obj, name).set(values)
        finally:
            del obj.skip_history_when_saving
    obj.save(**save_kwargs)
    return obj


def create_all_with_history(objs, *, user, reason):
    """Insert `objs` (new records of one model) in one statement and their "created" history entries in one
    more, each entry recording `user` and the whole `reason`, as `save_with_history` does one by one: for a
    step that creates records by the dozen (a generated checklist), so its queries do not grow with them."""
    if not objs:
        return []
    return bulk_create_with_history(
        objs,
        type(objs[0]),
        default_user=user if getattr(user, "is_authenticated", False) else None,
        default_change_reason=str(reason) if reason else "",
    )


def delete_with_history(obj, *, user, reason):
    """Delete `obj`, its django-simple-history "deleted" entry recording `user` and the whole `reason`."""
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    obj._change_reason = str(reason) if reason else ""
    return obj.delete()


def next_reference(*, series, year):
    """The next reference of a register in `year` ("NC-2026-0001"): never given out twice.

    The counter's row for the series and year is locked while the number is taken, so concurrent reports
    queue rather than share a number. Call it inside the transaction that saves the record, so a
    rolled-back record gives its number back.
    """
    from .models import ReferenceCounter

    counter, _created = ReferenceCounter.objects.get_or_create(series=series, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{series}-{year}-{counter.last_number:04d}"


def local_day(moment=None):
    """The calendar day of `moment` (default: now) in the active time zone: the day people mean by "today"."""
    return timezone.localdate(moment) if moment is not None else timezone.localdate()


def start_of_local_day(day):
    """00:00 of `day` in the organisation's zone (TIME_ZONE, not a person's admin zone), aware.

    A date on a record (an effective date, a due date) is the organisation's calendar day; filtering moments
    by it compares them with this instant ("before the end of `day`" is "before the start of the next").
    """
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


#: When the office day starts: the moment recorded for an act known only by its date (a paper approval
#: imported with its date, a nonconformity reported "on" a day). Not midnight, so that the act reads on
#: the same day in any zone of the country, and not the reminders' delivery hour (qms.reminders.schedule).
OFFICE_DAY_STARTS = datetime.time(8, 0)


def start_of_office_day(day):
    """`OFFICE_DAY_STARTS` on `day` in the organisation's zone, aware; None for no day."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, OFFICE_DAY_STARTS), timezone.get_default_timezone())


def with_status(queryset, status):
    """A register's records in one status, or all its open ones for "open"; anything else leaves it whole.

    For the registers' site lists, whose status filter reads the query string: a record model with a
    ``Status`` enumeration and its ``OPEN_STATUSES``.
    """
    model = queryset.model
    if status == "open":
        return queryset.filter(status__in=model.OPEN_STATUSES)
    if status in model.Status.values:
        return queryset.filter(status=status)
    return queryset
