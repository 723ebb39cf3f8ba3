"""Default lead times for the kinds of items the apps register (quality officers change them in the admin)."""

from django.db import migrations

DEFAULTS = [
    # kind, days before, repeat while overdue every, escalate after
    ("document_review", "30, 7, 1", 7, 14),
    ("acknowledgement", "7, 1", 7, 14),
    ("corrective_action", "14, 7, 1", 7, 7),
    ("action_verification", "7, 1", 7, 14),
    ("nonconformity_stuck", "", 7, 14),
    ("audit_upcoming", "30, 7, 1", 7, 14),
    ("finding_without_nc", "", 7, 14),
]


def create_defaults(apps, schema_editor):
    LeadTime = apps.get_model("reminders", "LeadTime")
    for kind, days_before, every, grace in DEFAULTS:
        LeadTime.objects.get_or_create(
            kind=kind,
            defaults={"days_before": days_before, "overdue_every_days": every, "escalation_grace_days": grace},
        )


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
