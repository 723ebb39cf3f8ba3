"""The nonconformity register as an Excel workbook (ISO 9001 10.2.2: retain documented information of the
nature of the nonconformities, the actions taken and their results; 9.3.2 c) 2): input to management review).

Two sheets: the nonconformities, then their actions, both through the shared
spreadsheet layer (identified header block, typed cells, formula-safe text).

The rows are plain values, not model instances: a register of 100,000 records
spent most of its time building instances, related managers and translated
labels row by row. Labels are looked up once per export and people once each;
action counts come with the rows from subqueries, documents and clauses from one
query per chunk of rows, so the number of queries grows with the chunks, never
with the rows.
"""

from itertools import islice
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from qms.spreadsheets.export import Column, RegisterWorkbook

from .models import CorrectiveAction, Nonconformity

CHUNK_SIZE = 2000

NONCONFORMITY_COLUMNS = [
    Column(_("Reference"), itemgetter("reference"), width=16),
    Column(_("Title"), itemgetter("title"), width=40),
    Column(_("Source"), itemgetter("source")),
    Column(_("Severity"), itemgetter("severity")),
    Column(_("Unit"), itemgetter("unit")),
    Column(_("Status"), itemgetter("status")),
    Column(_("Reported at"), itemgetter("reported_at"), kind="datetime"),
    Column(_("Reported by"), itemgetter("reported_by")),
    Column(_("Owner"), itemgetter("owner")),
    Column(_("Process documents"), itemgetter("documents")),
    Column(_("ISO 9001 clauses"), itemgetter("clauses")),
    Column(_("Containment"), itemgetter("containment"), width=40),
    Column(_("Root cause"), itemgetter("root_cause"), width=40),
    Column(_("Actions"), itemgetter("actions"), kind="int"),
    Column(_("Overdue actions"), itemgetter("overdue_actions"), kind="int"),
    Column(_("Closed at"), itemgetter("closed_at"), kind="datetime"),
    Column(_("Days open"), itemgetter("days_open"), kind="int"),
]

ACTION_COLUMNS = [
    Column(_("Nonconformity"), itemgetter("nonconformity"), width=16),
    Column(_("Kind"), itemgetter("kind")),
    Column(_("Description"), itemgetter("description"), width=50),
    Column(_("Owner"), itemgetter("owner")),
    Column(_("Due date"), itemgetter("due_date"), kind="date"),
    Column(_("Status"), itemgetter("status")),
    Column(_("Overdue"), itemgetter("overdue"), kind="bool"),
    Column(_("Completed at"), itemgetter("completed_at"), kind="datetime"),
    Column(_("Evidence"), itemgetter("evidence"), width=40),
    Column(_("Verified effective"), itemgetter("verified"), kind="bool"),
]


def register_workbook(nonconformities, *, user, filters_description=""):
    """A workbook of `nonconformities` (a queryset, already filtered) and their actions."""
    book = RegisterWorkbook(title=_("Nonconformity register"), user=user, filters_description=filters_description)
    # One instant for the whole register, so every row's age and overdue flag agree with each other.
    now = timezone.now()
    today = timezone.localdate(now)  # the active zone, as CorrectiveAction.is_overdue reads it
    people = _People()
    book.add_table(
        _("Nonconformities"),
        NONCONFORMITY_COLUMNS,
        _nonconformity_rows(nonconformities, language=book.language, people=people, now=now, today=today),
    )
    actions = CorrectiveAction.objects.filter(nonconformity__in=nonconformities.values("pk")).order_by(
        "nonconformity__reference", "due_date", "pk"
    )
    book.add_table(
        _("Actions"), ACTION_COLUMNS, _action_rows(actions, language=book.language, people=people, today=today)
    )
    return book


def register_filename():
    return f"nonconformity-register-{timezone.localdate():%Y-%m-%d}.xlsx"


def _nonconformity_rows(nonconformities, *, language, people, now, today):
    source = _choice_labels(Nonconformity, "source", language)
    severity = _choice_labels(Nonconformity, "severity", language)
    status = _choice_labels(Nonconformity, "status", language)
    fields = (
        *("pk", "reference", "title", "source", "severity", "unit__code", "status"),
        *("reported_at", "reported_by_id", "owner_id", "containment", "root_cause", "closed_at"),
    )
    # Counted and checked by the database within the one query: sending a chunk's ids back
    # as parameters cost more than these subqueries, so only the records that do have
    # documents or clauses are looked up again.
    nonconformities = nonconformities.annotate(
        action_count=_action_count(),
        overdue_action_count=_action_count(status__in=CorrectiveAction.OPEN_STATUSES, due_date__lt=today),
        has_documents=_has_related("documents"),
        has_clauses=_has_related("clauses"),
    )
    extra = ("action_count", "overdue_action_count", "has_documents", "has_clauses")
    for chunk in _chunks(nonconformities.values(*fields, *extra)):
        documents = _related_labels("documents", "identifier", [row["pk"] for row in chunk if row["has_documents"]])
        clauses = _related_labels("clauses", "number", [row["pk"] for row in chunk if row["has_clauses"]])
        people.load(id_ for row in chunk for id_ in (row["reported_by_id"], row["owner_id"]))
        for row in chunk:
            pk = row["pk"]
            yield {
                "reference": row["reference"],
                "title": row["title"],
                "source": source.get(row["source"], row["source"]),
                "severity": severity.get(row["severity"], row["severity"]),
                "unit": row["unit__code"],
                "status": status.get(row["status"], row["status"]),
                "reported_at": row["reported_at"],
                "reported_by": people[row["reported_by_id"]],
                "owner": people[row["owner_id"]] if row["owner_id"] else None,
                "documents": ", ".join(documents.get(pk, ())),
                "clauses": ", ".join(clauses.get(pk, ())),
                "containment": row["containment"] or None,
                "root_cause": row["root_cause"] or None,
                "actions": row["action_count"],
                "overdue_actions": row["overdue_action_count"],
                "closed_at": row["closed_at"],
                # Nonconformity.age_days, at the register's instant.
                "days_open": ((row["closed_at"] or now) - row["reported_at"]).days,
            }


def _action_rows(actions, *, language, people, today):
    kind = _choice_labels(CorrectiveAction, "kind", language)
    status = _choice_labels(CorrectiveAction, "status", language)
    open_statuses = set(CorrectiveAction.OPEN_STATUSES)
    fields = (
        *("nonconformity__reference", "kind", "description", "owner_id"),
        *("due_date", "status", "completed_at", "evidence"),
    )
    for chunk in _chunks(actions.values(*fields)):
        people.load(row["owner_id"] for row in chunk)
        for row in chunk:
            yield {
                "nonconformity": row["nonconformity__reference"],
                "kind": kind.get(row["kind"], row["kind"]),
                "description": row["description"],
                "owner": people[row["owner_id"]],
                "due_date": row["due_date"],
                "status": status.get(row["status"], row["status"]),
                # CorrectiveAction.is_overdue
                "overdue": row["status"] in open_statuses and row["due_date"] < today,
                "completed_at": row["completed_at"],
                "evidence": row["evidence"] or None,
                "verified": row["status"] == CorrectiveAction.Status.VERIFIED,
            }


def _chunks(queryset):
    rows = queryset.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield chunk


def _choice_labels(model, field, language):
    """What get_<field>_display() gives for each value, in the export's language (a value without one stays)."""
    with translation.override(language):
        return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def _action_count(**conditions):
    actions = CorrectiveAction.objects.filter(nonconformity=OuterRef("pk"), **conditions).order_by()
    return Coalesce(Subquery(actions.values("nonconformity").annotate(count=Count("pk")).values("count")), 0)


def _has_related(relation):
    links = getattr(Nonconformity, relation).through.objects.filter(nonconformity=OuterRef("pk"))
    return Exists(links)


def _related_labels(relation, field, ids):
    """`field` of the records related to each of `ids` through `relation`, in the order a prefetch gives them."""
    labels = {}
    if not ids:
        return labels
    related = Nonconformity._meta.get_field(relation)
    reverse_name = related.related_query_name()
    rows = related.related_model._default_manager.filter(**{f"{reverse_name}__in": ids})
    for pk, label in rows.values_list(reverse_name, field):
        labels.setdefault(pk, []).append(label)
    return labels


class _People:
    """str() of each person a register names, loaded once: the same few people appear on thousands of rows."""

    def __init__(self):
        self._labels = {}

    def load(self, ids):
        missing = {pk for pk in ids if pk is not None and pk not in self._labels}
        if missing:
            self._labels.update((person.pk, str(person)) for person in get_user_model().objects.filter(pk__in=missing))

    def __getitem__(self, pk):
        return self._labels[pk]
