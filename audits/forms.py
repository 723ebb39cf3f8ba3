"""Forms of the auditor's workspace; they only collect input, the services decide (ISO 9001 9.2)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qms.core.models import IsoClause, OrganisationUnit

from .models import ChecklistItem, Finding


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["classification", "statement", "evidence", "clause", "document", "unit", "checklist_item"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 3}), "evidence": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.audit = audit
        self.fields["clause"].queryset = IsoClause.objects.all()
        self.fields["document"].queryset = audit.scope_documents.all()
        unit_ids = set(audit.scope_units.values_list("pk", flat=True)) | set(
            audit.scope_documents.values_list("unit_id", flat=True)
        )
        self.fields["unit"].queryset = OrganisationUnit.objects.filter(pk__in=unit_ids)
        self.fields["unit"].help_text = _("Required for a nonconformity: the unit that must act on it.")
        self.fields["checklist_item"].queryset = audit.checklist.all()
        self.fields["checklist_item"].label_from_instance = lambda item: f"{item.sort_order}. {item.question[:90]}"
        if len(unit_ids) == 1 and not self.is_bound and not self.instance.pk:
            self.initial.setdefault("unit", next(iter(unit_ids)))


class ChecklistItemForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    evidence = forms.CharField(label=_("Evidence seen"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.ChoiceField(label=_("Result"), choices=ChecklistItem.Result.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NewQuestionForm(forms.Form):
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    clause = forms.ModelChoiceField(label=_("Clause"), queryset=IsoClause.objects.all(), required=False)


class MeetingForm(forms.Form):
    notes = forms.CharField(label=_("Meeting notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    conclusion = forms.CharField(label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    closed = forms.TypedChoiceField(
        label=_("Verification"),
        choices=[("1", _("Verified closed")), ("0", _("Not closed"))],
        coerce=lambda value: value == "1",
    )
    notes = forms.CharField(label=_("Verification notes"), required=False)
