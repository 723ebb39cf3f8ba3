"""A readable timeline of a record's django-simple-history (ISO 9001 7.5.3: who changed what, when and why).

Read-only by construction: it only reads the historical tables; nothing in the
product edits or deletes them.
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

KIND = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def _display(model, field_name, value):
    if value in (None, "", [], {}):
        return "—"
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return str(value)
    if field.many_to_many:
        target = field.related_model
        key = target._meta.model_name
        ids = [row.get(key) or row.get(f"{key}_id") for row in value if isinstance(row, dict)]
        return ", ".join(str(obj) for obj in target._base_manager.filter(pk__in=ids)) or "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return _format_json(value)
    return str(value)


def _format_json(value):
    if isinstance(value, dict) and "whys" in value:
        return " → ".join(value["whys"]) or "—"
    if isinstance(value, dict) and "causes" in value:
        return "; ".join(f"{key}: {text}" for key, text in value["causes"].items()) or "—"
    return str(value)


def timeline(obj, limit=200, related=()):
    """Entries newest first: date, user, kind, reason and the changed fields with old and new values.

    `related`: other tracked records whose history belongs on this one's timeline (an action's evidence files
    and verifications), each entry labelled with what it is.
    """
    entries = _entries(obj, limit)
    for other in related:
        for entry in _entries(other, limit):
            entry["subject"] = f"{other._meta.verbose_name}: {other}"
            entries.append(entry)
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries[:limit]


def _entries(obj, limit):
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            for change in delta.changes:
                if change.field in ("status_changed_at",):
                    continue
                label = model._meta.get_field(change.field).verbose_name
                changes.append(
                    {
                        "field": label,
                        "old": _display(model, change.field, change.old),
                        "new": _display(model, change.field, change.new),
                    }
                )
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "kind": KIND.get(record.history_type, record.history_type),
                "reason": record.history_change_reason or "",
                "changes": changes,
                "subject": "",
            }
        )
    return entries


def action_timeline(action, limit=200):
    """An action's history with its evidence files' and verifications' histories on the same line of time."""
    return timeline(action, limit, related=[*action.files.all(), *action.verifications.all()])
