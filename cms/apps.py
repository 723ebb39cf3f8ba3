"""The Wagtail site and controlled process documents (ISO 9001 7.5)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Controlled documents")

    def ready(self):
        from . import reader_cache, schedule

        reader_cache.connect()
        _comment_label_in_the_readers_language()
        post_migrate.connect(schedule.on_post_migrate, dispatch_uid="cms.ensure_publish_scheduled")
        # Role permissions, the site link, demo data and importers: wagtail_hooks.py (docs/architecture.md).


def _comment_label_in_the_readers_language():
    """Wagtail's approve/reject dialog labels its comment box with gettext, not gettext_lazy (wagtail.forms),
    so the label is frozen in the language active when Wagtail is imported (Vietnamese, the site's):
    an English reader saw "Nhận xét". A lazy label is translated per request (issue #20's admin walk)."""
    from wagtail.forms import TaskStateCommentForm

    TaskStateCommentForm.base_fields["comment"].label = _("Comment")
