"""Registration of the register of procedures and the one-stop figures (ISO 9001 8.5.1, 9.1.1)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from qms.core import admin_views as admin_kit
from qms.core import demo as core_demo
from qms.core import roles, site

from . import admin_views
from .models import AdministrativeProcedure, ProcedurePerformance


class ProcedureViewSet(ModelViewSet):
    model = AdministrativeProcedure
    name = "procedures_admin"
    url_prefix = "procedures"
    icon = "list-ul"
    menu_label = _("Procedure register")
    list_display = ["code", "name", "level", "field", "implementing_agency", "status"]
    filterset_class = admin_views.ProcedureFilterSet
    search_fields = ["code", "name", "field"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = admin_views.ProcedureIndexView
    add_view_class = admin_views.ProcedureCreateView
    edit_view_class = admin_views.ProcedureEditView
    delete_view_class = admin_kit.NoDeleteView
    inspect_view_class = admin_views.ProcedureInspectView
    history_view_class = admin_kit.TimelineHistoryView
    list_per_page = 50
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("code"),
                    FieldPanel("name"),
                    FieldRowPanel([FieldPanel("level"), FieldPanel("field")]),
                    FieldPanel("implementing_agency"),
                    FieldPanel("coordinating_agencies"),
                    FieldPanel("unit"),
                    FieldPanel("applicants"),
                    FieldPanel("result"),
                    FieldRowPanel([FieldPanel("decision_number"), FieldPanel("decision_date")]),
                    FieldRowPanel([FieldPanel("status"), FieldPanel("replaced_by")]),
                    FieldPanel("is_public"),
                ],
                heading=_("Procedure"),
            ),
            FieldPanel("documents"),
            InlinePanel("ways", label=_("Ways of applying")),
            InlinePanel("fees", label=_("Fees and charges")),
            InlinePanel("components", label=_("Dossier components")),
            InlinePanel("legal_bases", label=_("Legal basis")),
            FieldPanel("reason"),
            FieldPanel("expected_version"),
        ],
        base_form_class=admin_views.ProcedureForm,
    )


class PerformanceViewSet(ModelViewSet):
    model = ProcedurePerformance
    name = "procedure_performance_admin"
    url_prefix = "procedure-performance"
    icon = "table"
    menu_label = _("One-stop figures")
    list_display = ["procedure", "month", "received", "on_time", "late", "apology_slips", "nonconformity"]
    filterset_class = admin_views.PerformanceFilterSet
    index_view_class = admin_views.PerformanceIndexView
    inspect_view_enabled = True
    # Each month's figures keep their history (imports, corrections, the nonconformity raised): the kit's.
    inspect_view_class = admin_kit.TimelineInspectView
    history_view_class = admin_kit.TimelineHistoryView
    copy_view_enabled = False
    delete_view_class = admin_kit.NoDeleteView
    # Figures come from the one-stop system's export (the import), never typed in: nobody holds add/change.
    form_fields = ["carried_over"]


class ProceduresViewSetGroup(ModelViewSetGroup):
    menu_label = _("Administrative procedures")
    menu_icon = "list-ul"
    menu_order = 330
    items = (ProcedureViewSet, PerformanceViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return ProceduresViewSetGroup()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("procedure-rates/", admin_views.performance_report, name="procedures_admin_performance"),
        path("procedure-code/<str:code>/", admin_views.procedure_by_code, name="procedures_admin_by_code"),
    ]


@hooks.register("qms_role_permissions")
def procedures_role_permissions():
    # Nobody gets delete: a procedure is repealed or replaced and stays on record (ISO 9001 7.5.3).
    readers = ["procedures.view_administrativeprocedure", "procedures.view_procedureperformance"]
    return [
        (
            roles.QUALITY_OFFICERS,
            [*readers, "procedures.add_administrativeprocedure", "procedures.change_administrativeprocedure"],
        ),
        (roles.APPROVERS, readers),
        (roles.AUDITORS, readers),
        (roles.STAFF, readers),
    ]


@hooks.register("qms_site_nav")
def procedures_nav():
    # For everyone, citizens first: the list of procedures is what the department publishes.
    return [site.NavItem(_("Administrative procedures"), "procedures:list", order=15)]


@hooks.register("qms_demo_seeders")
def procedures_demo_seeders():
    from . import demo

    # After cms (10): each procedure is linked to the demo's process documents.
    return [core_demo.Seeder("procedures", demo.seed, order=12)]


@hooks.register("qms_importers")
def procedures_importers():
    from . import imports

    return [imports.PROCEDURE_REGISTER, imports.PORTAL_JSON, imports.PERFORMANCE, imports.LATE_DOSSIERS]


@hooks.register("qms_indicator_computations")
def procedures_indicator_computations():
    from . import indicators

    # The on-time rate of the one-stop figures feeds quality objectives (ISO 9001 6.2, 9.1.1).
    return indicators.COMPUTATIONS
