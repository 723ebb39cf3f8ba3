"""Writes of the import flow: keep an uploaded file for its preview, then commit it all or nothing.

ISO 9001 7.5.3: who imported which file, when, and what it changed is kept
(ImportUpload.summary); each imported record carries its own history entry.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .imports import ImportError_, run_import
from .models import ImportUpload

PENDING_PER_PERSON = 5


class ImportRefused(ImportError_):
    """The upload cannot be committed (someone else's, expired, already committed, not allowed)."""


@transaction.atomic
def import_upload_create(*, importer, filename, user, sheet=None, data=None):
    """Keep an uploaded file's rows for the preview and the commit: `sheet` as read (imports.read_sheet)
    by a caller who has already checked it without a file error, or the .xlsx bytes `data` (read here)."""
    if not importer.has_permission(user):
        raise ImportRefused(_("You may not run this import."))
    if sheet is None:
        sheet = importer.read_file(data)
    import_uploads_purge()
    # Bounded per person too: the few newest pending uploads (several tabs) are kept, older ones dropped.
    pending = ImportUpload.objects.filter(uploaded_by=user, status=ImportUpload.Status.PENDING)
    stale = pending.order_by("-uploaded_at", "-pk").values_list("pk", flat=True)[PENDING_PER_PERSON - 1 :]
    # Pending in the delete itself: an upload committed meanwhile in another tab keeps its log record.
    ImportUpload.objects.filter(pk__in=list(stale), status=ImportUpload.Status.PENDING).delete()
    return ImportUpload.objects.create(
        importer_key=importer.key, filename=filename[:255], sheet=sheet.to_bytes(), uploaded_by=user
    )


def upload_for(*, token, importer, user):
    """The pending upload `token` of `user` for `importer`, or ImportRefused."""
    upload = ImportUpload.objects.filter(token=token, importer_key=importer.key, uploaded_by=user).first()
    if upload is None:
        raise ImportRefused(_("This upload does not exist or is not yours."))
    if upload.status == ImportUpload.Status.COMMITTED:
        raise ImportRefused(_("This file has already been imported."))
    # An upload pending when uploads began to keep the sheet instead of the file has none.
    if upload.expired or not upload.sheet:
        raise ImportRefused(_("This upload is too old; upload the file again."))
    return upload


@transaction.atomic
def import_commit(*, importer, token, user):
    """Re-validate the rows read at upload and write them all, or nothing. Returns the ImportResult.

    The rows are checked again (units, people, documents may have changed since the preview); the
    workbook is not parsed again."""
    if not importer.has_permission(user):
        raise ImportRefused(_("You may not run this import."))
    upload = upload_for(token=token, importer=importer, user=user)
    # Two clicks on "Import" (or two tabs) must not import twice.
    upload = ImportUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status == ImportUpload.Status.COMMITTED:
        raise ImportRefused(_("This file has already been imported."))
    result = run_import(importer, upload.read_sheet(), user=user, filename=upload.filename, commit=True)
    if result.committed:
        upload.status = ImportUpload.Status.COMMITTED
        upload.committed_at = timezone.now()
        upload.summary = {**result.counts(), "rows": result.rows_read}
        upload.sheet = b""
        upload.save()
    return result


def import_uploads_purge(*, older_than=None):
    """Delete the uploads never committed (kept only for their preview and commit) once expired."""
    from .models import UPLOAD_LIFETIME

    limit = timezone.now() - (older_than or UPLOAD_LIFETIME)
    return ImportUpload.objects.filter(status=ImportUpload.Status.PENDING, uploaded_at__lt=limit).delete()[0]
