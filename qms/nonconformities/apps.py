"""Nonconformities and corrective actions (ISO 9001 8.7, 10.2)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _authenticated(user):
    return user.is_authenticated


class NonconformitiesConfig(AppConfig):
    name = "qms.nonconformities"
    label = "nonconformities"
    verbose_name = _("Nonconformities and corrective actions")

    def ready(self):
        from qms.core import demo, roles, site

        from . import demo as nonconformity_demo
        from .panels import render_home_panel

        models = ("nonconformity", "correctiveaction", "evidencefile", "verification")
        # Nobody gets delete: quality records are never deleted (ISO 9001 7.5.3).
        for model in models:
            roles.register_permissions(
                roles.QUALITY_OFFICERS,
                f"nonconformities.add_{model}",
                f"nonconformities.change_{model}",
                f"nonconformities.view_{model}",
            )
            roles.register_permissions(roles.APPROVERS, f"nonconformities.view_{model}")
            roles.register_permissions(roles.AUDITORS, f"nonconformities.view_{model}")

        site.register_nav(_("Nonconformities"), "nonconformities:list", order=30, visible=_authenticated)
        site.register_nav(_("My actions"), "nonconformities:my_actions", order=31, visible=_authenticated)
        site.register_home_panel("nonconformities-my-actions", render_home_panel, order=30)
        demo.register(20, "nonconformities", nonconformity_demo.seed)
