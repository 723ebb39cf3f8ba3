"""Writes of the import flow: keep an uploaded file for its preview, then commit it all or nothing.

ISO 9001 7.5.3: who imported which file, when, and what it changed is kept
(ImportUpload.summary); each imported record carries its own history entry.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .imports import ImportError_, run_import
from .models import ImportUpload


class ImportRefused(ImportError_):
    """The upload cannot be committed (someone else's, expired, already committed, not allowed)."""


@transaction.atomic
def import_upload_create(*, importer, data, filename, user):
    """Keep an uploaded file for the preview; the caller has already dry-run it without a file error."""
    if not importer.has_permission(user):
        raise ImportRefused(_("You may not run this import."))
    import_uploads_purge()
    return ImportUpload.objects.create(
        importer_key=importer.key, filename=filename[:255], content=bytes(data), uploaded_by=user
    )


def upload_for(*, token, importer, user):
    """The pending upload `token` of `user` for `importer`, or ImportRefused."""
    upload = ImportUpload.objects.filter(token=token, importer_key=importer.key, uploaded_by=user).first()
    if upload is None:
        raise ImportRefused(_("This upload does not exist or is not yours."))
    if upload.status == ImportUpload.Status.COMMITTED:
        raise ImportRefused(_("This file has already been imported."))
    if upload.expired:
        raise ImportRefused(_("This upload is too old; upload the file again."))
    return upload


@transaction.atomic
def import_commit(*, importer, token, user):
    """Re-read and re-validate the stored file and write it all, or nothing. Returns the ImportResult."""
    if not importer.has_permission(user):
        raise ImportRefused(_("You may not run this import."))
    upload = upload_for(token=token, importer=importer, user=user)
    # Two clicks on "Import" (or two tabs) must not import twice.
    upload = ImportUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status == ImportUpload.Status.COMMITTED:
        raise ImportRefused(_("This file has already been imported."))
    result = run_import(importer, bytes(upload.content), user=user, filename=upload.filename, commit=True)
    if result.committed:
        upload.status = ImportUpload.Status.COMMITTED
        upload.committed_at = timezone.now()
        upload.summary = {**result.counts(), "rows": result.rows_read}
        upload.content = b""
        upload.save()
    return result


def import_uploads_purge(*, older_than=None):
    """Forget the content of uploads never committed (kept only for their preview)."""
    from .models import UPLOAD_LIFETIME

    limit = timezone.now() - (older_than or UPLOAD_LIFETIME)
    return ImportUpload.objects.filter(status=ImportUpload.Status.PENDING, uploaded_at__lt=limit).delete()[0]
