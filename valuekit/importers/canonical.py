"""The canonical tables: one ``<table>.csv`` or ``<table>.parquet`` per table, as ``Store.export`` writes them.

Every row is checked on its own — types, the table's schema, duplicate keys, and references (a participant's
party is in its relationship, a response's Value Code is in its cycle, …) against the rows being imported and
the store — so one bad row is rejected with its reason and the others are stored. Participant ids are
pseudonymised (ids already pseudonymous, as an export holds them, are kept).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import InputFileError
from ..schemas import KEYS, SCHEMAS, TABLES, columns
from ._common import Prepared, Reader, mask_row, peek, problem, read_records
from ._values import convert, dayfirst, is_missing, parse_date, reason

__all__ = ["CanonicalReader", "parse_date"]

_PARTICIPANT_TABLES = ("participants", "invitations", "responses", "comments")


class CanonicalReader(Reader):
    """Canonical tables: a folder of ``<table>.csv`` / ``<table>.parquet``, or one such file."""

    name = "canonical"
    label = "canonical tables"
    survey = False

    @classmethod
    def sniff(cls, path: Path) -> bool:
        if path.is_dir():
            return bool(_table_files(path, strict=False))
        if path.suffix.lower() == ".parquet":
            return path.stem in SCHEMAS
        recs = peek(path, 1)
        if not recs:
            return False
        header = {h.strip().casefold() for h in recs[0]}
        if path.stem in SCHEMAS and "relationship_id" in header:
            return True  # named after its table and keyed like one (missing columns are reported later)
        return _table_of_header(recs[0]) is not None

    def read(
        self, path, store, *, relationship_id=None, cycle_id=None, mapping=None, replace=False
    ) -> Prepared:
        path = Path(path)
        files = _table_files(path) if path.is_dir() else {_table_of_file(path): path}
        out = Prepared(tables={}, relationship_id=relationship_id, cycle_id=cycle_id)
        if mapping is not None:
            out.notes.append("a mapping applies to survey exports only; it was not used for canonical tables")
        raw: dict[str, pd.DataFrame] = {}
        for table, file in files.items():
            raw[table], enc = _load(table, file, out)
            out.encoding = out.encoding or enc
            raw[table] = _filter(table, raw[table], relationship_id, cycle_id, out)
        typed = {t: _typed(t, df, files[t], store, out) for t, df in raw.items()}
        _check_references(typed, raw, files, store, replace, out)
        for table, df in typed.items():
            out.tables[table] = df.reset_index(drop=True)[columns(table)]
        _private_rejects(out, store)
        order = {str(f): i for i, f in enumerate(files.values())}
        out.problems.sort(key=lambda p: (order.get(p.file, len(order)), p.row or 0))
        return out


def _private_rejects(out: Prepared, store) -> None:
    """Rejected rows show participant ids as pseudonyms and identifying-looking values masked."""

    def pseudonym(values: dict, value) -> str:
        if value in (None, "") or not str(values.get("relationship_id", "")).strip():
            return value
        return store.pseudonymise([str(value)], str(values["relationship_id"]).strip())[0]

    for key, values in list(out.originals.items()):
        if "participant_id" in values:
            values = {**values, "participant_id": pseudonym(values, values["participant_id"])}
        out.originals[key] = mask_row(values, set())
    for i, p in enumerate(out.problems):
        if p.column == "participant_id":
            values = out.originals.get((p.file, p.row), {})
            out.problems[i] = problem(
                p.file, p.reason, p.row, p.column, values.get("participant_id", p.value)
            )


def _table_files(folder: Path, strict: bool = True) -> dict[str, Path]:
    found = {}
    for table in TABLES:
        hits = [p for p in (folder / f"{table}.csv", folder / f"{table}.parquet") if p.is_file()]
        if len(hits) > 1 and strict:
            raise InputFileError(f"{folder}: both {table}.csv and {table}.parquet are here; keep one of them")
        if hits:
            found[table] = hits[0]
    if not found and strict:
        raise InputFileError(
            f"{folder}: no canonical tables here: expected files named after the tables "
            f"({', '.join(f'{t}.csv' for t in TABLES[:4])} …), as 'valuekit export' writes them"
        )
    return found


def _table_of_header(header: list[str]) -> str | None:
    names = {h.strip().casefold() for h in header}
    for table in TABLES:
        if names == {c.casefold() for c in columns(table)}:
            return table
    return None


def _table_of_file(path: Path) -> str:
    if path.stem in SCHEMAS:
        return path.stem
    recs = peek(path, 1)
    table = _table_of_header(recs[0]) if recs else None
    if table is None:
        raise InputFileError(
            f"{path}: not a canonical table: name it after its table ({', '.join(TABLES)}) "
            "or give it exactly that table's columns"
        )
    return table


def _load(table: str, file: Path, out: Prepared) -> tuple[pd.DataFrame, str | None]:
    """The table as text, indexed by spreadsheet row number, with exactly the schema's columns."""
    want = columns(table)
    decimal_comma = False
    if file.suffix.lower() == ".parquet":
        try:
            df = pd.read_parquet(file)
        except Exception as exc:  # pyarrow raises many kinds; all mean "cannot read this file"
            raise InputFileError(f"{file}: not a readable Parquet file: {exc}") from None
        header, enc = list(df.columns), None
        body = pd.DataFrame({c: _as_text(df[c]).tolist() for c in df.columns}, index=range(2, len(df) + 2))
    else:
        records = read_records(file)
        header, enc = [h.strip() for h in records.rows[0][1]], records.encoding
        rows = [(r, v) for r, v in records.rows[1:] if any(x.strip() for x in v)]
        for r, v in rows:
            if len(v) != len(header):
                out.problems.append(
                    problem(file, f"the row has {len(v)} fields but the header has {len(header)}", r)
                )
                out.originals[(str(file), r)] = dict(zip(header, v, strict=False))
        rows = [(r, v) for r, v in rows if len(v) == len(header)]
        body = pd.DataFrame([v for _, v in rows], columns=header, index=[r for r, _ in rows], dtype=object)
        decimal_comma = records.delimiter == ";"
    lookup = {str(h).casefold(): h for h in header}
    missing = [c for c in want if c.casefold() not in lookup]
    if missing:
        raise InputFileError(
            f"{file}: table {table!r} lacks the columns {', '.join(missing)}; it needs {', '.join(want)}"
        )
    extra = [h for h in header if str(h).casefold() not in {c.casefold() for c in want}]
    if extra:
        out.notes.append(
            f"{file.name}: columns not in table {table!r} were ignored: {', '.join(map(str, extra))}"
        )
    body = body.rename(columns={lookup[c.casefold()]: c for c in want})[want]
    body.attrs["decimal_comma"] = decimal_comma
    return body, enc


def _as_text(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    return s.astype(object).map(
        lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
    )


def _filter(table, df, relationship_id, cycle_id, out: Prepared) -> pd.DataFrame:
    keep = pd.Series(True, index=df.index)
    if relationship_id is not None:
        keep &= df["relationship_id"].str.strip() == relationship_id
    if cycle_id is not None and "cycle_id" in df:
        keep &= df["cycle_id"].str.strip() == cycle_id
    if not keep.all():
        out.notes.append(f"{table}: {int((~keep).sum())} rows of other relationships or cycles were left out")
    result = df[keep]
    result.attrs.update(df.attrs)
    return result


def _typed(table: str, df: pd.DataFrame, file: Path, store, out: Prepared) -> pd.DataFrame:
    """Rows with the schema's types and rules; every failing row is a problem and left out."""
    schema = SCHEMAS[table]
    bad: dict[int, list] = {}

    def reject(row, column, why, value):
        bad.setdefault(row, []).append(problem(file, why, int(row), column, value))

    data = {}
    for name, col in schema.columns.items():
        dtype, values = str(col.dtype), df[name]
        texts = values if name == "text" else values.map(lambda v: v.strip())
        day_first = dayfirst(list(texts)) if dtype.startswith("datetime") else True
        converted, seen = [], {}  # a column holds few distinct values: read each once
        for row, v in texts.items():
            if v not in seen:
                if not v.strip() or (col.nullable and is_missing(v)):
                    seen[v] = (None, None if col.nullable else "is empty; a value is required")
                else:
                    seen[v] = convert(v, dtype, day_first, df.attrs.get("decimal_comma", False))
            value, why = seen[v]
            if why:
                reject(row, name, why, v)
            converted.append(value)
        data[name] = pd.Series(converted, index=df.index, dtype=object)
    typed = pd.DataFrame(data, index=df.index)
    if table == "relationships":
        for row, r in typed.iterrows():
            if r["start_date"] is not None and r["end_date"] is not None and r["end_date"] < r["start_date"]:
                reject(row, "end_date", "end_date is before start_date", df.at[row, "end_date"])
    typed = typed.drop(index=list(bad))
    if table in _PARTICIPANT_TABLES and len(typed):
        typed["participant_id"] = store.pseudonymise(typed["participant_id"], typed["relationship_id"]).values
    first: dict[tuple, int] = {}
    for row, key in zip(typed.index, typed[KEYS[table]].itertuples(index=False, name=None), strict=True):
        if key in first:
            reject(
                row,
                KEYS[table][-1],
                f"duplicate key ({', '.join(KEYS[table])}): the same as row {first[key]}",
                df.at[row, KEYS[table][-1]],
            )
        else:
            first[key] = row
    typed = typed.drop(index=[r for r in bad if r in typed.index])
    try:
        typed = schema.validate(_with_dtypes(table, typed), lazy=True)
    except pa.errors.SchemaErrors as exc:
        for case in exc.failure_cases.itertuples():
            if case.index is None or pd.isna(case.index):
                raise InputFileError(f"{file}: table {table!r}: {case.check}: {case.failure_case}") from None
            reject(
                int(case.index),
                case.column,
                reason(case.column, str(case.check), case.failure_case),
                df.at[int(case.index), case.column] if case.column in df else case.failure_case,
            )
        typed = schema.validate(_with_dtypes(table, typed.drop(index=[r for r in bad if r in typed.index])))
    for row, problems in bad.items():
        out.problems.extend(problems)
        out.originals[(str(file), int(row))] = dict(df.loc[row])
    return typed


def _with_dtypes(table: str, df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for name, col in SCHEMAS[table].columns.items():
        dtype = str(col.dtype)
        if dtype.startswith("datetime"):
            out[name] = pd.to_datetime(out[name]).astype("datetime64[ns]")
        elif dtype in ("Int64", "int64", "float64", "bool"):
            out[name] = out[name].astype("Int64" if dtype == "Int64" else dtype)
        else:
            out[name] = out[name].astype("str").where(out[name].notna(), None)
    return out


def _check_references(
    typed: dict[str, pd.DataFrame], raw, files, store, replace: bool, out: Prepared
) -> None:
    """Reject rows that point at something neither being imported nor stored; in load order."""
    rels_in = {r for df in typed.values() for r in df["relationship_id"]}

    def stored(table):
        df = store.read(table)
        if replace and table in typed:
            df = df[~df["relationship_id"].isin(rels_in)]
        return df

    def keys(df, cols):
        return set(df[cols].itertuples(index=False, name=None))

    rels = {r for (r,) in keys(stored("relationships"), ["relationship_id"])}
    parties = keys(stored("parties"), ["relationship_id", "party_id"])
    eq = stored("equivalences")
    eqs = keys(eq, ["relationship_id", "party_id", "dimension", "local"])
    people = keys(stored("participants"), ["relationship_id", "participant_id"])
    cycles = keys(stored("cycles"), ["relationship_id", "cycle_id"])
    codes = keys(stored("cycle_codes"), ["relationship_id", "cycle_id", "code_id"])
    for table in TABLES:
        if table not in typed:
            continue
        df, file, bad = typed[table], files[table], {}
        for row, r in zip(df.index, df.to_dict("records"), strict=True):
            why = _why_not(table, r, rels, parties, eqs, people, cycles, codes)
            if why:
                column, reason = why
                bad[row] = problem(file, reason, int(row), column, raw[table].at[row, column])
        for row, p in bad.items():
            out.problems.append(p)
            out.originals[(str(file), int(row))] = dict(raw[table].loc[row])
        df = df.drop(index=list(bad))
        typed[table] = df
        add = {
            "relationships": (rels, ["relationship_id"]),
            "parties": (parties, ["relationship_id", "party_id"]),
            "equivalences": (eqs, ["relationship_id", "party_id", "dimension", "local"]),
            "participants": (people, ["relationship_id", "participant_id"]),
            "cycles": (cycles, ["relationship_id", "cycle_id"]),
            "cycle_codes": (codes, ["relationship_id", "cycle_id", "code_id"]),
        }.get(table)
        if add:
            new = keys(df, add[1])
            add[0].update(k[0] for k in new) if table == "relationships" else add[0].update(new)


def _why_not(table, r, rels, parties, eqs, people, cycles, codes) -> tuple[str, str] | None:
    rel = r["relationship_id"]
    if table == "relationships":
        return None
    if rel not in rels:
        return "relationship_id", f"relationship {rel!r} not found (neither in this import nor in the store)"
    if table in ("equivalences", "participants") and (rel, r["party_id"]) not in parties:
        return "party_id", f"party not in relationship {rel!r}"
    if table == "participants":
        for dim, column in (("level", "local_level"), ("function", "local_function")):
            if (rel, r["party_id"], dim, r[column]) not in eqs:
                known = sorted(e[3] for e in eqs if e[:3] == (rel, r["party_id"], dim))
                return column, (
                    f"local {dim} not in the equivalence map of party {r['party_id']!r}; its {dim}s: "
                    + (", ".join(known) or "none (add its equivalence map first)")
                )
    if "cycle_id" in r and table != "cycles" and (rel, r["cycle_id"]) not in cycles:
        return "cycle_id", f"cycle {r['cycle_id']!r} not found in relationship {rel!r}"
    if "participant_id" in r and table != "participants" and (rel, r["participant_id"]) not in people:
        return "participant_id", f"participant not found in relationship {rel!r}"
    if table == "responses" and (rel, r["cycle_id"], r["code_id"]) not in codes:
        return (
            "code_id",
            f"unknown Value Code: not in cycle {r['cycle_id']!r} of relationship {rel!r} (cycle_codes)",
        )
    if table == "actions":
        if (rel, r["owner_party_id"]) not in parties:
            return "owner_party_id", f"party not in relationship {rel!r}"
        if (rel, r["raised_cycle"]) not in cycles:
            return "raised_cycle", f"cycle {r['raised_cycle']!r} not found in relationship {rel!r}"
    if table == "change_roles" and isinstance(r["party_id"], str) and (rel, r["party_id"]) not in parties:
        return "party_id", f"party not in relationship {rel!r}"
    return None
