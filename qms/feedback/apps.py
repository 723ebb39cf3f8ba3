"""Citizens' and customers' feedback and satisfaction (ISO 9001 8.2.1 c), 9.1.2, 10.2)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _authenticated(user):
    return user.is_authenticated


class FeedbackConfig(AppConfig):
    name = "qms.feedback"
    label = "feedback"
    verbose_name = _("Citizens' feedback and satisfaction")

    def ready(self):
        from qms.core import demo, roles, site

        from . import demo as feedback_demo
        from . import schedule
        from .panels import render_home_panel

        # Nobody gets delete: quality records are never deleted (ISO 9001 7.5.3).
        for model in ("feedback", "surveyquestion"):
            roles.register_permissions(
                roles.QUALITY_OFFICERS, f"feedback.add_{model}", f"feedback.change_{model}", f"feedback.view_{model}"
            )
        # Responses come from the public survey or an import, never typed in the admin.
        roles.register_permissions(
            roles.QUALITY_OFFICERS, "feedback.view_surveyresponse", "feedback.view_contact_feedback"
        )
        for role in (roles.APPROVERS, roles.AUDITORS):
            roles.register_permissions(role, "feedback.view_feedback", "feedback.view_surveyresponse")

        site.register_nav(_("Feedback"), "feedback:mine", order=40, visible=_authenticated)
        site.register_home_panel("feedback-to-handle", render_home_panel, order=35)
        demo.register(30, "feedback", feedback_demo.seed)
        post_migrate.connect(schedule.on_post_migrate, dispatch_uid="qms.feedback.schedule")
