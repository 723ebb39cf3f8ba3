from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qms.core"
    label = "core"
    verbose_name = _("QMS core")

    def ready(self):
        from . import organisation, roles, workflow_names

        # Permissions exist only after every app has migrated, so the role
        # groups (created by a data migration) get theirs on post_migrate.
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="qms.core.sync_role_permissions")
        # The default Site is created by a data migration of cms; it is named once every app has migrated.
        post_migrate.connect(organisation.site_name_fill, dispatch_uid="qms.core.site_name_fill")
        # Wagtail's moderation e-mails name the workflow and its steps in each recipient's language.
        workflow_names.translating_notifiers()
