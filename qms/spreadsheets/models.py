"""Uploaded import files kept between the preview and the commit, and the log of imports (ISO 9001 7.5.3).

What is kept is the sheet as read at upload (its rows and cell problems, compressed
JSON: ``Sheet.to_bytes``), not the file: the workbook is parsed once, and the preview
and the commit validate and apply those same rows. It is kept in the database, not in
the session or on a local disk, so that the preview and the commit may be served by
different web processes; only its uploader may use it, for UPLOAD_LIFETIME; its size
is bounded by the import limits (cells, rows). It is cleared once committed, and
abandoned uploads are deleted; who imported what, when, is kept.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

UPLOAD_LIFETIME = timedelta(hours=12)


def new_token():
    return secrets.token_urlsafe(24)


class ImportUpload(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting commit")
        COMMITTED = "committed", _("committed")

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    importer_key = models.CharField(_("import"), max_length=50)
    filename = models.CharField(_("file"), max_length=255)
    sheet = models.BinaryField(editable=False, default=b"")  # the rows as read at upload (Sheet.to_bytes)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.importer_key}: {self.filename}"

    @property
    def importer_title(self):
        """The import's name in the reader's language (the key, if that import is gone)."""
        from .imports import get_importer

        importer = get_importer(self.importer_key)
        return importer.title if importer is not None else self.importer_key

    def read_sheet(self):
        """The rows as read at upload (a qms.spreadsheets.imports.Sheet)."""
        from .imports import Sheet

        return Sheet.from_bytes(self.sheet)

    @property
    def expired(self):
        return self.status == self.Status.PENDING and timezone.now() - self.uploaded_at > UPLOAD_LIFETIME
