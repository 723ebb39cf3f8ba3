"""Admin views for quality officers: who read which revision, distribution, Excel export (ISO 9001 7.2, 7.5.3).

Reached from the admin menu ("Read and understood") and from a document's header
buttons. Wagtail admits only people with admin access; `rules.py` then decides per
document, and a refusal is a plain 403.
"""

from collections import Counter

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView

from cms.models import DocumentVersion, ProcessDocumentPage
from qms.core.models import OrganisationUnit
from qms.spreadsheets.export import Column, RegisterWorkbook

from . import documents, selectors, services
from .forms import DistributeForm
from .models import Acknowledgement, Distribution


def forbidden(request, title):
    return TemplateResponse(
        request,
        "acknowledgements/admin/forbidden.html",
        {"page_title": title, "header_title": title, "breadcrumbs_items": []},
        status=403,
    )


class AdminView(TemplateView):
    page_title = gettext_lazy("Read and understood")
    header_icon = "tick-inverse"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title = str(self.get_page_title())
        context.update(
            page_title=title,
            header_title=title,
            header_icon=self.header_icon,
            breadcrumbs_items=[
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": reverse("acknowledgements_admin:index"), "label": _("Read and understood")},
                {"url": "", "label": title},
            ],
        )
        return context

    def get_page_title(self):
        return self.page_title


class IndexView(AdminView):
    """Current revisions with their acknowledged and pending counts."""

    template_name = "acknowledgements/admin/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        versions = documents.current_versions().select_related("page", "page__unit")
        if not user.has_perm("acknowledgements.read_every_list"):
            versions = versions.filter(page__unit_id__in=selectors.owned_units(user))
        unit = self.request.GET.get("unit", "")
        selected_unit = int(unit) if unit.isdigit() else None
        if selected_unit:
            versions = versions.filter(page__unit_id=selected_unit)
        versions = list(versions.order_by("page__identifier"))
        ids = [v.pk for v in versions]
        pending = Counter(row.version.pk for row in selectors.pending_acknowledgements(versions=ids)) if ids else {}
        acknowledged = dict(
            Acknowledgement.objects.filter(version_id__in=ids)
            .values("version_id")
            .annotate(n=Count("pk"))
            .values_list("version_id", "n")
        )
        distributed = set(Distribution.objects.filter(version_id__in=ids).values_list("version_id", flat=True))
        rows = [
            {
                "version": v,
                "pending": pending.get(v.pk, 0),
                "acknowledged": acknowledged.get(v.pk, 0),
                "distributed": v.pk in distributed,
            }
            for v in versions
        ]
        pending_only = self.request.GET.get("pending") == "1"
        if pending_only:
            rows = [row for row in rows if row["pending"]]
        context.update(
            rows=rows,
            units=OrganisationUnit.objects.filter(is_active=True).order_by("code"),
            selected_unit=selected_unit,
            pending_only=pending_only,
        )
        return context


def _version_or_403(request, version_id):
    version = get_object_or_404(DocumentVersion.objects.select_related("page", "page__unit"), pk=version_id)
    if not request.user.has_perm("acknowledgements.read_status", version.page):
        return version, forbidden(request, _("Read and understood"))
    return version, None


def _title(version):
    return _("%(identifier)s %(title)s, revision %(number)s") % {
        "identifier": version.page.identifier,
        "title": version.page.title,
        "number": version.number,
    }


class VersionView(AdminView):
    """Who acknowledged one revision and who has not, by unit."""

    template_name = "acknowledgements/admin/version.html"

    def dispatch(self, request, version_id):
        self.version, denied = _version_or_403(request, version_id)
        return denied or super().dispatch(request, version_id)

    def get_page_title(self):
        return _title(self.version)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.version
        context.update(
            version=version,
            status=selectors.pending_for_version(version),
            history=selectors.distribution_history(version),
            is_current=documents.is_current(version),
            can_distribute=self.request.user.has_perm("acknowledgements.distribute_revision", version.page),
            other_versions=version.page.versions.exclude(pk=version.pk).only("pk", "number").order_by("-number"),
        )
        return context


def document_view(request, page_id):
    """A document's header button lands here: its current revision, else its latest."""
    page = get_object_or_404(ProcessDocumentPage, pk=page_id)
    if not request.user.has_perm("acknowledgements.read_status", page):
        return forbidden(request, _("Read and understood"))
    version = documents.current_version_of(page.pk) or page.versions.order_by("-number").first()
    if version is None:
        messages.warning(request, _("%(document)s has no effective revision yet.") % {"document": page.identifier})
        return redirect("acknowledgements_admin:index")
    return redirect("acknowledgements_admin:version", version.pk)


class DistributeView(AdminView):
    template_name = "acknowledgements/admin/distribute.html"

    def dispatch(self, request, version_id):
        self.version = get_object_or_404(DocumentVersion.objects.select_related("page", "page__unit"), pk=version_id)
        if not request.user.has_perm("acknowledgements.distribute_revision", self.version.page):
            return forbidden(request, _("Distribute"))
        return super().dispatch(request, version_id)

    def get_page_title(self):
        return _("Distribute %(version)s") % {"version": _title(self.version)}

    def get_form(self):
        initial = {"units": list(self.version.distributions.values_list("unit_id", flat=True))}
        return DistributeForm(self.request.POST or None, initial=initial)

    def get(self, request, version_id):
        return self.render_to_response(self.get_context_data(form=self.get_form(), version=self.version))

    def post(self, request, version_id):
        form = self.get_form()
        if form.is_valid():
            try:
                services.version_distribute(
                    version=self.version,
                    units=form.cleaned_data["units"],
                    user=request.user,
                    due_date=form.cleaned_data["due_date"],
                    reason=form.cleaned_data["reason"],
                )
            except services.AcknowledgementError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(version)s distributed to %(units)s.")
                    % {"version": _title(self.version), "units": ", ".join(u.code for u in form.cleaned_data["units"])},
                )
                return redirect("acknowledgements_admin:version", self.version.pk)
        return self.render_to_response(self.get_context_data(form=form, version=self.version), status=400)


EXPORT_COLUMNS = [
    Column(gettext_lazy("Unit"), lambda row: row[0].code if row[0] else ""),
    Column(gettext_lazy("Unit name"), lambda row: row[0].name if row[0] else ""),
    Column(gettext_lazy("Person"), lambda row: str(row[1])),
    Column(gettext_lazy("Log-in"), lambda row: row[1].get_username()),
    Column(gettext_lazy("Job title"), lambda row: row[1].job_title),
    Column(
        gettext_lazy("Status"),
        lambda row: (
            pgettext("acknowledgement status", "Acknowledged")
            if row[2]
            else pgettext("acknowledgement status", "Pending")
        ),
    ),
    Column(gettext_lazy("Acknowledged at"), lambda row: row[2].acknowledged_at if row[2] else None, kind="datetime"),
    Column(gettext_lazy("Distributed at"), lambda row: row[3].distributed_at if row[3] else None, kind="datetime"),
    Column(gettext_lazy("Acknowledge by"), lambda row: row[3].due_date if row[3] else None, kind="date"),
]


def export_view(request, version_id):
    """The list of one revision as Excel: evidence for an audit of 7.2 / 7.5.3."""
    version, denied = _version_or_403(request, version_id)
    if denied:
        return denied
    status = selectors.pending_for_version(version)
    book = RegisterWorkbook(
        title=_("Read and understood: %(version)s") % {"version": _title(version)},
        user=request.user,
        filters_description=_("%(acknowledged)s acknowledged, %(pending)s pending")
        % {"acknowledged": status.acknowledged_count, "pending": status.pending_count},
    )
    # A sheet name holds 31 characters: the identifier (at most 30) names the sheet cleanly;
    # the full title and revision are in the header block above the table.
    book.add_table(version.page.identifier, EXPORT_COLUMNS, status.rows())
    return book.response(f"read-and-understood-{version.page.identifier}-rev{version.number}.xlsx")
