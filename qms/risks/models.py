"""The register of risks and opportunities (ISO 9001 6.1) and the reviews of their treatment (6.1.2 b).

The records only: every change goes through `services.py`, which holds the rules (a high risk is accepted
only with a justification; a treatment fits the kind of record) and writes the history entry (who, when,
why) of each change. A risk is weighed as likelihood × impact on the scale of `scoring`; its band is read
from the score, never stored. Its treatment actions are the nonconformities app's corrective actions (one
kind of action in the whole system), attached to the risk as their origin.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from . import scoring


class Risk(models.Model):
    class Kind(models.TextChoices):
        RISK = "risk", _("Risk")
        OPPORTUNITY = "opportunity", _("Opportunity")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        ASSESSED = "assessed", _("Assessed")
        UNDER_TREATMENT = "under_treatment", _("Under treatment")
        MONITORED = "monitored", _("Monitored")
        CLOSED = "closed", pgettext_lazy("risk", "Closed")

    class Treatment(models.TextChoices):
        # ISO 9001 6.1.2 note 1: avoiding, taking it to pursue an opportunity, removing the source,
        # changing likelihood or consequences, sharing it, or retaining it by informed decision.
        ACCEPT = "accept", _("Accept")
        REDUCE = "reduce", _("Reduce")
        AVOID = "avoid", _("Avoid")
        TRANSFER = "transfer", _("Transfer")
        PURSUE = "pursue", _("Pursue")
        NOT_PURSUE = "not_pursue", _("Do not pursue")

    TREATMENTS = {
        Kind.RISK: (Treatment.ACCEPT, Treatment.REDUCE, Treatment.AVOID, Treatment.TRANSFER),
        Kind.OPPORTUNITY: (Treatment.PURSUE, Treatment.NOT_PURSUE),
    }
    # Treatments that are carried out by actions; the others are decisions to live with it.
    ACTED_ON = (Treatment.REDUCE, Treatment.AVOID, Treatment.TRANSFER, Treatment.PURSUE)
    OPEN_STATUSES = (Status.IDENTIFIED, Status.ASSESSED, Status.UNDER_TREATMENT, Status.MONITORED)

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RISK)
    title = models.CharField(_("title"), max_length=255)
    unit = models.ForeignKey(
        "core.OrganisationUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="risks"
    )
    document = models.ForeignKey(
        settings.QMS_DOCUMENT_MODEL,
        verbose_name=_("process document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risks",
        help_text=_("The process (by its document) in which the risk or opportunity arises."),
    )
    procedure = models.ForeignKey(
        "procedures.AdministrativeProcedure",
        verbose_name=_("administrative procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risks",
    )
    cause = models.TextField(_("cause"), blank=True, help_text=_("What could make it happen."))
    consequence = models.TextField(_("consequence"), blank=True, help_text=_("What it would do to the service."))
    existing_controls = models.TextField(
        _("existing controls"), blank=True, help_text=_("What already keeps it in check.")
    )
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), null=True, blank=True)
    impact = models.PositiveSmallIntegerField(_("impact"), null=True, blank=True)
    treatment = models.CharField(_("treatment"), max_length=20, choices=Treatment.choices, blank=True)
    treatment_plan = models.TextField(_("treatment plan"), blank=True)
    acceptance_justification = models.TextField(
        _("justification for accepting"),
        blank=True,
        help_text=_("Why the risk is retained as it is: required to accept a high risk."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_risks",
        help_text=_("Answers for the risk, its treatment and its reviews."),
    )
    review_date = models.DateField(_("next review date"), null=True, blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(_("residual likelihood"), null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(_("residual impact"), null=True, blank=True)
    # ISO 9001 10.2.1 e), 6.1.2 b): a nonconformity whose cause is this risk ("this risk materialised").
    nonconformities = models.ManyToManyField(
        "nonconformities.Nonconformity",
        verbose_name=_("materialised as nonconformities"),
        blank=True,
        related_name="risks",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDENTIFIED)
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("identified by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[nonconformities])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("risk or opportunity")
        verbose_name_plural = _("risks and opportunities")

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("risks:detail", args=[self.pk])

    @property
    def score(self):
        return scoring.score_of(self.likelihood, self.impact)

    @property
    def band(self):
        return scoring.band_of(self.score)

    @property
    def residual_score(self):
        return scoring.score_of(self.residual_likelihood, self.residual_impact)

    @property
    def residual_band(self):
        return scoring.band_of(self.residual_score)

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def review_overdue(self):
        return self.is_open and self.review_date is not None and self.review_date < timezone.localdate()


class RiskReview(models.Model):
    """A periodic review of a risk: its level after treatment and whether the treatment worked (ISO 9001 6.1.2 b).

    The effectiveness of actions taken on risks is an input of the management review (9.3.2 e).
    """

    class Effectiveness(models.TextChoices):
        EFFECTIVE = "effective", _("Effective")
        PARTLY_EFFECTIVE = "partly_effective", _("Partly effective")
        NOT_EFFECTIVE = "not_effective", _("Not effective")
        NOT_APPLICABLE = "not_applicable", _("No treatment to evaluate")

    risk = models.ForeignKey(
        Risk, verbose_name=_("risk or opportunity"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    residual_likelihood = models.PositiveSmallIntegerField(_("residual likelihood"))
    residual_impact = models.PositiveSmallIntegerField(_("residual impact"))
    effectiveness = models.CharField(_("effectiveness of the treatment"), max_length=20, choices=Effectiveness.choices)
    comment = models.TextField(_("comment"), blank=True)
    next_review_date = models.DateField(_("next review date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewed_at", "pk"]
        verbose_name = _("risk review")
        verbose_name_plural = _("risk reviews")

    def __str__(self):
        return f"{self.risk.reference}: {self.get_effectiveness_display()}"

    def get_absolute_url(self):
        return self.risk.get_absolute_url()

    @property
    def residual_score(self):
        return scoring.score_of(self.residual_likelihood, self.residual_impact)

    @property
    def residual_band(self):
        return scoring.band_of(self.residual_score)
