"""Changes to the register of procedures, each with its person and reason (ISO 9001 7.5.3, 8.5.1).

Keyword-only and atomic; the procedure's row is locked and its version checked, so that of two officers
editing at once the second is told rather than silently overwriting the first. When a procedure's legal
basis or status changes, the process documents that implement it fall due for review (ISO 9001 7.5.2:
documented information is kept suitable), through the documents app's own review machinery, which it
registers with the hook `qms_document_review_requests` (this app stands below the documents app).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from qms.core.extensions import collected
from qms.core.records import ConflictError, NotPermitted, QmsError, save_with_history

from .events import ProcedureEvent
from .models import AdministrativeProcedure

#: Each item: `request(*, document_ids, reason, user)`, setting those documents' review due with the reason.
REVIEW_REQUEST_HOOK = "qms_document_review_requests"


class ProcedureError(QmsError):
    pass


def summarise(procedure):
    """Set the `*_summary` fields from the procedure's children (in memory or saved): one line per child."""
    procedure.ways_summary = "\n".join(str(way) for way in procedure.ways.all())
    procedure.fees_summary = "\n".join(str(fee) for fee in procedure.fees.all())
    procedure.components_summary = "\n".join(str(component) for component in procedure.components.all())
    procedure.legal_basis_summary = "\n".join(str(basis) for basis in procedure.legal_bases.all())


def _check(procedure):
    S = AdministrativeProcedure.Status
    if procedure.status == S.REPLACED and procedure.replaced_by_id is None:
        raise ProcedureError(_("Name the procedure that replaces this one."))
    if procedure.status != S.REPLACED and procedure.replaced_by_id is not None:
        raise ProcedureError(_("Only a replaced procedure names a replacing procedure."))
    if procedure.replaced_by_id is not None and procedure.replaced_by_id == procedure.pk:
        raise ProcedureError(_("A procedure cannot replace itself."))


def request_document_reviews(*, document_ids, reason, user):
    document_ids = sorted(set(document_ids))
    if not document_ids:
        return
    for request in collected(REVIEW_REQUEST_HOOK):
        request(document_ids=document_ids, reason=reason, user=user)


@transaction.atomic
def procedure_save(*, procedure, user, reason="", documents=None, expected_version=None):
    """Register a procedure or save its edit (fields and children set on `procedure`), as one history entry.

    `documents`: the process documents that implement it (None: unchanged). `expected_version`: the version
    the person's form was opened on (a lost race raises ConflictError, nothing written).
    """
    if user is not None and not user.has_perm("procedures.manage_procedures"):
        raise NotPermitted()
    if not (procedure.code or "").strip() or not (procedure.name or "").strip():
        raise ProcedureError(_("A procedure needs its code and its name."))
    creating = procedure.pk is None
    previous = None
    old_documents = set()
    if not creating:
        previous = AdministrativeProcedure.objects.select_for_update().get(pk=procedure.pk)
        if expected_version is not None and int(expected_version) != previous.version:
            raise ConflictError()
        old_documents = set(previous.documents.values_list("pk", flat=True))
        procedure.version = previous.version + 1
    _check(procedure)
    summarise(procedure)
    if creating:
        event = ProcedureEvent.CREATED
    elif previous.status != procedure.status:
        event = ProcedureEvent.STATUS
    else:
        event = ProcedureEvent.EDITED
    m2m = {"documents": list(documents)} if documents is not None else None
    save_with_history(procedure, user=user, reason=event.reason(reason), m2m=m2m)
    if previous is not None:
        changes = []
        if previous.legal_basis_summary != procedure.legal_basis_summary:
            changes.append(_("its legal basis changed"))
        if previous.status != procedure.status:
            changes.append(_("its status is now “%(status)s”") % {"status": procedure.get_status_display()})
        if changes:
            why = _("Procedure %(code)s: %(changes)s.") % {"code": procedure.code, "changes": "; ".join(changes)}
            if reason:
                why = f"{why} {reason}"
            new_documents = set(procedure.documents.values_list("pk", flat=True))
            request_document_reviews(document_ids=old_documents | new_documents, reason=why, user=user)
    return procedure


@transaction.atomic
def procedure_link_documents(*, procedure, documents, user, reason=""):
    """Set the process documents that implement `procedure` (the link seen from both sides)."""
    if not user.has_perm("procedures.manage_procedures"):
        raise NotPermitted()
    procedure = AdministrativeProcedure.objects.select_for_update().get(pk=procedure.pk)
    documents = list(documents)
    if set(procedure.documents.values_list("pk", flat=True)) == {d.pk for d in documents}:
        return procedure
    procedure.version += 1
    save_with_history(procedure, user=user, reason=ProcedureEvent.LINKED.reason(reason), m2m={"documents": documents})
    return procedure
