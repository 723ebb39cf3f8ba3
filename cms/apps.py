"""The Wagtail site and controlled process documents (ISO 9001 7.5)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Controlled documents")

    def ready(self):
        from qms.core import demo, roles, site

        from . import reader_cache, schedule

        reader_cache.connect()
        post_migrate.connect(schedule.on_post_migrate, dispatch_uid="cms.ensure_publish_scheduled")
        for role in (roles.QUALITY_OFFICERS, roles.AUDITORS, roles.APPROVERS):
            register_role = roles.register_permissions
            register_role(role, "cms.view_documentversion", "cms.view_documentreview")
        site.register_nav(_("Documents"), "cms:documents", order=10)
        from .demo import seed

        demo.register(10, "cms", seed)
