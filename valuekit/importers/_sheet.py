"""A survey export parsed into columns (name, question text, matrix row, role) and numbered data rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ._common import excel_letter

__all__ = ["SheetColumn", "Sheet", "make_sheet", "assign_roles"]


@dataclass
class SheetColumn:
    """One column of an export: its header name, question text, matrix row label and role."""

    name: str
    text: str = ""
    row_label: str = ""
    import_id: str = ""
    #: question | respondent | identifying | metadata | status
    role: str = "question"
    identifying: bool = False


@dataclass
class Sheet:
    """A survey export parsed into columns and data rows (each with its spreadsheet row number)."""

    path: Path
    format: str
    columns: list[SheetColumn]
    rows: list[tuple[int, list[str]]]
    encoding: str | None = None
    #: "global" ids are stable per person (response ids, e-mails); "cycle" ids restart in each form
    respondent_scope: str = "global"
    notes: list[str] = field(default_factory=list)
    #: row → (its field count, the fields beyond the header) for rows not as wide as the header
    ragged: dict[int, tuple[int, list[str]]] = field(default_factory=dict)
    width: int = 0


def make_sheet(path, fmt, columns, rows, encoding=None, scope="global") -> Sheet:
    """A :class:`Sheet` with blank trailing columns dropped and every column name unique and non-empty.

    Rows with more or fewer fields than the header are kept (padded or cut to the header) and noted in
    ``Sheet.ragged`` so that they are rejected with their field count.
    """
    width = len(columns)
    ragged = {r: v[width:] if len(v) > width else len(v) for r, v in rows if v and len(v) != width}
    rows = [(r, (v + [""] * width)[:width]) for r, v in rows]
    keep = [
        i
        for i, c in enumerate(columns)
        if c.name.strip() or c.text.strip() or any(v[i].strip() for _, v in rows)
    ]
    columns = [columns[i] for i in keep]
    rows = [(r, [v[i] for i in keep]) for r, v in rows]
    seen: set[str] = set()
    for i, c in zip(keep, columns, strict=True):
        letter = excel_letter(i)
        if not c.name.strip():
            c.name = f"column {letter}"
        if c.name in seen:
            c.name = f"{c.name} (column {letter})"
        seen.add(c.name)
    sheet = Sheet(Path(path), fmt, columns, rows, encoding, scope)
    sheet.ragged = {
        r: (width + len(x) if isinstance(x, list) else x, x if isinstance(x, list) else [])
        for r, x in ragged.items()
    }
    sheet.width = width
    return sheet


def assign_roles(columns, *, respondent=(), identifying=(), metadata=(), status=()) -> None:
    """Set each column's role from the format's known header names (case-insensitive)."""
    lower = {
        k: {n.casefold() for n in names}
        for k, names in (
            ("respondent", respondent),
            ("identifying", identifying),
            ("metadata", metadata),
            ("status", status),
        )
    }
    for c in columns:
        keys = {c.name.casefold(), c.import_id.casefold()} - {""}
        for role, names in lower.items():
            if keys & names:
                c.role = role
                c.identifying = c.identifying or role == "identifying"
                break
