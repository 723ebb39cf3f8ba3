"""Registration of the quality objectives (ISO 9001 6.2, 9.1.1): admin viewsets, role permissions, site link,
demo data, import, reminders. The views, forms and rules live in their own modules.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from qms.core import admin_views as admin_kit
from qms.core import demo as core_demo
from qms.core import roles, site

from . import admin_views
from .models import Indicator, QualityObjective


class ObjectiveViewSet(ModelViewSet):
    model = QualityObjective
    name = "objectives_admin"
    url_prefix = "objectives"
    icon = "pick"
    menu_label = _("Quality objectives")
    list_display = ["title", "year", "level", "unit", "owner", "status"]
    list_filter = ["year", "level", "status", "unit"]
    search_fields = ["title"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = admin_views.ObjectiveIndexView
    add_view_class = admin_views.ObjectiveCreateView
    edit_view_class = admin_views.ObjectiveEditView
    delete_view_class = admin_kit.NoDeleteView
    inspect_view_class = admin_views.ObjectiveInspectView
    history_view_class = admin_kit.TimelineHistoryView
    form_fields = ["title", "year", "level", "unit", "owner", "documents", "policy_statement", "description"]

    def get_form_class(self, for_update=False):
        return admin_views.ObjectiveForm


class IndicatorViewSet(ModelViewSet):
    model = Indicator
    name = "indicators_admin"
    url_prefix = "indicators"
    icon = "table"
    menu_label = _("Indicators")
    list_display = ["name", "objective", "target", "frequency", "source", "reporter"]
    list_filter = ["frequency", "source", "direction"]
    search_fields = ["name"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    add_view_class = admin_views.IndicatorCreateView
    edit_view_class = admin_views.IndicatorEditView
    delete_view_class = admin_kit.NoDeleteView
    inspect_view_class = admin_views.ObjectiveInspectView
    history_view_class = admin_kit.TimelineHistoryView
    form_fields = admin_views.IndicatorForm.Meta.fields

    def get_form_class(self, for_update=False):
        return admin_views.IndicatorForm


class ObjectiveViewSetGroup(ModelViewSetGroup):
    menu_label = _("Quality objectives")
    menu_icon = "pick"
    menu_order = 330
    items = (ObjectiveViewSet, IndicatorViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return ObjectiveViewSetGroup()


@hooks.register("qms_role_permissions")
def objectives_role_permissions():
    # Nobody gets delete: quality records are never deleted (ISO 9001 7.5.3). Measurements are recorded on
    # the site or imported, never typed into the admin.
    officers = [f"objectives.{a}_{m}" for m in ("qualityobjective", "indicator") for a in ("add", "change", "view")]
    readers = ["objectives.view_qualityobjective", "objectives.view_indicator"]
    return [
        (roles.QUALITY_OFFICERS, [*officers, "objectives.view_measurement"]),
        (roles.APPROVERS, readers),
        (roles.AUDITORS, readers),
    ]


def _has_role(user):
    return user.is_authenticated


@hooks.register("qms_site_nav")
def objectives_nav():
    return [site.NavItem(_("Objectives"), "objectives:list", order=45, visible=_has_role)]


@hooks.register("qms_demo_seeders")
def objectives_demo_seeders():
    from . import demo

    return [core_demo.Seeder("objectives", demo.seed, order=35)]


@hooks.register("qms_importers")
def objectives_importers():
    from . import imports

    return [imports.MEASUREMENTS]


@hooks.register("qms_reminder_providers")
def objectives_reminder_providers():
    from . import reminders

    return [reminders.measurements_due]


@hooks.register("qms_review_inputs")
def objectives_review_inputs():
    from . import review_inputs

    # ISO 9001 9.3.2 c) 2): the extent to which quality objectives have been met.
    return review_inputs.INPUTS
