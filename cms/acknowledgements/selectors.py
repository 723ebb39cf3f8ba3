"""Reads of read-and-understood records, in a constant number of queries (ISO 9001 7.2, 7.5.3).

Who must acknowledge a revision is decided when asked, not copied when
distributed: the active members of the units the current effective revision
was distributed to. A newcomer to a unit is therefore asked to read its current
procedures; someone who left is no longer chased (their acknowledgement stays
on record). A superseded or withdrawn revision is never pending.

Used by the document page, the home panel, the officer's admin lists and the
reminders (`pending_acknowledgements`).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, F, OuterRef, Subquery

from qms.core.models import OrganisationUnit, User
from qms.core.timeline import Timeline

from . import documents
from .models import Acknowledgement, Distribution

#: The entries the distribution history of one revision shows at most: every one in practice (a unit's
#: distribution changes only when its due date does).
DISTRIBUTION_HISTORY_LIMIT = 1000


@dataclass(frozen=True)
class PendingAcknowledgement:
    """One person who must still acknowledge one current revision."""

    version: object  # cms.DocumentVersion, with .page loaded
    person: User
    unit_id: int
    distribution_id: int
    distributed_at: datetime
    due_date: date | None

    @property
    def page(self):
        return self.version.page


def _pending_people(*, version_ids=None, person=None, unit_ids=None):
    """Active people with a current revision distributed to their unit and not acknowledged.

    One query; the rows carry the revision's id and the distribution's dates.
    """
    # One filter() call, so that every condition on the distribution applies to
    # the same joined row (Django joins a multi-valued relation anew per call).
    conditions = {"is_active": True, "unit__distributions__version__in": documents.current_versions().values("pk")}
    if version_ids is not None:
        conditions["unit__distributions__version_id__in"] = version_ids
    if person is not None:
        conditions["pk"] = person.pk
    if unit_ids is not None:
        conditions["unit_id__in"] = unit_ids
    people = User.objects.filter(**conditions)
    # The F() references reuse the join the filter above made, so each row is
    # one (person, distribution) pair.
    people = people.annotate(
        pending_version_id=F("unit__distributions__version_id"),
        pending_distribution_id=F("unit__distributions__id"),
        pending_distributed_at=F("unit__distributions__distributed_at"),
        pending_due_date=F("unit__distributions__due_date"),
    ).filter(
        ~Exists(Acknowledgement.objects.filter(person_id=OuterRef("pk"), version_id=OuterRef("pending_version_id")))
    )
    return people.order_by(
        F("pending_due_date").asc(nulls_last=True), "pending_version_id", "last_name", "first_name", "username"
    )


def pending_acknowledgements(*, versions=None, person=None, units=None):
    """Every (revision, person) still to acknowledge, as `PendingAcknowledgement`s, in 2 queries.

    Optional filters: `versions` (iterable of DocumentVersion or ids), `person`,
    `units` (iterable of OrganisationUnit or ids). The reminders use it unfiltered.
    """
    version_ids = None if versions is None else [getattr(v, "pk", v) for v in versions]
    unit_ids = None if units is None else [getattr(u, "pk", u) for u in units]
    rows = list(_pending_people(version_ids=version_ids, person=person, unit_ids=unit_ids))
    if not rows:
        return []
    by_id = documents.versions_with_pages({row.pending_version_id for row in rows})
    return [
        PendingAcknowledgement(
            version=by_id[row.pending_version_id],
            person=row,
            unit_id=row.unit_id,
            distribution_id=row.pending_distribution_id,
            distributed_at=row.pending_distributed_at,
            due_date=row.pending_due_date,
        )
        for row in rows
    ]


def pending_for_user(user):
    """The current revisions `user` must still acknowledge (soonest due first), in at most 2 queries."""
    if not user.is_authenticated or user.unit_id is None:
        return []
    return pending_acknowledgements(person=user)


@dataclass
class UnitStatus:
    unit: OrganisationUnit
    distribution: Distribution
    acknowledged: list = field(default_factory=list)  # [(person, Acknowledgement)]
    pending: list = field(default_factory=list)  # [person]


@dataclass
class VersionStatus:
    version: object
    units: list  # [UnitStatus], by unit code
    others: list  # [(person, Acknowledgement)] who acknowledged but are not (or no longer) in a distributed unit

    @property
    def pending_count(self):
        return sum(len(status.pending) for status in self.units)

    @property
    def acknowledged_count(self):
        return sum(len(status.acknowledged) for status in self.units) + len(self.others)

    def rows(self):
        """Flat rows for a table or an export: (unit, person, Acknowledgement or None, distribution)."""
        for status in self.units:
            for person, ack in status.acknowledged:
                yield status.unit, person, ack, status.distribution
            for person in status.pending:
                yield status.unit, person, None, status.distribution
        for person, ack in self.others:
            yield ack.unit, person, ack, None


def pending_for_version(version, *, unit_ids=None):
    """Who acknowledged `version` and who has not, by distributed unit, in 4 queries.

    `unit_ids` restricts the answer to some units. Pending people are listed only
    while the revision is current: once superseded, nobody is asked for it any more.
    """
    distributions = Distribution.objects.filter(version=version).select_related("unit", "distributed_by")
    if unit_ids is not None:
        distributions = distributions.filter(unit_id__in=unit_ids)
    distributions = list(distributions.order_by("unit__code"))
    acks = {
        ack.person_id: ack for ack in Acknowledgement.objects.filter(version=version).select_related("person", "unit")
    }
    members = User.objects.filter(is_active=True, unit__in=[d.unit_id for d in distributions]).order_by(
        "last_name", "first_name", "username"
    )
    by_unit = {d.unit_id: UnitStatus(unit=d.unit, distribution=d) for d in distributions}
    current = documents.is_current(version)
    placed = set()
    for person in members:
        status = by_unit[person.unit_id]
        ack = acks.get(person.pk)
        if ack is not None:
            status.acknowledged.append((person, ack))
            placed.add(person.pk)
        elif current:
            status.pending.append(person)
    others = [
        (ack.person, ack)
        for person_id, ack in sorted(acks.items(), key=lambda item: item[1].acknowledged_at)
        if person_id not in placed and (unit_ids is None or ack.unit_id in unit_ids)
    ]
    return VersionStatus(version=version, units=list(by_unit.values()), others=others)


def acknowledgement_state(page, user, version=None):
    """What the document page box shows to `user`, in one query.

    Returns None when there is nothing to show (anonymous, not current, not
    distributed to the user's unit); else a dict with the revision, whether it is
    acknowledged and when.
    """
    if not user.is_authenticated or user.unit_id is None:
        return None
    ack_at = Acknowledgement.objects.filter(version_id=OuterRef("pk"), person_id=user.pk).values("acknowledged_at")
    candidates = documents.current_versions().filter(page_id=page.pk)
    if version is not None:
        candidates = candidates.filter(pk=version.pk)
    found = (
        candidates.annotate(
            distributed=Exists(Distribution.objects.filter(version_id=OuterRef("pk"), unit_id=user.unit_id)),
            acknowledged_at=Subquery(ack_at[:1]),
        )
        .only("pk", "number", "page_id")
        .first()
    )
    if found is None or not (found.distributed or found.acknowledged_at):
        return None
    return {"version": found, "acknowledged_at": found.acknowledged_at}


def acknowledgement_version(page):
    """The revision the box of `page` asks about (its current one) and the units it was distributed to,
    or None: two queries.

    With `acknowledgement_state_of_current`, the two halves of `acknowledgement_state` for a caller
    that keeps the first per document (the reader cache, whose entry is replaced whenever the
    document's versions, distributions or publication change, and every day).
    """
    found = documents.current_versions().filter(page_id=page.pk).values_list("pk", "number").first()
    if found is None:
        return None
    units = frozenset(Distribution.objects.filter(version_id=found[0]).values_list("unit_id", flat=True))
    return CurrentVersion(pk=found[0], number=found[1], unit_ids=units)


def acknowledgement_state_of_current(current, person):
    """`acknowledgement_state` for `current` (from `acknowledgement_version`): one one-table query."""
    if not person.is_authenticated or person.unit_id is None:
        return None
    acknowledged_at = (
        Acknowledgement.objects.filter(version_id=current.pk, person_id=person.pk)
        .values_list("acknowledged_at", flat=True)
        .first()
    )
    if acknowledged_at is None and person.unit_id not in current.unit_ids:
        return None
    return {"version": current, "acknowledged_at": acknowledged_at}


@dataclass(frozen=True)
class CurrentVersion:
    """What the box shows of a revision (its id for the form's action, its number) and whom it concerns."""

    pk: int
    number: int
    unit_ids: frozenset = frozenset()


def distribution_history(version):
    """Every recorded change to the distributions of `version` as the kit's timeline entries, newest first:
    who, when, the unit (the entry's subject), the due date it was distributed with or changed to, and why.

    A fixed number of queries however many units and changes (the history with its people and units in one).
    """
    records = (
        Distribution.history.filter(version_id=version.pk)
        .select_related("history_user", "unit")
        .order_by("-history_date", "-history_id")
    )
    line = Timeline(limit=DISTRIBUTION_HISTORY_LIMIT, created_fields=("due_date",))
    return line.add(records, subject=lambda row: row.unit).entries()


def owned_units(user):
    """Ids of the units whose documents `user` owns, as a subquery (the list form of `is_process_owner_of`)."""
    from cms.models import ProcessDocumentPage

    return ProcessDocumentPage.objects.filter(process_owner_id=user.pk).values("unit_id")
