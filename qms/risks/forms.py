"""Forms of the risk pages: they collect input; the services decide (ISO 9001 6.1.2)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qms.nonconformities.models import Nonconformity

from . import scoring
from .models import Risk, RiskReview


def _rating_field(label):
    return forms.TypedChoiceField(label=label, coerce=int, choices=[])


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RatingsMixin:
    rating_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(value, value) for value in scoring.ratings()]
        for name in self.rating_fields:
            self.fields[name].choices = choices


class AssessForm(RatingsMixin, VersionedForm):
    """Likelihood and impact (ISO 9001 6.1.2 a), with what already keeps the risk in check."""

    rating_fields = ("likelihood", "impact")
    likelihood = _rating_field(_("Likelihood"))
    impact = _rating_field(_("Impact"))
    existing_controls = forms.CharField(
        label=_("Existing controls"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TreatmentForm(VersionedForm):
    treatment = forms.ChoiceField(label=_("Treatment"), choices=[])
    plan = forms.CharField(label=_("Treatment plan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    justification = forms.CharField(
        label=_("Justification for accepting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to accept a high risk."),
    )
    review_date = forms.DateField(
        label=_("Next review date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, risk, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Risk.Treatment.choices)
        self.fields["treatment"].choices = [(value, labels[value]) for value in Risk.TREATMENTS[risk.kind]]


class ReviewForm(RatingsMixin, VersionedForm):
    """The periodic review: the level after treatment, and whether the treatment worked (ISO 9001 6.1.2 b)."""

    rating_fields = ("residual_likelihood", "residual_impact")
    residual_likelihood = _rating_field(_("Residual likelihood"))
    residual_impact = _rating_field(_("Residual impact"))
    effectiveness = forms.ChoiceField(label=_("Effectiveness of the treatment"), choices=[])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_review_date = forms.DateField(
        label=_("Next review date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, risk, **kwargs):
        super().__init__(*args, **kwargs)
        E = RiskReview.Effectiveness
        acted_on = risk.treatment in Risk.ACTED_ON
        self.fields["effectiveness"].choices = [
            (value, label) for value, label in E.choices if (value != E.NOT_APPLICABLE) == acted_on
        ]


class CloseForm(VersionedForm):
    pass


class LinkNonconformityForm(VersionedForm):
    nonconformity = forms.CharField(
        label=_("Nonconformity reference"), max_length=20, help_text=_("For example NC-2026-0001.")
    )

    def clean_nonconformity(self):
        reference = self.cleaned_data["nonconformity"].strip()
        found = Nonconformity.objects.filter(reference__iexact=reference).first()
        if found is None:
            raise forms.ValidationError(_("No nonconformity has the reference %(ref)s.") % {"ref": reference})
        return found


class FilterForm(forms.Form):
    """The site list's filters (the heat map's cells link here)."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    band = forms.ChoiceField(label=_("Band"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["kind"].choices = everything + list(Risk.Kind.choices)
        self.fields["band"].choices = everything + list(scoring.Band.choices)
        self.fields["status"].choices = everything + list(Risk.Status.choices)
