"""Indicators the product computes from its own registers (ISO 9001 9.1.1: what is monitored and measured).

A quality objective's indicator may be *computed*: its value for a period comes from a register (share of
corrective actions closed on time, nonconformities closed within 60 days, document reviews on time...). The
register that knows how to count lives in any layer, often above the objectives app, so each registers its
computations through the Wagtail hook ``qms_indicator_computations`` (docs/architecture.md); the objectives
app reads them here, by key, and never imports the registers.

``compute(period_start, period_end)`` takes the first and last calendar days of the period (both included,
the organisation's days) and returns a ``Decimal`` or ``None`` when the period holds nothing to count (no
action fell due: no rate, rather than a rate of 0 or 100 that nobody earned).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .extensions import collected

HOOK = "qms_indicator_computations"


@dataclass(frozen=True)
class IndicatorComputation:
    key: str
    label: object  # a lazy translation, in the registering app's catalogue
    unit: str
    compute: Callable  # compute(period_start, period_end) -> Decimal | None


def computations():
    """Every registered computation, in the hooks' order, the first of a key winning."""
    found = {}
    for item in collected(HOOK):
        found.setdefault(item.key, item)
    return list(found.values())


def get(key):
    """The computation registered under `key`, or None."""
    return next((item for item in computations() if item.key == key), None)


def choices():
    return [(item.key, item.label) for item in computations()]


def percentage(part, whole):
    """`part` out of `whole` as a percentage with one decimal; None when there is nothing to count."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
