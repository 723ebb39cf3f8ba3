"""Read-and-understood as an input of the management review (ISO 9001 9.3.2 c) 5), 7.2, 7.3):
revisions distributed in the period, acknowledgements received and still awaited.

Registered through the `qms_review_inputs` hook (wagtail_hooks.py).
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.records import start_of_local_day
from qms.core.review_inputs import ReviewInput

from .models import Acknowledgement, Distribution


def gather(start, end):
    since, until = start_of_local_day(start), start_of_local_day(end + datetime.timedelta(days=1))
    distributions = Distribution.objects.filter(distributed_at__gte=since, distributed_at__lt=until)
    acknowledged = Acknowledgement.objects.filter(acknowledged_at__gte=since, acknowledged_at__lt=until)
    return {
        "figures": [
            {
                "key": "revisions_distributed",
                "label": _("Revisions distributed"),
                "value": distributions.values("version").distinct().count(),
            },
            {
                "key": "acknowledgements_received",
                "label": _("Acknowledgements received"),
                "value": acknowledged.count(),
            },
        ],
    }


INPUTS = [ReviewInput("c", "acknowledgements", gettext_lazy("Read-and-understood"), gather, order=60)]
