"""Wagtail admin views of the risk register (ISO 9001 6.1): the filterable list (kind, band, unit, status,
owner), inspect with the one timeline, identify and edit with a reason, the Excel register of what the list
shows. Ratings, treatment and reviews are taken on the site's risk page, where their forms live; every write
goes through `services`; nothing here deletes.
"""

import django_filters
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.widgets import HeaderButton

from qms.core.admin_views import ExcelRegisterIndexView, ReasonVersionMixin, ServiceFormMixin, TimelineInspectView
from qms.core.timeline import timeline

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


class RiskCreateForm(ReasonVersionMixin, WagtailAdminModelForm):
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


class RiskEditForm(ReasonVersionMixin, WagtailAdminModelForm):
    class Meta:
        model = Risk
        fields = list(services.DESCRIPTION_FIELDS)


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


class RiskInspectView(TimelineInspectView):
    template_name = "risks/admin/inspect.html"

    def timeline_of(self, obj):
        # Its reviews are part of a risk's trail (ISO 9001 6.1, 9.1.3): on the one timeline with it.
        return timeline(obj, related=list(obj.reviews.all()))


class RiskIndexView(ExcelRegisterIndexView):
    register_url_name = "risks:export"
    list_select_related = ("unit", "owner")

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(HeaderButton(gettext_lazy("Heat map"), url=reverse("risks:heat_map"), icon_name="table"))
        return buttons
