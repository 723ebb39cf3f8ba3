"""Admin registration of the nonconformity register (ISO 9001 10.2, 9.1.3): viewsets, the Excel register,
transition buttons and the quality officers' dashboard panel."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from qms.core import admin_views as admin_kit
from qms.core import demo as core_demo
from qms.core import roles, site

from . import admin_views, selectors
from .models import CorrectiveAction, Nonconformity


class NonconformityViewSet(ModelViewSet):
    model = Nonconformity
    name = "nonconformities_admin"
    url_prefix = "nonconformities"
    icon = "warning"
    menu_label = _("Nonconformities")
    list_display = ["reference", "title", "unit", "severity", "status", "owner", "reported_at"]
    filterset_class = admin_views.NonconformityFilterSet
    search_fields = ["reference", "title", "description"]
    search_backend_name = None  # plain database search: references and titles, no index to keep
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = admin_views.NonconformityIndexView
    add_view_class = admin_views.NonconformityCreateView
    edit_view_class = admin_views.NonconformityEditView
    delete_view_class = admin_kit.NoDeleteView
    inspect_view_class = admin_views.NonconformityInspectView
    history_view_class = admin_kit.TimelineHistoryView
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return admin_views.NonconformityEditForm if for_update else admin_views.NonconformityCreateForm


class CorrectiveActionViewSet(ModelViewSet):
    model = CorrectiveAction
    name = "corrective_actions_admin"
    url_prefix = "corrective-actions"
    icon = "tasks"
    menu_label = _("Corrective actions")
    # What the action answers: a nonconformity's reference, or another record's (origins.py).
    list_display = [
        Column("subject_reference", label=_("Arising from")),
        "kind",
        "description",
        "owner",
        "due_date",
        "status",
    ]
    filterset_class = admin_views.CorrectiveActionFilterSet
    search_fields = ["description", "nonconformity__reference", "nonconformity__title"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    add_view_class = admin_views.ActionCreateView
    edit_view_class = admin_views.ActionEditView
    delete_view_class = admin_kit.NoDeleteView
    inspect_view_class = admin_views.RegisterInspectView
    history_view_class = admin_kit.TimelineHistoryView
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return admin_views.ActionEditForm if for_update else admin_views.ActionCreateForm


class NonconformityViewSetGroup(ModelViewSetGroup):
    menu_label = _("Nonconformities")
    menu_icon = "warning"
    menu_order = 300
    items = (NonconformityViewSet, CorrectiveActionViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return NonconformityViewSetGroup()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("nonconformities-register.xlsx", admin_views.register_export, name="nonconformities_admin_register"),
        path(
            "nonconformities-transition/<int:pk>/",
            admin_views.transition,
            name="nonconformities_admin_transition",
        ),
    ]


class QualityDashboardPanel(Component):
    """Open nonconformities by age and unit, overdue actions, average days to close (ISO 9001 9.1.3)."""

    name = "nonconformities_dashboard"
    template_name = "nonconformities/admin/dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context=None):
        average, closed = selectors.average_days_to_close()
        overdue = selectors.actions_overdue().select_related("nonconformity", "owner").order_by("due_date")
        return {
            "buckets": selectors.AGE_BUCKETS,
            "rows": selectors.open_by_age_and_unit(),
            "overdue": overdue[:10],
            "overdue_count": overdue.count(),
            "average_days": average,
            "closed_count": closed,
        }


@hooks.register("construct_homepage_panels")
def add_dashboard_panel(request, panels):
    if request.user.has_perm("nonconformities.see_dashboard"):
        panels.append(QualityDashboardPanel())


MODELS = ("nonconformity", "correctiveaction", "evidencefile", "verification")


@hooks.register("qms_role_permissions")
def nonconformity_role_permissions():
    # Nobody gets delete: quality records are never deleted (ISO 9001 7.5.3).
    return [
        (roles.QUALITY_OFFICERS, [f"nonconformities.{a}_{m}" for m in MODELS for a in ("add", "change", "view")]),
        (roles.APPROVERS, [f"nonconformities.view_{m}" for m in MODELS]),
        (roles.AUDITORS, [f"nonconformities.view_{m}" for m in MODELS]),
    ]


def _authenticated(user):
    return user.is_authenticated


@hooks.register("qms_site_nav")
def nonconformity_nav():
    return [
        site.NavItem(_("Nonconformities"), "nonconformities:list", order=30, visible=_authenticated),
        site.NavItem(_("My actions"), "nonconformities:my_actions", order=31, visible=_authenticated),
    ]


@hooks.register("qms_home_panels")
def nonconformity_home_panels():
    from .panels import render_home_panel

    return [site.HomePanel("nonconformities-my-actions", render_home_panel, order=30)]


@hooks.register("qms_demo_seeders")
def nonconformity_demo_seeders():
    from . import demo as nonconformity_demo

    return [core_demo.Seeder("nonconformities", nonconformity_demo.seed, order=20)]


@hooks.register("qms_importers")
def nonconformity_importers():
    from . import imports

    return [imports.NONCONFORMITIES]


@hooks.register("qms_reminder_providers")
def nonconformity_reminder_providers():
    from . import reminders

    return [
        reminders.corrective_actions,
        reminders.actions_awaiting_verification,
        reminders.nonconformities_stuck,
        reminders.major_nonconformities_awaiting_closure,
    ]


@hooks.register("qms_indicator_computations")
def nonconformities_indicator_computations():
    from . import indicators

    return indicators.COMPUTATIONS


@hooks.register("qms_review_inputs")
def review_inputs():
    from . import review_inputs

    return review_inputs.INPUTS
