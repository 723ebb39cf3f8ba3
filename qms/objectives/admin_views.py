"""Wagtail admin views of the quality objectives (ISO 9001 6.2): list, inspect with the one timeline, create and
edit with a reason. Every write goes through `services`; nothing here deletes.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history
from wagtail.admin.widgets import HeaderButton

from qms.core import indicators as computations
from qms.core.records import QmsError
from qms.core.timeline import EMPTY, display_value

from . import selectors, services
from .models import Indicator, QualityObjective


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=False,
        help_text=gettext_lazy("Kept in the record's history."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


class ObjectiveForm(ReasonMixin, WagtailAdminModelForm):
    class Meta:
        model = QualityObjective
        fields = ["title", "year", "level", "unit", "owner", "documents", "policy_statement", "description"]


class IndicatorForm(ReasonMixin, WagtailAdminModelForm):
    computation = forms.ChoiceField(label=gettext_lazy("Computation"), required=False)

    class Meta:
        model = Indicator
        fields = [
            "objective",
            "name",
            "unit_of_measure",
            "direction",
            "target",
            "warning_threshold",
            "frequency",
            "source",
            "computation",
            "reporter",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["computation"].choices = [("", "—"), *computations.choices()]
        self.fields["objective"].queryset = QualityObjective.objects.filter(status=QualityObjective.Status.DRAFT)
        if self.instance.pk:
            self.fields["objective"].disabled = True


class ServiceFormMixin:
    """Wagtail's create/edit views, saving through the services; a refusal becomes a form error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except QmsError as error:
            form.add_error(None, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


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


class NoDeleteView(generic.DeleteView):
    """Quality records are never deleted through the product (ISO 9001 7.5.3.2)."""

    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied


class TimelineHistoryView(history.HistoryView):
    """The real trail (django-simple-history, with old and new values and reasons) is on the inspect view."""

    def get(self, request, *args, **kwargs):
        return redirect(reverse(f"{self.index_url_name.split(':')[0]}:inspect", args=[kwargs["pk"]]))


class TimelineInspectView(generic.InspectView):
    """The record as a person reads it, then its history (ISO 9001 7.5.3), in the timeline's wording."""

    template_name = "objectives/admin/inspect.html"
    internal_fields = ("id", "version")

    def get_fields(self):
        return [name for name in super().get_fields() if name not in self.internal_fields]

    def get_field_display_value(self, field_name, field):
        if field is None:
            return super().get_field_display_value(field_name, field)
        value = getattr(self.object, field_name)
        if field.many_to_many:
            value = list(value.all())
        shown = display_value(self.model, field_name, value)
        return shown if shown != "" else EMPTY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        if isinstance(obj, QualityObjective):
            context["timeline"] = selectors.objective_history(obj)
        else:
            context["timeline"] = selectors.indicator_history(obj)
        context["site_url"] = obj.get_absolute_url()
        return context


class ObjectiveIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit", "owner")

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(
            HeaderButton(gettext_lazy("Excel register"), url=reverse("objectives:export"), icon_name="download")
        )
        return buttons
