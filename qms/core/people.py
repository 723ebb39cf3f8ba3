"""Who may change whose account and roles (ISO 9001 5.3 roles, responsibilities and authorities).

The one home of the rule, used by every entry point: the admin's user forms
(qms.core.forms), the people import (qms.spreadsheets.organisation), and any future command.

- Only an administrator (superuser) grants or removes administrator status, the
  Quality officers and Approvers roles, and sets another person's password:
  those roles decide who controls documents and who approves them (5.3, 7.5.2 c).
- A quality officer manages people's names, e-mail, unit, manager, job title,
  active flag, and the Staff and Auditors roles; not the identity (username,
  e-mail) or active flag of an administrator or of a person holding a role only an
  administrator grants, since changing the e-mail of such an account and asking
  for a new password would take it over.
- Nobody changes their own roles, not even an administrator.

Every change is saved once, with the acting person and a reason, in the person's
django-simple-history trail, which also keeps the roles held at each moment
(User.history tracks `groups`): who, when, old and new (7.5.3).
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from . import roles
from .models import User
from .records import NotPermitted, save_with_history

# Roles a quality officer may grant; everything else is an administrator's.
OFFICER_GRANTABLE_ROLES = (roles.STAFF, roles.AUDITORS)
# Roles whose holders an officer may not take over by changing their identity.
PRIVILEGED_ROLES = (roles.QUALITY_OFFICERS, roles.APPROVERS)
# Fields of a privileged person that only an administrator changes.
PROTECTED_IDENTITY_FIELDS = ("username", "email", "is_active")


class PersonChangeRefused(NotPermitted):
    """A change to a person's account that the acting person may not make; the message says why,
    `field` which part of the account it concerns ("groups", "email"...), when one does."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


def _same(actor, person):
    return person is not None and person.pk is not None and actor.pk == person.pk


def may_manage_people(actor):
    return actor.is_authenticated and actor.has_perm("core.change_user")  # an active superuser has every permission


def grantable_groups(actor, person=None):
    """The groups `actor` may add to or remove from `person` (None: a person being created)."""
    if not may_manage_people(actor) or _same(actor, person):
        return Group.objects.none()
    if actor.is_superuser:
        return Group.objects.all()
    return Group.objects.filter(name__in=OFFICER_GRANTABLE_ROLES)


def may_set_superuser(actor, person=None):
    return actor.is_authenticated and actor.is_superuser and not _same(actor, person)


def may_set_password(actor, person=None):
    """An administrator sets anyone's password; everyone else only their own (new people get theirs by e-mail)."""
    return actor.is_authenticated and (actor.is_superuser or _same(actor, person))


def is_privileged(person):
    if person is None or person.pk is None:
        return False
    return person.is_superuser or person.groups.filter(name__in=PRIVILEGED_ROLES).exists()


def may_change_identity(actor, person=None):
    """Username, e-mail and active flag: an officer may not change them on an administrator or officer/approver."""
    return actor.is_authenticated and (actor.is_superuser or not is_privileged(person))


def role_names(groups):
    """The roles as stored, for a history entry's reason (a record keeps the groups' own names)."""
    return ", ".join(sorted(group.name for group in groups)) or "—"


def role_labels(groups):
    """The roles in the reader's language, for a message or a form (ISO 9001 5.3: who holds which role
    is read by people), as qms.core.workflow_names.group_label names them; any other group's name as it is."""
    from .workflow_names import group_label

    return ", ".join(sorted(group_label(group.name) or group.name for group in groups)) or "—"


def language_of(person):
    """The language a person reads in: their choice under Account → Preferences (or the site's switch),
    else the language of their e-mails, which every person has (the demo's are all Vietnamese)."""
    from django.conf import settings

    profile = getattr(person, "wagtail_userprofile", None)
    chosen = (profile.preferred_language if profile else "") or person.language or settings.LANGUAGE_CODE
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def person_set_language(*, person, language):
    """A person's own choice of reading language, stored where the admin keeps it (Account → Preferences).

    The language of their e-mails is a choice of its own (the reminders' account panel) and stays.
    """
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(person)
    if profile.preferred_language != language:
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])


def check_person_change(*, actor, person, groups=None, stored=None):
    """Raise PersonChangeRefused if `actor` may not save `person` (changed in memory) with `groups`.

    The change is found by comparing with the stored row, so whatever set the
    attributes (a form, an import row) cannot slip a field past the rule.
    Returns the groups before and after (None: unchanged).
    """
    if stored is None and person.pk:
        stored = User.objects.filter(pk=person.pk).first()
    if not may_manage_people(actor):
        raise PersonChangeRefused(_("You may not manage people's accounts."))
    old_groups = set(stored.groups.all()) if stored else set()
    wanted_groups = old_groups if groups is None else set(groups)

    was_superuser = stored.is_superuser if stored else False
    if person.is_superuser != was_superuser and not may_set_superuser(actor, stored):
        raise PersonChangeRefused(_("Only an administrator may grant or remove administrator status."))
    if stored:
        password_changed = stored.password != person.password
    else:
        password_changed = bool(person.password) and person.has_usable_password()
    if password_changed and not may_set_password(actor, stored):
        raise PersonChangeRefused(_("Only an administrator may set another person's password."))
    if stored and not may_change_identity(actor, stored):
        changed = [name for name in PROTECTED_IDENTITY_FIELDS if getattr(stored, name) != getattr(person, name)]
        if changed:
            raise PersonChangeRefused(
                _("Only an administrator may change the username, e-mail or active flag of this person."),
                field=changed[0],
            )
    changed_groups = old_groups ^ wanted_groups
    if changed_groups:
        if _same(actor, stored):
            raise PersonChangeRefused(_("Nobody may change their own roles."), field="groups")
        refused = changed_groups - set(grantable_groups(actor, stored))
        if refused:
            roles_refused = role_labels(refused)
            raise PersonChangeRefused(
                _("Only an administrator may grant or remove these roles: %(roles)s.") % {"roles": roles_refused},
                field="groups",
            )
    return old_groups, wanted_groups


@transaction.atomic
def person_save(*, actor, person, groups=None, reason=""):
    """Save `person` (new, or changed in memory) with `groups` (None: unchanged), if `actor` may.

    Raises PersonChangeRefused and saves nothing when any part is not allowed.
    """
    stored = User.objects.select_for_update().filter(pk=person.pk).first() if person.pk else None
    old_groups, wanted_groups = check_person_change(actor=actor, person=person, groups=groups, stored=stored)
    changed_groups = old_groups ^ wanted_groups
    if changed_groups:
        if stored is None:
            change = _("roles: %(roles)s") % {"roles": role_names(wanted_groups)}
        else:
            change = _("roles: %(old)s → %(new)s") % {"old": role_names(old_groups), "new": role_names(wanted_groups)}
        reason = f"{reason}; {change}" if reason else change

    # The roles are in the history entry of the save: the groups are written without a
    # record of their own, then the save records the person with their new roles.
    if person.pk is None:
        save_with_history(person, user=actor, reason=reason)
    if changed_groups:
        person.skip_history_when_saving = True
        try:
            person.groups.set(wanted_groups)
        finally:
            del person.skip_history_when_saving
        save_with_history(person, user=actor, reason=reason)
    elif stored is not None:
        save_with_history(person, user=actor, reason=reason)
    return person
