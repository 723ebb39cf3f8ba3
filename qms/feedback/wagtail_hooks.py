"""Admin registration of the feedback register and the satisfaction surveys (ISO 9001 8.2.1, 9.1.2)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from qms.core import admin_views as admin_kit
from qms.core import demo as core_demo
from qms.core import roles, site

from . import admin_views
from .models import Feedback, SurveyQuestion, SurveyResponse


class FeedbackViewSet(ModelViewSet):
    model = Feedback
    name = "feedback_admin"
    url_prefix = "feedback"
    icon = "mail"
    menu_label = _("Feedback register")
    # No name or contact here: the list is seen by approvers and auditors too.
    list_display = ["reference", "kind", "channel", "unit", "handler", "due_date", "status", "received_at"]
    filterset_class = admin_views.FeedbackFilterSet
    search_fields = ["reference", "text"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = admin_views.FeedbackIndexView
    add_view_class = admin_views.FeedbackCreateView
    edit_view_class = admin_views.NoEditView
    delete_view_class = admin_kit.NoDeleteView
    inspect_view_class = admin_views.FeedbackInspectView
    history_view_class = admin_kit.TimelineHistoryView
    form_fields = ["channel", "kind", "text", "page", "unit", "name", "email", "phone"]
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return admin_views.FeedbackRecordForm


class SurveyQuestionViewSet(ModelViewSet):
    model = SurveyQuestion
    name = "survey_questions_admin"
    url_prefix = "survey-questions"
    icon = "help"
    menu_label = _("Survey questions")
    list_display = ["text", "order", "is_active"]
    copy_view_enabled = False
    inspect_view_enabled = True
    add_view_class = admin_views.SurveyQuestionCreateView
    edit_view_class = admin_views.SurveyQuestionEditView
    delete_view_class = admin_kit.NoDeleteView
    inspect_view_class = admin_kit.TimelineInspectView
    history_view_class = admin_kit.TimelineHistoryView

    def get_form_class(self, for_update=False):
        return admin_views.SurveyQuestionForm


class SurveyResponseViewSet(ModelViewSet):
    model = SurveyResponse
    name = "survey_responses_admin"
    url_prefix = "survey-responses"
    icon = "list-ul"
    menu_label = _("Survey responses")
    list_display = ["responded_at", "page", "unit", "rating", "channel"]
    list_filter = ["rating", "channel", "unit"]
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = admin_views.SurveyResponseIndexView
    delete_view_class = admin_kit.NoDeleteView
    # The kit's record and timeline, which leave out the sender's key (the model's `secret_fields`).
    inspect_view_class = admin_kit.TimelineInspectView
    history_view_class = admin_kit.TimelineHistoryView
    form_fields = ["rating", "comment"]  # never offered: nobody holds add or change on responses


class FeedbackViewSetGroup(ModelViewSetGroup):
    menu_label = _("Citizens' feedback")
    menu_icon = "mail"
    menu_order = 320
    items = (FeedbackViewSet, SurveyQuestionViewSet, SurveyResponseViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return FeedbackViewSetGroup()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("feedback-register.xlsx", admin_views.register_export, name="feedback_admin_register"),
        path("satisfaction.xlsx", admin_views.satisfaction_export, name="feedback_admin_satisfaction"),
        path("feedback-act/<int:pk>/<slug:name>/", admin_views.act, name="feedback_admin_act"),
    ]


@hooks.register("qms_role_permissions")
def feedback_role_permissions():
    # Nobody gets delete: quality records are never deleted (ISO 9001 7.5.3). Responses come from the
    # public survey or an import, never typed in the admin.
    officers = [f"feedback.{a}_{m}" for m in ("feedback", "surveyquestion") for a in ("add", "change", "view")]
    readers = ["feedback.view_feedback", "feedback.view_surveyresponse"]
    return [
        (roles.QUALITY_OFFICERS, [*officers, "feedback.view_surveyresponse", "feedback.view_contact_feedback"]),
        (roles.APPROVERS, readers),
        (roles.AUDITORS, readers),
    ]


def _authenticated(user):
    return user.is_authenticated


@hooks.register("qms_site_nav")
def feedback_nav():
    return [site.NavItem(_("Feedback"), "feedback:mine", order=40, visible=_authenticated)]


@hooks.register("qms_home_panels")
def feedback_home_panels():
    from .panels import render_home_panel

    return [site.HomePanel("feedback-to-handle", render_home_panel, order=35)]


@hooks.register("qms_demo_seeders")
def feedback_demo_seeders():
    from . import demo as feedback_demo

    return [core_demo.Seeder("feedback", feedback_demo.seed, order=30)]


@hooks.register("qms_importers")
def feedback_importers():
    from . import imports

    return [imports.FEEDBACK_LOG, imports.SURVEY_RESULTS]


@hooks.register("qms_reminder_providers")
def feedback_reminder_providers():
    from . import reminders

    return [reminders.feedback_awaiting_answer]


@hooks.register("qms_indicator_computations")
def feedback_indicator_computations():
    from . import indicators

    return indicators.COMPUTATIONS


@hooks.register("qms_review_inputs")
def review_inputs():
    from . import review_inputs

    return review_inputs.INPUTS


@hooks.register("qms_nonconformity_sections")
def nonconformity_sections():
    from .views import nonconformity_section

    return [nonconformity_section]
