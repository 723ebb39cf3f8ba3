"""The steps of the "Document approval" workflow become DocumentApprovalTasks (separation of duties,
ISO 9001 5.3, 7.5.2 c): the same task rows, groups and task states, only their type changes, so a
revision in review when this runs stays at its step.
"""

import django.db.models.deletion
from django.db import migrations, models

WORKFLOW_NAME = "Document approval"


def _convert(apps, schema_editor, to_model, from_model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    source, target = apps.get_model(*from_model), apps.get_model(*to_model)
    target_type, _created = ContentType.objects.get_or_create(
        app_label=target._meta.app_label, model=target._meta.model_name
    )
    task_ids = WorkflowTask.objects.filter(workflow__name=WORKFLOW_NAME).values_list("task_id", flat=True)
    table = schema_editor.quote_name(target._meta.db_table)
    column = schema_editor.quote_name(target._meta.pk.column)
    for task_id in source.objects.filter(pk__in=task_ids).values_list("pk", flat=True):
        if target is apps.get_model("cms", "DocumentApprovalTask"):
            # Only the child row: saving the model would write its parents' fields again.
            schema_editor.execute(f"INSERT INTO {table} ({column}) VALUES (%s)", [task_id])
        else:
            schema_editor.execute(
                f"DELETE FROM {schema_editor.quote_name(source._meta.db_table)} "
                f"WHERE {schema_editor.quote_name(source._meta.pk.column)} = %s",
                [task_id],
            )
        Task.objects.filter(pk=task_id).update(content_type=target_type)


def to_document_approval_tasks(apps, schema_editor):
    _convert(apps, schema_editor, ("cms", "DocumentApprovalTask"), ("wagtailcore", "GroupApprovalTask"))


def to_group_approval_tasks(apps, schema_editor):
    _convert(apps, schema_editor, ("wagtailcore", "GroupApprovalTask"), ("cms", "DocumentApprovalTask"))


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0006_superseded_at_from_successor'),
        ('wagtailcore', '0098_apitoken'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentApprovalTask',
            fields=[
                ('groupapprovaltask_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='wagtailcore.groupapprovaltask')),
            ],
            options={
                'verbose_name': 'document approval task',
                'verbose_name_plural': 'document approval tasks',
            },
            bases=('wagtailcore.groupapprovaltask',),
        ),
        migrations.RunPython(to_document_approval_tasks, to_group_approval_tasks),
    ]
