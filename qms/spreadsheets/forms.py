from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("One sheet, headings as in the template. Nothing is written until you confirm the preview."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
