"""The register of administrative procedures (TTHC) and their one-stop figures (ISO 9001 8.5.1, 8.7, 9.1.1).

A procedure is published by the province's decision with its national code, its ways of applying and
their statutory time limits, fees, the dossier's components and their forms, and its legal basis; the
department implements it by a process document (quy trình nội bộ). The records only: every change goes
through `services.py`, with the person and the reason in the history (ISO 9001 7.5.3).

The children (ways, fees, components, legal bases) are edited with their procedure, in one form and one
act: their content is summarised on the procedure (`*_summary`, not editable), so that the procedure's
one history entry shows the old and new legal basis, ways and fees side by side.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from simple_history.models import HistoricalRecords
from wagtail.models import Orderable


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("days")


class AdministrativeProcedure(ClusterableModel):
    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        AMENDED = "amended", _("Amended")
        REPLACED = "replaced", _("Replaced")
        REPEALED = "repealed", _("Repealed")

    #: Statuses in which citizens may still apply: shown on the public list.
    APPLICABLE = (Status.IN_FORCE, Status.AMENDED)

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("The code in the national database of administrative procedures, e.g. 1.000948.H38."),
    )
    name = models.CharField(_("name of the procedure"), max_length=500)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.PROVINCE)
    field = models.CharField(pgettext_lazy("procedure", "field"), max_length=200, db_index=True)
    implementing_agency = models.CharField(_("implementing agency"), max_length=300)
    coordinating_agencies = models.TextField(_("coordinating agencies"), blank=True)
    applicants = models.TextField(_("applicants"), blank=True)
    result = models.TextField(
        _("result"), blank=True, help_text=_("What the citizen receives: a licence, a certificate...")
    )
    decision_number = models.CharField(_("publishing decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("publishing decision date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_FORCE)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    unit = models.ForeignKey(
        "core.OrganisationUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="procedures",
        help_text=_("The unit that resolves the dossiers: its nonconformities are raised there."),
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Shown to citizens on the site's list of procedures.")
    )
    # Both ways: a procedure is implemented by one or more process documents, a document may implement
    # several procedures (the document's side reads `document.procedures`).
    documents = models.ManyToManyField(
        settings.QMS_DOCUMENT_MODEL,
        verbose_name=_("internal processes"),
        blank=True,
        related_name="procedures",
        help_text=_("The process documents (quy trình nội bộ) that implement this procedure."),
    )
    # What the children hold, as the history shows it (set by services.summarise; never typed in).
    ways_summary = models.TextField(_("ways of applying"), blank=True, editable=False)
    fees_summary = models.TextField(_("fees and charges"), blank=True, editable=False)
    components_summary = models.TextField(_("dossier components"), blank=True, editable=False)
    legal_basis_summary = models.TextField(_("legal basis"), blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[documents])

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def identifier(self):
        # How the timeline and other registers name it (qms.core.timeline.label).
        return self.code

    def get_absolute_url(self):
        return reverse("procedures:detail", args=[self.code])


class ApplicationWay(Orderable):
    """A way of applying (cách thức thực hiện) with its statutory processing time (thời hạn giải quyết)."""

    class Kind(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        POST = "post", _("By post")
        ONLINE = "online", _("Online")

    procedure = ParentalKey(AdministrativeProcedure, on_delete=models.CASCADE, related_name="ways")
    kind = models.CharField(_("way of applying"), max_length=20, choices=Kind.choices)
    online_level = models.CharField(
        _("online service level"),
        max_length=20,
        blank=True,
        help_text=_("For online applying: partial or full online public service."),
    )
    time_limit = models.DecimalField(
        _("processing time"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    time_unit = models.CharField(
        _("unit of time"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("way of applying")
        verbose_name_plural = _("ways of applying")

    def __str__(self):
        # The enum's label, not get_kind_display(): that one hashes every choice on each call, and the
        # public list prints three ways for each of its 50 procedures.
        return f"{_label(self.Kind, self.kind)}: {format_time(self.time_limit, self.time_unit)}"


class Fee(Orderable):
    class Kind(models.TextChoices):
        FEE = "fee", _("Fee")
        CHARGE = "charge", _("Charge")

    procedure = ParentalKey(AdministrativeProcedure, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHARGE)
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0, null=True, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("fee or charge")
        verbose_name_plural = _("fees and charges")

    def __str__(self):
        amount = f"{self.amount:,.0f} đ".replace(",", ".") if self.amount is not None else "–"
        return f"{self.get_kind_display()}: {amount} {self.description}".strip()


class DossierComponent(Orderable):
    """A component of the dossier (thành phần hồ sơ), with its form (mẫu đơn, tờ khai) to download."""

    procedure = ParentalKey(AdministrativeProcedure, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(_("document of the dossier"), max_length=500)
    form = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    form_name = models.CharField(_("form name"), max_length=300, blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)

    class Meta(Orderable.Meta):
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")

    def __str__(self):
        form = f" [{self.form_name or self.form}]" if (self.form_name or self.form_id) else ""
        return f"{self.name}{form} ({self.originals}/{self.copies})"


class LegalBasis(Orderable):
    procedure = ParentalKey(AdministrativeProcedure, on_delete=models.CASCADE, related_name="legal_bases")
    number = models.CharField(_("number"), max_length=100)
    title = models.CharField(_("title"), max_length=500, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=300, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")

    def __str__(self):
        parts = [self.number, self.title, self.issuing_body]
        dates = [d.isoformat() for d in (self.issued_on, self.effective_on) if d]
        return " – ".join(p for p in parts + dates if p)


def format_time(amount, unit):
    return f"{format_amount(amount)} {_label(TimeUnit, unit)}"


def format_amount(amount):
    """A time limit's number as the register prints it: 15, 1.5 (no trailing zeros)."""
    amount = Decimal(amount).normalize()
    return f"{amount:f}".rstrip("0").rstrip(".") if "." in f"{amount:f}" else f"{amount:f}"


def _label(choices, value):
    """The label of `value` among `choices` (a TextChoices), or the value itself when it is none of them."""
    try:
        return choices(value).label
    except ValueError:
        return value


class ProcedurePerformance(models.Model):
    """One procedure's one-stop figures for one month (ISO 9001 9.1.1: monitoring of the service's output)."""

    procedure = models.ForeignKey(
        AdministrativeProcedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="performance"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month the figures are for."))
    carried_over = models.PositiveIntegerField(_("carried over"), default=0)
    received = models.PositiveIntegerField(_("newly received"), default=0)
    on_time = models.PositiveIntegerField(_("resolved on time"), default=0)
    late = models.PositiveIntegerField(_("resolved late"), default=0)
    in_progress = models.PositiveIntegerField(_("in progress"), default=0)
    returned = models.PositiveIntegerField(_("returned or rejected"), default=0)
    apology_slips = models.PositiveIntegerField(_("apology slips issued"), default=0)
    nonconformity = models.OneToOneField(
        "nonconformities.Nonconformity",
        verbose_name=_("nonconformity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedure_performance",
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "procedure__code"]
        verbose_name = _("one-stop figures")
        verbose_name_plural = _("one-stop figures")
        constraints = [models.UniqueConstraint(fields=["procedure", "month"], name="procedures_one_figure_per_month")]
        indexes = [models.Index(fields=["month"])]

    def __str__(self):
        return f"{self.procedure.code} {self.month:%m/%Y}"

    @property
    def resolved(self):
        return self.on_time + self.late

    @property
    def on_time_rate(self):
        """Share of resolved dossiers resolved on time, in percent; None when nothing was resolved."""
        return round(100 * self.on_time / self.resolved, 1) if self.resolved else None


class LateDossier(models.Model):
    """A dossier resolved after its due date (ISO 9001 8.7: a nonconforming output), as the one-stop system lists it."""

    performance = models.ForeignKey(
        ProcedurePerformance, verbose_name=_("one-stop figures"), on_delete=models.PROTECT, related_name="late_dossiers"
    )
    dossier_code = models.CharField(_("dossier code"), max_length=60)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    late_step = models.CharField(_("step that was late"), max_length=300, blank=True)
    reason = models.TextField(_("reason for the delay"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "dossier_code"]
        verbose_name = _("late dossier")
        verbose_name_plural = _("late dossiers")
        constraints = [
            models.UniqueConstraint(fields=["performance", "dossier_code"], name="procedures_one_late_dossier_per_code")
        ]

    def __str__(self):
        return self.dossier_code
