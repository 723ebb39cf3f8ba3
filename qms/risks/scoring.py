"""How a risk is weighed: likelihood × impact on a configurable scale, and the band of the score (ISO 9001 6.1.2).

The standard asks that risks be determined and actions be proportionate to their potential impact (6.1.2,
note 1); it does not prescribe a method. The product uses the common matrix:

- ``QMS_RISK_SCALE`` (default 5): likelihood and impact are each rated 1..scale;
- ``QMS_RISK_BANDS`` (default ``{"medium": 5, "high": 10}``): the lowest score of each band above "low".
  With the defaults a 5 × 5 matrix reads 1–4 low, 5–9 medium, 10–25 high.

The band is never stored: it is read from the score with the thresholds in force, so changing the thresholds
re-bands the register at once (the list filters by score ranges, see `band_score_range`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


def scale():
    """The highest rating of likelihood and of impact (the lowest is 1)."""
    return int(getattr(settings, "QMS_RISK_SCALE", 5))


def thresholds():
    """The lowest score of the medium and of the high band."""
    bands = getattr(settings, "QMS_RISK_BANDS", None) or {"medium": 5, "high": 10}
    return int(bands["medium"]), int(bands["high"])


def score_of(likelihood, impact):
    if likelihood is None or impact is None:
        return None
    return likelihood * impact


def band_of(score):
    """The band of a score; None for a risk not weighed yet."""
    if score is None:
        return None
    medium, high = thresholds()
    if score >= high:
        return Band.HIGH
    if score >= medium:
        return Band.MEDIUM
    return Band.LOW


def band_score_range(band):
    """(lowest, highest) score of a band, for filtering the register in the database."""
    medium, high = thresholds()
    top = scale() * scale()
    return {Band.LOW: (1, medium - 1), Band.MEDIUM: (medium, high - 1), Band.HIGH: (high, top)}[Band(band)]


def ratings():
    """The ratings 1..scale, for forms and the heat map."""
    return list(range(1, scale() + 1))


def valid_rating(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= scale()
