"""The controlled documents a record may concern, without importing the documents app (DESIGN.md section 4).

A nonconformity names the process documents it concerns (ISO 9001 10.2.1 a, 7.5). The documents
live in ``cms``, a layer above the QMS apps, so the core names their model by a setting, as Django
names the person by ``AUTH_USER_MODEL``: ``QMS_DOCUMENT_MODEL = "cms.ProcessDocumentPage"``. The
model is read from the app registry when it is needed; a relation to it is declared with
``models.ManyToManyField(settings.QMS_DOCUMENT_MODEL)``, which migrates to the same table as before.

What the core expects of that model, as Django expects ``USERNAME_FIELD`` of the user model: an
``identifier`` (the document's code, e.g. ``QT-07``), a ``title`` and a ``unit`` (its owning unit).
"""

from django.apps import apps
from django.conf import settings


def document_model():
    """The controlled process document model (``settings.QMS_DOCUMENT_MODEL``)."""
    return apps.get_model(settings.QMS_DOCUMENT_MODEL, require_ready=False)


def documents():
    """Every controlled process document, as a queryset of ``document_model()``."""
    return document_model().objects.all()


def document_by_identifier(identifier):
    """The document with this identifier (case-insensitive), or None."""
    return documents().filter(identifier__iexact=identifier).first()
