"""The Wagtail site and controlled process documents (ISO 9001 7.5)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Controlled documents")

    def ready(self):
        from wagtail.signals import page_published

        from . import handlers, reader_cache, schedule
        from .models import ProcessDocumentPage

        page_published.connect(
            handlers.on_page_published, sender=ProcessDocumentPage, dispatch_uid="cms.version_on_publish"
        )
        reader_cache.connect()
        post_migrate.connect(schedule.on_post_migrate, dispatch_uid="cms.ensure_publish_scheduled")
        # Role permissions, the site link, demo data and importers: wagtail_hooks.py (docs/architecture.md).
