"""``valuekit import``: read a file in any supported format, check it, store the good rows, keep the rest."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from ..schemas import KEYS, TABLES, columns, validate_table
from ._common import Prepared
from ._registry import detect_format, get_reader
from ._result import ImportResult, problems_frame, write_rejects

__all__ = ["import_path"]

_CYCLE_TABLES = ("invitations", "responses", "comments")


def import_path(
    path: str | Path,
    store,
    *,
    relationship_id: str | None = None,
    cycle_id: str | None = None,
    fmt: str | None = None,
    mapping: str | Path | dict | None = None,
    rejects_path: str | Path | None = None,
    replace: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import a survey export or a folder of canonical tables into the store.

    Parameters
    ----------
    path
        A survey tool's export (Qualtrics, SurveyMonkey, Google Forms CSV; Microsoft Forms .xlsx), or a folder
        of canonical tables (``responses.csv`` …, as :meth:`Store.export` writes them), or one such table.
    store
        The :class:`~valuekit.store.Store` to write to.
    relationship_id, cycle_id
        Required for a survey export, which holds one relationship × cycle; the relationship, its parties,
        equivalence maps and the cycle with its Value Codes must already be stored. For canonical tables they
        only narrow what is imported.
    fmt
        One of :data:`FORMATS` (``canonical``, ``qualtrics``, ``qualtrics-legacy``, ``surveymonkey``,
        ``google-forms``, ``microsoft-forms``); None detects it from the headers.
    mapping
        A YAML mapping file or a dict: which columns are which Value Codes, open questions and fields, and
        answer labels (see :mod:`valuekit.importers.mapping`).
    rejects_path
        Where to write rejected rows; default ``<input stem>.rejects.csv`` beside the input (or in the current
        directory when that folder is read-only).
    replace
        Overwrite what is stored: a survey export replaces its relationship × cycle; canonical tables replace
        the tables they hold for the relationships they name. Without it, rows stored with different values
        make the whole write fail and nothing changes.
    dry_run
        Check everything and report what would be stored, writing nothing (no rejects file either).

    Returns
    -------
    ImportResult
        ``written`` per table, ``rejected`` problems, ``summary()`` and ``exit_code``.

    Raises
    ------
    InputFileError
        The whole file cannot be imported: unreadable, empty, truncated, wrong delimiter, unknown format, or no
        column matches the cycle's Value Codes.
    NotFoundError
        The relationship or cycle is not in the store (the message lists those that are).

    Examples
    --------
    >>> from valuekit import Store
    >>> from valuekit.importers import import_path
    >>> with Store(":memory:") as store:  # doctest: +SKIP
    ...     result = import_path("data/samples", store)
    ...     print(result.summary())
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: no such file or folder")
    name = fmt or detect_format(path)
    reader = get_reader(name)
    prepared: Prepared = reader.read(
        path, store, relationship_id=relationship_id, cycle_id=cycle_id, mapping=mapping, replace=replace
    )
    rejected = problems_frame(prepared.problems)
    notes = list(prepared.notes)
    written_to = None
    if len(rejected) and not dry_run:
        written_to = write_rejects(rejected, prepared.originals, path, rejects_path)
    tables = prepared.tables
    preview, changed = _preview(store, tables) if (dry_run or replace or not tables) else (None, 0)
    if dry_run:
        written = preview
        if changed and not replace:
            notes.append(
                f"{changed} rows are stored with different values: the import would be refused; use replace"
            )
    elif replace:
        full = _replacement(store, prepared)
        if full is not None:
            store.write(full, replace=True)
        written = preview
    else:
        written = store.write(tables) if tables else preview
    return ImportResult(
        file=str(path),
        format=name,
        written=written,
        rejected=rejected,
        rejects_path=written_to,
        encoding=prepared.encoding,
        relationship_id=prepared.relationship_id,
        cycle_id=prepared.cycle_id,
        dry_run=dry_run,
        notes=notes,
    )


def _as_rows(table: str, df: pd.DataFrame) -> tuple[list[tuple], list[tuple]]:
    df = validate_table(table, df)[columns(table)]
    text = df.astype(object).where(df.notna(), None).astype(str)
    return (
        list(text[KEYS[table]].itertuples(index=False, name=None)),
        list(text.itertuples(index=False, name=None)),
    )


def _preview(store, tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, int]:
    """Per table, rows not yet stored (inserted) and rows stored as they are (unchanged); and rows that differ.

    Rows whose key is stored with other values count as inserted (a replace overwrites them).
    """
    report, changed = [], 0
    for table in TABLES:
        if table not in tables:
            continue
        df = tables[table]
        rels = sorted(set(df["relationship_id"]))
        stored = store.read(table)
        stored = stored[stored["relationship_id"].isin(rels)]
        keys, rows = _as_rows(table, df)
        stored_keys, stored_rows = (set(x) for x in _as_rows(table, stored))
        same = sum(r in stored_rows for r in rows)
        changed += sum(k in stored_keys for k in keys) - same
        report.append({"table": table, "inserted": len(rows) - same, "unchanged": same})
    return pd.DataFrame(report, columns=["table", "inserted", "unchanged"]), changed


def _replacement(store, prepared: Prepared) -> dict[str, pd.DataFrame] | None:
    """Every table of the relationships being replaced, as they should be afterwards.

    Store.write(replace=True) removes each named relationship from every table before writing, so tables
    (and, for a survey export, other cycles) that the import does not hold are carried over from the store.
    """
    tables = prepared.tables
    if not any(len(df) for df in tables.values()):
        return None
    rels = sorted({r for df in tables.values() for r in df["relationship_id"]})
    full: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        stored = store.read(table)
        stored = stored[stored["relationship_id"].isin(rels)]
        if prepared.replace_cycle and table in _CYCLE_TABLES:
            rel, cycle = prepared.replace_cycle
            stored = stored[~((stored["relationship_id"] == rel) & (stored["cycle_id"] == cycle))]
        new = tables.get(table)
        if new is None:
            full[table] = stored
        elif prepared.replace_cycle:
            both = pd.concat([validate_table(table, stored), validate_table(table, new)], ignore_index=True)
            full[table] = both.drop_duplicates(KEYS[table], keep="last")
        else:
            full[table] = new
    if prepared.replace_cycle:
        full["participants"] = _without_orphans(store, full, *prepared.replace_cycle)
    return full


def _without_orphans(store, full: dict[str, pd.DataFrame], rel: str, cycle: str) -> pd.DataFrame:
    """Participants known only from the replaced cycle, and absent from the new import, are dropped."""
    before = set()
    for table in _CYCLE_TABLES:
        before |= set(store.read(table, rel, cycle)["participant_id"])
    still = set()
    for table in _CYCLE_TABLES:
        still |= set(full[table]["participant_id"])
    people = full["participants"]
    orphans = before - still
    return people[~people["participant_id"].isin(orphans)]
