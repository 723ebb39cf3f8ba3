"""Admin views of the imports: choose, download the template, upload, preview, commit (quality officers)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from qms.core.records import QmsError

from . import imports as framework
from .forms import UploadForm
from .models import ImportUpload
from .services import import_commit, import_upload_create, upload_for
from .template_workbook import template_heading


def can_import(user):
    return any(importer.has_permission(user) for importer in framework.importers().values())


class ImportBaseView(TemplateView):
    """Shared: the importer from the URL and the permission check, on every method."""

    importer = None

    def dispatch(self, request, *args, **kwargs):
        if "key" in kwargs:
            self.importer = framework.get_importer(kwargs["key"])
            if self.importer is None:
                raise Http404
            if not self.importer.has_permission(request.user):
                raise PermissionDenied
        elif not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["importer"] = self.importer
        context["index_url"] = reverse("spreadsheets_admin:index")
        return context


class ImportIndexView(ImportBaseView):
    template_name = "spreadsheets/import_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["importers"] = [i for i in framework.importers().values() if i.has_permission(user)]
        context["recent"] = ImportUpload.objects.filter(status=ImportUpload.Status.COMMITTED).select_related(
            "uploaded_by"
        )[:20]
        context["page_title"] = gettext_lazy("Imports")
        return context


class ImportUploadView(ImportBaseView):
    template_name = "spreadsheets/import_upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadForm(accept=self.importer.accept))
        context["columns"] = [(template_heading(c), c) for c in self.importer.columns]
        context["page_title"] = self.importer.title
        return context

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES, accept=self.importer.accept)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        data = upload.read(framework.max_bytes() + 1)
        try:
            # The one time the workbook is parsed: the preview and the commit use the rows kept here.
            # A file refused as a whole is never stored (its layout is enough to know; the preview checks
            # every cell and runs the rows).
            sheet = self.importer.read_file(data)
            framework.check_sheet(self.importer, sheet)
        except framework.ImportFileError as error:
            form.add_error("file", error.message)
            return self.render_to_response(self.get_context_data(form=form))
        stored = import_upload_create(importer=self.importer, sheet=sheet, filename=upload.name, user=request.user)
        return redirect("spreadsheets_admin:preview", key=self.importer.key, token=stored.token)


class ImportPreviewView(ImportBaseView):
    template_name = "spreadsheets/import_preview.html"

    def get(self, request, *args, **kwargs):
        try:
            upload = upload_for(token=kwargs["token"], importer=self.importer, user=request.user)
            result = framework.run_import(
                self.importer, upload.read_sheet(), user=request.user, filename=upload.filename, commit=False
            )
        except QmsError as error:  # the upload refused, or its file
            messages.error(request, error.message)
            return redirect("spreadsheets_admin:upload", key=self.importer.key)
        return self.render_to_response(self.get_context_data(upload=upload, result=result))

    def post(self, request, *args, **kwargs):
        """Commit: re-validate the rows read at upload, then all or nothing."""
        try:
            result = import_commit(importer=self.importer, token=kwargs["token"], user=request.user)
        except QmsError as error:  # the upload refused, or its file
            messages.error(request, error.message)
            return redirect("spreadsheets_admin:upload", key=self.importer.key)
        if not result.committed:
            messages.error(request, _("Nothing was imported: the file no longer passes the checks (see below)."))
            upload = ImportUpload.objects.get(token=kwargs["token"])
            return self.render_to_response(self.get_context_data(upload=upload, result=result))
        counts = result.counts()
        messages.success(
            request,
            _("Imported %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"file": result.filename, **counts},
        )
        return redirect("spreadsheets_admin:index")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.importer.title
        context["upload_url"] = reverse("spreadsheets_admin:upload", kwargs={"key": self.importer.key})
        return context


class ImportTemplateView(ImportBaseView):
    def get(self, request, *args, **kwargs):
        content, content_type, extension = self.importer.template()
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.importer.key}-template.{extension}"'
        return response
