"""Bulk data for the figures: units, people, nonconformities and corrective actions.

Bench data only, in the throwaway bench database: rows are inserted with ``bulk_create``, which
on purpose bypasses the services and django-simple-history (the product never does this; it would
leave records without their history). Building 100,000 records through the services would take
longer than the whole benchmark and measure nothing the figures are about.
"""

import datetime
import itertools

from django.utils import timezone

from bench.figures import common

BATCH = 2_000
_units = []
_people = []


def units(count=5):
    from qms.core.models import OrganisationUnit

    while len(_units) < count:
        n = len(_units) + 1
        _units.append(OrganisationUnit.objects.create(code=f"BU{n}", name=f"Phòng đo hiệu năng {n}"))
    return _units[:count]


def people(count):
    """`count` staff members spread over the bench units (created once, reused by every figure)."""
    from qms.core import roles

    spread = units()
    while len(_people) < count:
        n = len(_people) + 1
        _people.append(common.make_person(roles.STAFF, unit=spread[n % len(spread)], username=f"bench-staff-{n}"))
    return _people[:count]


def ensure_nonconformities(total):
    """Top the nonconformity register up to exactly `total` records (all sources, statuses, units)."""
    from qms.nonconformities.models import Nonconformity

    existing = Nonconformity.objects.count()
    if existing >= total:
        return existing
    spread, reporters = units(), people(50)
    statuses = list(Nonconformity.Status.values)
    sources = list(Nonconformity.Source.values)
    now = timezone.now()
    year = timezone.localdate().year

    def rows():
        for n in range(existing + 1, total + 1):
            reporter = reporters[n % len(reporters)]
            yield Nonconformity(
                reference=f"NC-{year}-B{n:06d}",
                title=f"Hồ sơ trả kết quả trễ hạn số {n}",
                description="Hồ sơ được trả cho công dân sau thời hạn quy định; cần xác định nguyên nhân.",
                source=sources[n % len(sources)],
                severity=Nonconformity.Severity.MAJOR if n % 5 == 0 else Nonconformity.Severity.MINOR,
                unit=spread[n % len(spread)],
                reported_by=reporter,
                owner=reporters[(n + 7) % len(reporters)],
                reported_at=now - datetime.timedelta(minutes=n),
                status=statuses[n % len(statuses)],
                status_changed_at=now,
                root_cause="Thiếu nhân sự tại bộ phận một cửa." if n % 3 == 0 else "",
            )

    _bulk(Nonconformity, rows())
    return total


def add_actions(count, *, recipients, as_of):
    """`count` open corrective actions, half coming up in 5 days and half 3 days overdue (no escalation)."""
    from qms.nonconformities.models import CorrectiveAction, Nonconformity

    ncs = list(Nonconformity.objects.values_list("pk", flat=True)[:1_000])
    soon, late = as_of + datetime.timedelta(days=5), as_of - datetime.timedelta(days=3)
    now = timezone.now()

    def rows():
        for n in range(count):
            yield CorrectiveAction(
                nonconformity_id=ncs[n % len(ncs)],
                kind=CorrectiveAction.Kind.CORRECTIVE,
                description=f"Bổ sung nhân sự và theo dõi thời hạn, việc {n}",
                owner=recipients[n % len(recipients)],
                due_date=soon if n % 2 else late,
                status=CorrectiveAction.Status.PLANNED if n % 3 else CorrectiveAction.Status.IN_PROGRESS,
                status_changed_at=now,
                created_at=now,
            )

    _bulk(CorrectiveAction, rows())


def _bulk(model, rows):
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH)):
        model.objects.bulk_create(batch)
