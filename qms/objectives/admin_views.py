"""Wagtail admin views of the quality objectives (ISO 9001 6.2): list, inspect with the one timeline, create and
edit with a reason. Every write goes through `services`; nothing here deletes.
"""

from django import forms
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic

from qms.core import indicators as computations
from qms.core.admin_views import ExcelRegisterIndexView, ReasonVersionMixin, ServiceFormMixin, TimelineInspectView

from . import selectors, services
from .models import Indicator, QualityObjective


class ObjectiveForm(ReasonVersionMixin, WagtailAdminModelForm):
    class Meta:
        model = QualityObjective
        fields = ["title", "year", "level", "unit", "owner", "documents", "policy_statement", "description"]


class IndicatorForm(ReasonVersionMixin, WagtailAdminModelForm):
    computation = forms.ChoiceField(label=gettext_lazy("Computation"), required=False)

    class Meta:
        model = Indicator
        # The fields the services save, so that a field added there is on the form too.
        fields = ["objective", *services.INDICATOR_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["computation"].choices = [("", "—"), *computations.choices()]
        self.fields["objective"].queryset = QualityObjective.objects.filter(status=QualityObjective.Status.DRAFT)
        if self.instance.pk:
            self.fields["objective"].disabled = True


class ObjectiveCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.objective_create(
            user=self.request.user,
            title=data["title"],
            year=data["year"],
            level=data["level"],
            unit=data.get("unit"),
            owner=data["owner"],
            policy_statement=data.get("policy_statement", ""),
            description=data.get("description", ""),
            documents=list(data.get("documents") or []),
            reason=data.get("reason", ""),
        )


class ObjectiveEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        fields = [name for name in self.form.changed_data if name in services.OBJECTIVE_FIELDS]
        return services.objective_update(
            objective=self.object,
            user=self.request.user,
            version=data.get("expected_version"),
            reason=data.get("reason", ""),
            documents=list(data["documents"]) if "documents" in self.form.changed_data else None,
            **{name: data[name] for name in fields},
        )


class IndicatorCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.indicator_create(
            objective=data["objective"],
            user=self.request.user,
            reason=data.get("reason", ""),
            **{name: data.get(name) for name in services.INDICATOR_FIELDS},
        )


class IndicatorEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        fields = [name for name in self.form.changed_data if name in services.INDICATOR_FIELDS]
        return services.indicator_update(
            indicator=self.object,
            user=self.request.user,
            version=data.get("expected_version"),
            reason=data.get("reason", ""),
            **{name: data[name] for name in fields},
        )


class ObjectiveInspectView(TimelineInspectView):
    """An objective or one of its indicators, each with its own history."""

    template_name = "objectives/admin/inspect.html"

    def timeline_of(self, obj):
        if isinstance(obj, QualityObjective):
            return selectors.objective_history(obj)
        return selectors.indicator_history(obj)


class ObjectiveIndexView(ExcelRegisterIndexView):
    register_url_name = "objectives:export"
    # The workbook is the whole register (objectives, indicators and measurements, every year): a filtered
    # link would promise a filtered file.
    register_is_filtered = False
    list_select_related = ("unit", "owner")
