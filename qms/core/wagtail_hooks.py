"""Admin registration of the organisation: units (with history), the clause catalogue (read-only),
and the log-ins locked out after repeated failures (administrators only)."""

from axes.models import AccessAttempt
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from . import workflow_names  # noqa: F401 (its hooks show the workflow's names translated)
from .admin_views import TimelineHistoryView, TimelineInspectView
from .bulk_actions import QmsAssignRoleBulkAction, QmsSetActiveStateBulkAction
from .models import IsoClause, OrganisationUnit
from .permissions import LockoutPermissionPolicy


class OrganisationUnitViewSet(ModelViewSet):
    model = OrganisationUnit
    icon = "group"
    menu_label = _("Organisation units")
    list_display = ["code", "name", "parent", "manager", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["code", "name"]
    list_export = ["code", "name", "parent", "manager", "is_active"]
    form_fields = ["code", "name", "parent", "manager", "is_active"]
    inspect_view_enabled = True
    # The unit's history is its django-simple-history, as every record's: the kit's timeline.
    inspect_view_class = TimelineInspectView
    history_view_class = TimelineHistoryView


class IsoClauseViewSet(ModelViewSet):
    """The catalogue comes from the standard: roles get view permission only (qms.core.roles)."""

    model = IsoClause
    icon = "list-ul"
    menu_label = _("ISO 9001 clauses")
    list_display = ["number", "title_en", "title_vi"]
    search_fields = ["number", "title_en", "title_vi"]
    list_per_page = 100
    form_fields = ["number", "title_en", "title_vi", "parent"]
    inspect_view_enabled = True


class OrganisationViewSetGroup(ModelViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "site"
    menu_order = 800
    items = (OrganisationUnitViewSet, IsoClauseViewSet)


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationViewSetGroup()


class LockoutViewSet(ModelViewSet):
    """django-axes' failed log-in counts; deleting one unlocks that username and address (qms.core.lockout)."""

    model = AccessAttempt
    icon = "lock"
    menu_label = _("Locked-out log-ins")
    name = "lockouts"
    add_to_settings_menu = True
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    form_fields = ["username"]  # never edited: the policy allows only viewing and deleting
    inspect_view_enabled = True
    inspect_view_fields = ["username", "ip_address", "user_agent", "path_info", "failures_since_start", "attempt_time"]


register_permission_policy(AccessAttempt, LockoutPermissionPolicy(AccessAttempt))


@hooks.register("register_admin_viewset")
def register_lockout_viewset():
    return LockoutViewSet()


# After Wagtail's own (order): the same action types, so these replace them.
hooks.register("register_bulk_action", QmsAssignRoleBulkAction, order=100)
hooks.register("register_bulk_action", QmsSetActiveStateBulkAction, order=100)
