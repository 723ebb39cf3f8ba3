from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class PreferencesForm(forms.Form):
    digest_frequency = forms.ChoiceField(
        label=_("Reminders of items not yet overdue"),
        choices=get_user_model().DigestFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Overdue items are always sent and cannot be switched off."),
    )
    language = forms.ChoiceField(label=_("Language of reminder e-mails"), choices=settings.LANGUAGES)
