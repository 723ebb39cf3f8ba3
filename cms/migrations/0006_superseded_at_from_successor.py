"""Superseded versions: superseded at the moment their successor became effective (ISO 9001 7.5.3.2).

Before this, a version was marked superseded at the moment its successor was *recorded*, so a
back-dated history (register import, demo) said every older revision was superseded on the
day of the import. A version whose date of supersession is not its successor's effective date
gets the start of that day (site zone); versions superseded through the workflow already agree.
"""

import datetime

from django.db import migrations
from django.utils import timezone


def superseded_at_from_successor(apps, schema_editor):
    DocumentVersion = apps.get_model("cms", "DocumentVersion")
    zone = timezone.get_default_timezone()
    stale = DocumentVersion.objects.filter(superseded_by__isnull=False).select_related("superseded_by")
    for version in stale.iterator():
        effective = version.superseded_by.effective_date
        if version.superseded_at is not None and timezone.localtime(version.superseded_at, zone).date() == effective:
            continue
        version.superseded_at = timezone.make_aware(datetime.datetime.combine(effective, datetime.time.min), zone)
        version.save(update_fields=["superseded_at"])


class Migration(migrations.Migration):
    dependencies = [("cms", "0005_document_approval_workflow")]

    operations = [migrations.RunPython(superseded_at_from_successor, migrations.RunPython.noop)]
