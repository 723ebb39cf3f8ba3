"""Running an import: every clean row applied in one transaction, each in a savepoint; all rows or none."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from .errors import Problem, RowError
from .validation import validate

if TYPE_CHECKING:
    from .registry import Importer


@dataclass
class RowOutcome:
    number: int
    action: str  # "created" | "updated" | "unchanged"
    label: str


@dataclass
class ImportResult:
    importer: Importer
    filename: str
    problems: list = field(default_factory=list)  # the first MAX_PROBLEMS, by row and column
    outcomes: list = field(default_factory=list)
    rows_read: int = 0
    committed: bool = False
    problem_count: int = 0  # all of them, shown or not

    @property
    def ok(self):
        return not self.problem_count and not self.problems

    @property
    def problems_more(self):
        return max(self.problem_count - len(self.problems), 0)

    def counts(self):
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for outcome in self.outcomes:
            counts[outcome.action] = counts.get(outcome.action, 0) + 1
        return counts


def import_reason(filename):
    """ "Imported from FILE", the file name whole: the history column is a text field (ISO 9001 7.5.3)."""
    return _("Imported from %(file)s") % {"file": filename}


def run_import(importer, data, *, user, filename, commit):
    """Validate `data` (the .xlsx bytes) and, when `commit` and there is no problem, write it all.

    Returns an ImportResult; nothing is written unless result.committed. ImportFileError propagates.
    """
    result = ImportResult(importer=importer, filename=filename)
    rows, problems, result.rows_read, heading_by_name = validate(importer, data)
    reason = import_reason(filename)
    # context["commit"] is False in a preview: an importer whose writes are slow (documents) may check
    # without writing then; the commit runs the real writes and reports any refusal on its row.
    context = {"commit": commit}
    # With the list of problems already full, the file is refused whatever the rows would say: their
    # writes are not tried (they would only add problems nobody is shown).
    to_apply = [] if problems.full else [row for row in rows if row.number not in problems.rows]
    with transaction.atomic():
        for row in importer.order_rows(to_apply):
            # Each row in its own savepoint (a nested atomic block, so that a database error inside it
            # leaves the outer transaction usable): a refused row is listed and the next rows are checked.
            try:
                with transaction.atomic():
                    action, label = importer.apply_row(row, user=user, reason=reason, context=context)
            except RowError as error:
                column = (heading_by_name.get(error.column) or importer.heading(error.column)) if error.column else None
                problems.add(Problem(row.number, column, error.message))
                continue
            except ValidationError as error:
                problems.add(Problem(row.number, None, " ".join(error.messages)))
                continue
            except IntegrityError:
                # A record created by someone else meanwhile (unique constraint): reported, not overwritten.
                message = _("someone created or changed the same record at the same moment; upload the file again.")
                problems.add(Problem(row.number, None, message))
                continue
            except DatabaseError as error:
                problems.add(
                    Problem(row.number, None, _("the database refused this row (%(error)s).") % {"error": error})
                )
                continue
            result.outcomes.append(RowOutcome(row.number, action, label))
        result.problems = problems.shown()
        result.problem_count = problems.count
        if commit and result.ok:
            result.committed = True
        else:
            transaction.set_rollback(True)
    return result
