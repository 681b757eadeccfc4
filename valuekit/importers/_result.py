"""What an import did, in a form a person and a script can both read; and the rejects file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import ImportProblem
from ._common import describe_encoding

__all__ = ["ImportResult", "problems_frame", "write_rejects", "default_rejects_path"]

REJECT_COLUMNS = ["file", "row", "column", "value", "reason"]


@dataclass
class ImportResult:
    """The outcome of :func:`valuekit.importers.import_path`.

    Attributes
    ----------
    file, format
        What was read and the format it was read as.
    written
        One row per table: ``table``, ``inserted``, ``unchanged`` (as :meth:`Store.write` reports them;
        for a dry run, what would happen).
    rejected
        One row per problem: ``file``, ``row`` (as a spreadsheet numbers it, header rows included),
        ``column`` (header name), ``value`` (identifying values masked) and ``reason``.
    rejects_path
        Where the rejected rows were written with their original values and reasons, or None.
    """

    file: str
    format: str
    written: pd.DataFrame
    rejected: pd.DataFrame
    rejects_path: Path | None = None
    encoding: str | None = None
    relationship_id: str | None = None
    cycle_id: str | None = None
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        """Rows now in the store from this file: inserted plus already there."""
        if self.written.empty:
            return 0
        return int(self.written["inserted"].sum() + self.written["unchanged"].sum())

    @property
    def exit_code(self) -> int:
        """0 all stored; 1 stored, but some rows rejected; 2 nothing stored."""
        if self.stored == 0:
            return 2
        return 1 if len(self.rejected) else 0

    def summary(self) -> str:
        """A few plain-English lines: what was stored, what was unchanged, what was rejected and where."""
        from ._registry import FORMATS

        label = FORMATS[self.format].label if self.format in FORMATS else self.format
        head = f"{Path(self.file).name} ({label}"
        if self.encoding and self.encoding not in ("utf-8", "utf-8-sig"):
            head += f", read as {describe_encoding(self.encoding)}"
        head += ")"
        if self.relationship_id:
            head += f" → relationship {self.relationship_id}"
            head += f", cycle {self.cycle_id}" if self.cycle_id else ""
        lines = [head + (" — dry run, nothing written" if self.dry_run else "")]
        verb = "Would store" if self.dry_run else "Stored"
        new = self.written[self.written["inserted"] > 0] if not self.written.empty else self.written
        if len(new):
            parts = ", ".join(f"{int(r.inserted)} {r.table}" for r in new.itertuples())
            lines.append(f"{verb} {int(new['inserted'].sum())} new rows: {parts}.")
        else:
            lines.append(f"{verb} nothing new.")
        same = self.written[self.written["unchanged"] > 0] if not self.written.empty else self.written
        if len(same):
            parts = ", ".join(f"{int(r.unchanged)} {r.table}" for r in same.itertuples())
            lines.append(f"Unchanged (already stored): {int(same['unchanged'].sum())} rows: {parts}.")
        if len(self.rejected):
            n_rows = len(self.rejected[["file", "row"]].drop_duplicates())
            where = f"see {self.rejects_path}" if self.rejects_path else "no rejects file written"
            lines.append(
                f"Rejected {len(self.rejected)} problems in {n_rows} rows (kept with their reasons); {where}."
            )
            for r in self.rejected.head(5).itertuples():
                at = ", ".join(
                    x
                    for x in (
                        f"row {r.row}" if pd.notna(r.row) else "",
                        f"column {r.column!r}" if isinstance(r.column, str) else "",
                    )
                    if x
                )
                val = f" (value {r.value!r})" if isinstance(r.value, str) and r.value else ""
                lines.append(f"  {at}: {r.reason}{val}")
            if len(self.rejected) > 5:
                lines.append(f"  … and {len(self.rejected) - 5} more problems")
        else:
            lines.append("Nothing rejected.")
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def problems_frame(problems: list[ImportProblem]) -> pd.DataFrame:
    """The problems as a table with columns file, row, column, value, reason."""
    rows = [
        {
            "file": p.file,
            "row": p.row,
            "column": p.column,
            "value": None if p.value is None else str(p.value),
            "reason": p.reason,
        }
        for p in problems
    ]
    frame = pd.DataFrame(rows, columns=REJECT_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def default_rejects_path(path: Path) -> Path:
    """``<input stem>.rejects.csv`` beside the input (a folder's sits beside the folder)."""
    path = Path(path)
    if path.is_dir():
        return path.resolve().parent / f"{path.resolve().name}.rejects.csv"
    return path.with_name(f"{path.stem}.rejects.csv")


def _can_write(folder: Path) -> bool:
    return os.access(folder, os.W_OK)


def write_rejects(rejected: pd.DataFrame, originals: dict, input_path: Path, rejects_path=None) -> Path:
    """Write the rejected rows — the problem, then the row's original values — and say where.

    The default place is beside the input; if that folder cannot be written, the current directory.
    """
    target = Path(rejects_path) if rejects_path else default_rejects_path(input_path)
    if not rejects_path and not _can_write(target.parent):
        target = Path.cwd() / target.name
    extra = pd.DataFrame(
        [
            originals.get((f, int(r)) if pd.notna(r) else None, {})
            for f, r in zip(rejected["file"], rejected["row"], strict=True)
        ]
    )
    extra = extra.rename(columns={c: f"{c} (original)" for c in extra.columns if c in REJECT_COLUMNS})
    out = pd.concat([rejected.reset_index(drop=True), extra.reset_index(drop=True)], axis=1)
    try:
        out.to_csv(target, index=False, encoding="utf-8-sig", lineterminator="\n")
    except OSError:
        if rejects_path:
            raise
        target = Path.cwd() / target.name
        out.to_csv(target, index=False, encoding="utf-8-sig", lineterminator="\n")
    return target
