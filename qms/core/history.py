"""Reading django-simple-history in bulk for a timeline (ISO 9001 7.5.3: who changed what, when and why).

A timeline compares each history record with the one before it. Done record by record, that costs a
query per many-to-many field per record (`diff_against` reads both records' snapshot rows) and one per
related record it names; a page showing the trail then gets slower with every change. These helpers read
the snapshots of all the records shown in one query per many-to-many field, and the related records in one
query per model, so that a timeline costs the same however long the history is.

The one timeline (`qms.core.timeline`) reads through them, for every app.
"""

from collections import defaultdict

from simple_history.utils import get_m2m_reverse_field_name

#: Columns of a snapshot row that are its bookkeeping, not the relation (what `diff_against` leaves out too).
_SNAPSHOT_BOOKKEEPING = ("id", "m2m_history_id", "history")


def m2m_fields(records):
    """The many-to-many fields whose history the records' model keeps (`HistoricalRecords(m2m_fields=...)`)."""
    return list(getattr(records[0], "_history_m2m_fields", [])) if records else []


def m2m_snapshots(records):
    """{field name: {history id: [row, ...]}}: the many-to-many snapshot of every record, one query per field.

    A row holds the through fields as raw keys ({"audit": 4, "isoclause": 44}) in the order `diff_against`
    reads them (by the related record), so comparing two records' lists is `diff_against`'s own test.
    """
    records = list(records)
    if not records:
        return {}
    history_model = type(records[0])
    ids = [record.pk for record in records]
    snapshots = {}
    for field in m2m_fields(records):
        # The descriptor on the historical model leads to the snapshot model, whose `history` points at the record.
        snapshot_model = getattr(history_model, field.name).model
        names = [
            column.name
            for column in snapshot_model._meta.fields
            if column.editable and column.name not in _SNAPSHOT_BOOKKEEPING
        ]
        rows = {pk: [] for pk in ids}
        queryset = snapshot_model._default_manager.filter(history_id__in=ids)
        for row in queryset.order_by(get_m2m_reverse_field_name(field), "m2m_history_id").values("history_id", *names):
            rows[row.pop("history_id")].append(row)
        snapshots[field.name] = rows
    return snapshots


class RelatedRecords:
    """The related records a whole timeline names, read once: collect every key first, then `load()`.

    One query per related model, through its base manager (a record since archived or unpublished is still
    named). `ordered()` keeps the model's own ordering, as a `filter(pk__in=...)` per value did.
    """

    def __init__(self):
        self._wanted = defaultdict(set)
        self._found = {}

    def want(self, model, *pks):
        self._wanted[model].update(pk for pk in pks if pk is not None)

    def load(self):
        for model, pks in self._wanted.items():
            if pks:
                found = model._base_manager.filter(pk__in=pks)
                self._found[model] = {obj.pk: (rank, obj) for rank, obj in enumerate(found)}
        self._wanted.clear()
        return self

    def get(self, model, pk):
        """The record, or None when it no longer exists (or the key is empty)."""
        found = self._found.get(model, {}).get(pk)
        return found[1] if found else None

    def ordered(self, model, pks):
        """The records that still exist among `pks`, in the model's ordering."""
        known = self._found.get(model, {})
        return [known[pk][1] for pk in sorted((pk for pk in set(pks) if pk in known), key=lambda pk: known[pk][0])]
