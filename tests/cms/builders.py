"""Builders for controlled documents, shared by the cms tests and anyone who needs a document.

They go through the real services (cms.services), like every other path.
"""

import itertools

from tests.factories import make_officer, make_unit

_seq = itertools.count(1)


def make_document(identifier=None, *, unit=None, owner=None, user=None, is_public=False, **extra):
    """A published process document with its first effective version (through cms.services.document_create)."""
    from cms.services import document_create

    n = next(_seq)
    unit = unit or make_unit()
    user = user or make_officer(unit=unit)
    return document_create(
        identifier=identifier or f"QT-T{n:03d}",
        title=extra.pop("title", f"Procedure {n}"),
        unit=unit,
        process_owner=owner,
        is_public=is_public,
        user=user,
        reason=extra.pop("reason", "Registered for a test"),
        **extra,
    )


def revise(page, *, officer, approver, summary, changes=None, submitter=None):
    """Take a revision through the whole approval workflow: submitted (by another officer unless
    `submitter` is given: nobody reviews what they submitted), reviewed by `officer`, approved."""
    from cms.services import document_submit, document_task_approve

    submitter = submitter or make_officer()
    document_submit(page=page, user=submitter, change_summary=summary, changes=changes)
    document_task_approve(page=page, user=officer)
    document_task_approve(page=page, user=approver)
    page.refresh_from_db()
    return page
