"""Who may read and maintain the register of procedures and the one-stop figures (ISO 9001 5.3).

Quality officers maintain the register, its links to the internal processes and the figures; everyone
holding a role reads them. A citizen (not logged in) reads what the department publishes: a public
procedure that is in force or amended, never a repealed or replaced one, never the figures.
Names follow docs/roles.md (`procedures.<verb>_<object>`).
"""

import rules

from qms.core.rules import has_a_role, is_quality_officer


@rules.predicate
def is_published(user, procedure):
    return procedure is not None and procedure.is_public and procedure.status in procedure.APPLICABLE


rules.add_perm("procedures.read_procedure", has_a_role | is_published)
rules.add_perm("procedures.read_register", has_a_role)
rules.add_perm("procedures.manage_procedures", is_quality_officer)
rules.add_perm("procedures.read_performance", has_a_role)
rules.add_perm("procedures.record_performance", is_quality_officer)
