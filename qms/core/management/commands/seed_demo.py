import contextlib
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models.signals import post_save

from qms.core import demo


@contextlib.contextmanager
def bulk_indexing():
    """Index the demo once at the end instead of on every save.

    Wagtail updates its search and reference indexes on every page save; for a
    few hundred demo publications that is most of the seeding time. The
    indexes are rebuilt in one pass afterwards, so the result is the same.
    """
    from modelsearch import index
    from modelsearch.signal_handlers import post_save_signal_handler
    from wagtail.signal_handlers import disable_reference_index_auto_update

    models = [model for model in index.get_indexed_models() if getattr(model, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)


class Command(BaseCommand):
    help = "Build (or bring up to date) the demo organisation. Idempotent."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # The demo accounts share a published password; they belong on a
            # development machine, never on a production database.
            raise CommandError("seed_demo runs only with DEBUG on (the demo password is public).")
        started = time.monotonic()
        self.stdout.write("Seeding the demo organisation...")
        with bulk_indexing():
            demo.seed_core(self.stdout)
            for _name, seeder in demo.seeders():
                seeder(self.stdout)
        call_command("update_index", verbosity=0)
        call_command("rebuild_references_index", verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({time.monotonic() - started:.0f} s)."))
