"""Admin registration of internal audits (ISO 9001 9.2): programmes, audits, findings, question bank.

Wagtail's ModelViewSet gives the lists, filters and inspect views
(https://docs.wagtail.org/en/stable/extending/generic_views.html); a list's Excel download is the
register of `audits.registers`, built by the product's spreadsheet layer. Saving goes through
`audits.services`, so the independence rule (9.2.2 c) and the history entry apply here as on
the site; per-audit rights come from `audits.rules` through a permission policy.
"""

import django_filters
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from qms.core import demo as core_demo
from qms.core import roles, site
from qms.core.admin_views import ServiceFormMixin, TimelineHistoryView, TimelineInspectView

from . import registers, rules, selectors, services
from .models import Audit, AuditProgramme, ChecklistQuestion, Finding

# --- permission policies ---------------------------------------------------------------------


class AuditPermissionPolicy(ModelPermissionPolicy):
    """Model permissions from the roles, then: change only the audits one is on, never delete."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete":
            return False
        if action == "change":
            return self.user_has_permission(user, "change") and rules.may_edit(user, instance)
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if "view" in actions and self.user_has_permission(user, "view"):
            return Audit.objects.all()
        if "change" in actions and self.user_has_permission(user, "change"):
            if user.has_perm("audits.edit_any_audit"):
                return Audit.objects.exclude(status=Audit.Status.CLOSED)
            return Audit.objects.exclude(status=Audit.Status.CLOSED).filter(rules.team_q(user)).distinct()
        return Audit.objects.none()


class ReadOnlyInAdminPolicy(ModelPermissionPolicy):
    """Findings change in the auditor's workspace (through the services), not in a generic form."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


class ProgrammePermissionPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete":
            return False
        if action == "change" and instance.status == AuditProgramme.Status.COMPLETED:
            return False
        return self.user_has_permission(user, action)


register_permission_policy(Audit, AuditPermissionPolicy(Audit))
register_permission_policy(Finding, ReadOnlyInAdminPolicy(Finding))
register_permission_policy(AuditProgramme, ProgrammePermissionPolicy(AuditProgramme))


# --- views that save through the services ----------------------------------------------------


class ObjectPermissionMixin:
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        obj = self.get_object()
        if not self.permission_policy.user_has_permission_for_instance(request.user, "change", obj):
            raise PermissionDenied


def _audit_kwargs(data):
    return {
        "reference": data["reference"],
        "title": data["title"],
        "kind": data["kind"],
        "follow_up_of": data.get("follow_up_of"),
        "criteria": data.get("criteria", ""),
        "planned_start": data["planned_start"],
        "planned_end": data["planned_end"],
        "team": list(data.get("team") or []),
        "units": list(data.get("scope_units") or []),
        "documents": list(data.get("scope_documents") or []),
        "clauses": list(data.get("scope_clauses") or []),
    }


class AuditCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.audit_create(
            programme=data["programme"],
            lead_auditor=data["lead_auditor"],
            user=self.request.user,
            **_audit_kwargs(data),
        )


class AuditEditView(ServiceFormMixin, ObjectPermissionMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.audit_update(
            audit=self.object, lead_auditor=data["lead_auditor"], user=self.request.user, **_audit_kwargs(data)
        )


class ProgrammeCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.programme_create(year=data["year"], objectives=data["objectives"], user=self.request.user)


class ProgrammeEditView(ServiceFormMixin, ObjectPermissionMixin, generic.EditView):
    def save_instance(self):
        return services.programme_update(
            programme=self.object, objectives=self.form.cleaned_data["objectives"], user=self.request.user
        )


class AuditInspectView(TimelineInspectView):
    def timeline_of(self, obj):
        # Its findings are part of an audit's trail (9.2.2 f): the one timeline its workspace shows too.
        return selectors.audit_history(obj)


# --- filters ---------------------------------------------------------------------------------


class AuditFilterSet(WagtailFilterSet):
    mine = django_filters.BooleanFilter(label=_("My audits"), method="filter_mine")

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        user = self.request.user
        return queryset.filter(rules.team_q(user)).distinct()

    class Meta:
        model = Audit
        fields = ["mine", "programme", "status", "kind", "lead_auditor", "scope_units"]


class FindingFilterSet(WagtailFilterSet):
    class Meta:
        model = Finding
        fields = ["classification", "audit__programme", "audit", "unit", "clause"]


def _workspace_link(audit):
    return format_html('<a href="{}">{}</a>', reverse("audits:detail", args=[audit.pk]), _("Workspace"))


class AuditViewSet(ModelViewSet):
    model = Audit
    name = "audit_register"
    icon = "clipboard-list"
    menu_label = _("Audits")
    index_view_class = registers.AuditIndexView
    add_view_class = AuditCreateView
    edit_view_class = AuditEditView
    list_display = [
        "reference",
        "title",
        "kind",
        "status",
        "planned_start",
        "lead_auditor",
        Column("workspace", label=_("Workspace"), accessor=_workspace_link),
    ]
    filterset_class = AuditFilterSet
    search_fields = ["reference", "title"]
    export_filename = "audits"
    form_fields = [
        "programme",
        "reference",
        "title",
        "kind",
        "follow_up_of",
        "scope_units",
        "scope_documents",
        "scope_clauses",
        "criteria",
        "planned_start",
        "planned_end",
        "lead_auditor",
        "team",
    ]
    inspect_view_enabled = True
    inspect_view_fields = [
        "reference",
        "title",
        "programme",
        "kind",
        "follow_up_of",
        "status",
        "scope_units",
        "scope_documents",
        "scope_clauses",
        "criteria",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "lead_auditor",
        "team",
        "opening_meeting_at",
        "closing_meeting_at",
        "conclusion",
        "closed_at",
    ]
    inspect_view_class = AuditInspectView
    history_view_class = TimelineHistoryView
    copy_view_enabled = False


class ProgrammeViewSet(ModelViewSet):
    model = AuditProgramme
    name = "audit_programmes"
    icon = "date"
    menu_label = _("Audit programmes")
    index_view_class = registers.ProgrammeIndexView
    add_view_class = ProgrammeCreateView
    edit_view_class = ProgrammeEditView
    list_display = [
        "year",
        "status",
        "approved_by",
        "approved_at",
        Column(
            "coverage",
            label=_("Coverage"),
            accessor=lambda p: format_html('<a href="{}">{}</a>', p.get_absolute_url(), _("Coverage")),
        ),
    ]
    list_filter = ["status"]
    export_filename = "audit-programmes"
    form_fields = ["year", "objectives"]
    inspect_view_enabled = True
    inspect_view_class = TimelineInspectView
    history_view_class = TimelineHistoryView
    copy_view_enabled = False


class FindingViewSet(ModelViewSet):
    model = Finding
    name = "audit_findings"
    icon = "warning"
    menu_label = _("Findings")
    index_view_class = registers.FindingIndexView
    list_display = [
        "__str__",
        "audit",
        "clause",
        "unit",
        "nonconformity",
        Column("workspace", label=_("Workspace"), accessor=lambda f: _workspace_link(f.audit)),
    ]
    filterset_class = FindingFilterSet
    search_fields = ["statement", "evidence"]
    export_filename = "audit-findings"
    form_fields = ["classification", "statement", "evidence"]
    inspect_view_enabled = True
    inspect_view_class = TimelineInspectView
    history_view_class = TimelineHistoryView
    copy_view_enabled = False


class ChecklistQuestionViewSet(ModelViewSet):
    model = ChecklistQuestion
    name = "audit_questions"
    icon = "help"
    menu_label = _("Question bank")
    index_view_class = registers.QuestionIndexView
    list_display = ["text", "clause", "document", "is_active"]
    list_filter = ["is_active", "clause", "document"]
    search_fields = ["text"]
    export_filename = "audit-questions"
    form_fields = ["clause", "document", "text", "sort_order", "is_active"]
    inspect_view_enabled = True
    inspect_view_class = TimelineInspectView
    history_view_class = TimelineHistoryView
    copy_view_enabled = False


class AuditsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Internal audits")
    menu_icon = "clipboard-list"
    menu_order = 300
    items = (ProgrammeViewSet, AuditViewSet, FindingViewSet, ChecklistQuestionViewSet)


@hooks.register("register_admin_viewset")
def register_audit_viewsets():
    return AuditsViewSetGroup()


class MyAuditsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("audits.plan_audits")


@hooks.register("register_admin_menu_item")
def register_my_audits_menu_item():
    return MyAuditsMenuItem(
        _("My audits"), reverse("audit_register:index") + "?mine=true", icon_name="clipboard-list", order=290
    )


class MyAuditsPanel(Component):
    """The auditor's open audits on the admin dashboard, the nearest first."""

    name = "my_audits"
    template_name = "audits/admin/my_audits_panel.html"
    order = 60

    def __init__(self, audits):
        self.audits = audits

    def get_context_data(self, parent_context=None):
        return {"audits": self.audits}


@hooks.register("construct_homepage_panels")
def add_my_audits_panel(request, panels):
    audits = list(
        selectors.audits_for_user(request.user).exclude(status=Audit.Status.CLOSED).order_by("planned_start")[:10]
    )
    if audits:
        panels.append(MyAuditsPanel(audits))


@hooks.register("qms_importers")
def audit_importers():
    from . import imports

    return [imports.CHECKLIST_QUESTIONS]


@hooks.register("qms_role_permissions")
def audit_role_permissions():
    # Nobody gets delete: audit records are retained as evidence (ISO 9001 9.2.2 f).
    every = ("auditprogramme", "audit", "checklistquestion", "checklistitem", "finding")
    return [
        (roles.QUALITY_OFFICERS, [f"audits.{a}_{m}" for m in every for a in ("add", "change", "view")]),
        (roles.APPROVERS, [f"audits.view_{m}" for m in every]),
        (roles.AUDITORS, [f"audits.view_{m}" for m in every]),
        # Auditors plan and run audits; which audit they may change is decided per object
        # (audits.permissions): only those they are on.
        (roles.AUDITORS, [f"audits.{a}_{m}" for m in ("audit", "checklistitem", "finding") for a in ("add", "change")]),
        # The programme belongs to the quality officer; auditors and leadership read it.
        (roles.AUDITORS, ["audits.add_checklistquestion", "audits.change_checklistquestion"]),
    ]


def _sees_audits(user):
    return user.is_authenticated and (user.has_perm("audits.read_audits") or user.unit_id)


@hooks.register("qms_site_nav")
def audit_nav():
    return [site.NavItem(_("Audits"), "audits:index", order=40, visible=_sees_audits)]


@hooks.register("qms_home_panels")
def audit_home_panels():
    from . import approvals

    # Leadership lands on the site: what awaits its approval comes first (ISO 9001 5.1).
    return [site.HomePanel("approvals", approvals.render_home_panel, order=5)]


@hooks.register("qms_demo_seeders")
def audit_demo_seeders():
    from .demo import seed

    return [core_demo.Seeder("audits", seed, order=30)]


@hooks.register("qms_reminder_providers")
def audit_reminder_providers():
    from . import reminders

    return [
        reminders.audits_coming_up,
        reminders.findings_without_nonconformity,
        reminders.programmes_awaiting_approval,
    ]


@hooks.register("qms_review_inputs")
def review_inputs():
    from . import review_inputs

    return review_inputs.INPUTS
