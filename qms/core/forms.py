"""Wagtail user forms with the QMS fields a person carries: unit, manager, language, digest."""

from wagtail.users.forms import UserCreationForm, UserEditForm

QMS_USER_FIELDS = ["unit", "manager", "job_title", "language", "digest_frequency"]


class QmsUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = set(UserCreationForm.Meta.fields) | set(QMS_USER_FIELDS)


class QmsUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = set(UserEditForm.Meta.fields) | set(QMS_USER_FIELDS)
