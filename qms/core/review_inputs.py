"""What a management review gathers (ISO 9001 9.3.2): one input per owning register, by registration.

Each register that holds data a review must consider registers `ReviewInput`s through the Wagtail hook
``qms_review_inputs`` in its own ``wagtail_hooks.py``; the management review (a higher layer) reads them
with `review_inputs()` and freezes what `gather` returns into the review's pack. So the pack works with
whichever registers are installed, and a new register (objectives, risks...) plugs in with one hook.

`gather(period_start, period_end)` returns a JSON-serialisable dict:

    {"figures": [{"label": str, "value": int | float | str}],
     "tables": [{"title": str, "columns": [str], "rows": [[...]]}],
     "charts": [{"title": str, "bars": [{"label": str, "value": number}]}],
     "links": [{"label": str, "url": str}]}

every key optional, every string already in the active language (the pack is a record of what was
shown at the meeting, not re-translated later).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from .extensions import collected

HOOK = "qms_review_inputs"

# The inputs of 9.3.2, as the pack orders its sections.
CLAUSE_ITEMS = ("a", "b", "c", "d", "e", "f")


@dataclass(frozen=True)
class ReviewInput:
    clause_item: str  # "a".."f" of ISO 9001 9.3.2 (c: performance, with its own sub-items)
    key: str  # unique across the registers, e.g. "nonconformities"
    label: object  # lazy translation: the section heading
    gather: Callable[[datetime.date, datetime.date], dict]
    order: int = 100


def review_inputs():
    """Every registered input, by clause item then order; a key registered twice is an error."""
    items = sorted(collected(HOOK), key=lambda i: (CLAUSE_ITEMS.index(i.clause_item), i.order, i.key))
    keys = [i.key for i in items]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f"review inputs registered twice: {sorted(duplicates)}")
    return items


def count_rows(counts, labels):
    """[[label, n], ...] from {value: n} and {value: label}, in the labels' order, zeros left out."""
    return [[str(labels.get(value, value)), n] for value, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n]
