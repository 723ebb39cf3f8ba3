"""Registration of the management review (ISO 9001 9.3): its admin screens and menu item, its site link, role
permissions, its own review input (actions from previous reviews), reminders and demo data."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from qms.core import demo as core_demo
from qms.core import roles, site

from . import admin_urls


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("management-review/", include((admin_urls, "management_review"), namespace="management_review"))]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("management_review.read_every_review") or request.user.has_perm(
            "management_review.manage_review"
        )


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return ReviewMenuItem(_("Management review"), reverse("management_review:list"), icon_name="group", order=360)


def _authenticated(user):
    # Anyone logged in may have attended a review. The link depends on nothing but the login, because the
    # document pages' reader cache keeps each person's navigation until their groups change.
    return user.is_authenticated


@hooks.register("qms_site_nav")
def management_review_nav():
    return [site.NavItem(_("Management reviews"), "reviews:list", order=50, visible=_authenticated)]


@hooks.register("qms_role_permissions")
def management_review_role_permissions():
    # Nobody gets delete: quality records are never deleted (ISO 9001 7.5.3). The screens ask the rules.
    return [
        (
            roles.QUALITY_OFFICERS,
            ["management_review.view_managementreview", "management_review.change_managementreview"],
        ),
        (roles.APPROVERS, ["management_review.view_managementreview"]),
        (roles.AUDITORS, ["management_review.view_managementreview"]),
    ]


@hooks.register("qms_action_origins")
def management_review_action_origins():
    # A review's decision is carried out by actions like any other (ISO 9001 9.3.3, 10.3). Actions of a
    # decision may be planned after the minutes are approved too: carrying them out is the follow-up the
    # next review reads (9.3.2 a), not a change to the approved minutes.
    from qms.nonconformities.origins import ActionOrigin

    return [
        ActionOrigin(
            model="management_review.ReviewDecision",
            read_permission="management_review.read_decision",
            plan_permission="management_review.plan_decision_actions",
            default_kind="improvement",
        )
    ]


@hooks.register("qms_review_inputs")
def review_inputs():
    from . import review_inputs

    return review_inputs.INPUTS


@hooks.register("qms_reminder_providers")
def management_review_reminder_providers():
    from . import reminders

    return [reminders.reviews_coming_up]


@hooks.register("qms_demo_seeders")
def management_review_demo_seeders():
    from . import demo

    return [core_demo.Seeder("management_review", demo.seed, order=50)]
