"""Errors of an import (the whole file, a cell, a row) and its problems, the first MAX_PROBLEMS kept."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from qms.core.records import QmsError

# Problems kept and shown; the others are only counted ("and N more"). Past this many, nobody reads
# on, and a file where every cell is a problem must not turn into a page of a million lines.
MAX_PROBLEMS = 200


class ImportError_(QmsError):  # noqa: N801 - not the builtin ImportError
    """Base of the import errors; `message` is translated and meant for the person importing."""


class ImportFileError(ImportError_):
    """The whole file is refused (not an xlsx, damaged, unsafe, too big, several sheets...)."""


class CellError(ImportError_):
    """A cell's value cannot be used (raised by column parsers)."""


class RowError(ImportError_):
    """A row cannot be written (raised by Importer.apply_row); `column` names the culprit column, if any."""

    def __init__(self, column, message):
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Problem:
    row: int | None  # row number in the sheet, as Excel shows it
    column: str | None  # the column's heading, as in the file
    message: str

    def __str__(self):
        if self.row and self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("Column “%(column)s”: %(message)s") % {"column": self.column, "message": self.message}
        return str(self.message)


def _position(problem):
    return (problem.row or 0, problem.column or "")


class ProblemList:
    """The first MAX_PROBLEMS problems by place in the sheet (row, then column), and how many in all.

    Adding a problem past the limit costs a comparison, not a line on the page: a file where every
    cell is wrong is counted to the end cheaply, and shows its first problems."""

    def __init__(self, limit=None):
        self.limit = MAX_PROBLEMS if limit is None else limit
        self.count = 0
        self.rows = set()  # every row with a problem, shown or not: none of them is written
        self._kept = []
        self._last_row = None  # once `limit` are kept: the row of the last, beyond which none is shown

    def add(self, problem):
        self.count += 1
        if problem.row:
            self.rows.add(problem.row)
        self._kept.append(problem)
        if len(self._kept) >= 2 * self.limit:
            self._trim()

    def extend(self, problems):
        for problem in problems:
            self.add(problem)

    def wants(self, row):
        """Whether a problem on `row` could be among those shown; when not, count_only() is enough
        (no message to put into words: the rows of a sheet are checked in order)."""
        return self._last_row is None or (row or 0) <= self._last_row

    def count_only(self, row):
        self.count += 1
        if row:
            self.rows.add(row)

    def _trim(self):
        self._kept.sort(key=_position)  # stable: problems of one cell keep the order they were found in
        del self._kept[self.limit :]
        if len(self._kept) == self.limit:
            self._last_row = self._kept[-1].row or 0

    @property
    def full(self):
        return self.count >= self.limit

    def shown(self):
        self._trim()
        return list(self._kept)

    def __len__(self):
        return self.count

    def __bool__(self):
        return self.count > 0

    def __iter__(self):
        return iter(self.shown())
