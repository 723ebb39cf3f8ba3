"""The end of the "Document approval" workflow: the approval publishes (ISO 9001 7.5.2 c).

Wagtail's default finish action publishes the latest revision as the approving
user, which needs page publish permission; in a controlled-document system
nobody holds that permission, because the approval itself is the authority to
publish. Set as WAGTAIL_FINISH_WORKFLOW_ACTION.
"""

from wagtail.workflows import publish_workflow_state


def publish_approved_document(workflow_state, user=None):
    from .models import ProcessDocumentPage

    obj = workflow_state.content_object
    if not isinstance(obj.specific, ProcessDocumentPage):
        return publish_workflow_state(workflow_state, user=user)
    # The workflow, not the approver's page permissions, authorises this publication.
    return obj.get_latest_revision().publish(user=user, skip_permission_checks=True)
