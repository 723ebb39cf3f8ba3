"""Domain errors of controlled documents: each carries a message a person can read (ISO 9001 7.5)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from qms.core.records import NotPermitted, QmsError


class DocumentError(QmsError):
    """A forbidden change to a controlled document; `message` is shown to the person."""

    default_message = _("This change to the document is not allowed.")


class DocumentPermissionError(DocumentError, NotPermitted):
    default_message = _("You may not do this on this document.")


class ApprovalRefused(DocumentPermissionError, PermissionDenied):
    """Approving a revision one submitted or edited (ISO 9001 5.3). Also a PermissionDenied, so that
    Wagtail's admin views that reach the task ("save and approve" in the editor) refuse it as such."""
