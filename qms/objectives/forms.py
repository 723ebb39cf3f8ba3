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
    # The version of each period's measurement when the page was loaded ("2026-01-01:2,..."; "" when none was):
    # a correction made meanwhile by someone else is then refused (ConflictError), not silently overwritten.
    versions = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if not self.is_bound:
            series = getattr(indicator, "series", None) or []
            self.fields["versions"].initial = ",".join(f"{m.period_start.isoformat()}:{m.version}" for m in series)
        self.fields["period_start"].choices = [
            (start.isoformat(), f"{start:%d/%m/%Y} – {end:%d/%m/%Y}") for start, end in indicator.periods()
        ]

    def clean_period_start(self):
        return datetime.date.fromisoformat(self.cleaned_data["period_start"])

    def clean_versions(self):
        found = {}
        for part in filter(None, self.cleaned_data.get("versions", "").split(",")):
            day, _sep, version = part.partition(":")
            try:
                found[datetime.date.fromisoformat(day)] = int(version)
            except ValueError:
                raise forms.ValidationError(_("The page is out of date: reload it and try again.")) from None
        return found

    def expected_version(self):
        """The version the person saw for the chosen period: 0 when it had no measurement then."""
        return self.cleaned_data["versions"].get(self.cleaned_data["period_start"], 0)

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
