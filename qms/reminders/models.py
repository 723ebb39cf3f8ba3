"""What the reminder engine keeps: lead times per kind of item, and the ledger of reminders sent.

The ledger is the guarantee behind "never lost, never doubled" (issue 6): a row is
claimed (inserted, pending) under a uniqueness constraint on (item, due cycle,
recipient, kind) before any mail goes out, and is marked sent only after the mail
backend accepted the digest. A row that can no longer be delivered ends as
undeliverable (a permanent refusal, repeated up to a limit) or withdrawn (it no
longer applies: the person left, the item was closed or rescheduled), with the
reason, so nothing disappears without a trace. Keeping periodic reviews from being forgotten serves
ISO 9001 7.5.2 (review of documented information), 9.2 (audit programme) and
10.2 (corrective action follow-up).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MAX_LEAD_DAYS = 366


def parse_days_before(value):
    """ "30, 7, 1" -> [30, 7, 1] (largest first); raises ValidationError on bad input."""
    parts = [part.strip() for part in str(value or "").split(",") if part.strip()]
    try:
        days = sorted({int(part) for part in parts}, reverse=True)
    except ValueError:
        raise ValidationError(
            _("Enter whole numbers of days separated by commas, e.g. 30, 7, 1."), code="invalid"
        ) from None
    if any(day < 1 or day > MAX_LEAD_DAYS for day in days):
        raise ValidationError(
            _("Each lead time must be between 1 and %(max)s days.") % {"max": MAX_LEAD_DAYS}, code="range"
        )
    return days


def validate_days_before(value):
    parse_days_before(value)


class LeadTime(models.Model):
    """When to remind, per kind of item; quality officers edit these in the admin."""

    kind = models.CharField(_("kind of item"), max_length=50, unique=True)
    days_before = models.CharField(
        _("days before the due date"),
        max_length=100,
        blank=True,
        default="30, 7, 1",
        validators=[validate_days_before],
        help_text=_(
            "Comma-separated numbers of days, e.g. 30, 7, 1: one reminder at each step. "
            "Leave empty to remind only once the item is overdue."
        ),
    )
    overdue_every_days = models.PositiveSmallIntegerField(
        _("repeat while overdue every (days)"),
        default=7,
        help_text=_("0 sends a single overdue reminder. Overdue reminders cannot be switched off by the recipient."),
    )
    escalation_grace_days = models.PositiveSmallIntegerField(
        _("escalate after overdue for (days)"),
        default=14,
        help_text=_("After this many days overdue, the unit's manager and the quality officers receive a copy."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive kinds send no reminders and show in no panel.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("reminder lead time")
        verbose_name_plural = _("reminder lead times")

    def __str__(self):
        from .registry import kind_label

        return str(kind_label(self.kind))

    @property
    def steps(self):
        return parse_days_before(self.days_before)


class Delivery(models.Model):
    """One line of the ledger: this person is (or was) reminded of this item for this due cycle."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        UNDELIVERABLE = "undeliverable", _("Undeliverable")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Outcome(models.TextChoices):
        """Why a reminder was not sent: what a quality officer needs to act on it."""

        REFUSED = "refused", _("The mail server refused the address")
        NO_ADDRESS = "no_address", _("The person has no e-mail address")
        TOO_MANY_FAILURES = "too_many_failures", _("The mail server kept failing")
        INACTIVE = "inactive", _("The person's account is inactive")
        CLOSED = "closed", _("The item is closed or no longer falls due")
        RESCHEDULED = "rescheduled", _("The item's due date changed")
        NOT_YOURS = "not_yours", _("The item is no longer assigned to the person")

    class Reason(models.TextChoices):
        COMING_UP = "coming_up", _("Coming up")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalated")

    kind = models.CharField(_("kind of item"), max_length=50)
    content_type = models.ForeignKey(ContentType, verbose_name=_("item type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("item id"))
    cycle = models.CharField(
        _("due cycle"),
        max_length=60,
        help_text=_("The due date and the lead-time step or overdue repeat this reminder belongs to."),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminder_deliveries",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    due_date = models.DateField(_("due date"))
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # For escalations: whose item it is and which unit (the digest groups them by unit).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The item's other recipients (a revision to acknowledge has a whole unit's members).
    owner_others = models.PositiveIntegerField(_("other recipients of the item"), default=0)
    unit = models.ForeignKey(
        "core.OrganisationUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    outcome = models.CharField(_("why not sent"), max_length=30, choices=Outcome.choices, blank=True)
    # Weekly readers' reminders of items not yet overdue are claimed every day (so a skipped
    # sweep loses none) and held until their weekly day.
    deliver_from = models.DateTimeField(_("held until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "cycle", "recipient", "kind"],
                name="reminders_delivery_once_per_cycle",
            )
        ]
        indexes = [models.Index(fields=["status", "recipient"], name="reminders_pending_idx")]

    def __str__(self):
        return f"{self.title} → {self.recipient_id} ({self.cycle})"
