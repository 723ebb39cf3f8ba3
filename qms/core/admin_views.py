"""The quality-record kit of the Wagtail admin: the views, form fields and register helper every register's
viewset shares.

Each register used to carry its own copy of these, and the copies drifted (one caught only its own
error class, two forgot the error banner). A register takes them as they are, or subclasses them where
its records differ: `TimelineInspectView.timeline_of` for a timeline that holds more than the record.
docs/development.md ("The quality-record kit", "The admin views") says how a new register uses them.
"""

import copy

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template import Context
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history
from wagtail.admin.widgets import HeaderButton

from .records import QmsError
from .timeline import EMPTY, display_value, secret_fields, timeline


class ReasonVersionMixin(forms.Form):
    """The reason for a change, which the service keeps in the record's history (ISO 9001 7.5.3), and the
    version the form was opened at, so that the service refuses an edit made over someone else's.

    A register whose rules ask for a reason in some changes says so in its `reason_help_text`; one that asks
    for it in every edit says `reason_required_on_edit = True` (the form refuses an edit without one), and one
    whose reasons run long names its `reason_widget` (a text area).
    """

    reason = forms.CharField(label=gettext_lazy("Reason for the change"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason_help_text = gettext_lazy("Kept in the record's history.")
    reason_required_on_edit = False
    reason_widget = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        reason.help_text = self.reason_help_text
        if self.reason_widget is not None:
            # A copy per form, as Django gives each form its own copy of a declared field's widget.
            reason.widget = copy.deepcopy(self.reason_widget)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            reason.required = self.reason_required_on_edit


class ServiceFormMixin:
    """Wagtail's create/edit views, saving through the register's services in `save_instance`.

    A refusal of the rules (any `QmsError`) becomes a form error with Wagtail's error banner, and the
    person's input stays on the form. Wagtail runs `save_instance` in a transaction, which the error
    leaves, so nothing the service wrote before refusing is kept: the record stays as it was.
    """

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except QmsError as error:
            form.add_error(None, error.message)
            # Wagtail's form_invalid reads both: the banner (and a JSON caller's error) say what was refused.
            self.produced_error_code = "validation_error"
            self.produced_error_message = error.message
            return self.form_invalid(form)


class NoDeleteView(generic.DeleteView):
    """Quality records are never deleted through the product (ISO 9001 7.5.3.2), not even by a superuser:
    one that no longer applies is closed, withdrawn or repealed, and stays on record."""

    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied


class TimelineHistoryView(history.HistoryView):
    """Wagtail's history lists its own log entries, which these records do not use: the real trail
    (django-simple-history, with old and new values and reasons) is on the inspect view, so go there."""

    # Whoever may read the record may read its history: the inspect view's permissions, not Wagtail's
    # add/change/delete (nobody holds those on the one-stop figures, which only the import writes).
    any_permission_required = generic.InspectView.any_permission_required

    def get(self, request, *args, **kwargs):
        # Wagtail passes a history view its viewset's index URL name, not the inspect one: same namespace.
        namespace = self.index_url_name.split(":")[0]
        return redirect(reverse(f"{namespace}:inspect", args=[kwargs["pk"]]))


# Django's own rendering of a value in a template ({{ value }}): local time, localized, escaped.
_CELL_CONTEXT = Context()


class PlainColumn(Column):
    """Wagtail's ``Column``, its cell written in Python rather than through its template.

    Written by hand because a register's list has 50 rows of seven to nine plain cells, and rendering
    each through ``wagtailadmin/tables/cell.html`` was a fifth of the master list's time (issue 21).
    The markup and the value are the template's: the value goes through Django's own
    ``render_value_in_context``, so dates are in the reader's zone and format and text is escaped
    (tests/qms/core/test_plain_column.py compares the two).
    """

    def render_cell_html(self, instance, parent_context):
        value = self.get_cell_context_data(instance, parent_context)["value"]
        text = "" if value is None else render_value_in_context(value, _CELL_CONTEXT)
        if self.classname:
            return format_html('<td class="{}">{}</td>', self.classname, text)
        return format_html("<td>{}</td>", text)


class ExcelRegisterIndexView(generic.IndexView):
    """A register's admin list with the button of its Excel register (the view named `register_url_name`).

    The button carries the list's query string (filters, search), so a register view that reads it exports
    what the person was looking at; a register whose workbook is always whole says
    `register_is_filtered = False`, and its button carries nothing it would ignore. `list_select_related`
    names the related records the list's columns show (a unit, an owner), so that the list costs the same
    few queries however many rows it has.
    """

    register_url_name = None
    register_is_filtered = True
    list_select_related = ()

    def get_base_queryset(self):
        return super().get_base_queryset().select_related(*self.list_select_related)

    def _get_custom_column(self, field_name, column_class=PlainColumn, **kwargs):
        # The columns `list_display` names by field (all but the first, the title): plain cells.
        return super()._get_custom_column(field_name, column_class=column_class, **kwargs)

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        url = reverse(self.register_url_name)
        query = self.request.GET.urlencode() if self.register_is_filtered else ""
        buttons.append(
            HeaderButton(gettext_lazy("Excel register"), url=f"{url}?{query}" if query else url, icon_name="download")
        )
        return buttons


def listed_records(request, filterset_class, queryset, search_fields):
    """The records an `ExcelRegisterIndexView` list shows for the query string its button carried (its filters,
    then its search in `search_fields`), so that the register exported is the list the person was looking at.

    Returns the filterset too, for a register that names the filters in its header block. Filters that do not
    validate are ignored: a tampered link exports the whole register, not an error or an empty one.
    """
    filterset = filterset_class(request.GET or None, queryset=queryset)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    query = request.GET.get("q", "").strip()
    if query:
        matches = Q()
        for name in search_fields:
            matches |= Q(**{f"{name}__icontains": query})
        queryset = queryset.filter(matches)
    return filterset, queryset


class TimelineInspectView(generic.InspectView):
    """The record as a person reads it, then its history (ISO 9001 7.5.3), in the timeline's wording.

    A register with more to show names its `template_name` (which includes `core/_timeline.html` under its
    own link to the site); one with only its fields takes the kit's template as it is. It overrides
    `timeline_of` when its timeline holds more than the record's own history.
    """

    template_name = "core/admin/timeline_inspect.html"
    # Bookkeeping, not part of the record a person reads: the row id and the optimistic-locking counter.
    internal_fields = ("id", "version")

    def timeline_of(self, obj):
        return timeline(obj)

    def get_fields(self):
        # The model's secret fields (a citizen's sender key) are left out whatever the register names.
        hidden = {*self.internal_fields, *secret_fields(self.model)}
        return [name for name in super().get_fields() if name not in hidden]

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
        context["timeline"] = self.timeline_of(self.object)
        # Not every record has a page on the site (a month's one-stop figures): then no link.
        site_page = getattr(self.object, "get_absolute_url", None)
        context["site_url"] = site_page() if site_page else ""
        return context
