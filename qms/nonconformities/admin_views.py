"""Wagtail admin views for the nonconformity register (ISO 9001 10.2): lists, inspect with the timeline,
transitions, edits and the Excel register. Every write goes through `services`; nothing here deletes.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic

from qms.core import admin_views as admin_kit
from qms.core.admin_views import ExcelRegisterIndexView, ServiceFormMixin, TimelineInspectView, listed_records

from . import forms as site_forms
from . import selectors, services
from .models import CorrectiveAction, Nonconformity
from .register import register_filename, register_workbook
from .selectors import action_timeline

S = Nonconformity.Status


class OverdueFilterMixin:
    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        if value is None:
            return queryset
        overdue = {
            "status__in": CorrectiveAction.OPEN_STATUSES,
            "due_date__lt": timezone.localdate(),
        }
        if self.Meta.model is Nonconformity:
            ids = CorrectiveAction.objects.filter(**overdue).values("nonconformity_id")
            return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class NonconformityFilterSet(OverdueFilterMixin, WagtailFilterSet):
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Has overdue actions"), method="filter_overdue", widget=forms.NullBooleanSelect
    )

    class Meta:
        model = Nonconformity
        fields = ["status", "unit", "source", "severity", "owner"]


class CorrectiveActionFilterSet(OverdueFilterMixin, WagtailFilterSet):
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Overdue"), method="filter_overdue", widget=forms.NullBooleanSelect
    )
    unit = django_filters.ModelChoiceFilter(label=gettext_lazy("Unit"), field_name="nonconformity__unit", queryset=None)

    def __init__(self, *args, **kwargs):
        from qms.core.models import OrganisationUnit

        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = OrganisationUnit.objects.all()

    class Meta:
        model = CorrectiveAction
        fields = ["status", "kind", "owner"]


def filters_description(filterset):
    """Which filter produced an export, in words, for the register's header block."""
    if filterset is None or not filterset.is_bound or not filterset.is_valid():
        return ""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        label = filterset.form.fields[name].label or name
        if hasattr(filterset.form.fields[name], "choices") and not hasattr(value, "pk"):
            value = dict(filterset.form.fields[name].choices).get(value, value)
        parts.append(f"{label}: {value}")
    return "; ".join(parts)


class NonconformityIndexView(ExcelRegisterIndexView):
    register_url_name = "nonconformities_admin_register"
    list_select_related = ("unit", "owner")


def register_export(request):
    """The register with the index's filters applied, through the shared spreadsheet layer."""
    if not request.user.has_perm("nonconformities.view_nonconformity"):
        raise PermissionDenied
    filterset, queryset = listed_records(
        request, NonconformityFilterSet, Nonconformity.objects.all(), search_fields=("title", "reference")
    )
    book = register_workbook(
        queryset.order_by("reference"), user=request.user, filters_description=filters_description(filterset)
    )
    return book.response(register_filename())


class ReasonVersionMixin(admin_kit.ReasonVersionMixin):
    reason_help_text = gettext_lazy("Required when the severity, the root cause or a due date changes.")


class SourceRuleMixin:
    """The sources offered are those the person may record (`nonconformities.report_from_any_source`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "source" in self.fields:
            current = self.instance.source if self.instance.pk else None
            self.fields["source"].choices = site_forms.source_choices(self.for_user, current=current)


class NonconformityCreateForm(SourceRuleMixin, WagtailAdminModelForm):
    class Meta:
        model = Nonconformity
        fields = ["title", "description", "source", "severity", "unit", "owner", "documents", "clauses"]


class NonconformityEditForm(SourceRuleMixin, ReasonVersionMixin, WagtailAdminModelForm):
    """The root cause analysis as the site shows it (whys, causes by category), not as raw JSON."""

    class Meta:
        model = Nonconformity
        fields = sorted(services.EDITABLE_FIELDS - {"root_cause_answers"}) + ["documents", "clauses"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = dict(self.fields)
        self.fields.clear()
        for name, field in fields.items():
            self.fields[name] = field
            if name == "root_cause_method":
                self.fields.update(site_forms.root_cause_fields())
        self.initial.update(site_forms.root_cause_initial(self.instance.root_cause_answers))

    def root_cause_changed(self):
        return any(name.startswith(("why_", "cause_")) or name == "root_cause_method" for name in self.changed_data)


class ActionCreateForm(WagtailAdminModelForm):
    """Here an action is planned for a nonconformity; another record's actions are planned from its own page."""

    class Meta:
        model = CorrectiveAction
        fields = ["nonconformity", "kind", "description", "owner", "due_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nonconformity"].required = True


class ActionEditForm(ReasonVersionMixin, WagtailAdminModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["kind", "description", "owner", "due_date"]


class NonconformityCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.nonconformity_report(
            title=data["title"],
            description=data["description"],
            source=data["source"],
            severity=data["severity"],
            unit=data["unit"],
            owner=data.get("owner"),
            documents=data.get("documents") or (),
            clauses=data.get("clauses") or (),
            reported_by=self.request.user,
            reason=_("Recorded in the admin"),
        )


class NonconformityEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        changes = {name: data[name] for name in self.form.changed_data if name in services.EDITABLE_FIELDS}
        for name in ("documents", "clauses"):
            if name in self.form.changed_data:
                changes[name] = data[name]
        if self.form.root_cause_changed():
            changes["root_cause_answers"] = site_forms.root_cause_answers(dict(data))
        return services.nonconformity_update(
            nonconformity=self.object,
            user=self.request.user,
            version=data.get("expected_version"),
            reason=data.get("reason", ""),
            **changes,
        )


class ActionCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.action_create(
            nonconformity=data["nonconformity"],
            kind=data["kind"],
            description=data["description"],
            owner=data["owner"],
            due_date=data["due_date"],
            user=self.request.user,
        )


class ActionEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        changes = {
            name: data[name] for name in self.form.changed_data if name in ("kind", "description", "owner", "due_date")
        }
        return services.action_update(
            action=self.object,
            user=self.request.user,
            version=data.get("expected_version"),
            reason=data.get("reason", ""),
            **changes,
        )


class RegisterInspectView(TimelineInspectView):
    """A nonconformity or an action; an action's timeline is its own with its evidence and verification."""

    template_name = "nonconformities/admin/inspect.html"

    def timeline_of(self, obj):
        return action_timeline(obj) if isinstance(obj, CorrectiveAction) else super().timeline_of(obj)


class NonconformityInspectView(RegisterInspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nc = self.object
        available = selectors.nonconformity_actions(user=self.request.user, nonconformity=nc)
        context["buttons"] = [step for step in available if step.action == "transition" and step.allowed]
        context["transition_url"] = reverse("nonconformities_admin_transition", args=[nc.pk])
        context["actions"] = nc.actions.select_related("owner")
        return context


@require_POST
def transition(request, pk):
    """A transition button of the inspect view; the service refuses what the person may not do.

    The buttons always post a known target and the version the page was loaded with. A post
    without a version is treated as a stale copy (ISO 9001 7.5.3.2 c: no change made blind over
    someone else's), never as "skip the check"; an unknown target is a malformed request.
    """
    nc = get_object_or_404(Nonconformity, pk=pk)
    if not request.user.has_perm("nonconformities.read_nonconformity", nc):
        raise PermissionDenied
    form = site_forms.TransitionForm(request.POST)
    if not form.is_valid():
        if "target" in form.errors:
            return HttpResponseBadRequest(_("Unknown status."))
        messages.error(request, str(services.ConflictError.default_message))
        return redirect(reverse("nonconformities_admin:inspect", args=[pk]))
    form.apply(request, nc)
    return redirect(reverse("nonconformities_admin:inspect", args=[pk]))
