"""Nonconformities and corrective actions (ISO 9001 8.7, 10.2).

The records only: every change goes through `services.py`, which holds the
rules of 10.2.1 and 10.2.2 and writes the history entries (who, when, what, why)
that an auditor relies on. Nothing here changes a status by itself.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qms.core.storage import private_storage


class ReferenceCounter(models.Model):
    """The last reference number given out in a year; its row is locked while a number is taken."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Nonconformity(models.Model):
    class Source(models.TextChoices):
        INTERNAL_AUDIT = "internal_audit", _("Internal audit")
        EXTERNAL_AUDIT = "external_audit", _("External audit")
        COMPLAINT = "complaint", _("Citizen or customer complaint")
        PROCESS_MONITORING = "process_monitoring", _("Process monitoring")
        SUPPLIER = "supplier", _("Supplier")
        MANAGEMENT_REVIEW = "management_review", _("Management review")
        STAFF_REPORT = "staff_report", _("Staff report")

    class Severity(models.TextChoices):
        MAJOR = "major", _("Major")
        MINOR = "minor", _("Minor")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        INVESTIGATING = "investigating", _("Investigating")
        ACTION_PLANNED = "action_planned", _("Action planned")
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting verification")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")

    class RootCauseMethod(models.TextChoices):
        FIVE_WHYS = "five_whys", _("Five whys")
        CAUSE_AND_EFFECT = "cause_and_effect", _("Cause and effect (fishbone)")
        OTHER = "other", _("Other")

    OPEN_STATUSES = (
        Status.REPORTED,
        Status.INVESTIGATING,
        Status.ACTION_PLANNED,
        Status.IN_PROGRESS,
        Status.AWAITING_VERIFICATION,
    )

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), help_text=_("What happened, where, and what it affects."))
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR)
    unit = models.ForeignKey(
        "core.OrganisationUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="nonconformities"
    )
    documents = models.ManyToManyField(
        settings.QMS_DOCUMENT_MODEL, verbose_name=_("process documents"), blank=True, related_name="nonconformities"
    )
    clauses = models.ManyToManyField(
        "core.IsoClause", verbose_name=_("ISO 9001 clauses"), blank=True, related_name="nonconformities"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="reported_nonconformities",
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_nonconformities",
        help_text=_("Leads the investigation and the actions (usually the process owner)."),
    )
    # ISO 9001 10.2.1 a): react, control and correct it, deal with the consequences.
    containment = models.TextField(_("containment (immediate correction)"), blank=True)
    containment_done_on = models.DateField(_("containment done on"), null=True, blank=True)
    # ISO 9001 10.2.1 b) 2): determine the causes.
    root_cause_method = models.CharField(
        _("root cause method"), max_length=20, choices=RootCauseMethod.choices, blank=True
    )
    root_cause_answers = models.JSONField(
        _("root cause analysis"),
        default=dict,
        blank=True,
        help_text=_("Five whys: the list of answers; cause and effect: the causes by category."),
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.REPORTED)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closed_nonconformities",
    )
    # Optimistic locking: a form carries the version it was loaded with.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[documents, clauses])

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        permissions = [("view_all_units_nonconformity", _("Can see the nonconformities of every unit"))]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("nonconformities:detail", args=[self.pk])

    @classmethod
    def timeline_value(cls, field_name, value):
        """The root cause analysis (ISO 9001 10.2.1 b) 2)) as the timeline reads it (`qms.core.timeline`):
        the whys in order, the causes under their categories; None for any other field."""
        if field_name != "root_cause_answers":
            return None
        from .forms import FISHBONE

        if isinstance(value, dict) and "whys" in value:
            return " → ".join(str(why) for why in value["whys"])
        if isinstance(value, dict) and "causes" in value:
            labels = dict(FISHBONE)
            return "; ".join(f"{labels.get(key, key)}: {text}" for key, text in (value["causes"] or {}).items() if text)
        return str(value) if value not in (None, {}, []) else ""

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def age_days(self):
        end = self.closed_at or timezone.now()
        return (end - self.reported_at).days


class CorrectiveAction(models.Model):
    """One action, whatever it answers (ISO 9001 6.1.2, 9.3.3, 10.2.1 c, 10.3): the product's one kind of action.

    An action belongs either to a nonconformity or to another record (its *origin*: a risk, a review decision,
    an objective), which registers itself through the ``qms_action_origins`` hook (`origins.py`). Both ways it
    has the same life: owner, due date, reminders, evidence, and verification of effectiveness by someone else.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CORRECTIVE = "corrective", _("Corrective action")
        PREVENTIVE = "preventive", _("Preventive action")
        IMPROVEMENT = "improvement", _("Improvement")
        RISK_TREATMENT = "risk_treatment", _("Risk treatment")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed, awaiting verification")
        VERIFIED = "verified", _("Verified effective")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    nonconformity = models.ForeignKey(
        Nonconformity,
        verbose_name=_("nonconformity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    # The record of a higher app an action answers when it is not a nonconformity's (origins.py). A generic
    # relation, because this layer may not name those apps' models (docs/architecture.md).
    origin_type = models.ForeignKey(
        ContentType, verbose_name=_("origin type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin_id = models.PositiveBigIntegerField(_("origin id"), null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CORRECTIVE)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="corrective_actions"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    evidence = models.TextField(_("evidence of completion"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        indexes = [models.Index(fields=["origin_type", "origin_id"], name="action_origin_idx")]
        constraints = [
            # Exactly one subject: a nonconformity, or an origin (both its columns).
            models.CheckConstraint(
                name="action_has_one_subject",
                condition=(
                    models.Q(nonconformity__isnull=False, origin_type__isnull=True, origin_id__isnull=True)
                    | models.Q(nonconformity__isnull=True, origin_type__isnull=False, origin_id__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return f"{self.subject_reference} – {self.get_kind_display()}: {self.description[:60]}"

    def get_absolute_url(self):
        return reverse("nonconformities:action", args=[self.pk])

    @property
    def subject(self):
        """The record this action answers: its nonconformity, or its origin."""
        return self.nonconformity if self.nonconformity_id else self.origin

    @property
    def subject_reference(self):
        subject = self.subject
        return getattr(subject, "reference", None) or str(subject)

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self):
        return self.is_open and self.due_date < timezone.localdate()


def evidence_upload_to(instance, filename):
    return f"nonconformities/evidence/{get_valid_filename(instance.action.subject_reference)}/{filename}"


class EvidenceFile(models.Model):
    """A file attached as evidence that an action was done; its metadata keeps history."""

    action = models.ForeignKey(
        CorrectiveAction, verbose_name=_("corrective action"), on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, storage=private_storage)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("nonconformities:evidence", args=[self.pk])


class Verification(models.Model):
    """The effectiveness check of an action (ISO 9001 10.2.1 d), by someone other than its owner."""

    action = models.ForeignKey(
        CorrectiveAction, verbose_name=_("corrective action"), on_delete=models.PROTECT, related_name="verifications"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)
    effective = models.BooleanField(_("effective"))
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["verified_at", "pk"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")

    def __str__(self):
        return f"{self.action_id}: {'effective' if self.effective else 'not effective'}"

    def get_absolute_url(self):
        return self.action.get_absolute_url()
