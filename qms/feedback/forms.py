"""Forms of the feedback register and the public side, with the spam guard that needs no outside service.

The public forms carry two guards besides the per-address rate limit of the services:
- a honeypot: a field hidden from people (off-screen, `aria-hidden`, no tab stop) that bots fill in;
- a time check: a signed timestamp of when the form was shown; a form sent back sooner than a person
  could read and type it (QMS_FEEDBACK_MIN_SECONDS, default 3 s), or after the signature expired
  (a day), is refused. Signed with SECRET_KEY, so it cannot be forged or replayed from another form.
Hand-written because a CAPTCHA would call an outside service, which a closed government network
may not reach and which would hand citizens' visits to a third party.
"""

from django import forms
from django.conf import settings
from django.core import signing
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms.core.models import OrganisationUnit, User
from qms.nonconformities.models import Nonconformity

from .models import Feedback, SurveyQuestion

_SALT = "qms.feedback.form-shown"
MAX_FORM_AGE = 24 * 60 * 60


def min_seconds():
    return float(getattr(settings, "QMS_FEEDBACK_MIN_SECONDS", 3))


def attachment_max_bytes():
    return int(getattr(settings, "QMS_FEEDBACK_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


def attachment_types():
    """Extensions accepted, each with the content types a browser may send for it."""
    return getattr(
        settings,
        "QMS_FEEDBACK_ATTACHMENT_TYPES",
        {
            ".pdf": ("application/pdf",),
            ".jpg": ("image/jpeg",),
            ".jpeg": ("image/jpeg",),
            ".png": ("image/png",),
        },
    )


# The first bytes of each accepted type: the name and the browser's content type are the sender's word only.
_MAGIC = {".pdf": (b"%PDF-",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",)}


class SpamGuardForm(forms.Form):
    # A name a bot wants to fill; people never see it (see the template and site.css `.hp`).
    website = forms.CharField(label=_("Leave this empty"), required=False)
    shown = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["shown"] = signing.dumps(timezone.now().timestamp(), salt=_SALT)

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("Your message could not be accepted."), code="honeypot")
        try:
            shown = signing.loads(self.data.get("shown", ""), salt=_SALT, max_age=MAX_FORM_AGE)
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This form has expired. Please reload the page and send it again."), code="expired"
            ) from None
        if timezone.now().timestamp() - float(shown) < min_seconds():
            raise forms.ValidationError(
                _("The form was sent too quickly. Please check it and send it again."), code="too_fast"
            )
        return data


def clean_attachment(upload):
    if upload is None:
        return None
    import os

    ext = os.path.splitext(upload.name or "")[1].lower()
    types = attachment_types()
    if ext not in types:
        raise forms.ValidationError(
            _("Attach a file of one of these types: %(types)s.") % {"types": ", ".join(sorted(types))}, code="type"
        )
    if upload.size > attachment_max_bytes():
        raise forms.ValidationError(
            _("The file is too large (at most %(size)s).") % {"size": filesizeformat(attachment_max_bytes())},
            code="size",
        )
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type and content_type not in types[ext] and content_type != "application/octet-stream":
        raise forms.ValidationError(_("The file's content does not match its name."), code="type")
    head = upload.read(16)
    upload.seek(0)
    if ext in _MAGIC and not any(head.startswith(magic) for magic in _MAGIC[ext]):
        raise forms.ValidationError(_("The file's content does not match its name."), code="type")
    return upload


class PublicFeedbackForm(SpamGuardForm):
    name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("Optional: to receive the acknowledgement and the answer.")
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=Feedback.Kind.choices)
    text = forms.CharField(label=_("Your feedback"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("Optional: a PDF, JPEG or PNG file."),
    )
    page = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["name", "email", "phone", "kind", "text", "attachment", "website", "page", "shown"]

    def clean_attachment(self):
        return clean_attachment(self.cleaned_data.get("attachment"))


class StatusLookupForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=20)
    contact = forms.CharField(
        label=_("E-mail or phone"), max_length=200, help_text=_("The contact you gave with your feedback.")
    )


class SurveyForm(SpamGuardForm):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[
            (5, _("5: very satisfied")),
            (4, _("4: satisfied")),
            (3, _("3: neither satisfied nor dissatisfied")),
            (2, _("2: dissatisfied")),
            (1, _("1: very dissatisfied")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    page = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(SurveyQuestion.objects.filter(is_active=True))
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = forms.CharField(label=question.text, required=False, max_length=1000)

    def answers(self):
        return {str(q.pk): self.cleaned_data.get(f"q_{q.pk}", "") for q in self.questions}


# --- staff forms -------------------------------------------------------------------------------------


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RecordForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(value, label) for value, label in Feedback.Channel.choices if value not in ("web", "import")],
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Feedback.Kind.choices)
    text = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=pgettext_lazy("feedback", "Name"), required=False, max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=OrganisationUnit.objects.filter(is_active=True), required=False
    )


class ClassifyForm(VersionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Feedback.Kind.choices)
    page = forms.IntegerField(label=_("Procedure (page id)"), required=False, widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=OrganisationUnit.objects.filter(is_active=True), required=False
    )
    concerns_regulation = forms.BooleanField(label=_("Concerns an administrative regulation"), required=False)


class AssignForm(VersionForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrganisationUnit.objects.filter(is_active=True))
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.filter(is_active=True))
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Blank: the time limit of the regulation, counted from receipt."),
    )


class AnswerForm(VersionForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}))
    substantiated = forms.TypedChoiceField(
        label=_("Substantiated"),
        required=False,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
    )


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RaiseForm(forms.Form):
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Nonconformity.Severity.choices,
        initial=Nonconformity.Severity.MINOR,
    )
