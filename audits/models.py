"""Internal audit records (ISO 9001 9.2): the programme, audits, checklists and findings.

ISO 9001 9.2.2 asks the organisation to plan an audit programme (a), define criteria and scope
of each audit (b), select auditors who are objective and impartial (c), report the results (d),
take correction and corrective action without undue delay (e) and retain documented
information as evidence (f). Each model below keeps one of those pieces of evidence; all of
them keep their history with django-simple-history. State changes go through `audits.services`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AuditProgramme(models.Model):
    """The yearly programme (9.2.2 a): which processes, units and clauses are audited when."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved, in progress")
        COMPLETED = "completed", _("Completed")

    year = models.PositiveIntegerField(_("year"), unique=True)
    objectives = models.TextField(
        _("objectives"), help_text=_("What this year's audits are meant to establish (ISO 9001 9.2.1).")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("audit programme")
        verbose_name_plural = _("audit programmes")

    def __str__(self):
        return str(_("Audit programme %(year)s") % {"year": self.year})

    def get_absolute_url(self):
        return reverse("audits:coverage", args=[self.pk])


class Audit(models.Model):
    """One audit of the programme (9.2.2 b): scope, criteria, team, dates and its state."""

    class Kind(models.TextChoices):
        PROCESS = "process", _("Process audit")
        SYSTEM = "system", _("System audit")
        FOLLOW_UP = "follow_up", _("Follow-up audit")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PREPARING = "preparing", _("Preparing")
        IN_PROGRESS = "in_progress", _("In progress")
        REPORTING = "reporting", _("Reporting")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(
        AuditProgramme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="audits"
    )
    reference = models.CharField(
        _("reference"), max_length=30, unique=True, help_text=_("Unique audit reference, e.g. ĐGNB-2026-01.")
    )
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROCESS)
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        help_text=_("For a follow-up audit: the audit whose findings it verifies."),
    )
    scope_units = models.ManyToManyField(
        "core.OrganisationUnit", verbose_name=_("units in scope"), blank=True, related_name="audits"
    )
    scope_documents = models.ManyToManyField(
        "cms.ProcessDocumentPage", verbose_name=_("process documents in scope"), blank=True, related_name="audits"
    )
    scope_clauses = models.ManyToManyField(
        "core.IsoClause", verbose_name=_("clauses in scope"), blank=True, related_name="audits"
    )
    criteria = models.TextField(
        _("audit criteria"),
        blank=True,
        help_text=_("What the evidence is compared with, e.g. ISO 9001:2015, the process documents, the law."),
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True, editable=False)
    actual_end = models.DateField(_("actual end"), null=True, blank=True, editable=False)
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lead auditor"), on_delete=models.PROTECT, related_name="led_audits"
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("audit team"), blank=True, related_name="audit_teams"
    )
    opening_meeting_at = models.DateTimeField(_("opening meeting"), null=True, blank=True, editable=False)
    opening_meeting_notes = models.TextField(_("opening meeting notes"), blank=True, editable=False)
    closing_meeting_at = models.DateTimeField(_("closing meeting"), null=True, blank=True, editable=False)
    closing_meeting_notes = models.TextField(_("closing meeting notes"), blank=True, editable=False)
    conclusion = models.TextField(_("conclusion"), blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, editable=False
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    history = HistoricalRecords(m2m_fields=[scope_units, scope_documents, scope_clauses, team])

    class Meta:
        ordering = ["-planned_start", "reference"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("audits:detail", args=[self.pk])

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    def auditors(self):
        """The lead auditor and the team, without duplicates."""
        people = {self.lead_auditor_id: self.lead_auditor}
        for member in self.team.all():
            people.setdefault(member.pk, member)
        return list(people.values())


class ChecklistQuestion(models.Model):
    """A reusable audit question for a clause and/or a process document (the question bank).

    Checklist generation copies the active questions of the clauses and documents in scope into
    each audit; editing the bank later does not change checklists already generated.
    """

    clause = models.ForeignKey(
        "core.IsoClause",
        verbose_name=_("clause"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklist_questions",
    )
    document = models.ForeignKey(
        "cms.ProcessDocumentPage",
        verbose_name=_("process document"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checklist_questions",
    )
    text = models.TextField(_("question"))
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("checklist question")
        verbose_name_plural = _("checklist questions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(clause__isnull=False) | models.Q(document__isnull=False),
                name="audits_question_has_clause_or_document",
            )
        ]

    def __str__(self):
        return self.text[:80]


class ChecklistItem(models.Model):
    """One line of an audit's checklist: the question, the evidence seen and the result."""

    class Result(models.TextChoices):
        NOT_ASSESSED = "not_assessed", _("Not assessed")
        CONFORMING = "conforming", _("Conforming")
        NONCONFORMITY = "nonconformity", _("Nonconformity")
        OBSERVATION = "observation", _("Observation")
        OPPORTUNITY = "opportunity", _("Opportunity for improvement")

    class Source(models.TextChoices):
        CLAUSE = "clause", _("Clause")
        QUESTION_BANK = "question_bank", _("Question bank")
        DOCUMENT_STEP = "document_step", _("Process step")
        DOCUMENT_RECORD = "document_record", _("Record to keep")
        FOLLOW_UP = "follow_up", _("Earlier finding")
        OBJECTIVE = "objective", _("Quality objective")
        RISK = "risk", _("Risk or opportunity")
        PROCEDURE = "procedure", _("Administrative procedure")
        MANUAL = "manual", _("Added by the auditor")

    audit = models.ForeignKey(Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="checklist")
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    clause = models.ForeignKey(
        "core.IsoClause", verbose_name=_("clause"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "cms.ProcessDocumentPage",
        verbose_name=_("process document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    question = models.TextField(_("question"))
    evidence = models.TextField(_("evidence seen"), blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, default=Result.NOT_ASSESSED)
    notes = models.TextField(_("notes"), blank=True)
    # Optimistic locking: two auditors editing the same line must not overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "sort_order", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.question[:80]


class Finding(models.Model):
    """A finding of an audit (9.2.2 d, e); a nonconformity finding raises a nonconformity."""

    class Classification(models.TextChoices):
        MAJOR = "major", _("Major nonconformity")
        MINOR = "minor", _("Minor nonconformity")
        OBSERVATION = "observation", _("Observation")
        OPPORTUNITY = "opportunity", _("Opportunity for improvement")
        GOOD_PRACTICE = "good_practice", _("Good practice")

    NONCONFORMITIES = (Classification.MAJOR, Classification.MINOR)

    class Verification(models.TextChoices):
        PENDING = "", _("Not yet verified")
        CLOSED = "closed", _("Verified closed")
        NOT_CLOSED = "not_closed", _("Not closed")

    audit = models.ForeignKey(Audit, verbose_name=_("audit"), on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveIntegerField(_("number"), editable=False)
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    statement = models.TextField(_("finding"), help_text=_("What does not conform, or what was noticed."))
    evidence = models.TextField(_("objective evidence"), help_text=_("What was seen, heard or read, and where."))
    clause = models.ForeignKey(
        "core.IsoClause", verbose_name=_("clause"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "cms.ProcessDocumentPage",
        verbose_name=_("process document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_findings",
    )
    unit = models.ForeignKey(
        "core.OrganisationUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_findings",
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    nonconformity = models.OneToOneField(
        "nonconformities.Nonconformity",
        verbose_name=_("nonconformity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_finding",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Follow-up (9.2.2 e): a later audit verifies that the finding was dealt with.
    verified_in = models.ForeignKey(
        Audit,
        verbose_name=_("verified in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verified_findings",
        editable=False,
    )
    verification = models.CharField(
        _("verification"), max_length=20, choices=Verification.choices, default="", blank=True, editable=False
    )
    verification_notes = models.TextField(_("verification notes"), blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "number"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [models.UniqueConstraint(fields=["audit", "number"], name="audits_finding_number_per_audit")]

    def __str__(self):
        return f"{self.reference} {self.get_classification_display()}"

    @property
    def reference(self):
        return f"{self.audit.reference}/{self.number:02d}"

    @property
    def is_nonconformity(self):
        return self.classification in self.NONCONFORMITIES
