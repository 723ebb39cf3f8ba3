"""Admin views for controlled documents (ISO 9001 7.5.3): the master list, periodic review, withdrawal.

The master list (danh mục tài liệu) is a Wagtail report with filters; its Excel
export goes through qms.spreadsheets.export so it carries the register's header
block (who exported what, when, with which filter).
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import Button

from qms.core.admin_views import PlainColumn
from qms.core.models import IsoClause, OrganisationUnit
from qms.spreadsheets import export

from .. import selectors, services
from ..errors import DocumentError
from ..imports import EXPORT_COLUMNS, current_of
from ..models import DocumentReview, ProcessDocumentPage

STATUS_CHOICES = [("current", _("Current")), ("withdrawn", _("Withdrawn")), ("draft", _("Draft"))]
REVIEW_DUE_CHOICES = [("overdue", _("Overdue")), ("soon", _("Due within 30 days"))]


class RegisterFilterSet(WagtailFilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=OrganisationUnit.objects.all(), method="filter_noop"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_noop")
    review_due = django_filters.ChoiceFilter(label=_("Review due"), choices=REVIEW_DUE_CHOICES, method="filter_noop")
    clause = django_filters.ModelChoiceFilter(
        label=_("ISO 9001 clause"), queryset=IsoClause.objects.all(), method="filter_noop"
    )

    class Meta:
        model = ProcessDocumentPage
        fields = []

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.register_documents(
            status=data.get("status") or None,
            unit=data.get("unit"),
            clause=data.get("clause"),
            review_due=data.get("review_due") or None,
        )

    def describe(self):
        if not self.is_bound or not self.form.is_valid():
            return ""
        parts = []
        for name, field in self.form.fields.items():
            value = self.form.cleaned_data.get(name)
            if value:
                shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
                parts.append(f"{field.label}: {shown}")
        return "; ".join(str(part) for part in parts)


class MasterListView(ReportView):
    """Danh mục tài liệu: every document with its current revision and review date."""

    page_title = _("Master list of documents")
    header_icon = "doc-full"
    index_url_name = "cms_register"
    index_results_url_name = "cms_register_results"
    filterset_class = RegisterFilterSet
    model = ProcessDocumentPage
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("cms.read_register"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.register_documents()

    @property
    def columns(self):
        return [
            PlainColumn("identifier", _("Identifier"), lambda d: d.identifier),
            PlainColumn("title", _("Title"), lambda d: d.title),
            PlainColumn("unit", _("Unit"), lambda d: d.unit.code),
            PlainColumn("owner", _("Process owner"), lambda d: d.process_owner or ""),
            PlainColumn("revision", _("Revision"), lambda d: current_of(d).number if current_of(d) else ""),
            PlainColumn(
                "effective",
                _("Effective date"),
                lambda d: current_of(d).effective_date if current_of(d) else "",
            ),
            PlainColumn("next_review_date", _("Next review date"), self._next_review),
            PlainColumn("status", _("Status"), selectors.document_status),
            PlainColumn("actions", _("Review"), self._review_link),
        ]

    @staticmethod
    def _next_review(doc):
        """The date itself (a register is read and printed; "7 months ago" says neither when nor how late).

        ISO 9001 7.5.2 c: a live document past its review date is marked overdue.
        """
        day = doc.next_review_date
        if day is None:
            return ""
        shown = date_format(day, "SHORT_DATE_FORMAT")
        if day < timezone.localdate() and doc.live and not doc.withdrawn_at:
            return format_html('<strong class="overdue">{}</strong> ({})', shown, _("Overdue"))
        return shown

    def _review_link(self, doc):
        from django.utils.html import format_html_join

        if doc.withdrawn_at or not doc.live:
            return ""
        links = []
        if self.request.user.has_perm("cms.review_document", doc):
            links.append((reverse("cms_review", args=[doc.pk]), _("Record review")))
        if self.request.user.has_perm("cms.manage_documents"):
            links.append((reverse("cms_withdraw", args=[doc.pk]), _("Withdraw")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons.copy()
        params = self.request.GET.copy()
        params["export"] = "xlsx"
        url = f"{reverse(self.index_url_name)}?{params.urlencode()}"
        buttons.append(Button(_("Download XLSX"), url=url, icon_name="download", priority=90))
        return buttons

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
            rows = filterset.qs if filterset.is_valid() else self.get_queryset()
            return export.xlsx_response(
                title=_("Master list of documents"),
                columns=EXPORT_COLUMNS,
                rows=rows,
                user=request.user,
                filename=f"master-list-{timezone.localdate():%Y-%m-%d}.xlsx",
                filters_description=filterset.describe() if filterset.is_valid() else "",
            )
        return super().get(request, *args, **kwargs)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DocumentReview.Outcome.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


def review_create(request, page_id):
    """Record a periodic review of a document (owner or officer)."""
    page = get_object_or_404(ProcessDocumentPage, pk=page_id)
    if not request.user.has_perm("cms.review_document", page):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_review_record(
                page=page,
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
                user=request.user,
            )
        except DocumentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The review of %(identifier)s is recorded.") % {"identifier": page.identifier})
            return redirect("cms_register")
    reviews = page.reviews.select_related("reviewed_by", "version")
    return TemplateResponse(request, "cms/admin/review_form.html", {"page": page, "form": form, "reviews": reviews})


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 3}))


def withdraw(request, page_id):
    """Withdraw an obsolete document (quality officers)."""
    page = get_object_or_404(ProcessDocumentPage, pk=page_id)
    if not request.user.has_perm("cms.manage_documents"):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_withdraw(page=page, user=request.user, reason=form.cleaned_data["reason"])
        except DocumentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(identifier)s is withdrawn.") % {"identifier": page.identifier})
            return redirect("cms_register")
    return TemplateResponse(request, "cms/admin/withdraw_form.html", {"page": page, "form": form})


# The editor's actions after which Wagtail leaves the editor for the parent page's listing.
_ACTIONS_LEAVING_THE_EDITOR = ("action-submit", "action-workflow-action", "action-restart-workflow", "action-publish")


def after_edit_leave_for_a_page_they_may_see(request, page):
    """After a workflow step in the editor, send the person somewhere they may open (`after_edit_page` hook).

    Wagtail then redirects to the parent page's listing; an approver holds no page
    permission (the approval is her authority, see cms.workflow), so that listing
    answers "you do not have permission". Such a person goes to their dashboard,
    where Wagtail's success message shows and their next tasks wait. Returns None
    to keep Wagtail's own redirect (`next`, or a listing the person may open).
    """
    if request.method != "POST" or request.GET.get("next") or request.POST.get("next"):
        return None
    if not any(request.POST.get(name) for name in _ACTIONS_LEAVING_THE_EDITOR):
        return None
    from wagtail.permission_policies.pages import PagePermissionPolicy

    parent = page.get_parent()
    if parent is not None and PagePermissionPolicy().explorable_instances(request.user).filter(pk=parent.pk).exists():
        return None
    return redirect("wagtailadmin_home")
