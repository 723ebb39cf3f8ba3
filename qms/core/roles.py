"""Roles are Django groups (DESIGN.md section 2); this module is their one definition.

The groups themselves are created by a data migration. Which model permissions
each role holds is declared here for the core and registered by higher apps
through Wagtail's hook `qms_role_permissions`, then applied on every post_migrate, since
permissions only exist once all apps have migrated. Per-object rules (a process
owner, an auditor's own unit) live in each app's permission policy, not here.
"""

from django.db import DEFAULT_DB_ALIAS

from .records import QmsError

STAFF = "Staff"
QUALITY_OFFICERS = "Quality officers"
APPROVERS = "Approvers"
AUDITORS = "Auditors"
ALL_ROLES = (STAFF, QUALITY_OFFICERS, APPROVERS, AUDITORS)

# Roles that work in the Wagtail admin; staff only use the site.
ADMIN_ROLES = (QUALITY_OFFICERS, APPROVERS, AUDITORS)

# Each app gives the roles the model permissions of its records through Wagtail's hook
# qms_role_permissions: a callable returning (role, ["app_label.codename", ...]) pairs
# (docs/architecture.md). The core's own:
PERMISSIONS_HOOK = "qms_role_permissions"
CORE_PERMISSIONS = (
    (QUALITY_OFFICERS, ["wagtailadmin.access_admin"]),
    (APPROVERS, ["wagtailadmin.access_admin"]),
    (AUDITORS, ["wagtailadmin.access_admin"]),
    (
        QUALITY_OFFICERS,
        [f"core.{action}_{model}" for model in ("organisationunit", "user") for action in ("add", "change", "view")],
    ),
    (QUALITY_OFFICERS, ["core.view_isoclause"]),
    (AUDITORS, ["core.view_organisationunit", "core.view_isoclause"]),
)


def is_role_group(group):
    """A role's group: its rights are the product's, set here on every migrate (ISO 9001 5.3)."""
    return group is not None and group.name in ALL_ROLES


class RoleGroupReadOnly(QmsError):
    """A change to a role group; the message says where extra rights go instead."""


def role_group_note():
    from django.utils.translation import gettext as _

    return _(
        "The rights of this role are set by the product and restored on every update, so they cannot be "
        "edited here. To give some people extra rights, create another group and add them to it."
    )


def check_group_editable(group):
    """Refuse any change (name, permissions, deletion) to a role group, whoever asks."""
    if is_role_group(group):
        raise RoleGroupReadOnly(role_group_note())


def role_permissions():
    """{role: frozenset of "app_label.codename"}: the core's and every app's (hook qms_role_permissions)."""
    from .extensions import collected

    found = {role: set() for role in ALL_ROLES}
    for role, perms in (*CORE_PERMISSIONS, *collected(PERMISSIONS_HOOK)):
        found[role].update(perms)
    return {role: frozenset(perms) for role, perms in found.items()}


def sync_role_permissions(sender=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """Make each role group hold exactly the declared permissions (idempotent).

    The role groups are the product's: the admin shows their permissions read-only and
    refuses changes (check_group_editable), so nothing an administrator adds is lost here.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    # post_migrate fires once per app; permissions are complete only after the
    # last app's, which also runs after auth's own create_permissions handler.
    with_models = [config.label for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not None and sender.label != with_models[-1]:
        return
    for role, perms in role_permissions().items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for perm in sorted(perms):
            app_label, codename = perm.split(".", 1)
            found = Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)


def roles_of(user):
    if not user.is_authenticated:
        return set()
    return {role for role in ALL_ROLES if user.in_group(role)}


def is_quality_officer(user):
    return user.is_authenticated and user.in_group(QUALITY_OFFICERS)


def is_approver(user):
    return user.is_authenticated and user.in_group(APPROVERS)


def is_auditor(user):
    return user.is_authenticated and user.in_group(AUDITORS)


def lands_in_admin(user):
    """Quality officers and auditors land on the admin; staff and approvers on the site."""
    # A superuser is in every group (User.in_group), so lands on the admin too.
    return user.is_authenticated and (is_quality_officer(user) or is_auditor(user))


def active_member_ids(role):
    """The active members of a role group, by pk (one query): whom a role's reminders go to.

    Group membership only: a superuser passes `in_group` for every role, but is an administrator's
    account, not leadership, so it is not mailed what leadership has to decide.
    """
    from django.contrib.auth import get_user_model

    members = get_user_model().objects.filter(groups__name=role, is_active=True)
    return tuple(members.order_by("pk").values_list("pk", flat=True).distinct())
