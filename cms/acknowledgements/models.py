"""Read-and-understood records (ISO 9001 7.2 competence, 7.3 awareness, 7.5.3 distribution).

A `Distribution` says that an effective revision of a process document was sent
to a unit: every active member of that unit must read it. An `Acknowledgement`
is the evidence that one person read and understood one revision.

Why history on one and immutability on the other:
- a distribution can change after the fact (an officer moves its due date by
  distributing again), so it is tracked with django-simple-history: who, when,
  what and why;
- an acknowledgement is a single fact (this person, this revision, this moment)
  with nothing to change, so it is append-only by construction: the only write
  is `version_acknowledge`, `save()` refuses to update an existing row and
  `delete()` refuses outright; no admin view edits or deletes it, and the
  foreign keys PROTECT it from cascades. A history table would only copy it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qms.core.records import QmsError


class Distribution(models.Model):
    version = models.ForeignKey(
        "cms.DocumentVersion",
        verbose_name=_("revision"),
        on_delete=models.PROTECT,
        related_name="distributions",
    )
    unit = models.ForeignKey(
        "core.OrganisationUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="distributions",
        help_text=_("Every active member of this unit must read and acknowledge the revision."),
    )
    distributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("distributed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the revision was distributed automatically on becoming effective."),
    )
    distributed_at = models.DateTimeField(_("distributed at"), default=timezone.now)
    due_date = models.DateField(_("acknowledge by"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "unit__code"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        constraints = [models.UniqueConstraint(fields=["version", "unit"], name="ack_distribution_once_per_unit")]

    def __str__(self):
        return f"{self.version} → {self.unit}"


class ImmutableRecordError(QmsError):
    """An acknowledgement is evidence (ISO 9001 7.5.3): once given it is never changed or deleted."""


class Acknowledgement(models.Model):
    version = models.ForeignKey(
        "cms.DocumentVersion",
        verbose_name=_("revision"),
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    # The person's unit when they acknowledged: people move, the record does not.
    unit = models.ForeignKey(
        "core.OrganisationUnit",
        verbose_name=_("unit at the time"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [models.UniqueConstraint(fields=["version", "person"], name="ack_once_per_person_and_version")]

    def __str__(self):
        return f"{self.person} – {self.version}"

    def save(self, *args, **kwargs):
        # Integrity of the record, not a business rule: an acknowledgement is a
        # fact and is never rewritten (ISO 9001 7.5.3.2 c, protection of records).
        if not self._state.adding:
            raise ImmutableRecordError(_("An acknowledgement cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(_("An acknowledgement cannot be deleted."))
