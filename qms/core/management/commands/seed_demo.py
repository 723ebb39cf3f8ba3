from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qms.core import demo


class Command(BaseCommand):
    help = "Build (or bring up to date) the demo organisation. Idempotent."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # The demo accounts share a published password; they belong on a
            # development machine, never on a production database.
            raise CommandError("seed_demo runs only with DEBUG on (the demo password is public).")
        self.stdout.write("Seeding the demo organisation...")
        demo.seed_core(self.stdout)
        for _name, seeder in demo.seeders():
            seeder(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
