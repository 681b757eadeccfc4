"""The embedded store: one DuckDB database file holding every table of the method.

Writes are transactional (a failed import leaves the store as it was); importing rows that are already
stored changes nothing. Participant identifiers are pseudonymous inside the store: every importer passes raw
ids through :meth:`Store.pseudonymise`, a salted hash whose salt lives in the store file, never in git.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import secrets
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ._version import __version__
from .config import default_store_path
from .errors import NotFoundError, StoreError
from .schemas import KEYS, SCHEMAS, TABLES, columns, validate_table

__all__ = ["Store", "open_store", "SCHEMA_VERSION"]

#: Bump when a table changes, and add a step to ``_MIGRATIONS`` that brings the previous version up.
SCHEMA_VERSION = 1
_MIGRATIONS: dict[int, list[str]] = {}  # from-version → SQL statements reaching from-version + 1

_PSEUDONYM = re.compile(r"^p_[0-9a-f]{16}$")
_PARTICIPANT_TABLES = ("participants", "invitations", "responses", "comments")

_SQL_TYPES = {
    "str": "VARCHAR",
    "string[pyarrow]": "VARCHAR",
    "string[python]": "VARCHAR",
    "string": "VARCHAR",
    "Int64": "INTEGER",
    "int64": "BIGINT",
    "float64": "DOUBLE",
    "bool": "BOOLEAN",
    "datetime64[ns]": "TIMESTAMP",
}


def _ddl(table: str) -> str:
    schema = SCHEMAS[table]
    cols = []
    for name, col in schema.columns.items():
        sql_type = _SQL_TYPES[str(col.dtype)]
        null = "" if col.nullable else " NOT NULL"
        cols.append(f'"{name}" {sql_type}{null}')
    key = ", ".join(f'"{k}"' for k in KEYS[table])
    return f'CREATE TABLE IF NOT EXISTS "{table}" ({", ".join(cols)}, PRIMARY KEY ({key}))'


class Store:
    """A valuekit store.

    Parameters
    ----------
    path
        The DuckDB file; created with its folder if missing. ``None`` uses :func:`valuekit.config.default_store_path`.
    read_only
        Open without write access (dashboards, reports). The store must exist.

    Examples
    --------
    >>> from valuekit.store import Store
    >>> with Store(":memory:") as store:
    ...     store.tables()["rows"].sum()
    0
    """

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path not in (None, ":memory:") else (path or default_store_path())
        memory = self.path == ":memory:"
        if not memory:
            self.path = Path(self.path)
            if read_only and not self.path.exists():
                raise StoreError(
                    f"no store at {str(self.path)!r}; build one with 'valuekit import data/samples' "
                    "or 'make demo'"
                )
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the store {str(self.path)!r}: {exc}") from None
        self.read_only = read_only
        self._salt = self._prepare()

    # -- lifecycle -----------------------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def _prepare(self) -> str:
        existing = {
            r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if "valuekit_meta" not in existing:
            if existing - {"valuekit_meta"}:
                raise StoreError(
                    f"{self.path} is a DuckDB file but not a valuekit store (no valuekit_meta table)"
                )
            if self.read_only:
                raise StoreError(f"{self.path} is empty; import data into it first")
            self.con.execute("BEGIN")
            self.con.execute("CREATE TABLE valuekit_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            for table in TABLES:
                self.con.execute(_ddl(table))
            salt = secrets.token_hex(16)
            self.con.executemany(
                "INSERT INTO valuekit_meta VALUES (?, ?)",
                [("schema_version", str(SCHEMA_VERSION)), ("salt", salt), ("created_by", __version__)],
            )
            self.con.execute("COMMIT")
            return salt
        meta = dict(self.con.execute("SELECT key, value FROM valuekit_meta").fetchall())
        version = int(meta.get("schema_version", 0))
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.path} was written by a newer valuekit (store schema {version}; this valuekit "
                f"{__version__} reads up to {SCHEMA_VERSION}). Upgrade valuekit: pip install -U valuekit"
            )
        if version < SCHEMA_VERSION:
            self._migrate(version)
        return meta["salt"]

    def _migrate(self, version: int) -> None:
        if self.read_only:
            raise StoreError(
                f"the store {self.path} uses store schema {version}; open it once for writing "
                f"(e.g. 'valuekit info --store {self.path}') to migrate it to schema {SCHEMA_VERSION}"
            )
        missing = [v for v in range(version, SCHEMA_VERSION) if v not in _MIGRATIONS]
        if missing:
            raise StoreError(
                f"the store {self.path} uses store schema {version}, which this valuekit cannot migrate to "
                f"{SCHEMA_VERSION}. Export it with the valuekit that wrote it ('valuekit export'), then "
                f"re-import the export into a new store with 'valuekit import'."
            )
        self.con.execute("BEGIN")
        try:
            for v in range(version, SCHEMA_VERSION):
                for stmt in _MIGRATIONS[v]:
                    self.con.execute(stmt)
            self.con.execute(
                "UPDATE valuekit_meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
            )
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError(
                f"migrating {self.path} from schema {version} failed, nothing changed: {exc}"
            ) from None

    # -- pseudonyms ----------------------------------------------------------------------------------
    def pseudonymise(self, raw_ids: pd.Series | list, relationship_id: pd.Series | str) -> pd.Series:
        """Replace raw respondent ids by salted hashes ``p_<16 hex>``; values already pseudonymous are kept.

        The hash includes the relationship, so the same person in two relationships cannot be linked.
        """
        raw = pd.Series(raw_ids, dtype="str").reset_index(drop=True)
        rel = (
            pd.Series([relationship_id] * len(raw), dtype="str")
            if isinstance(relationship_id, str)
            else pd.Series(relationship_id, dtype="str").reset_index(drop=True)
        )
        out = []
        for r, p in zip(rel, raw, strict=True):
            if _PSEUDONYM.match(p):
                out.append(p)
            else:
                digest = hashlib.sha256(f"{self._salt}\x1f{r}\x1f{p.strip()}".encode()).hexdigest()
                out.append("p_" + digest[:16])
        return pd.Series(out, dtype="str")

    # -- writing -------------------------------------------------------------------------------------
    def write(self, tables: dict[str, pd.DataFrame], replace: bool = False) -> pd.DataFrame:
        """Store canonical tables in one transaction and say what happened per table.

        Rows whose key is already stored with the same values are left alone (importing twice changes
        nothing). A row whose key is stored with *different* values is a conflict: the whole write is
        refused unless ``replace`` is true, in which case every relationship named in ``tables`` is first
        removed from every table and then written afresh.

        Returns
        -------
        DataFrame with columns ``table``, ``inserted``, ``unchanged``.
        """
        if self.read_only:
            raise StoreError(f"the store {self.path} is open read-only")
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise NotFoundError("table", sorted(unknown)[0], list(TABLES))
        frames = {
            t: validate_table(t, df, source=f"write to {t}") for t, df in tables.items() if df is not None
        }
        report = []
        self.con.execute("BEGIN")
        try:
            if replace:
                rels = sorted({r for df in frames.values() for r in df["relationship_id"].unique()})
                if rels:
                    for table in TABLES:
                        self.con.execute(
                            f'DELETE FROM "{table}" WHERE relationship_id IN (SELECT UNNEST(?))', [rels]
                        )
            for table in TABLES:
                if table not in frames:
                    continue
                df = frames[table][columns(table)]
                inserted, unchanged = self._insert(table, df)
                report.append({"table": table, "inserted": inserted, "unchanged": unchanged})
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return pd.DataFrame(report, columns=["table", "inserted", "unchanged"])

    def _insert(self, table: str, df: pd.DataFrame) -> tuple[int, int]:
        if df.empty:
            return 0, 0
        keys = KEYS[table]
        cols = columns(table)
        self.con.register("_incoming", df)
        try:
            on = " AND ".join(f'i."{k}" = s."{k}"' for k in keys)
            same = " AND ".join(f'i."{c}" IS NOT DISTINCT FROM s."{c}"' for c in cols)
            conflicts = self.con.execute(
                f'SELECT i.* FROM _incoming i JOIN "{table}" s ON {on} WHERE NOT ({same}) LIMIT 5'
            ).df()
            if len(conflicts):
                shown = "; ".join(", ".join(f"{k}={row[k]}" for k in keys) for _, row in conflicts.iterrows())
                raise StoreError(
                    f"table {table!r}: {len(conflicts)}+ rows are already stored with different values "
                    f"({shown}). Nothing was written. Use --replace to overwrite those relationships."
                )
            unchanged = self.con.execute(
                f'SELECT count(*) FROM _incoming i JOIN "{table}" s ON {on}'
            ).fetchone()[0]
            col_list = ", ".join(f'"{c}"' for c in cols)
            self.con.execute(
                f'INSERT INTO "{table}" ({col_list}) SELECT {col_list} FROM _incoming i '
                f'WHERE NOT EXISTS (SELECT 1 FROM "{table}" s WHERE {on})'
            )
        finally:
            self.con.unregister("_incoming")
        return len(df) - unchanged, unchanged

    # -- reading -------------------------------------------------------------------------------------
    def read(
        self, table: str, relationship_id: str | None = None, cycle_id: str | None = None
    ) -> pd.DataFrame:
        """One table, optionally for one relationship (and cycle), with the schema's dtypes."""
        if table not in SCHEMAS:
            raise NotFoundError("table", table, list(TABLES))
        where, params = [], []
        if relationship_id is not None:
            where.append("relationship_id = ?")
            params.append(relationship_id)
        if cycle_id is not None:
            if "cycle_id" not in columns(table):
                raise StoreError(f"table {table!r} has no cycle_id column")
            where.append("cycle_id = ?")
            params.append(cycle_id)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        order = ", ".join(f'"{k}"' for k in KEYS[table])
        # through Arrow: columnar all the way, so strings are not materialised as Python objects
        rows = self.con.sql(f'SELECT * FROM "{table}"{clause} ORDER BY {order}', params=params)
        return _with_dtypes(table, rows.to_arrow_table().to_pandas(types_mapper=_ARROW_INTEGERS.get))

    def relationship_ids(self) -> list[str]:
        return [
            r[0] for r in self.con.execute("SELECT relationship_id FROM relationships ORDER BY 1").fetchall()
        ]

    def require_relationship(self, relationship_id: str) -> None:
        """Raise :class:`NotFoundError` listing the stored relationships if this one is not there."""
        ids = self.relationship_ids()
        if relationship_id not in ids:
            raise NotFoundError("relationship", relationship_id, ids, where=f"the store {self.path}")

    def cycle_ids(self, relationship_id: str) -> list[str]:
        self.require_relationship(relationship_id)
        rows = self.con.execute(
            "SELECT cycle_id FROM cycles WHERE relationship_id = ? ORDER BY sequence", [relationship_id]
        ).fetchall()
        return [r[0] for r in rows]

    def require_cycle(self, relationship_id: str, cycle_id: str) -> None:
        cycles = self.cycle_ids(relationship_id)
        if cycle_id not in cycles:
            raise NotFoundError("cycle", cycle_id, cycles, where=f"relationship {relationship_id!r}")

    def tables(self) -> pd.DataFrame:
        """How many rows each table holds."""
        rows = [(t, self.con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in TABLES]
        return pd.DataFrame(rows, columns=["table", "rows"])

    def info(self) -> pd.DataFrame:
        """What the store holds: one row per relationship × cycle with invited, responded and response counts."""
        return self.con.execute(
            """
            SELECT r.relationship_id, c.cycle_id,
                   CAST(coalesce(i.invited, 0) AS INTEGER) AS invited,
                   CAST(coalesce(i.responded, 0) AS INTEGER) AS responded,
                   CAST(coalesce(x.responses, 0) AS INTEGER) AS responses,
                   CAST(coalesce(m.comments, 0) AS INTEGER) AS comments
            FROM relationships r
            JOIN cycles c USING (relationship_id)
            LEFT JOIN (SELECT relationship_id, cycle_id, count(*) AS invited,
                              sum(CASE WHEN responded THEN 1 ELSE 0 END) AS responded
                       FROM invitations GROUP BY ALL) i USING (relationship_id, cycle_id)
            LEFT JOIN (SELECT relationship_id, cycle_id, count(*) AS responses FROM responses GROUP BY ALL) x
                   USING (relationship_id, cycle_id)
            LEFT JOIN (SELECT relationship_id, cycle_id, count(*) AS comments FROM comments GROUP BY ALL) m
                   USING (relationship_id, cycle_id)
            ORDER BY r.relationship_id, c.sequence
            """
        ).df()

    def fingerprint(self, relationship_id: str | None = None) -> str:
        """A short SHA-256 of the stored data (for one relationship, or all), stable across reads.

        Reports state it so a reader can tell whether two reports came from the same data.
        """
        h = hashlib.sha256()
        for table in TABLES:
            df = self.read(table, relationship_id)
            h.update(table.encode())
            for part in _csv_parts(df):
                h.update(part)
        return h.hexdigest()[:16]

    # -- export --------------------------------------------------------------------------------------
    def export(self, folder: str | Path, fmt: str = "csv", relationship_id: str | None = None) -> list[Path]:
        """Write each table as ``folder/<table>.csv`` (or ``.parquet``); the canonical form import reads."""
        if fmt not in ("csv", "parquet"):
            raise StoreError(f"export format must be 'csv' or 'parquet'; got {fmt!r}")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for table in TABLES:
            df = self.read(table, relationship_id)
            path = folder / f"{table}.{fmt}"
            if fmt == "csv":
                write_canonical_csv(df, path)
            else:
                df.to_parquet(path, index=False)
            written.append(path)
        return written


_FINGERPRINT_DATES = "%Y-%m-%dT%H:%M:%S"
_NEEDS_QUOTES = '[,"\r\n]'  # what makes the csv module quote a field (QUOTE_MINIMAL, comma, double quote)


def _csv_parts(df: pd.DataFrame) -> tuple[bytes | memoryview, ...]:
    """``df.to_csv(index=False, date_format=…).encode()`` in consecutive parts: the bytes a fingerprint hashes.

    A large table of plain text, integers and true/false (the responses) is written column-wise by Arrow
    instead, byte for byte the same: no field needs quoting, missing values are empty, integers and booleans
    print as Python prints them. Anything else goes through pandas.
    """
    fast = _plain_csv(df) if len(df) >= 10_000 else None
    return fast if fast is not None else (df.to_csv(index=False, date_format=_FINGERPRINT_DATES).encode(),)


def _plain_csv(df: pd.DataFrame) -> tuple[bytes, memoryview] | None:
    import pyarrow.compute as pc

    if len(df.columns) < 2:  # the csv module quotes a row's only field when it is empty
        return None
    fields = []
    for name in df.columns:
        col = df[name]
        if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
            text = pa.chunked_array(col.array._pa_array).cast(pa.large_string())
            if pc.any(pc.match_substring_regex(pc.unique(text), _NEEDS_QUOTES)).as_py():
                return None
        elif isinstance(col.dtype, pd.Int64Dtype) or (col.dtype.kind in "iu" and col.dtype != object):
            text = pa.array(col.array).cast(pa.large_string())
        elif col.dtype == bool:
            text = pc.if_else(pa.array(col.to_numpy()), "True", "False").cast(pa.large_string())
        else:
            return None
        fields.append(pc.fill_null(text, ""))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=os.linesep).writerow(list(df.columns))
    text = {t: pa.scalar(t, pa.large_string()) for t in (",", "", os.linesep)}
    rows = pc.binary_join_element_wise(*fields, text[","])
    rows = pc.binary_join_element_wise(rows, text[""], text[os.linesep])  # each row, then the line end
    rows = rows.combine_chunks() if isinstance(rows, pa.ChunkedArray) else rows
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    start, end = int(offsets[rows.offset]), int(offsets[rows.offset + len(rows)])
    return buffer.getvalue().encode(), memoryview(rows.buffers()[2])[start:end]


def write_canonical_csv(df: pd.DataFrame, path: Path) -> None:
    """CSV as the canonical form writes it: ISO dates, empty for missing, ``\\n`` line ends."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").where(out[col].notna(), None)
    out.to_csv(path, index=False, lineterminator="\n")


#: Integer columns come out of Arrow as nullable integers (not floats), whether or not they hold a missing value.
_ARROW_INTEGERS = {t: pd.Int64Dtype() for t in (pa.int8(), pa.int16(), pa.int32(), pa.int64())}


def _with_dtypes(table: str, df: pd.DataFrame) -> pd.DataFrame:
    schema = SCHEMAS[table]
    for name, col in schema.columns.items():
        dtype = str(col.dtype)
        if _SQL_TYPES.get(dtype) == "VARCHAR":
            if df[name].dtype != "str":
                df[name] = df[name].astype("str")
            if col.nullable and df[name].isna().any():
                df[name] = df[name].where(df[name].notna(), None)
        elif dtype == "Int64":
            df[name] = df[name].astype("Int64")
        elif dtype == "datetime64[ns]":
            df[name] = pd.to_datetime(df[name]).astype("datetime64[ns]")
        else:
            df[name] = df[name].astype(dtype)
    return df[list(schema.columns)]


def open_store(path: str | Path | None = None, read_only: bool = False) -> Store:
    """Open (or create) the store at ``path``; see :class:`Store`."""
    return Store(path, read_only=read_only)
