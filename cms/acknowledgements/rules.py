"""Who may see and manage read-and-understood records (ISO 9001 7.5.3, 7.2).

Roles come from the groups through the model permissions they hold; the per-object part is the
process owner, as the documents app defines it (`cms.rules.is_process_owner_of`). Names follow
docs/roles.md; the views, hooks and services ask `user.has_perm(<name>, page)`.

- every signed-in person acknowledges only for themselves (the services take the acting user);
- quality officers see every list, export it and distribute revisions;
- auditors see and export every list (they read everything, 9.2) but do not distribute;
- process owners see, export and distribute the revisions of their unit's documents;
- everybody else is refused.
"""

import rules

from cms.rules import is_process_owner_of
from qms.core.rules import is_authenticated


@rules.predicate
def holds_view_acknowledgement(user):
    return user.has_perm("acknowledgements.view_acknowledgement")


@rules.predicate
def holds_add_distribution(user):
    return user.has_perm("acknowledgements.add_distribution")


rules.add_perm("acknowledgements.read_every_list", is_authenticated & holds_view_acknowledgement)
rules.add_perm("acknowledgements.read_status", is_authenticated & (holds_view_acknowledgement | is_process_owner_of))
rules.add_perm(
    "acknowledgements.distribute_revision", is_authenticated & (holds_add_distribution | is_process_owner_of)
)
