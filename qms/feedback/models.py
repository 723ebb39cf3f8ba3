"""Citizens' and customers' feedback and satisfaction (ISO 9001 8.2.1 c), 9.1.2, 10.2; Nghị định 20/2008/NĐ-CP).

The records only: every change goes through `services.py`, which holds the rules (who may classify,
answer, approve, close) and writes the history entries an auditor relies on.

Privacy: a citizen's name and contact are personal data. They are kept out of the history tables
(`excluded_fields`), so that erasing them after the retention period (`services.feedback_erase_contact`)
really erases them; the history records that they were erased, by whom and why.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qms.core.storage import private_storage

#: Personal data of the citizen: shown only to officers and the handler, never exported to other units,
#: never on a public page, never copied into history, erased after the retention period.
CONTACT_FIELDS = ("name", "email", "phone")


class Feedback(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")
        PRAISE = "praise", _("Praise")
        QUESTION = "question", _("Question")

    class Channel(models.TextChoices):
        WEB = "web", _("Public feedback form")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        DESK = "desk", _("One-stop desk")
        EMAIL = "email", _("E-mail")
        IMPORT = "import", _("Imported feedback log")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CLASSIFIED = "classified", _("Classified")
        ASSIGNED = "assigned", _("Assigned")
        AWAITING_APPROVAL = "awaiting_approval", _("Answer awaiting approval")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")

    OPEN_STATUSES = (Status.RECEIVED, Status.CLASSIFIED, Status.ASSIGNED, Status.AWAITING_APPROVAL)
    #: Statuses in which the answer is still to be given: what the due date and the reminders are about.
    UNANSWERED_STATUSES = OPEN_STATUSES

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    text = models.TextField(_("feedback"))
    # The procedure concerned: a page of the site for now (a process document); administrative
    # procedures (issue 19) will give it its own reference.
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    concerns_regulation = models.BooleanField(
        _("concerns an administrative regulation"),
        default=False,
        help_text=_("Feedback on the regulation itself (Nghị định 20/2008/NĐ-CP), not on how it was applied."),
    )
    substantiated = models.BooleanField(
        _("substantiated"),
        null=True,
        blank=True,
        help_text=_("Whether the complaint proved founded; a substantiated complaint may raise a nonconformity."),
    )
    # Personal data (CONTACT_FIELDS): excluded from history, erased after the retention period.
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=8, default="vi", help_text=_("Language of the e-mails sent to the citizen.")
    )
    contact_erased_at = models.DateTimeField(_("contact details erased at"), null=True, blank=True)
    # An HMAC of the sender's address: enough to limit the rate per address, nothing to identify them by.
    sender_key = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The person who recorded feedback received by phone, letter or at the desk."),
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.RECEIVED)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)

    unit = models.ForeignKey(
        "core.OrganisationUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        help_text=_("The unit that handles the feedback."),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_feedback",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)

    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answer approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer_approved_at = models.DateTimeField(_("answer approved at"), null=True, blank=True)
    answer_sent_at = models.DateTimeField(_("answer sent at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # ISO 9001 10.2: a substantiated complaint is a source of nonconformity, raised once.
    nonconformity = models.OneToOneField(
        "nonconformities.Nonconformity",
        verbose_name=_("nonconformity raised"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )

    attachment = models.FileField(
        _("attachment"), upload_to="feedback/attachments/%Y/", storage=private_storage, blank=True
    )
    attachment_name = models.CharField(_("attachment name"), max_length=255, blank=True)

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=[*CONTACT_FIELDS, "sender_key"])
    # The anonymous sender's key: never on the record's page or timeline (the kit's `secret_fields`).
    secret_fields = ("sender_key",)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        permissions = [("view_contact_feedback", _("Can see the name and contact of citizens who sent feedback"))]

    def __str__(self):
        return f"{self.reference} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("feedback:detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self):
        return (
            self.status in self.UNANSWERED_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def has_contact(self):
        return bool(self.name or self.email or self.phone)


class FeedbackMessage(models.Model):
    """An e-mail to the citizen (acknowledgement, answer): written in the same transaction as the change it
    reports, sent after commit, and sent again by the delivery run until it goes (an outbox, so that an
    SMTP outage never loses the answer a citizen is owed)."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        ANSWER = "answer", _("Answer")

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    to_address = models.EmailField(_("to"), blank=True)
    subject = models.CharField(pgettext_lazy("feedback", "subject"), max_length=255)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("e-mail to the citizen")
        verbose_name_plural = _("e-mails to citizens")

    def __str__(self):
        return f"{self.feedback.reference}: {self.get_kind_display()}"


class SurveyQuestion(models.Model):
    """An optional question of the satisfaction survey, configured by quality officers (ISO 9001 9.1.2)."""

    text = models.CharField(_("question"), max_length=255)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self):
        return self.text


class SurveyResponse(models.Model):
    """One answer to the satisfaction survey about a procedure (ISO 9001 9.1.2): from the public link or an import."""

    class Channel(models.TextChoices):
        WEB = "web", _("Public survey")
        IMPORT = "import", _("Imported survey results")

    SATISFIED_FROM = 4  # 4 (satisfied) and 5 (very satisfied) count as satisfied

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "core.OrganisationUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    answers = models.JSONField(_("answers to the questions"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    responded_at = models.DateTimeField(_("responded at"), default=timezone.now, db_index=True)
    external_id = models.CharField(
        _("identifier in the source"),
        max_length=100,
        blank=True,
        help_text=_("The row's identifier in an imported file."),
    )
    sender_key = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    history = HistoricalRecords(excluded_fields=["sender_key"])
    # The key links the anonymous answers of one sender (rate limits): never on the record's page or timeline.
    secret_fields = ("sender_key",)

    class Meta:
        ordering = ["-responded_at", "-pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"),
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="survey_response_unique_external_id",
            ),
        ]

    def __str__(self):
        return f"{self.rating}/5 {self.responded_at:%Y-%m-%d}"

    @property
    def satisfied(self):
        return self.rating >= self.SATISFIED_FROM
