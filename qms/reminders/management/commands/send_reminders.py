"""`python manage.py send_reminders [--dry-run] [--as-of YYYY-MM-DD]`: the sweep by hand.

The scheduler only calls the same service (STYLE.md: periodic jobs are commands first).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qms.reminders import registry
from qms.reminders.services import reminders_sweep


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date; use YYYY-MM-DD, e.g. 2026-12-31.") from None


class Command(BaseCommand):
    help = "Send today's reminder digests (the daily sweep); --dry-run prints who would get what."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print who would get what; send and record nothing.")
        parser.add_argument("--as-of", type=_date, default=None, help="Sweep as if today were YYYY-MM-DD.")

    def handle(self, *args, dry_run=False, as_of=None, **options):
        as_of = as_of or timezone.localdate()
        result = reminders_sweep(as_of=as_of, dry_run=dry_run)
        if not dry_run:
            self.stdout.write(
                f"Sweep of {as_of.isoformat()}: {result.reminders} reminders newly claimed, "
                f"{result.digests_sent} digests sent, {result.digests_retried} to retry "
                "(left pending with a back-off), "
                f"{result.undeliverable} reminders undeliverable, {result.withdrawn} withdrawn (no longer applied)."
            )
            return
        self.stdout.write(f"Dry run of {as_of.isoformat()}: nothing is sent or recorded.")
        people = get_user_model().objects.in_bulk(list(result.planned))
        for recipient_id, rows in result.planned.items():
            person = people.get(recipient_id)
            who = f"{person} <{person.email}> [{person.language}]" if person else f"person {recipient_id}"
            self.stdout.write(f"{who}: {len(rows)} reminder(s)")
            for row in rows:
                state = " (pending retry)" if row.pk else ""
                self.stdout.write(
                    f"  - {row.reason}: {registry.kind_label(row.kind)}: {row.title} "
                    f"(due {row.due_date.isoformat()}, cycle {row.cycle}){state}"
                )
        if not result.planned:
            self.stdout.write("Nobody would receive a reminder.")
