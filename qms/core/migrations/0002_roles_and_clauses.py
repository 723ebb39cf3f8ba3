"""Create the role groups and load the ISO 9001:2015 clause catalogue."""

from django.db import migrations

ROLES = ["Staff", "Quality officers", "Approvers", "Auditors"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def load_clauses(apps, schema_editor):
    from qms.core.data.iso9001 import CLAUSES

    IsoClause = apps.get_model("core", "IsoClause")
    by_number = {}
    for number, title_en, title_vi in CLAUSES:
        parent = by_number.get(number.rsplit(".", 1)[0]) if "." in number else None
        clause, _ = IsoClause.objects.update_or_create(
            number=number,
            defaults={
                "title_en": title_en,
                "title_vi": title_vi,
                "parent": parent,
                "sort_key": ".".join(part.zfill(3) for part in number.split(".")),
            },
        )
        by_number[number] = clause


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(load_clauses, migrations.RunPython.noop),
    ]
