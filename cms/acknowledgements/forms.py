from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from qms.core.models import OrganisationUnit


class DistributeForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=OrganisationUnit.objects.filter(is_active=True).order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one unit.")},
    )
    due_date = forms.DateField(
        label=_("Acknowledge by"),
        required=False,
        widget=AdminDateInput,
        help_text=_("Leave empty for no deadline. Reminders are sent until everyone has acknowledged."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        help_text=_("Recorded in the distribution's history, e.g. 'also concerns the one-stop desk'."),
    )

    def clean_due_date(self):
        due_date = self.cleaned_data.get("due_date")
        if due_date is not None and due_date < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_date
