"""Reads of the organisation reused by views: a person's record of changes (ISO 9001 5.3, 7.5.3)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import User

# What an auditor asks about an account: who holds which authority, and since when.
PERSON_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "unit",
    "manager",
    "job_title",
    "is_active",
    "is_superuser",
    "groups",
)
EMPTY = "—"


@dataclass
class PersonChange:
    timestamp: object
    by: str
    reason: str
    changes: list = field(default_factory=list)


def _display(name, value):
    if name == "groups":
        names = sorted(str(row["group"]) for row in value if row.get("group") is not None)
        return ", ".join(names) or EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value in (None, ""):
        return EMPTY
    return str(value)


def person_history(person):
    """The person's history, newest first: each entry's changes as "field: old → new"."""
    records = list(person.history.select_related("history_user").order_by("-history_date", "-history_id"))
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, included_fields=PERSON_FIELDS, foreign_keys_are_objs=True)
            for change in delta.changes:
                label = User._meta.get_field(change.field).verbose_name
                old, new = _display(change.field, change.old), _display(change.field, change.new)
                changes.append(f"{label}: {old} → {new}")
        by = str(record.history_user) if record.history_user else EMPTY
        entries.append(PersonChange(record.history_date, by, record.history_change_reason or "", changes))
    return entries
