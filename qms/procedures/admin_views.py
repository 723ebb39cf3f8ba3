"""Wagtail admin views of the register of procedures and the one-stop figures (ISO 9001 8.5.1, 9.1.1).

The list with its filters (level, field, status, agency), inspect with the children, the linked internal
processes and the timeline, and an edit that asks for the reason; every write goes through `services`.
Nothing here deletes: a procedure that no longer applies is repealed or replaced, and stays on record.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.widgets import HeaderButton

from qms.core.admin_views import ReasonVersionMixin, ServiceFormMixin, TimelineInspectView

from . import performance, services
from .models import AdministrativeProcedure, Level, ProcedurePerformance


class ProcedureFilterSet(WagtailFilterSet):
    field = django_filters.CharFilter(label=pgettext_lazy("procedure", "Field"), lookup_expr="icontains")
    implementing_agency = django_filters.CharFilter(label=gettext_lazy("Implementing agency"), lookup_expr="icontains")
    level = django_filters.ChoiceFilter(label=gettext_lazy("Level"), choices=Level.choices)

    class Meta:
        model = AdministrativeProcedure
        fields = ["level", "field", "status", "implementing_agency", "unit", "is_public"]


class ProcedureIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(HeaderButton(_("On-time rates"), url=reverse("procedures_admin_performance"), icon_name="table"))
        return buttons


class ProcedureForm(ReasonVersionMixin, WagtailAdminModelForm):
    """The procedure with its children, the internal processes that implement it, and why it changes: every
    edit says why (a new decision, a corrected fee), in a text area since those reasons run long."""

    reason_help_text = gettext_lazy("Kept in the history with your name. Required when editing.")
    reason_required_on_edit = True
    reason_widget = forms.Textarea(attrs={"rows": 2})


class _ServiceSaveMixin(ServiceFormMixin):
    def save_instance(self):
        data = self.form.cleaned_data
        procedure = self.form.save(commit=False)
        return services.procedure_save(
            procedure=procedure,
            user=self.request.user,
            reason=data.get("reason", ""),
            documents=data.get("documents"),
            expected_version=data.get("expected_version"),
        )


class ProcedureCreateView(_ServiceSaveMixin, generic.CreateView):
    pass


class ProcedureEditView(_ServiceSaveMixin, generic.EditView):
    pass


class ProcedureInspectView(TimelineInspectView):
    """The kit's record and timeline, with the children and figures a procedure's page lists below them."""

    template_name = "procedures/admin/inspect.html"
    # What the history shows of the children: the page lists the children themselves.
    internal_fields = (
        *TimelineInspectView.internal_fields,
        "ways_summary",
        "fees_summary",
        "components_summary",
        "legal_basis_summary",
    )

    def get_field_display_value(self, field_name, field):
        if field_name == "replaced_by" and self.object.replaced_by_id:
            # By code and name, as the register lists it: the kit names a related record by its code alone.
            return str(self.object.replaced_by)
        return super().get_field_display_value(field_name, field)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        procedure = self.object
        context["ways"] = procedure.ways.all()
        context["fees"] = procedure.fees.all()
        context["components"] = procedure.components.select_related("form")
        context["legal_bases"] = procedure.legal_bases.all()
        context["documents"] = procedure.documents.order_by("identifier")
        context["figures"] = procedure.performance.select_related("nonconformity").order_by("-month")[:24]
        return context


class PerformanceFilterSet(WagtailFilterSet):
    class Meta:
        model = ProcedurePerformance
        fields = ["month", "procedure__unit"]


class PerformanceIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("procedure", "nonconformity")


def performance_report(request):
    """On-time rates per procedure, unit and month, as a table and a chart (ISO 9001 9.1.1, 9.1.3)."""
    if not request.user.has_perm("procedures.read_performance"):
        raise PermissionDenied
    from django.shortcuts import render

    report = performance.report(
        start=request.GET.get("from") or None, end=request.GET.get("to") or None, unit=request.GET.get("unit") or None
    )
    return render(
        request,
        "procedures/admin/performance.html",
        {"report": report, "chart": performance.chart_svg(report.months), "page_title": _("On-time rates")},
    )


def procedure_by_code(request, code):
    procedure = get_object_or_404(AdministrativeProcedure, code=code)
    return redirect(reverse("procedures_admin:inspect", args=[procedure.pk]))
