"""Who may import registers from Excel (docs/roles.md): quality officers, who maintain the registers.

An importer may narrow it by overriding `Importer.has_permission`.
"""

import rules

from qms.core.rules import is_quality_officer

rules.add_perm("spreadsheets.import_records", is_quality_officer)
