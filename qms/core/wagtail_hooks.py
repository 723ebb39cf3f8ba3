"""Admin registration of the organisation: units (with history) and the clause catalogue (read-only)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from . import workflow_names  # noqa: F401 (its hooks show the workflow's names translated)
from .models import IsoClause, OrganisationUnit


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
