"""A readable timeline of a record's django-simple-history (ISO 9001 7.5.3: who changed what, when and why).

Read-only by construction: it only reads the historical tables; nothing in the
product edits or deletes them.
"""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject

from qms.core.history import RelatedRecords, m2m_snapshots

KIND = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
EMPTY = "—"


def display_value(model, field_name, value):
    """`value` of `model.field_name` as a person reads it: labels, local times, "—" for nothing.

    Shared by the timeline (values from `diff_against(..., foreign_keys_are_objs=True)`) and the admin's inspect
    view (values read from the record), so a field reads the same in both places.
    """
    if isinstance(value, DeletedObject):
        # simple_history wraps an empty foreign key as a DeletedObject with no pk: that is "nothing", not a
        # deleted record. One with a pk is a record removed since (it says which).
        return EMPTY if value.pk is None else str(value)
    if value is None or (isinstance(value, str | list | dict | tuple) and not value):
        return EMPTY
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return str(value)
    if field.many_to_many:
        return _display_many(field, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime.datetime):
        # Stored in UTC; read in the reader's zone (UserTimezoneMiddleware, Wagtail's own in the admin).
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(local, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, dict | list):
        return _format_json(value)
    return str(value)


def _display_many(field, value):
    """A many-to-many value: the rows of a history diff ({through field: object, ...}) or related objects.

    With `foreign_keys_are_objs=True` a row holds the related objects themselves, or a DeletedObject for one
    removed since; a plain id (older callers) is looked up.
    """
    if isinstance(value, models.Manager):
        value = value.all()
    target = field.related_model
    key = field.m2m_reverse_field_name()  # the through field that points at the target (e.g. "isoclause")
    names, ids = [], []
    for row in value:
        item = row.get(key, row.get(f"{key}_id")) if isinstance(row, dict) else row
        if isinstance(item, DeletedObject):
            if item.pk is not None:
                names.append(str(item))
        elif isinstance(item, models.Model):
            names.append(str(item))
        elif item is not None:
            ids.append(item)
    if ids:
        names.extend(str(obj) for obj in target._base_manager.filter(pk__in=ids))
    return ", ".join(names) or EMPTY


def _format_json(value):
    """The root cause analysis (ISO 9001 10.2.1 b) 2): the whys in order, the causes under their categories."""
    from .forms import FISHBONE

    if isinstance(value, dict) and "whys" in value:
        return " → ".join(str(why) for why in value["whys"]) or EMPTY
    if isinstance(value, dict) and "causes" in value:
        labels = dict(FISHBONE)
        return (
            "; ".join(f"{labels.get(key, key)}: {text}" for key, text in (value["causes"] or {}).items() if text)
            or EMPTY
        )
    if value in ({}, []):
        return EMPTY
    return str(value)


def timeline(obj, limit=200, related=()):
    """Entries newest first: date, user, kind, reason and the changed fields with old and new values.

    `related`: other tracked records whose history belongs on this one's timeline (an action's evidence files
    and verifications), each entry labelled with what it is.

    A fixed number of queries however long the history: each record's history in one query, their
    many-to-many snapshots in one query per field, and the records the changes name in one query per model.
    """
    records = RelatedRecords()
    pending = _entries(obj, limit, records)
    for other in related:
        for entry in _entries(other, limit, records):
            entry[1]["subject"] = f"{other._meta.verbose_name}: {other}"
            pending.append(entry)
    records.load()
    entries = []
    for model, entry, changes in pending:
        entry["changes"] = [
            {
                "field": model._meta.get_field(name).verbose_name,
                "old": display_value(model, name, _related_value(model, name, old, records)),
                "new": display_value(model, name, _related_value(model, name, new, records)),
            }
            for name, old, new in changes
        ]
        entries.append(entry)
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries[:limit]


def _entries(obj, limit, records):
    """(model, entry, raw changes) of `obj`'s history; the records the changes name are noted in `records`."""
    model = type(obj)
    history = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    snapshots = m2m_snapshots(history)
    entries = []
    for index, record in enumerate(history[:limit]):
        previous = history[index + 1] if index + 1 < len(history) else None
        changes = []
        if previous is not None:
            changes = _changes(model, record, previous, snapshots)
            for name, old, new in changes:
                _want(model, name, old, records)
                _want(model, name, new, records)
        entry = {
            "date": record.history_date,
            "user": record.history_user,
            "kind": KIND.get(record.history_type, record.history_type),
            "reason": record.history_change_reason or "",
            "changes": [],
            "subject": "",
        }
        entries.append((model, entry, changes))
    return entries


def _changes(model, record, previous, snapshots):
    """(field, old, new) raw values, as `diff_against` finds them (editable fields, by field name).

    The many-to-many fields are compared on `snapshots`, read once for all the records; foreign keys stay
    keys here and become records (or a DeletedObject) in `_related_value`.
    """
    delta = record.diff_against(previous, excluded_fields=list(snapshots))
    changes = [(change.field, change.old, change.new) for change in delta.changes]
    for name, rows in snapshots.items():
        old, new = rows.get(previous.pk, []), rows.get(record.pk, [])
        if old != new:
            changes.append((name, old, new))
    changes.sort(key=lambda change: change[0])
    return [change for change in changes if change[0] not in ("status_changed_at",)]


def _want(model, name, value, records):
    field = model._meta.get_field(name)
    if field.many_to_many:
        key = field.m2m_reverse_field_name()
        records.want(field.related_model, *(row.get(key) for row in value))
    elif isinstance(field, models.ForeignKey):
        records.want(field.related_model, value)


def _related_value(model, name, value, records):
    """A raw value with its related records put in, as `diff_against(..., foreign_keys_are_objs=True)` gives it."""
    field = model._meta.get_field(name)
    if field.many_to_many:
        key = field.m2m_reverse_field_name()
        return [{key: _record_or_deleted(field.related_model, row.get(key), records)} for row in value]
    if isinstance(field, models.ForeignKey):
        return _record_or_deleted(field.related_model, value, records)
    return value


def _record_or_deleted(model, pk, records):
    found = records.get(model, pk)
    return found if found is not None else DeletedObject(model, pk)


def action_timeline(action, limit=200):
    """An action's history with its evidence files' and verifications' histories on the same line of time."""
    return timeline(action, limit, related=[*action.files.all(), *action.verifications.all()])
