from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("One sheet, headings as in the template. Nothing is written until you confirm the preview."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, accept=".xlsx", **kwargs):
        super().__init__(*args, **kwargs)
        if accept != ".xlsx":
            # An importer of another format (JSON from the national portal): its own file type.
            self.fields["file"].widget.attrs["accept"] = accept
            self.fields["file"].label = _("File (%(types)s)") % {"types": accept}
