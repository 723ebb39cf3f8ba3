"""The organisation (ISO 9001 4.3, 4.4, 5.3): units, people, and the clause catalogue.

Units form a tree (a department with its divisions); each person belongs to a
unit and may have a manager, who receives escalations. The clause catalogue
is what documents, nonconformities and audit checklists refer to.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OrganisationUnit(models.Model):
    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Short code used in references, e.g. VP or QLVH.")
    )
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    manager = models.ForeignKey(
        "core.User",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_units",
        help_text=_("Receives escalations of overdue items of this unit."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self):
        return f"{self.code} – {self.name}"

    def descendants_and_self(self):
        """This unit and every unit below it (a few levels at most, so a loop is enough)."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(OrganisationUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            frontier = [pk for pk in frontier if pk not in ids]
            ids.update(frontier)
        return OrganisationUnit.objects.filter(pk__in=ids)


class PersonHistoricalRecords(HistoricalRecords):
    """simple_history records a many-to-many change seen from the model's side only, and fails on the
    other side (`group.user_set.add(...)`, as cms syncs document owner groups): record each person then."""

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if action in ("post_add", "post_remove") and pk_set:
            for person in kwargs["model"]._default_manager.filter(pk__in=pk_set):
                super().m2m_changed(person, action, attr, pk_set, False, **kwargs)


class User(AbstractUser):
    class DigestFrequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    manager = models.ForeignKey(
        "self", verbose_name=_("manager"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        default="vi",
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
        help_text=_("Language of e-mails and reminders sent to this person."),
    )
    digest_frequency = models.CharField(
        _("reminder digest"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.DAILY,
        help_text=_("How often to receive reminders of items not yet overdue. Overdue items are always sent."),
    )
    is_demo = models.BooleanField(
        _("demo account"), default=False, help_text=_("Demo accounts can log in only while DEBUG is on.")
    )
    # Roles are group memberships: kept in the history with the person, so that who held which
    # authority, since when, and who granted it is on the record (ISO 9001 5.3, 7.5.3).
    history = PersonHistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        """Vietnamese order by default, family name first ("Hoàng Thị Mai"), as the people import reads
        it; QMS_FAMILY_NAME_FIRST=false gives the given name first."""
        parts = (self.last_name, self.first_name)
        if not getattr(settings, "QMS_FAMILY_NAME_FIRST", True):
            parts = parts[::-1]
        return " ".join(part.strip() for part in parts if part and part.strip())

    def in_group(self, name):
        """Group membership, cached per request object (roles are read on every page)."""
        if not hasattr(self, "_group_names"):
            self._group_names = set(self.groups.values_list("name", flat=True))
        return self.is_superuser or name in self._group_names


class IsoClause(models.Model):
    number = models.CharField(_("clause"), max_length=12, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent clause"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_key = models.CharField(max_length=40, editable=False, db_index=True)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("ISO 9001 clause")
        verbose_name_plural = _("ISO 9001 clauses")

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        self.sort_key = self.make_sort_key(self.number)
        super().save(*args, **kwargs)

    @property
    def title(self):
        return self.title_vi if (get_language() or "vi").startswith("vi") else self.title_en

    @property
    def depth(self):
        return self.number.count(".") + 1

    @staticmethod
    def make_sort_key(number):
        return ".".join(part.zfill(3) for part in number.split("."))


class ReferenceCounter(models.Model):
    """The last reference number a register gave out in a year ("NC-2026-0041": series NC, year 2026, 41).

    One table for every register (nonconformities, feedback, risks...), a row per series and year, locked
    while a number is taken (`qms.core.records.next_reference`).
    """

    series = models.CharField(_("series"), max_length=20)
    year = models.PositiveIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="one_counter_per_series_and_year")]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last_number}"
