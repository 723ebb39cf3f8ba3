"""Registration of the risk register (ISO 9001 6.1): admin viewset, role permissions, site link, demo data,
import, reminders of periodic reviews, the management review's input. The views, forms and rules live in
their own modules.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from qms.core import admin_views as admin_kit
from qms.core import demo as core_demo
from qms.core import roles, site
from qms.nonconformities.origins import ActionOrigin

from . import admin_views
from .models import Risk


class RiskViewSet(ModelViewSet):
    model = Risk
    name = "risks_admin"
    url_prefix = "risks"
    icon = "warning"
    menu_label = _("Risks and opportunities")
    menu_order = 335
    add_to_admin_menu = True
    list_display = ["reference", "kind", "title", "unit", "owner", "likelihood", "impact", "status", "review_date"]
    filterset_class = admin_views.RiskFilterSet
    search_fields = ["reference", "title", "cause"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = admin_views.RiskIndexView
    add_view_class = admin_views.RiskCreateView
    edit_view_class = admin_views.RiskEditView
    delete_view_class = admin_kit.NoDeleteView
    inspect_view_class = admin_views.RiskInspectView
    history_view_class = admin_kit.TimelineHistoryView
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return admin_views.RiskEditForm if for_update else admin_views.RiskCreateForm


@hooks.register("register_admin_viewset")
def register_viewsets():
    return RiskViewSet()


@hooks.register("qms_role_permissions")
def risks_role_permissions():
    # Nobody gets delete: quality records are never deleted (ISO 9001 7.5.3). Reviews are recorded on the site.
    return [
        (roles.QUALITY_OFFICERS, ["risks.add_risk", "risks.change_risk", "risks.view_risk", "risks.view_riskreview"]),
        (roles.APPROVERS, ["risks.view_risk", "risks.view_riskreview"]),
        (roles.AUDITORS, ["risks.view_risk", "risks.view_riskreview"]),
    ]


def _has_role(user):
    return user.is_authenticated


@hooks.register("qms_site_nav")
def risks_nav():
    return [site.NavItem(_("Risks"), "risks:list", order=47, visible=_has_role)]


@hooks.register("qms_demo_seeders")
def risks_demo_seeders():
    from . import demo

    return [core_demo.Seeder("risks", demo.seed, order=37)]


@hooks.register("qms_importers")
def risks_importers():
    from . import imports

    return [imports.RISKS]


@hooks.register("qms_reminder_providers")
def risks_reminder_providers():
    from . import reminders

    return [reminders.risk_reviews_due]


@hooks.register("qms_review_inputs")
def risks_review_inputs():
    from . import review_inputs

    return review_inputs.INPUTS


@hooks.register("qms_action_origins")
def risks_action_origins():
    """A risk's treatment is carried out by corrective actions whose origin is the risk (ISO 9001 6.1.2 b)."""
    from . import services

    return [
        ActionOrigin(
            model="risks.Risk",
            read_permission="risks.read_risk",
            plan_permission="risks.plan_treatment",
            default_kind="risk_treatment",
            blocker=services.planning_blocker,
        )
    ]


@hooks.register("qms_nonconformity_sections")
def risks_nonconformity_sections():
    from .views import nonconformity_section

    return [nonconformity_section]
