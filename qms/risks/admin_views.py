"""Wagtail admin views of the risk register (ISO 9001 6.1): the filterable list (kind, band, unit, status,
owner), inspect with the one timeline, identify and edit with a reason, the Excel register of what the list
shows. Ratings, treatment and reviews are taken on the site's risk page, where their forms live; every write
goes through `services`; nothing here deletes.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history
from wagtail.admin.widgets import HeaderButton

from qms.core.records import QmsError
from qms.core.timeline import EMPTY, display_value, timeline

from . import scoring, selectors, services
from .models import Risk


class RiskFilterSet(WagtailFilterSet):
    band = django_filters.ChoiceFilter(label=gettext_lazy("Band"), method="filter_band", choices=scoring.Band.choices)

    class Meta:
        model = Risk
        fields = ["kind", "status", "unit", "owner"]

    def filter_band(self, queryset, name, value):
        return selectors.filtered(queryset, {"band": value}) if value else queryset


def _ratings():
    return [("", "—"), *((value, value) for value in scoring.ratings())]


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


class RiskCreateForm(ReasonMixin, WagtailAdminModelForm):
    likelihood = forms.TypedChoiceField(label=gettext_lazy("Likelihood"), coerce=int, empty_value=None, required=False)
    impact = forms.TypedChoiceField(label=gettext_lazy("Impact"), coerce=int, empty_value=None, required=False)

    class Meta:
        model = Risk
        fields = [
            "kind",
            "title",
            "unit",
            "document",
            "procedure",
            "cause",
            "consequence",
            "existing_controls",
            "likelihood",
            "impact",
            "owner",
            "review_date",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["likelihood"].choices = self.fields["impact"].choices = _ratings()


class RiskEditForm(ReasonMixin, WagtailAdminModelForm):
    class Meta:
        model = Risk
        fields = list(services.DESCRIPTION_FIELDS)


class ServiceFormMixin:
    """Wagtail's create/edit views, saving through the services; a refusal becomes a form error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except QmsError as error:
            form.add_error(None, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


class RiskCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.risk_identify(
            user=self.request.user,
            reason=data.get("reason", ""),
            **{name: data.get(name) for name in RiskCreateForm.Meta.fields},
        )


class RiskEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        fields = [name for name in self.form.changed_data if name in services.DESCRIPTION_FIELDS]
        return services.risk_update(
            risk=self.object,
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


class RiskInspectView(generic.InspectView):
    """The record as a person reads it, then its history (ISO 9001 7.5.3), in the timeline's wording."""

    template_name = "risks/admin/inspect.html"
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
        context["timeline"] = timeline(self.object, related=list(self.object.reviews.all()))
        context["site_url"] = self.object.get_absolute_url()
        return context


class RiskIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit", "owner")

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        query = self.request.GET.urlencode()
        url = reverse("risks:export") + (f"?{query}" if query else "")
        buttons.append(HeaderButton(gettext_lazy("Excel register"), url=url, icon_name="download"))
        buttons.append(HeaderButton(gettext_lazy("Heat map"), url=reverse("risks:heat_map"), icon_name="table"))
        return buttons
