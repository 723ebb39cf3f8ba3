"""The steps and the end of the "Document approval" workflow (ISO 9001 5.3, 7.5.2 c).

Each step (review by quality officers, approval by approvers) is a `cms.models.DocumentApprovalTask`
(a model, so it lives in models.py: the settings import this module): Wagtail's group approval,
except that nobody approves a revision they submitted or edited (`cms.selectors.approval_refusal`):
the Approve action is not offered to them, and is refused if posted.

The end: the approval publishes, through the one publication service (`cms.publishing.document_publish`).

Wagtail's default finish action publishes the latest revision as the approving
user, which needs page publish permission; in a controlled-document system
nobody holds that permission, because the approval itself is the authority to
publish. Set as WAGTAIL_FINISH_WORKFLOW_ACTION.
"""

from wagtail.workflows import publish_workflow_state


def publish_approved_document(workflow_state, user=None):
    from .models import ProcessDocumentPage
    from .publishing import document_publish

    obj = workflow_state.content_object
    if not isinstance(obj.specific, ProcessDocumentPage):
        return publish_workflow_state(workflow_state, user=user)
    # The workflow, not the approver's page permissions, authorises this publication; its steps
    # have already refused anyone who wrote the revision (ISO 9001 5.3).
    return document_publish(revision=obj.get_latest_revision(), user=user)
