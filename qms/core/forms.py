"""Wagtail user forms with the QMS fields a person carries: unit, manager, language, digest.

The forms offer only what the acting person may change (qms.core.people holds the
rule): a field they may not touch is removed, so a crafted POST for it is ignored,
and the groups offered are only those they may grant. The save goes through
`people.person_save`, which checks the whole change again against the stored row.
"""

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from . import people

QMS_USER_FIELDS = ["unit", "manager", "job_title", "language", "digest_frequency"]


class PersonFormMixin:
    """Cut the form down to what `actor` may change on this person (ISO 9001 5.3)."""

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Fail closed: a view that does not say who acts gets the form of someone with no rights.
        self.actor = actor = actor if actor is not None else AnonymousUser()
        person = self.instance if self.instance.pk else None
        if not people.may_set_superuser(actor, person):
            self.fields.pop("is_superuser", None)
        if not people.may_set_password(actor, person):
            self.fields.pop("password1", None)
            self.fields.pop("password2", None)
        if person is not None and not people.may_change_identity(actor, person):
            for name in people.PROTECTED_IDENTITY_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Only an administrator may change this for a person with administrator rights or the "
                        "Quality officers or Approvers role."
                    )
        self.grantable = people.grantable_groups(actor, person)
        if "groups" in self.fields:
            if self.grantable.exists():
                self.fields["groups"].queryset = self.grantable
                self.fields["groups"].help_text = _(
                    "Only an administrator grants the Quality officers and Approvers roles."
                )
            else:
                del self.fields["groups"]
        # Shown on the page, so the officer sees the roles they cannot change rather than none at all.
        fixed = person.groups.exclude(pk__in=self.grantable) if person is not None else None
        self.fixed_roles = people.role_labels(fixed) if fixed is not None else ""

    @property
    def password_enabled(self):
        return super().password_enabled and "password1" in self.fields

    def wanted_groups(self):
        """The person's groups after this form: those offered as ticked, the others as they were."""
        if "groups" not in self.fields:
            return None
        kept = set(self.instance.groups.exclude(pk__in=self.grantable)) if self.instance.pk else set()
        return kept | set(self.cleaned_data.get("groups") or [])

    def save(self, commit=True):
        person = super().save(commit=False)
        if person.pk is None and not self.password_enabled:
            # Created by an officer: the person sets a password with "Forgotten password".
            person.set_unusable_password()
        if commit:
            people.person_save(actor=self.actor, person=person, groups=self.wanted_groups())
        return person

    def _post_clean(self):
        super()._post_clean()
        # The same rule as the save, so that a refusal reads as a form error rather than a failed save.
        if self.errors:
            return
        try:
            people.check_person_change(actor=self.actor, person=self.instance, groups=self.wanted_groups())
        except people.PersonChangeRefused as refusal:
            field = refusal.field if refusal.field in self.fields else None
            self.add_error(field, forms.ValidationError(str(refusal)))


class QmsUserCreationForm(PersonFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = set(UserCreationForm.Meta.fields) | set(QMS_USER_FIELDS)


class QmsUserEditForm(PersonFormMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = set(UserEditForm.Meta.fields) | set(QMS_USER_FIELDS)
