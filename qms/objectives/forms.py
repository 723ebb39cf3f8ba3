"""Forms of the objectives pages: they collect input; the services decide."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from qms.nonconformities.forms import MAX_EVIDENCE_BYTES


class MeasurementForm(forms.Form):
    """One period's value (ISO 9001 9.1.1), with its evidence."""

    period_start = forms.TypedChoiceField(label=_("Period"), coerce=lambda value: value)
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Evidence"), required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, help_text=_("Required when you correct a value already recorded.")
    )

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["period_start"].choices = [
            (start.isoformat(), f"{start:%d/%m/%Y} – {end:%d/%m/%Y}") for start, end in indicator.periods()
        ]

    def clean_period_start(self):
        return datetime.date.fromisoformat(self.cleaned_data["period_start"])

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload and upload.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(
                _("%(name)s is larger than %(mb)s MB.") % {"name": upload.name, "mb": MAX_EVIDENCE_BYTES // 2**20}
            )
        return upload


class StepForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False)
