"""The one timeline of any quality record: who changed what, when and why (ISO 9001 7.5.3).

Every app's site and admin views render a record's django-simple-history through this module and the
`core/_timeline.html` include, so an entry reads the same everywhere: the date in the reader's zone and short
format, the person by name, the whole reason, and each change's old and new values as a person reads them
(choices by label, related records and people by name, many-to-many fields as the names they hold, nothing
shown as `EMPTY`). Read-only by construction: it only reads the historical tables.

A fixed number of queries however long the history (`qms.core.history`): each source's history in one query,
their many-to-many snapshots in one query per field, the records the changes name in one query per model.
"""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject

from .history import RelatedRecords, m2m_snapshots
from .models import IsoClause

KIND = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
#: How nothing reads, in every timeline and record view.
EMPTY = "–"
#: Columns that carry the row's identity, an optimistic-lock counter or the moment of the last status change
#: (the entry's own date says when): never a change a reader needs.
NOT_SHOWN = frozenset({"id", "version", "status_changed_at"})


def secret_fields(model):
    """The fields of `model` no reader is ever shown, in its record view or its timeline (its
    `secret_fields`, e.g. a survey response's `sender_key`, the key that links an anonymous citizen's
    answers). The history should not keep them either (`excluded_fields`); this holds if one is kept."""
    return frozenset(getattr(model, "secret_fields", ()))


class Change(NamedTuple):
    field: str
    old: str
    new: str


@dataclass
class Entry:
    date: datetime.datetime
    user: object
    kind: str
    reason: str
    subject: str = ""
    changes: list = field(default_factory=list)


def label(obj):
    """How a related record is named: clause 8.5.1, document QT-07, audit ĐGNB-2026-01, a person by name."""
    if isinstance(obj, IsoClause):
        return obj.number
    for attribute in ("identifier", "reference"):
        value = getattr(obj, attribute, None)
        if isinstance(value, str) and value:
            return value
    return str(obj)


def _m2m_ids(model_field, rows):
    key = model_field.m2m_reverse_field_name()  # the through field that points at the target (e.g. "isoclause")
    ids = []
    for row in rows:
        pk = row.get(key, row.get(f"{key}_id")) if isinstance(row, dict) else getattr(row, "pk", row)
        if pk is not None:
            ids.append(pk)
    return ids


def display_value(model, field_name, value, related=None):
    """`value` of `model.field_name` as a person reads it, from a history row or from the record itself.

    `value` may be raw (a key, the through rows of a many-to-many snapshot, a choice's code, an aware UTC
    datetime) or read from the record (a related record, a manager or list of records). `related` holds the
    records a whole timeline names, read once; without it a related record is read here (a record view).
    A model may word its own values (`timeline_value(field_name, value)`, e.g. a root cause analysis).
    """
    if isinstance(value, DeletedObject):
        # simple_history's wrapper of a foreign key: no key is "nothing", a key a record removed since.
        value = value.pk
    custom = getattr(model, "timeline_value", None)
    if custom is not None:
        shown = custom(field_name, value)
        if shown is not None:
            return shown or EMPTY
    if isinstance(value, models.Manager):
        value = list(value.all())
    if value is None or (isinstance(value, str | list | dict | tuple) and not value):
        return EMPTY
    try:
        model_field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return str(value)
    if model_field.many_to_many:
        objects = [row for row in value if isinstance(row, models.Model)]
        ids = _m2m_ids(model_field, [row for row in value if not isinstance(row, models.Model)])
        if ids:
            target = model_field.related_model
            objects += related.ordered(target, ids) if related else list(target._base_manager.filter(pk__in=ids))
        return ", ".join(label(obj) for obj in objects) or EMPTY
    if model_field.is_relation:
        if isinstance(value, models.Model):
            return label(value)
        target = model_field.related_model
        obj = related.get(target, value) if related else target._base_manager.filter(pk=value).first()
        # A related record that no longer exists is still named by its key.
        return label(obj) if obj is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value)) or EMPTY
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime.datetime):
        # Stored in UTC; read in the reader's zone (UserTimezoneMiddleware, Wagtail's own in the admin).
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _changes(record, previous, snapshots, fields):
    """(field name, old, new) raw values of what differs between two history rows.

    Every tracked field, not only the editable ones `diff_against` compares: the state of a record (status,
    closure, meetings) is often not editable in a form and is the history a reader needs most. The
    many-to-many fields are compared on their snapshot rows as `diff_against` compares them.
    """
    changed = []
    hidden = NOT_SHOWN | secret_fields(record.instance_type)
    for tracked in record.tracked_fields:
        if tracked.name in hidden or (fields and tracked.name not in fields):
            continue
        old, new = getattr(previous, tracked.attname), getattr(record, tracked.attname)
        if old != new:
            changed.append((tracked.name, old, new))
    for name in sorted(snapshots):
        if name in hidden or (fields and name not in fields):
            continue
        old, new = snapshots[name].get(previous.pk, []), snapshots[name].get(record.pk, [])
        if old != new:
            changed.append((name, old, new))
    return changed


def _created_with(record, created_fields):
    """(field name, nothing, value) of what a record was created with, for `created_fields` that hold a value."""
    if record.history_type != "+":
        return []
    values = []
    for name in created_fields:
        value = getattr(record, record.instance_type._meta.get_field(name).attname)
        if value not in (None, ""):
            values.append((name, None, value))
    return values


class Timeline:
    """Entries of several histories on one line of time, newest first: `add()` each, then `entries()`.

    `fields`: only the changes to these fields. `created_fields`: a creation entry shows the values it gave
    these fields (from nothing to the value), for a record whose first values are the news (the due date a
    revision was distributed with); otherwise a creation shows no values, the record's page shows them.
    """

    def __init__(self, limit=200, fields=None, created_fields=()):
        self.limit = limit
        self.fields = set(fields or ())
        self.created_fields = tuple(created_fields)
        self.related = RelatedRecords()
        self._pending = []

    def add_record(self, obj, subject=""):
        """`obj`'s own history (one query)."""
        records = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
        return self.add(records[: self.limit + 1], subject)

    def add(self, records, subject=""):
        """History rows, newest first, of one record or of several (told apart by their key).

        `subject`: what the entries are about, a text or a function of the history row ("ĐG-01/02").
        """
        records = list(records)
        if not records:
            return self
        model = records[0].instance_type
        snapshots = m2m_snapshots(records)
        pk_name = model._meta.pk.attname
        by_record = {}
        for record in records:
            by_record.setdefault(getattr(record, pk_name), []).append(record)
        for history in by_record.values():
            for index, record in enumerate(history[: self.limit]):
                # The previous row is the next in the list: no query per row, and two rows saved in the same
                # instant still compare with each other.
                previous = history[index + 1] if index + 1 < len(history) else None
                if previous is not None:
                    changes = _changes(record, previous, snapshots, self.fields)
                else:
                    changes = _created_with(record, self.created_fields)
                for name, old, new in changes:
                    self._want(model, name, old)
                    self._want(model, name, new)
                entry = Entry(
                    date=record.history_date,
                    user=record.history_user,
                    kind=KIND.get(record.history_type, record.history_type),
                    reason=record.history_change_reason or "",
                    subject=str(subject(record) if callable(subject) else subject),
                    changes=changes,
                )
                self._pending.append((model, entry))
        return self

    def _want(self, model, name, value):
        if value in (None, "", [], {}):
            return
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return
        if model_field.many_to_many:
            self.related.want(model_field.related_model, *_m2m_ids(model_field, value))
        elif model_field.is_relation:
            self.related.want(model_field.related_model, value)

    def entries(self):
        self.related.load()
        entries = []
        for model, entry in self._pending:
            entry.changes = [
                Change(_field_label(model, name), *(display_value(model, name, v, self.related) for v in (old, new)))
                for name, old, new in entry.changes
            ]
            entries.append(entry)
        self._pending = []
        entries.sort(key=lambda entry: entry.date, reverse=True)
        return entries[: self.limit]


def _field_label(model, name):
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:  # a field the model no longer has: keep its name
        return name


def timeline(obj, limit=200, related=(), fields=None):
    """`obj`'s entries, newest first, with those of `related` records (each labelled with what it is).

    The related records' history is read in one query per model, not one per record (a risk's reviews, a
    review's decisions, an action's verifications only grow): the entries are those `add_record` would give
    each record, in the same order.
    """
    line = Timeline(limit, fields).add_record(obj)
    by_model = {}
    for other in related:
        by_model.setdefault(type(other), []).append(other)
    for model, others in by_model.items():
        pk_name = model._meta.pk.attname
        subjects = {other.pk: f"{other._meta.verbose_name}: {other}" for other in others}
        position = {pk: rank for rank, pk in enumerate(subjects)}
        records = model.history.filter(**{f"{pk_name}__in": list(subjects)}).select_related("history_user")
        # Newest first within each record, the records in the order given (a stable sort keeps the first).
        records = sorted(
            records.order_by("-history_date", "-history_id"), key=lambda row: position[getattr(row, pk_name)]
        )
        line.add(records, subject=lambda row, pk_name=pk_name, subjects=subjects: subjects[getattr(row, pk_name)])
    return line.entries()
