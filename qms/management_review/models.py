"""Management review records (ISO 9001 9.3) and the yearly report on the quality system.

A review covers a period, is chaired by top management (an approver) and goes through
planned → pack prepared → held → minutes approved. The pack is the inputs of 9.3.2 gathered from every
register by its registered provider (`qms.core.review_inputs`) and frozen as JSON, so that what was put
before the meeting stays what the minutes speak of (7.5.3). Approving the minutes locks the review.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class ManagementReview(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("management review", "Planned")
        PACK_PREPARED = "pack_prepared", _("Pack prepared")
        HELD = "held", _("Held")
        APPROVED = "approved", _("Minutes approved")

    title = models.CharField(_("title"), max_length=255)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    meeting_date = models.DateField(_("meeting date"))
    location = models.CharField(_("location"), max_length=255, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="chaired_reviews",
        help_text=_("Top management: the director who chairs the review and approves its minutes."),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretary"),
        on_delete=models.PROTECT,
        related_name="prepared_reviews",
        help_text=_("The quality officer who prepares the pack and writes the minutes."),
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), blank=True, related_name="attended_reviews"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    # The frozen pack: {"prepared_at": iso, "sections": [{key, clause_item, label, figures, tables, charts, links}]}.
    pack = models.JSONField(_("review pack"), default=dict, blank=True, editable=False)
    pack_prepared_at = models.DateTimeField(_("pack prepared at"), null=True, blank=True, editable=False)
    # Free-text inputs no register holds yet (9.3.2 b, c 7, d).
    external_internal_issues = models.TextField(_("changes in external and internal issues"), blank=True)
    external_providers = models.TextField(_("performance of external providers"), blank=True)
    resources = models.TextField(_("adequacy of resources"), blank=True)
    conclusion = models.TextField(
        _("conclusion"), blank=True, help_text=_("The suitability, adequacy and effectiveness of the QMS (9.3.1).")
    )
    attendance_note = models.TextField(_("attendance"), blank=True, help_text=_("Guests and apologies."))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    minutes_written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes written by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-meeting_date", "-pk"]
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reviews:detail", args=[self.pk])

    @property
    def is_locked(self):
        return self.status == self.Status.APPROVED


class ReviewSection(models.Model):
    """The officer's summary and the meeting's discussion of one section of the pack."""

    review = models.ForeignKey(ManagementReview, on_delete=models.PROTECT, related_name="sections")
    key = models.CharField(_("section"), max_length=60)
    summary = models.TextField(_("officer's summary"), blank=True)
    discussion = models.TextField(_("discussion"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("review section")
        verbose_name_plural = _("review sections")
        constraints = [models.UniqueConstraint(fields=["review", "key"], name="review_section_once")]

    def __str__(self):
        return f"{self.review} – {self.key}"


class ReviewDecision(models.Model):
    """An output of the review (ISO 9001 9.3.3). A decision with an owner and a due date is carried out by a
    corrective action of kind improvement (the one action machinery: reminders, evidence, verification by
    someone other than its owner), whose origin is the decision; its owner and due date here are what the
    meeting decided, the action's own may move later with a reason. A decision that finds the system
    nonconforming may also raise a nonconformity (10.2), and one that changes a procedure starts its revision."""

    class Kind(models.TextChoices):
        IMPROVEMENT = "improvement", _("Opportunity for improvement")
        CHANGE = "change", _("Change to the quality system")
        RESOURCES = "resources", _("Resource needs")

    review = models.ForeignKey(
        ManagementReview, verbose_name=_("management review"), on_delete=models.PROTECT, related_name="decisions"
    )
    # The decision's place in its review's minutes (1, 2...), given when it is recorded.
    number = models.PositiveIntegerField(_("number"), default=0, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    nonconformity = models.ForeignKey(
        "nonconformities.Nonconformity",
        verbose_name=_("nonconformity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_decisions",
        editable=False,
    )
    # A decision to change a procedure starts its revision (9.3.3 b); the revision itself is the document's.
    document = models.ForeignKey(
        "cms.ProcessDocumentPage",
        verbose_name=_("revision started of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_decisions",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.reference} {self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self):
        return f"{self.review.get_absolute_url()}#decision-{self.pk}"

    @property
    def reference(self):
        # From the ids alone: the "my actions" list shows it for every action without a query.
        return _("MR-%(review)s/%(number)s") % {"review": self.review_id, "number": self.number}


class YearlyReport(models.Model):
    """The yearly report on applying, maintaining and improving the QMS, sent to the provincial Department
    of Science and Technology. Figures come from the registers when shown; the officer edits the texts."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    decision_number = models.CharField(_("conformity announcement decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("conformity announcement date"), null=True, blank=True)
    scope = models.TextField(_("QMS scope"), blank=True)
    texts = models.JSONField(_("section texts"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("yearly ISO report")
        verbose_name_plural = _("yearly ISO reports")

    def __str__(self):
        return str(_("Yearly ISO report %(year)s") % {"year": self.year})
