"""Quality objectives, their indicators and the measurements against them (ISO 9001 6.2, 9.1.1).

The records only: every change goes through `services.py`, which holds the rules (approval by top
management before an objective is in force, 6.2.2; nobody approves what they drafted, 5.3) and writes the
history entry (who, when, why) of each change. An objective is set for a year, for the organisation or for a
unit; each indicator is measured once per period of its frequency within that year.
"""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qms.core.storage import private_storage


class Health(models.TextChoices):
    """How an objective or an indicator stands, from its latest measurement (ISO 9001 9.1.3 b)."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NOT_MEASURED = "not_measured", _("Not measured yet")


# Worst first: an objective is as healthy as its worst indicator.
HEALTH_ORDER = (Health.OFF_TRACK, Health.AT_RISK, Health.ON_TRACK, Health.NOT_MEASURED)


class QualityObjective(models.Model):
    class Level(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        UNIT = "unit", pgettext_lazy("objective level", "Unit")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("objective", "Draft")
        APPROVED = "approved", pgettext_lazy("objective", "Approved")
        ACHIEVED = "achieved", _("Achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # In force: measured, reminded, shown with its health.
    IN_FORCE = (Status.APPROVED,)
    CLOSED = (Status.ACHIEVED, Status.NOT_ACHIEVED, Status.WITHDRAWN)

    title = models.CharField(_("objective"), max_length=255)
    year = models.PositiveIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.ORGANISATION)
    unit = models.ForeignKey(
        "core.OrganisationUnit",
        verbose_name=pgettext_lazy("objective level", "Unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quality_objectives",
        help_text=_("The unit whose objective it is; empty for an objective of the whole organisation."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_objectives",
        help_text=_("Answers for the objective and its indicators."),
    )
    documents = models.ManyToManyField(
        settings.QMS_DOCUMENT_MODEL,
        verbose_name=_("process documents"),
        blank=True,
        related_name="quality_objectives",
        help_text=_("The processes (by their documents) the objective concerns."),
    )
    # ISO 9001 6.2.1 a): objectives are consistent with the quality policy.
    policy_statement = models.TextField(
        _("policy statement served"), blank=True, help_text=_("The commitment of the quality policy it serves.")
    )
    description = models.TextField(
        _("what will be done"), blank=True, help_text=_("ISO 9001 6.2.2: what, with which resources, by when.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[documents])

    class Meta:
        ordering = ["-year", "level", "title", "pk"]
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")

    def __str__(self):
        return f"{self.year} · {self.title}"

    def get_absolute_url(self):
        return reverse("objectives:detail", args=[self.pk])

    @property
    def in_force(self):
        return self.status in self.IN_FORCE


class Indicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        YEARLY = "yearly", _("Yearly")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORTED = "imported", _("Imported from Excel")
        COMPUTED = "computed", _("Computed from the registers")

    MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}

    objective = models.ForeignKey(
        QualityObjective, verbose_name=_("quality objective"), on_delete=models.PROTECT, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=255)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=30, default="%")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    warning_threshold = models.DecimalField(
        _("warning threshold"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A value past the target but not past this is 'at risk'; beyond it, 'off track'."),
    )
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    source = models.CharField(_("data source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    computation = models.CharField(
        _("computation"),
        max_length=60,
        blank=True,
        help_text=_("For a computed indicator: what the product counts (qms_indicator_computations)."),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        related_name="reported_indicators",
        help_text=_("Enters the measurement of each period; reminded when it is late."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.objective.get_absolute_url()

    def periods(self):
        """The (first day, last day) of each period of the objective's year, in order."""
        step = self.MONTHS[self.frequency]
        year = self.objective.year
        for first_month in range(1, 13, step):
            last_month = first_month + step - 1
            yield (
                datetime.date(year, first_month, 1),
                datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]),
            )

    def period_of(self, day):
        """The period holding `day`, or None outside the objective's year."""
        return next(((start, end) for start, end in self.periods() if start <= day <= end), None)

    def meets_target(self, value):
        value = Decimal(value)
        return value >= self.target if self.direction == self.Direction.HIGHER else value <= self.target

    def health_of(self, value):
        """On track when the target is met; at risk when within the warning threshold; off track beyond it."""
        if value is None:
            return Health.NOT_MEASURED
        if self.meets_target(value):
            return Health.ON_TRACK
        if self.warning_threshold is not None:
            value = Decimal(value)
            within = (
                value >= self.warning_threshold
                if self.direction == self.Direction.HIGHER
                else value <= self.warning_threshold
            )
            if within:
                return Health.AT_RISK
        return Health.OFF_TRACK


def evidence_upload_to(instance, filename):
    return f"objectives/evidence/{instance.indicator_id}/{instance.period_start:%Y-%m}/{filename}"


class Measurement(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="measurements"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_upload_to, storage=private_storage, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # ISO 9001 10.2.1: a missed target raises one nonconformity (source: process monitoring), never two.
    nonconformity = models.OneToOneField(
        "nonconformities.Nonconformity",
        verbose_name=_("nonconformity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measurement",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_start"], name="objectives_one_measurement_per_period")
        ]

    def __str__(self):
        return f"{self.indicator} {self.period_start:%m/%Y}: {self.value}"

    def get_absolute_url(self):
        return self.indicator.objective.get_absolute_url()

    @property
    def meets_target(self):
        return self.indicator.meets_target(self.value)

    @property
    def health(self):
        return self.indicator.health_of(self.value)
