"""Forms of the site views: they only collect input; the services decide (ISO 9001 10.2)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qms.core import documents as core_documents
from qms.core.models import OrganisationUnit

from . import rules, services
from .models import CorrectiveAction, Nonconformity
from .services import EDITABLE_FIELDS

WHY_COUNT = 5
# The classic categories of a cause and effect (Ishikawa) diagram.
FISHBONE = (
    ("people", _("People")),
    ("methods", _("Methods")),
    ("machines", _("Equipment")),
    ("materials", _("Materials")),
    ("measurement", _("Measurement")),
    ("environment", _("Environment")),
)
MAX_EVIDENCE_BYTES = getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)


def people():
    # With their unit: a choice reads "name (unit)" (PersonChoiceField), no query per person.
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("unit")
        .order_by("last_name", "first_name", "username")
    )


# ISO 9001 10.2.1 b) 2): the root cause analysis as fields (five whys, cause and effect), kept as
# JSON on the nonconformity; shared by the site's edit form and the admin's.


def root_cause_fields():
    fields = {
        f"why_{index}": forms.CharField(label=_("Why? (%(n)s)") % {"n": index}, required=False, max_length=500)
        for index in range(1, WHY_COUNT + 1)
    }
    for key, label in FISHBONE:
        fields[f"cause_{key}"] = forms.CharField(label=label, required=False, max_length=1000)
    return fields


def root_cause_initial(answers):
    answers = answers or {}
    initial = {f"why_{index + 1}": answer for index, answer in enumerate((answers.get("whys") or [])[:WHY_COUNT])}
    for key, _label in FISHBONE:
        initial[f"cause_{key}"] = (answers.get("causes") or {}).get(key, "")
    return initial


def root_cause_answers(data):
    """The answers kept for the chosen method; the why and cause fields are taken out of `data`."""
    method = data.get("root_cause_method") or ""
    whys = [(data.pop(f"why_{index}", "") or "").strip() for index in range(1, WHY_COUNT + 1)]
    causes = {key: (data.pop(f"cause_{key}", "") or "").strip() for key, _label in FISHBONE}
    if method == Nonconformity.RootCauseMethod.FIVE_WHYS:
        return {"whys": [why for why in whys if why]}
    if method == Nonconformity.RootCauseMethod.CAUSE_AND_EFFECT:
        return {"causes": {key: value for key, value in causes.items() if value}}
    return {}


def source_choices(user, current=None):
    """The sources `user` may record, by `nonconformities.report_from_any_source` (rules.sources_for)."""
    allowed = rules.sources_for(user, current=current)
    return [(value, label) for value, label in Nonconformity.Source.choices if value in allowed]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.unit.code})" if obj.unit_id else str(obj)


class ReportForm(forms.Form):
    title = forms.CharField(label=_("What went wrong, in a few words"), max_length=255)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("What happened, where, when.")
    )
    source = forms.ChoiceField(label=_("Source"))
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Nonconformity.Severity.choices,
        initial=Nonconformity.Severity.MINOR,
        help_text=_("Major: the process failed or a requirement is not met at all. The quality officer confirms."),
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrganisationUnit.objects.filter(is_active=True))
    documents = forms.ModelMultipleChoiceField(
        label=_("Process documents"), queryset=None, required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = core_documents.documents()
        self.fields["source"].choices = source_choices(user)
        self.fields["source"].initial = Nonconformity.Source.STAFF_REPORT


class TransitionForm(forms.Form):
    target = forms.ChoiceField(choices=Nonconformity.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def apply(self, request, nonconformity):
        """Ask the service for the change of status (the site's and the admin's button alike); the person
        reads the outcome, or the service's refusal, as a message."""
        try:
            services.nonconformity_transition(
                nonconformity=nonconformity,
                target=self.cleaned_data["target"],
                user=request.user,
                reason=self.cleaned_data["reason"],
                version=self.cleaned_data["version"],
            )
        except services.NonconformityError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("Done."))


class NonconformityEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.ChoiceField(label=_("Source"), choices=Nonconformity.Source.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Nonconformity.Severity.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrganisationUnit.objects.filter(is_active=True))
    owner = PersonChoiceField(label=_("Owner"), queryset=None, required=False)
    containment = forms.CharField(
        label=_("Containment (immediate correction)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    containment_done_on = forms.DateField(
        label=_("Containment done on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    root_cause_method = forms.ChoiceField(
        label=_("Root cause method"), required=False, choices=[("", "—")] + Nonconformity.RootCauseMethod.choices
    )
    root_cause = forms.CharField(
        label=_("Root cause (conclusion)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        help_text=_("Required when the severity or the root cause changes."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, nonconformity, user, **kwargs):
        # The service's list of editable fields; the answers of the root cause analysis have their own fields.
        initial = {field: getattr(nonconformity, field) for field in EDITABLE_FIELDS - {"root_cause_answers"}}
        initial["version"] = nonconformity.version
        initial.update(root_cause_initial(nonconformity.root_cause_answers))
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["source"].choices = source_choices(user, current=nonconformity.source)
        self.fields["owner"].queryset = people()
        self.fields.update(root_cause_fields())

    def main_fields(self):
        return [
            field
            for field in self.visible_fields()
            if not field.name.startswith(("why_", "cause_")) and field.name not in ("root_cause", "reason")
        ]

    def why_fields(self):
        return [self[f"why_{index}"] for index in range(1, WHY_COUNT + 1)]

    def cause_fields(self):
        return [self[f"cause_{key}"] for key, _label in FISHBONE]

    def changes(self):
        data = dict(self.cleaned_data)
        data["root_cause_answers"] = root_cause_answers(data)
        data.pop("reason", None)
        data.pop("version", None)
        return data


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CorrectiveAction.Kind.choices, initial="corrective")
    description = forms.CharField(label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = PersonChoiceField(label=_("Owner"), queryset=None)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


class ActionEditForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, help_text=_("Required when the due date moves.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class CompleteForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence of completion"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done, and where the records are."),
    )
    files = MultipleFileField(label=_("Files"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        for upload in files:
            if upload.size > MAX_EVIDENCE_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(mb)s MB.") % {"name": upload.name, "mb": MAX_EVIDENCE_BYTES // 2**20}
                )
        return files


class VerifyForm(forms.Form):
    effective = forms.TypedChoiceField(
        label=_("Was the action effective?"),
        choices=[("yes", _("Yes, effective")), ("no", _("No, not effective"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the action was not effective."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
