"""State changes of audit records (ISO 9001 9.2.2): every write goes through a function here.

Each service is atomic, checks who acts (per role and per audit), records who and why on the
django-simple-history entry, and raises `AuditError` with a message a person can read when a
rule forbids the change. One module per concept: the programme, an audit's life, its checklist,
its findings.
"""

from ._common import NOT_PERMITTED, PROGRAMME_APPROVAL_REFUSAL, AuditError, independence_blocker
from .audit import (
    AUDIT_FIELDS,
    AUDIT_M2M,
    audit_close,
    audit_create,
    audit_finish_fieldwork,
    audit_open,
    audit_start_preparation,
    audit_update,
    check_independence,
    closure_blockers,
)
from .checklist import (
    EDITABLE_CHECKLIST,
    RESULTS_OPEN,
    checklist_copy,
    checklist_generate,
    checklist_item_add,
    checklist_item_remove,
    checklist_item_update,
    copy_sources,
    document_records,
    document_steps,
)
from .findings import (
    FINDING_FIELDS,
    finding_link_nonconformity,
    finding_raise_nonconformity,
    finding_record,
    finding_update,
    finding_verify,
)
from .programme import (
    programme_approval_blocker,
    programme_approve,
    programme_complete,
    programme_completion_blocker,
    programme_create,
    programme_update,
)

__all__ = [
    "NOT_PERMITTED",
    "PROGRAMME_APPROVAL_REFUSAL",
    "AuditError",
    "independence_blocker",
    "programme_create",
    "programme_update",
    "programme_approval_blocker",
    "programme_completion_blocker",
    "programme_approve",
    "programme_complete",
    "check_independence",
    "audit_create",
    "audit_update",
    "audit_start_preparation",
    "audit_open",
    "audit_finish_fieldwork",
    "closure_blockers",
    "audit_close",
    "AUDIT_FIELDS",
    "AUDIT_M2M",
    "document_steps",
    "document_records",
    "checklist_generate",
    "checklist_copy",
    "copy_sources",
    "checklist_item_add",
    "checklist_item_update",
    "checklist_item_remove",
    "EDITABLE_CHECKLIST",
    "RESULTS_OPEN",
    "finding_record",
    "finding_update",
    "finding_raise_nonconformity",
    "finding_link_nonconformity",
    "finding_verify",
    "FINDING_FIELDS",
]
