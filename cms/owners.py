"""The page tree and per-unit edit rights of controlled documents (ISO 9001 5.3, 7.5.2).

Apart from cms.services so that the publication service (cms.publishing), which keeps the unit's
process-owners group in step when an approved revision changes the owner, needs no import of the
services that call it.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from .errors import DocumentError
from .models import DocumentIndexPage, HomePage

OWNER_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
DOCUMENT_COLLECTION_PERMISSIONS = ("add_document", "choose_document")


OWNERS_GROUP_PREFIX = "Process owners "


def owners_group_name(unit):
    """The stored name of the unit's process-owners group (English, as every group's; see owners_group_label)."""
    return f"{OWNERS_GROUP_PREFIX}{unit.code}"


def owners_group_label(name):
    """A process-owners group's name in the reader's language, or None for another group's
    (hook ``qms_group_names``, qms.core.workflow_names)."""
    if not name.startswith(OWNERS_GROUP_PREFIX):
        return None
    code = name.removeprefix(OWNERS_GROUP_PREFIX)
    if not code or " " in code:
        return None
    return _("Process owners %(unit)s") % {"unit": code}


# What every name this labeller labels contains: an admin page without it has none of these groups.
owners_group_label.marker = OWNERS_GROUP_PREFIX


@transaction.atomic
def document_index_for_unit(*, unit, user=None):
    """The unit's DocumentIndexPage under the home page, created (published) on first use."""
    existing = DocumentIndexPage.objects.filter(unit=unit).first()
    if existing is not None:
        return existing
    home = HomePage.objects.first()
    if home is None:
        raise DocumentError(_("The site has no home page; run the migrations."))
    index = DocumentIndexPage(title=unit.name, slug=unit.code.lower(), unit=unit)
    home.add_child(instance=index)
    index.save_revision(user=user, log_action=True).publish(user=user, skip_permission_checks=True)
    return index


@transaction.atomic
def document_owner_groups_sync(*, unit):
    """Keep the unit's process-owners group equal to the owners of the unit's documents.

    The group may add and edit (never publish) pages under the unit's index page,
    so a process owner edits only their unit's documents (ISO 9001 5.3, 7.5.2).
    """
    index = document_index_for_unit(unit=unit)
    group, _created = Group.objects.get_or_create(name=owners_group_name(unit))
    group.permissions.set(Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"))
    page_permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=OWNER_PAGE_PERMISSIONS
    )
    for permission in page_permissions:
        GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)
    GroupPagePermission.objects.filter(group=group).exclude(page=index).delete()
    GroupPagePermission.objects.filter(group=group).exclude(permission__in=page_permissions).delete()
    root = Collection.get_first_root_node()
    for permission in Permission.objects.filter(
        content_type__app_label="wagtaildocs", codename__in=DOCUMENT_COLLECTION_PERMISSIONS
    ):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
    from qms.core.models import User

    owners = User.objects.filter(owned_documents__unit=unit, is_active=True).distinct()
    group.user_set.set(owners)
    return group
