"""Reads of the organisation reused by views: a person's record of changes (ISO 9001 5.3, 7.5.3)."""

from dataclasses import dataclass, field

from .timeline import EMPTY, Timeline

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


@dataclass
class PersonChange:
    timestamp: object
    by: str
    reason: str
    changes: list = field(default_factory=list)


def person_history(person):
    """The person's history, newest first: each entry's changes as "field: old → new" (the one timeline's words)."""
    entries = Timeline(limit=1000, fields=PERSON_FIELDS).add_record(person).entries()
    return [
        PersonChange(
            entry.date,
            str(entry.user) if entry.user else EMPTY,
            entry.reason,
            [f"{change.field}: {change.old} → {change.new}" for change in entry.changes],
        )
        for entry in entries
    ]
