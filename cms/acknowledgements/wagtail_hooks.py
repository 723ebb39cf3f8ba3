"""Admin registration of the read-and-understood records (ISO 9001 7.2, 7.5.3): menu, URLs, page buttons."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from cms.models import ProcessDocumentPage
from cms.publishing import FOLLOW_UP_HOOK, FollowUp
from qms.core import demo as core_demo
from qms.core import roles, site

from . import admin_views

admin_urlpatterns = [
    path("", admin_views.IndexView.as_view(), name="index"),
    path("document/<int:page_id>/", admin_views.document_view, name="document"),
    path("version/<int:version_id>/", admin_views.VersionView.as_view(), name="version"),
    path("version/<int:version_id>/distribute/", admin_views.DistributeView.as_view(), name="distribute"),
    path("version/<int:version_id>/export/", admin_views.export_view, name="export"),
]


@hooks.register(FOLLOW_UP_HOOK)
def distribution_follow_up():
    """A revision that becomes effective goes to its owning unit and to every unit that had the previous
    one (ISO 9001 7.5.3.1 a), once the publication is committed; a failure is shown to the quality
    officers, who retry it (cms.publishing)."""
    from . import services

    return FollowUp(name="distribution", label=_("Distribution to readers"), run=services.version_distribute_default_of)


@hooks.register("register_admin_urls")
def register_urls():
    return [path("acknowledgements/", include((admin_urlpatterns, "acknowledgements_admin")))]


class AcknowledgementsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("acknowledgements.read_every_list")


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return AcknowledgementsMenuItem(
        _("Read and understood"), reverse("acknowledgements_admin:index"), icon_name="tick-inverse", order=310
    )


class ReadAndUnderstoodButton(PageMenuItem):
    label = _("Read and understood")
    icon_name = "tick-inverse"
    url_name = "acknowledgements_admin:document"


@hooks.register("register_page_header_buttons")
def page_header_buttons(page, user, view_name, next_url=None):
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if isinstance(specific, ProcessDocumentPage) and user.has_perm("acknowledgements.read_status", specific):
        yield ReadAndUnderstoodButton(page=page, priority=80)


@hooks.register("qms_role_permissions")
def acknowledgement_role_permissions():
    return [
        (
            roles.QUALITY_OFFICERS,
            [
                "acknowledgements.view_acknowledgement",
                "acknowledgements.view_distribution",
                "acknowledgements.add_distribution",
            ],
        ),
        (roles.AUDITORS, ["acknowledgements.view_acknowledgement", "acknowledgements.view_distribution"]),
    ]


@hooks.register("qms_home_panels")
def acknowledgement_home_panels():
    from . import panels

    return [site.HomePanel("acknowledgements", panels.pending_panel, order=10)]


@hooks.register("qms_demo_seeders")
def acknowledgement_demo_seeders():
    from . import demo as ack_demo

    return [core_demo.Seeder("acknowledgements", ack_demo.seed, order=15)]


@hooks.register("qms_reminder_providers")
def acknowledgement_reminder_providers():
    from . import reminders

    return [reminders.pending_acknowledgement_items]


@hooks.register("qms_indicator_computations")
def acknowledgement_indicator_computations():
    from . import indicators

    return indicators.COMPUTATIONS


@hooks.register("qms_review_inputs")
def review_inputs():
    from . import review_inputs

    return review_inputs.INPUTS
