"""The method, as data: one schema per table in DESIGN.md's "the method, as data".

Everything else imports the table names, column lists and schemas from here. The canonical long form that
``valuekit import`` reads and ``valuekit sample`` writes is one CSV (or Parquet) file per table, named after the
table (``responses.csv``…), with exactly these columns.

Identifiers are strings. Ratings are nullable integers on levels 1..5 where missing means "don't know".
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from .errors import SchemaError

__all__ = [
    "LEVELS",
    "LEVEL_LABELS",
    "LEVEL_COLOURS",
    "SIDES",
    "CYCLE_KINDS",
    "COMMON_LEVELS",
    "ACTION_STATUSES",
    "CHANGE_ROLES",
    "SCHEMAS",
    "TABLES",
    "KEYS",
    "validate_table",
    "empty_table",
    "cycle_kind",
]

#: The five levels of every Value Code's evaluation statements.
LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)
LEVEL_LABELS: dict[int, str] = {
    1: "Failing",
    2: "Struggling",
    3: "Performing",
    4: "Exceeding",
    5: "Best practice",
}
#: red → amber → yellow → lime → green, as the statements are shown to respondents.
LEVEL_COLOURS: dict[int, str] = {
    1: "#d7301f",
    2: "#f28e2b",
    3: "#f2d43d",
    4: "#a6d96a",
    5: "#1a9850",
}
SIDES = ("client", "supplier", "partner")
CYCLE_KINDS = ("resolve", "solve", "dissolve")
#: The common role levels the equivalence maps translate local levels into, senior first.
COMMON_LEVELS = ("senior_leadership", "middle_management", "front_line")
ACTION_STATUSES = ("proposed", "agreed", "in_progress", "done", "dropped")
CHANGE_ROLES = ("change_champion", "transformational_leader", "change_stabilizer")

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
_CYCLE_ID = r"^(resolve|solve|dissolve-[1-9][0-9]*)$"


def cycle_kind(cycle_id: str) -> str:
    """The kind of a cycle from its id: ``"dissolve-2"`` → ``"dissolve"``."""
    kind = str(cycle_id).split("-", 1)[0]
    if kind not in CYCLE_KINDS:
        raise SchemaError(f"cycle {cycle_id!r} is not resolve, solve or dissolve-N")
    return kind


def _id(**kw) -> Column:
    return Column(str, Check.str_matches(_ID), **kw)


def _rating(name: str) -> Column:
    return Column(
        "Int64",
        Check.isin(list(LEVELS)),
        nullable=True,
        description=f"{name}: level 1 (Failing) .. 5 (Best practice); missing = don't know",
    )


SCHEMAS: dict[str, DataFrameSchema] = {
    "relationships": DataFrameSchema(
        {
            "relationship_id": _id(unique=True),
            "name": Column(str),
            "sector": Column(str),
            "annual_value_m": Column(float, Check.ge(0), description="annual value, millions"),
            "start_date": Column("datetime64[ns]"),
            "end_date": Column("datetime64[ns]"),
            "other_initiatives": Column(bool, description="other change initiatives in play"),
            "template_id": _id(),
            "template_version": Column(str),
        },
        checks=[
            Check(lambda d: (d["end_date"] >= d["start_date"]).all(), error="end_date before start_date")
        ],
        strict=True,
        coerce=True,
        name="relationships",
    ),
    "parties": DataFrameSchema(
        {
            "relationship_id": _id(),
            "party_id": _id(),
            "name": Column(str),
            "side": Column(str, Check.isin(list(SIDES))),
        },
        unique=["relationship_id", "party_id"],
        strict=True,
        coerce=True,
        name="parties",
    ),
    "equivalences": DataFrameSchema(
        {
            "relationship_id": _id(),
            "party_id": _id(),
            "dimension": Column(str, Check.isin(["level", "function"])),
            "local": Column(str, description="the party's own title, e.g. 'Head of Service'"),
            "common": Column(str, description="the common level or function it maps to"),
        },
        unique=["relationship_id", "party_id", "dimension", "local"],
        strict=True,
        coerce=True,
        name="equivalences",
    ),
    "participants": DataFrameSchema(
        {
            "relationship_id": _id(),
            "participant_id": Column(str, description="pseudonym: a salted hash inside the store"),
            "party_id": _id(),
            "local_level": Column(str),
            "local_function": Column(str),
        },
        unique=["relationship_id", "participant_id"],
        strict=True,
        coerce=True,
        name="participants",
    ),
    "cycles": DataFrameSchema(
        {
            "relationship_id": _id(),
            "cycle_id": Column(str, Check.str_matches(_CYCLE_ID)),
            "sequence": Column(int, Check.ge(1)),
            "opened": Column("datetime64[ns]"),
            "closed": Column("datetime64[ns]", nullable=True),
        },
        unique=["relationship_id", "cycle_id"],
        strict=True,
        coerce=True,
        name="cycles",
    ),
    "cycle_codes": DataFrameSchema(
        {
            "relationship_id": _id(),
            "cycle_id": Column(str, Check.str_matches(_CYCLE_ID)),
            "code_id": _id(),
            "position": Column(int, Check.ge(0), description="order in the questionnaire"),
        },
        unique=["relationship_id", "cycle_id", "code_id"],
        strict=True,
        coerce=True,
        name="cycle_codes",
    ),
    "invitations": DataFrameSchema(
        {
            "relationship_id": _id(),
            "cycle_id": Column(str, Check.str_matches(_CYCLE_ID)),
            "participant_id": Column(str),
            "responded": Column(bool),
        },
        unique=["relationship_id", "cycle_id", "participant_id"],
        strict=True,
        coerce=True,
        name="invitations",
    ),
    "responses": DataFrameSchema(
        {
            "relationship_id": _id(),
            "cycle_id": Column(str, Check.str_matches(_CYCLE_ID)),
            "participant_id": Column(str),
            "code_id": _id(),
            "rating": _rating("rating"),
            "desired": _rating("desired"),
            "importance": _rating("importance"),
        },
        unique=["relationship_id", "cycle_id", "participant_id", "code_id"],
        strict=True,
        coerce=True,
        name="responses",
    ),
    "comments": DataFrameSchema(
        {
            "relationship_id": _id(),
            "cycle_id": Column(str, Check.str_matches(_CYCLE_ID)),
            "participant_id": Column(str),
            "subject_id": _id(description="a Thing That Matters or an open question"),
            "text": Column(str, Check.str_length(min_value=1)),
        },
        unique=["relationship_id", "cycle_id", "participant_id", "subject_id"],
        strict=True,
        coerce=True,
        name="comments",
    ),
    "actions": DataFrameSchema(
        {
            "relationship_id": _id(),
            "action_id": _id(),
            "title": Column(str),
            "code_ids": Column(str, description="the Value Codes it targets, separated by '|'"),
            "owner_role": Column(str),
            "owner_party_id": _id(),
            "raised_cycle": Column(str, Check.str_matches(_CYCLE_ID)),
            "due": Column("datetime64[ns]", nullable=True),
            "status": Column(str, Check.isin(list(ACTION_STATUSES))),
        },
        unique=["relationship_id", "action_id"],
        strict=True,
        coerce=True,
        name="actions",
    ),
    "change_roles": DataFrameSchema(
        {
            "relationship_id": _id(),
            "role": Column(str, Check.isin(list(CHANGE_ROLES))),
            "filled": Column(bool),
            "party_id": Column(str, nullable=True, description="the party of whoever fills it"),
        },
        unique=["relationship_id", "role"],
        strict=True,
        coerce=True,
        name="change_roles",
    ),
}

#: Table names in load order: a table's references point only at tables before it.
TABLES: tuple[str, ...] = tuple(SCHEMAS)

#: The natural key of each table: importing a row whose key is already stored replaces nothing and adds nothing.
KEYS: dict[str, list[str]] = {
    "relationships": ["relationship_id"],
    "parties": ["relationship_id", "party_id"],
    "equivalences": ["relationship_id", "party_id", "dimension", "local"],
    "participants": ["relationship_id", "participant_id"],
    "cycles": ["relationship_id", "cycle_id"],
    "cycle_codes": ["relationship_id", "cycle_id", "code_id"],
    "invitations": ["relationship_id", "cycle_id", "participant_id"],
    "responses": ["relationship_id", "cycle_id", "participant_id", "code_id"],
    "comments": ["relationship_id", "cycle_id", "participant_id", "subject_id"],
    "actions": ["relationship_id", "action_id"],
    "change_roles": ["relationship_id", "role"],
}


def columns(table: str) -> list[str]:
    """The columns of a table, in order."""
    return list(_schema(table).columns)


def _schema(table: str) -> DataFrameSchema:
    try:
        return SCHEMAS[table]
    except KeyError:
        from .errors import NotFoundError

        raise NotFoundError("table", table, list(SCHEMAS)) from None


def empty_table(table: str) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    schema = _schema(table)
    return pd.DataFrame({name: pd.Series(dtype=col.dtype.type) for name, col in schema.columns.items()})


def validate_table(table: str, df: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """Check ``df`` against the table's schema and return it with canonical dtypes.

    Raises
    ------
    SchemaError
        Naming the table (and ``source``), the column, the check that failed and up to five offending values.
    """
    schema = _schema(table)
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        lines = []
        for (column, check), grp in fc.groupby(["column", "check"], dropna=False, sort=False):
            vals = ", ".join(repr(v) for v in grp["failure_case"].head(5))
            rows = grp["index"].dropna().head(5).tolist()
            where = f" at rows {rows}" if rows else ""
            lines.append(f"column {column!r}: {check}{where}: {vals}")
        src = f" ({source})" if source else ""
        raise SchemaError(
            f"table {table!r}{src} does not match its schema:\n  " + "\n  ".join(lines)
        ) from None
