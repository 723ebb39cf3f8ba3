"""Erase citizens' contact details past the retention period (also run daily on beat)."""

from django.core.management.base import BaseCommand

from qms.feedback import services


class Command(BaseCommand):
    help = "Erase names and contacts of feedback closed longer than QMS_FEEDBACK_CONTACT_RETENTION_DAYS ago."

    def handle(self, *args, **options):
        erased = services.feedback_erase_expired()
        self.stdout.write(f"{erased} feedback record(s): contact details erased.")
