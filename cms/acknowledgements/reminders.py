"""Revisions to read and acknowledge, for the reminder engine (ISO 9001 7.3: awareness of the procedures).

Found by the reminders app's autodiscovery. One item per distribution (a current
revision sent to one unit), due on its due date (or, for a distribution without
one, the default number of days after it was made); its recipients are the members
of the unit who have not acknowledged yet, so the reminder stops for each person
as soon as they acknowledge. Overdue items escalate to the unit's manager.

Built on `selectors.pending_acknowledgements` (2 queries), plus one query mapping
(revision, unit) to the distribution, so it works whether or not the selector's
rows carry the distribution's id.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.reminders.registry import DueItem, content_type_id, provider

from . import selectors, services
from .models import Distribution

# The kinds this app registers, with their labels in its own catalogue (hook qms_reminder_providers).
ACKNOWLEDGEMENT = "acknowledgement"


def _due(item):
    if item.due_date is not None:
        return item.due_date
    days = getattr(settings, "QMS_ACKNOWLEDGEMENT_DUE_DAYS", services.DEFAULT_DUE_DAYS)
    return timezone.localdate(item.distributed_at) + datetime.timedelta(days=days)


@provider(ACKNOWLEDGEMENT, label=_("Revisions to read and acknowledge (7.3)"), days_before=(7, 1), order=15)
def pending_acknowledgement_items(*, until, user=None):
    grouped = defaultdict(list)
    first = {}
    for item in selectors.pending_acknowledgements(person=user):
        due = _due(item)
        if due > until:
            continue
        key = (item.version.pk, item.unit_id)
        grouped[key].append(item.person.pk)
        first.setdefault(key, (item, due))
    if not grouped:
        return
    distributions = {
        (version_id, unit_id): pk
        for version_id, unit_id, pk in Distribution.objects.filter(
            version_id__in={version_id for version_id, _unit in grouped}
        ).values_list("version_id", "unit_id", "pk")
    }
    ct = content_type_id(Distribution)
    for key, recipients in grouped.items():
        distribution_id = distributions.get(key)
        if distribution_id is None:  # withdrawn meanwhile
            continue
        item, due = first[key]
        page = item.version.page
        yield DueItem(
            content_type_id=ct,
            object_id=distribution_id,
            recipient_ids=tuple(dict.fromkeys(recipients)),
            due_date=due,
            title=f"{page.identifier} {page.title}",
            url=page.url or "",
            unit_id=item.unit_id,
        )
