"""The one family of errors valuekit raises at its boundaries.

Every error says what was expected, what was found and where (file, row, column; relationship, cycle),
so the command line can print it without a traceback.
"""

from __future__ import annotations

__all__ = [
    "ValuekitError",
    "SchemaError",
    "TemplateError",
    "ImportProblem",
    "InputFileError",
    "StoreError",
    "NotFoundError",
]


class ValuekitError(Exception):
    """Base class of every error valuekit raises on purpose."""


class SchemaError(ValuekitError):
    """A table does not match its schema (column, type or rule)."""


class TemplateError(ValuekitError):
    """A diagnostic template is invalid; the message names the file, the item and the problem."""

    def __init__(self, problems: list[str], path: str | None = None):
        self.problems = list(problems)
        self.path = path
        where = f"{path}: " if path else ""
        if len(self.problems) == 1:
            msg = f"{where}{self.problems[0]}"
        else:
            body = "\n".join(f"  - {p}" for p in self.problems)
            msg = f"{where}{len(self.problems)} problems in the diagnostic template:\n{body}"
        super().__init__(msg)


class StoreError(ValuekitError):
    """The store cannot be opened, migrated or written."""


class NotFoundError(ValuekitError, KeyError):
    """Something asked for (relationship, cycle, Value Code, perspective…) does not exist.

    The message names what was asked for and lists what exists.
    """

    def __init__(self, kind: str, asked: object, available: list | None = None, where: str | None = None):
        self.kind = kind
        self.asked = asked
        self.available = list(available) if available is not None else []
        shown = ", ".join(map(str, self.available[:20]))
        more = f" … and {len(self.available) - 20} more" if len(self.available) > 20 else ""
        loc = f" in {where}" if where else ""
        msg = f"no {kind} {asked!r}{loc}"
        msg += f"; available: {shown}{more}" if self.available else f"; there are no {kind}s"
        self.message = msg
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return self.message


class ImportProblem(ValuekitError):
    """One problem with one place in an input file (also used as a record in the rejects file)."""

    def __init__(self, file: str, reason: str, row: int | None = None, column: str | None = None, value=None):
        self.file, self.row, self.column, self.value, self.reason = file, row, column, value, reason
        parts = [str(file)]
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        where = ", ".join(parts)
        val = f" (value {value!r})" if value is not None else ""
        super().__init__(f"{where}: {reason}{val}")


class InputFileError(ValuekitError):
    """A whole file cannot be imported (unreadable, empty, truncated, wrong format)."""
