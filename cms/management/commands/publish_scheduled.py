"""Wagtail's `publish_scheduled`, with controlled documents going live through `cms.publishing.document_publish`.

Wagtail's command publishes each due revision with `Revision.publish()`, which would make a controlled
document live without its version record, supersession and distribution (ISO 9001 7.5.3.2 c). This
command, found before Wagtail's because `cms` comes first in INSTALLED_APPS, publishes the due revisions
of process documents through the service first, then runs Wagtail's command for everything else
(expiries, other pages and snippets). Subclassed rather than rewritten so that Wagtail's options stay.
"""

from django.utils import timezone
from wagtail.management.commands.publish_scheduled import Command as WagtailCommand

from cms.publishing import document_publish, due_scheduled_revisions


class Command(WagtailCommand):
    def handle(self, *args, **options):
        if not options["dryrun"]:
            for revision in due_scheduled_revisions(now=timezone.now()):
                # The go-live publishes as nobody: the revision's writer is recorded, as Wagtail logs it.
                document_publish(revision=revision, user=None)
        return super().handle(*args, **options)
