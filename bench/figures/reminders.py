"""The reminder sweep over 10,000 and 100,000 due items: time, growth and queries (ISO 9001 7.5.3, 10.2).

The items are open corrective actions found by the product's own reminder providers; the same
people (so the same number of digests) at both sizes, so that only the number of items grows.
"""

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.utils import timezone

from bench.figures import data
from bench.report import ProductMissing, Spec, line, require

SWEEP_S = Spec("sweep_s_100k", "s", "report")
GROWTH = Spec("sweep_growth", "ratio", "<= 12 (linear)")
QUERIES = Spec("sweep_queries", "queries", "equal at 10k and 100k")
SPECS = (SWEEP_S, GROWTH, QUERIES)


class QueryCounter:
    """Counts statements through ``connection.execute_wrapper``: cheap enough to run while timing."""

    def __init__(self):
        self.total = 0
        self.inserts = 0

    def __call__(self, execute, sql, params, many, context):
        self.total += 1
        if sql.lstrip().upper().startswith("INSERT"):
            self.inserts += 1
        return execute(sql, params, many, context)


def run(context):
    services = require("qms.reminders.services")
    from qms.reminders.models import Delivery

    sizes = context.sizes
    small, large = sizes.sweep_small, sizes.sweep_large
    as_of = timezone.localdate()
    data.ensure_nonconformities(min(1_000, sizes.nc_rows))
    recipients = data.people(200 if not sizes.smoke else 20)
    measured = {}
    built = 0
    for size in (small, large):
        data.add_actions(size - built, recipients=recipients, as_of=as_of)
        built = size
        # A fresh ledger each time: the sweep claims every item again.
        Delivery.objects.all().delete()
        mail.outbox = []
        # Both sizes start from the same process caches: the first sweep would otherwise pay for
        # the content types (a few queries) that the second finds cached.
        ContentType.objects.clear_cache()
        counter = QueryCounter()
        began = timezone.now()
        with connection.execute_wrapper(counter):
            result = services.reminders_sweep(as_of=as_of)
        seconds = (timezone.now() - began).total_seconds()
        if result.reminders < size:
            raise ProductMissing(
                f"the reminder providers found {result.reminders} of {size} due corrective actions "
                "(no provider for corrective actions registered yet?)"
            )
        measured[size] = {
            "seconds": seconds,
            "queries": counter.total,
            "inserts": counter.inserts,
            "reminders": result.reminders,
            "digests": result.digests_sent,
        }
    low, high = measured[small], measured[large]
    growth = high["seconds"] / low["seconds"] if low["seconds"] else None
    label_small, label_large = _label(small), _label(large)
    return [
        line(SWEEP_S, round(high["seconds"], 2), detail={"items": large, "digests": high["digests"]}),
        line(
            GROWTH,
            None if growth is None else round(growth, 2),
            met=growth is not None and growth <= 12,
            detail={f"s_{label_small}": round(low["seconds"], 2), f"s_{label_large}": round(high["seconds"], 2)},
        ),
        line(
            QUERIES,
            {label_small: low["queries"], label_large: high["queries"]},
            met=low["queries"] == high["queries"],
            note="all statements, the claim's INSERT included; 'detail' separates the INSERT statements",
            detail={
                f"inserts_{label_small}": low["inserts"],
                f"inserts_{label_large}": high["inserts"],
                "digests": high["digests"],
            },
        ),
    ]


def _label(size):
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)
