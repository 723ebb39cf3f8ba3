"""Builders shared by the tests: units, people with roles."""

import itertools

from django.contrib.auth.models import Group

from qms.core import roles
from qms.core.models import OrganisationUnit, User

_seq = itertools.count(1)
PASSWORD = "pw-for-tests-1"


def make_unit(code=None, name=None, parent=None, manager=None):
    n = next(_seq)
    return OrganisationUnit.objects.create(
        code=code or f"U{n}", name=name or f"Unit {n}", parent=parent, manager=manager
    )


def make_user(*role_names, unit=None, username=None, language="vi", manager=None, **extra):
    n = next(_seq)
    user = User.objects.create_user(
        username=username or f"user{n}",
        password=PASSWORD,
        email=f"{username or f'user{n}'}@example.test",
        unit=unit,
        language=language,
        manager=manager,
        **extra,
    )
    if role_names:
        user.groups.set(Group.objects.filter(name__in=role_names))
    return user


def make_staff(unit=None, **extra):
    return make_user(roles.STAFF, unit=unit, **extra)


def make_officer(unit=None, **extra):
    return make_user(roles.QUALITY_OFFICERS, roles.STAFF, unit=unit, **extra)


def make_approver(unit=None, **extra):
    return make_user(roles.APPROVERS, roles.STAFF, unit=unit, **extra)


def make_auditor(unit=None, **extra):
    return make_user(roles.AUDITORS, roles.STAFF, unit=unit, **extra)


# --- nonconformities ---
def make_nonconformity(*, unit=None, reported_by=None, severity="minor", source="staff_report", owner=None, **extra):
    """A reported nonconformity, created through its service like every other path."""
    from qms.nonconformities.services import nonconformity_report

    unit = unit or make_unit()
    return nonconformity_report(
        title=extra.pop("title", "Hồ sơ trả chậm"),
        description=extra.pop("description", "Hồ sơ được trả chậm hai ngày so với quy định."),
        source=source,
        severity=severity,
        unit=unit,
        reported_by=reported_by or make_staff(unit=unit),
        owner=owner,
        **extra,
    )


def make_action(nc, *, owner=None, user=None, due_date=None, kind="corrective", description="Sửa quy trình"):
    """A planned action on `nc` (which must be under investigation or acted on), through the service."""
    import datetime

    from django.utils import timezone

    from qms.nonconformities.services import action_create

    return action_create(
        nonconformity=nc,
        kind=kind,
        description=description,
        owner=owner or make_staff(unit=nc.unit),
        due_date=due_date or timezone.localdate() + datetime.timedelta(days=14),
        user=user or make_officer(),
    )
