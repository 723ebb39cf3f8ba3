"""Default lead times for what awaits a decision: revisions, major nonconformities, audit programmes (issue 14.7).

Due QMS_APPROVAL_DUE_DAYS (5) after the item reached the person, so the "5" step is the first
digest after it arrived and the "1" step the day before it is due. Escalated after a week overdue,
as corrective actions are: an undecided revision or closure holds up someone else's work
(ISO 9001 7.5.2 c, 9.2.2 a, 10.2). Quality officers change them in the admin.
"""

from django.db import migrations

DEFAULTS = [
    # kind, days before, repeat while overdue every, escalate after
    ("revision_decision", "5, 1", 7, 7),
    ("major_nc_closure", "5, 1", 7, 7),
    ("programme_approval", "5, 1", 7, 7),
]


def create_defaults(apps, schema_editor):
    LeadTime = apps.get_model("reminders", "LeadTime")
    for kind, days_before, every, grace in DEFAULTS:
        LeadTime.objects.get_or_create(
            kind=kind,
            defaults={"days_before": days_before, "overdue_every_days": every, "escalation_grace_days": grace},
        )


class Migration(migrations.Migration):
    dependencies = [("reminders", "0004_undeliverable_withdrawn_and_digest_context")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
