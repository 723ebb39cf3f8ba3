"""The "Document approval" workflow (soạn thảo, xem xét, phê duyệt) and who may edit the document tree.

Review by Quality officers, then approval by Approvers; assigned to the whole
site from the home page. Quality officers may add and edit pages but not
publish: only the workflow's final approval publishes (ISO 9001 7.5.2 c).
"""

from django.db import migrations

WORKFLOW_NAME = "Document approval"
TASKS = [("Review by quality officers", "Quality officers"), ("Approval by approvers", "Approvers")]
OFFICER_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
OFFICER_DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    HomePage = apps.get_model("cms", "HomePage")

    home = HomePage.objects.first()
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    for order, (task_name, group_name) in enumerate(TASKS):
        group, _created = Group.objects.get_or_create(name=group_name)
        task = GroupApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=task_name, active=True, content_type=task_type)
        task.groups.set([group])
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    if home is not None:
        WorkflowPage.objects.update_or_create(page_id=home.pk, defaults={"workflow": workflow})

    officers, _created = Group.objects.get_or_create(name="Quality officers")
    if home is not None:
        for codename in OFFICER_PAGE_PERMISSIONS:
            permission = _permission(apps, "wagtailcore", "page", codename, codename.replace("_", " "))
            GroupPagePermission.objects.get_or_create(group=officers, page_id=home.pk, permission=permission)
    root = Collection.objects.filter(depth=1).first()
    if root is not None:
        for codename in OFFICER_DOCUMENT_PERMISSIONS:
            permission = _permission(apps, "wagtaildocs", "document", codename, codename.replace("_", " "))
            GroupCollectionPermission.objects.get_or_create(group=officers, collection=root, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_documents"),
        ("core", "0002_roles_and_clauses"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
