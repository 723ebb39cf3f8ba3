"""Who may see and manage read-and-understood records (ISO 9001 7.5.3, 7.2).

Roles come from the groups (qms.core.roles) through the model permissions they
hold; the per-object part is the process owner, as the document app defines it
(the owner of a document of the unit: "process owners see their unit's").

- every signed-in person acknowledges only for themselves (the services take
  the acting user, never a person to act for);
- quality officers see every list, export it and distribute revisions;
- auditors see and export every list (they read everything, 9.2) but do not distribute;
- process owners see, export and distribute the revisions of their unit's documents;
- everybody else is refused.
"""

from cms import selectors as document_selectors
from cms.models import ProcessDocumentPage


def can_view_all(user):
    return user.is_authenticated and (user.is_superuser or user.has_perm("acknowledgements.view_acknowledgement"))


def is_owner(user, page):
    return document_selectors.is_process_owner_of(user, page)


def can_view_status(user, page):
    """May `user` see who is pending and who acknowledged the revisions of `page`?"""
    return can_view_all(user) or is_owner(user, page)


def can_distribute(user, page):
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_perm("acknowledgements.add_distribution") or is_owner(user, page)


def owned_units(user):
    """Ids of the units whose documents `user` owns, as a subquery."""
    return ProcessDocumentPage.objects.filter(process_owner_id=user.pk).values("unit_id")
