"""Wagtail admin views of the feedback register (ISO 9001 8.2.1, 9.1.2): the list with its filters, inspect
with the actions the person may take (the same `actions.available_actions` the site renders), the Excel
register and the satisfaction results. Every write goes through `services`; nothing here deletes.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.widgets import HeaderButton

from qms.core.admin_views import ExcelRegisterIndexView, ServiceFormMixin, TimelineInspectView, listed_records
from qms.core.records import QmsError, save_with_history

from . import actions, rules, selectors, services
from .models import CONTACT_FIELDS, Feedback, SurveyQuestion, SurveyResponse
from .register import register_filename, register_workbook, satisfaction_workbook


class FeedbackFilterSet(WagtailFilterSet):
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Overdue"), method="filter_overdue", widget=forms.NullBooleanSelect
    )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"status__in": Feedback.UNANSWERED_STATUSES, "due_date__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)

    class Meta:
        model = Feedback
        fields = ["status", "kind", "channel", "unit", "handler", "concerns_regulation"]


class FeedbackIndexView(ExcelRegisterIndexView):
    register_url_name = "feedback_admin_register"
    list_select_related = ("unit", "handler")


def register_export(request):
    """The register with the index's filters applied; contact columns only for those who see every contact."""
    if not request.user.has_perm("feedback.view_feedback"):
        raise PermissionDenied
    _, queryset = listed_records(
        request, FeedbackFilterSet, Feedback.objects.all(), search_fields=("reference", "text")
    )
    visible = rules.visibility_filter(request.user)
    if visible is not None:
        queryset = queryset.filter(visible)
    return register_workbook(queryset, user=request.user).response(register_filename())


def satisfaction_export(request):
    if not request.user.has_perm("feedback.view_surveyresponse"):
        raise PermissionDenied
    return satisfaction_workbook(SurveyResponse.objects.all(), user=request.user).response(
        f"satisfaction-{timezone.localdate():%Y-%m-%d}.xlsx"
    )


class FeedbackRecordForm(WagtailAdminModelForm):
    """Feedback received by phone, letter, e-mail or at the desk, recorded by staff (through the service)."""

    class Meta:
        model = Feedback
        fields = ["channel", "kind", "text", "page", "unit", "name", "email", "phone"]


class FeedbackCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.feedback_receive(
            kind=data["kind"],
            text=data["text"],
            channel=data["channel"],
            page=data.get("page"),
            unit=data.get("unit"),
            name=data.get("name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            user=self.request.user,
            language=getattr(self.request, "LANGUAGE_CODE", None),
        )


class NoEditView(generic.EditView):
    """A feedback record changes only through its actions (inspect view), each with its rule and history."""

    def dispatch(self, request, *args, **kwargs):
        return redirect(reverse("feedback_admin:inspect", args=[kwargs["pk"]]))


class FeedbackInspectView(TimelineInspectView):
    """The kit's record and timeline, with the actions the person may take and the contact only for those who
    may see it."""

    template_name = "feedback/admin/inspect.html"
    # The stored file, not for a reader of the register (the sender's key is the model's `secret_fields`).
    internal_fields = (*TimelineInspectView.internal_fields, "attachment")

    def get_fields(self):
        # Called before `self.object` is set (InspectView.setup), so the record is read here.
        feedback = get_object_or_404(Feedback, pk=self.pk)
        if not self.request.user.has_perm("feedback.read_feedback", feedback):
            raise PermissionDenied
        fields = super().get_fields()
        if not self.request.user.has_perm("feedback.see_contact", feedback):
            fields = [name for name in fields if name not in CONTACT_FIELDS]
        return fields

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        feedback = self.object
        context["show_contact"] = self.request.user.has_perm("feedback.see_contact", feedback)
        context["actions"] = actions.available_actions(self.request.user, feedback)
        context["act_base"] = reverse("feedback_admin_act", args=[feedback.pk, "x"])[:-2]
        return context


@require_POST
def act(request, pk, name):
    feedback = get_object_or_404(Feedback, pk=pk)
    if not request.user.has_perm("feedback.read_feedback", feedback):
        raise PermissionDenied
    try:
        result, form = actions.perform(name, feedback=feedback, user=request.user, data=request.POST)
    except QmsError as error:
        messages.error(request, error.message)
    else:
        if result is None:
            problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
            messages.error(request, problems or _("The request was incomplete; nothing was changed."))
        else:
            messages.success(request, _("Done."))
    return redirect(reverse("feedback_admin:inspect", args=[pk]))


class SurveyQuestionForm(WagtailAdminModelForm):
    class Meta:
        model = SurveyQuestion
        fields = ["text", "order", "is_active"]


class _HistorySaveMixin:
    """Saved with the person and a reason in its history, as every quality record is."""

    history_reason = gettext_lazy("Edited in the admin")

    def save_instance(self):
        instance = self.form.save(commit=False)
        return save_with_history(instance, user=self.request.user, reason=self.history_reason)


class SurveyQuestionCreateView(_HistorySaveMixin, generic.CreateView):
    history_reason = gettext_lazy("Question added")


class SurveyQuestionEditView(_HistorySaveMixin, generic.EditView):
    pass


class SurveyResponseIndexView(generic.IndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(
            HeaderButton(_("Satisfaction results"), url=reverse("feedback_admin_satisfaction"), icon_name="download")
        )
        return buttons


__all__ = ["selectors"]
