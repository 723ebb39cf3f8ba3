"""List (and with --update, add) the Wagtail admin messages our Vietnamese catalogue lacks.

Run after a Wagtail upgrade: ``make wagtail-messages-check`` exits non-zero while a message of an
installed Wagtail app is untranslated or a translation's placeholders differ from the English;
``make wagtail-messages`` adds Wagtail's new messages to ``locale/wagtail/vi/`` for translating.
"""

from django.core.management.base import BaseCommand, CommandError

from qms.core import wagtail_catalogue as catalogue


class Command(BaseCommand):
    help = "List the Wagtail messages locale/wagtail/vi lacks; --update adds them (empty) to the catalogue."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="add new Wagtail messages, drop gone ones")
        parser.add_argument("--all", action="store_true", help="print every missing message, not 10 per app")

    def handle(self, *args, update=False, all=False, **options):
        problems = 0
        for domain in catalogue.DOMAINS:
            if update:
                added, dropped = catalogue.update(domain)
                self.stdout.write(f"{domain}: {added} new message(s) added, {dropped} obsolete dropped")
            for app, (done, total) in catalogue.counts(domain).items():
                self.stdout.write(f"{domain:9} {app:28} {done:5} / {total:<5}")
            for app, msgids in catalogue.missing(domain).items():
                problems += len(msgids)
                shown = msgids if all else msgids[:10]
                self.stdout.write(self.style.WARNING(f"{app} ({domain}): {len(msgids)} untranslated"))
                for msgid in shown:
                    self.stdout.write(f"    {msgid!r}")
                if len(shown) < len(msgids):
                    self.stdout.write(f"    ... and {len(msgids) - len(shown)} more (--all)")
            for mismatch in catalogue.placeholder_mismatches(domain):
                problems += 1
                self.stdout.write(self.style.ERROR(f"placeholders differ ({domain}): {mismatch}"))
        if problems and not update:
            raise CommandError(f"{problems} Wagtail message(s) to translate or fix in locale/wagtail/vi/")
