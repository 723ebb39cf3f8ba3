"""Distribute an effective revision and record that people read it (ISO 9001 7.2, 7.3, 7.5.3).

Writes only: `version_distribute`, `version_distribute_default` and
`version_acknowledge`. Reads reused elsewhere (the document page, the home
panel, the admin lists, the reminders) are in `selectors.py`.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.models import OrganisationUnit
from qms.core.records import QmsError, save_with_history

from . import documents
from .models import Acknowledgement, Distribution

# Days given to read a revision distributed automatically (setting QMS_ACKNOWLEDGEMENT_DUE_DAYS).
DEFAULT_DUE_DAYS = 14


class AcknowledgementError(QmsError):
    """A refused read-and-understood action; `message` (and `str(error)`) is a translated sentence for the person."""

    default_message = gettext_lazy("This action is not allowed.")


class NotCurrentVersionError(AcknowledgementError):
    pass


class NotDistributedError(AcknowledgementError):
    pass


class DistributionNotAllowedError(AcknowledgementError):
    pass


def _version_label(version):
    return _("revision %(number)s of %(document)s") % {"number": version.number, "document": version.page.identifier}


@transaction.atomic
def version_distribute(*, version, units, user, due_date=None, reason=""):
    """Distribute `version` to `units`; every active member of each unit must acknowledge it.

    Only the current effective revision is distributed (a superseded one must not
    be sent out as current, 7.5.3.2 d). Distributing again to a unit that already
    has it changes nothing but the due date, which is recorded in the
    distribution's history with who and why. Returns the distributions of the
    given units (created or existing).

    `user` is None only for the automatic distribution on becoming effective.
    """
    if user is not None and not user.has_perm("acknowledgements.distribute_revision", version.page):
        raise DistributionNotAllowedError(_("You may not distribute this document."))
    if not documents.is_current(version):
        raise NotCurrentVersionError(
            _("Only the current effective revision can be distributed; %(version)s is not.")
            % {"version": _version_label(version)}
        )
    units = list(units)
    if not units:
        raise AcknowledgementError(_("Choose at least one unit."))
    if due_date is not None and due_date < timezone.localdate():
        raise AcknowledgementError(_("The due date cannot be in the past."))
    reason = reason or (_("Distributed") if user is not None else _("Distributed automatically on becoming effective"))
    # Lock what exists so that two officers changing the due date at once do not
    # silently overwrite each other: the second waits and then records its own change.
    existing = {
        d.unit_id: d
        for d in Distribution.objects.select_for_update().filter(version=version, unit__in=[u.pk for u in units])
    }
    result = []
    for unit in units:
        distribution = existing.get(unit.pk)
        if distribution is None:
            distribution = Distribution(version=version, unit=unit, distributed_by=user, due_date=due_date)
            try:
                with transaction.atomic():
                    save_with_history(distribution, user=user, reason=reason)
            except IntegrityError:
                # Someone distributed this unit meanwhile: their distribution stands and
                # ours is applied on top of it below, as a recorded change, never lost.
                distribution = Distribution.objects.select_for_update().get(version=version, unit=unit)
            else:
                result.append(distribution)
                continue
        if due_date is not None and distribution.due_date != due_date:
            distribution.due_date = due_date
            save_with_history(distribution, user=user, reason=reason, update_fields=["due_date"])
        result.append(distribution)
    return result


def default_units(version):
    """Who a new effective revision goes to by default: the owning unit, plus every
    unit that had the previous revision (its readers must learn what changed)."""
    unit_ids = {version.page.unit_id}
    previous = documents.previous_version(version)
    if previous is not None:
        unit_ids.update(previous.distributions.values_list("unit_id", flat=True))
    return list(OrganisationUnit.objects.filter(pk__in=unit_ids, is_active=True))


def default_due_date():
    days = getattr(settings, "QMS_ACKNOWLEDGEMENT_DUE_DAYS", DEFAULT_DUE_DAYS)
    return timezone.localdate() + datetime.timedelta(days=days)


@transaction.atomic
def version_distribute_default(*, version):
    """The automatic distribution of a revision that has just become effective.

    Idempotent: units that already have the revision are left as they are (an
    officer may have changed their due date). Returns the new distributions.
    """
    if not documents.is_current(version):
        return []
    have = set(version.distributions.values_list("unit_id", flat=True))
    units = [unit for unit in default_units(version) if unit.pk not in have]
    if not units:
        return []
    return version_distribute(version=version, units=units, user=None, due_date=default_due_date())


def version_distribute_default_of(version):
    """The publication follow-up step (cms.publishing): `version_distribute_default` for a version."""
    return version_distribute_default(version=version)


@transaction.atomic
def version_acknowledge(*, version, user):
    """`user` declares they read and understood `version` (idempotent: a second call returns the first record).

    Refused when the revision is not the current effective one (a superseded
    revision is no longer the procedure to follow) or when it was not
    distributed to the person's unit.
    """
    if not user.is_authenticated:
        raise AcknowledgementError(_("Log in to acknowledge a revision."))
    existing = Acknowledgement.objects.filter(version=version, person=user).first()
    if existing is not None:
        return existing
    if not documents.is_current(version):
        current = documents.current_version_of(version.page_id)
        if current is not None:
            message = _(
                "%(version)s has been superseded by revision %(current)s (effective %(date)s): "
                "read and acknowledge the current revision instead."
            ) % {
                "version": _version_label(version),
                "current": current.number,
                "date": formats.date_format(current.effective_date, "SHORT_DATE_FORMAT"),
            }
        else:
            message = _("%(version)s is not in force: there is nothing to acknowledge.") % {
                "version": _version_label(version)
            }
        raise NotCurrentVersionError(message)
    if user.unit_id is None or not Distribution.objects.filter(version=version, unit_id=user.unit_id).exists():
        raise NotDistributedError(
            _("%(version)s was not distributed to your unit, so you are not asked to acknowledge it.")
            % {"version": _version_label(version)}
        )
    try:
        with transaction.atomic():
            return Acknowledgement.objects.create(version=version, person=user, unit_id=user.unit_id)
    except IntegrityError:
        # A double click: the first request recorded it; return that one.
        return Acknowledgement.objects.get(version=version, person=user)
