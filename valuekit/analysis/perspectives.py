"""Perspectives: whose view a number is (a party, a side, a common level, a common function, or a mix).

A *perspective* is a grouping by any mix of :data:`PERSPECTIVE_COLUMNS`, e.g. ``["side", "common_level"]``,
optionally narrowed by a filter (``where={"common_level": "middle_management"}``). Grouping by
``common_level`` alone is how one speaks of *both parties'* middle management. In tables with totals, a
perspective column that is summed over holds :data:`ALL`.

Groups too small to show (:mod:`valuekit.analysis.privacy`) can be merged with equivalent roles by
:func:`pool` — always explicitly, by the analyst, with a reason that is logged. Nothing is pooled automatically.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import pandas as pd

from ..errors import NotFoundError, ValuekitError
from ..schemas import COMMON_LEVELS, SIDES

__all__ = [
    "PERSPECTIVE_COLUMNS",
    "ALL",
    "POOL_SEP",
    "UNPOOLED_PREFIX",
    "validate_by",
    "validate_where",
    "apply_where",
    "sort_groups",
    "group_label",
    "label_groups",
    "Pooled",
    "pool",
    "pool_across_parties",
    "pool_levels",
]

#: The columns a perspective may group or filter by.
PERSPECTIVE_COLUMNS: tuple[str, ...] = ("party_id", "side", "common_level", "common_function")
#: The value of a perspective column in a total row (summed over that column).
ALL = "all"
#: Joins the values of pooled groups: ``"senior_leadership+middle_management"``.
POOL_SEP = "+"
#: :func:`pool` keeps each row's original perspective value in ``unpooled_<column>``; the privacy gate uses it.
UNPOOLED_PREFIX = "unpooled_"


def validate_by(by: str | Sequence[str] | None, available: Sequence[str] | None = None) -> list[str]:
    """Check a perspective: a list of distinct :data:`PERSPECTIVE_COLUMNS` (``None`` = no grouping).

    Raises
    ------
    NotFoundError
        Naming the column received and listing the allowed ones (or those the data has).
    """
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    allowed = [c for c in PERSPECTIVE_COLUMNS if available is None or c in available]
    for col in cols:
        if col not in allowed:
            raise NotFoundError("perspective column", col, allowed, where="by=")
    dup = [c for c in cols if cols.count(c) > 1]
    if dup:
        raise ValuekitError(f"by= lists the perspective column {dup[0]!r} twice; got {cols!r}")
    return cols


def validate_where(
    where: Mapping[str, object] | None, universe: pd.DataFrame | None = None
) -> dict[str, tuple[str, ...]]:
    """Check a filter ``{column: value or list of values}``; values are checked against ``universe``.

    A value that exists in the relationship but not in this cycle's rows is fine (the result is empty); a value
    that exists nowhere is a typo and raises :class:`NotFoundError` listing the values that exist.
    """
    if not where:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for col, value in where.items():
        if col not in PERSPECTIVE_COLUMNS:
            raise NotFoundError("perspective column", col, list(PERSPECTIVE_COLUMNS), where="where=")
        values = (value,) if isinstance(value, str) else tuple(value)
        if not values:
            raise ValuekitError(f"where={{{col!r}: …}} is empty; give at least one value")
        if universe is not None and col in universe:
            known = set(universe[col].dropna())
            for v in values:
                if v not in known:
                    raise NotFoundError(col, v, sorted(known), where="where=")
        out[col] = values
    return out


def apply_where(frame: pd.DataFrame, where: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """The rows of ``frame`` inside the filter (a validated ``where``)."""
    mask = pd.Series(True, index=frame.index)
    for col, values in where.items():
        mask &= frame[col].isin(list(values))
    return frame[mask]


def _position(col: str, value: object, party_order: Sequence[str] = ()) -> tuple[int, int, str]:
    """Where a value sorts: known values in the method's order, others alphabetically, totals (ALL) last."""
    if value == ALL:
        return (2, 0, "")
    known = {"side": SIDES, "common_level": COMMON_LEVELS, "party_id": tuple(party_order)}.get(col, ())
    first = str(value).split(POOL_SEP)[0]
    return (0, known.index(first), str(value)) if first in known else (1, 0, str(value))


def sort_groups(
    frame: pd.DataFrame, by: Sequence[str], party_order: Sequence[str] = (), then: Sequence[str] = ()
) -> pd.DataFrame:
    """Sort rows by perspective: client before supplier, senior before front line, totals last; then ``then``."""
    if frame.empty or not (by or then):
        return frame.reset_index(drop=True)
    keys = pd.DataFrame(index=frame.index)
    for i, col in enumerate(by):
        uniq = sorted(frame[col].dropna().unique(), key=lambda v, c=col: _position(c, v, party_order))
        keys[f"_k{i}"] = frame[col].map({v: r for r, v in enumerate(uniq)})
    for j, col in enumerate(then):
        keys[f"_t{j}"] = frame[col]
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def _words(value: str) -> str:
    return " and ".join(part.replace("_", " ") for part in value.split(POOL_SEP))


def group_label(
    values: Mapping[str, object], *, party_names: Mapping[str, str] | None = None, n_parties: int = 2
) -> str:
    """A plain-English name for a group: ``"Client senior leadership"``, ``"Both parties' middle management"``.

    Parameters
    ----------
    values
        Perspective column → value (``ALL`` or missing = not narrowed by that column; pooled values joined
        with ``+``).
    party_names
        ``party_id`` → name, so a party reads as its name.
    n_parties
        How many parties the relationship has ("Both parties'" for two, "All parties'" otherwise).

    Examples
    --------
    >>> group_label({"side": "supplier", "common_level": "front_line", "common_function": "operations"})
    'Supplier front line – operations'
    >>> group_label({"common_level": "middle_management"})
    "Both parties' middle management"
    """

    def given(col: str) -> str | None:
        v = values.get(col)
        return None if v is None or v is pd.NA or v == ALL or (isinstance(v, float) and v != v) else str(v)

    everyone = "Both parties" if n_parties == 2 else "All parties"
    party, side = given("party_id"), given("side")
    who = None
    if party is not None:
        ids = party.split(POOL_SEP)
        who = (
            everyone
            if len(ids) > 1 and len(ids) >= n_parties
            else " and ".join((party_names or {}).get(p, p) for p in ids)
        )
    elif side is not None:
        sides = side.split(POOL_SEP)
        who = everyone if len(sides) > 1 and len(sides) >= min(n_parties, len(SIDES)) else _words(side)
    level, function = given("common_level"), given("common_function")
    if level is not None:
        label = f"{everyone}' {_words(level)}" if who in (None, everyone) else f"{who} {_words(level)}"
    else:
        label = who or ("Whole community" if function is None else everyone)
    if function is not None:
        label += f" – {_words(function)}"
    return label[0].upper() + label[1:]


def label_groups(
    frame: pd.DataFrame,
    by: Sequence[str],
    *,
    where: Mapping[str, Sequence[str]] | None = None,
    party_names: Mapping[str, str] | None = None,
    n_parties: int = 2,
) -> pd.Series:
    """:func:`group_label` for every row of ``frame`` (its ``by`` columns, within the filter ``where``)."""
    base = {col: POOL_SEP.join(vals) for col, vals in (where or {}).items()}
    if frame.empty:
        return pd.Series([], index=frame.index, dtype="str")
    uniq = frame[list(by)].drop_duplicates()
    names = {
        tuple(row): group_label(
            {**base, **dict(zip(by, row, strict=True))}, party_names=party_names, n_parties=n_parties
        )
        for row in uniq.itertuples(index=False)
    }
    return pd.Series(
        [names[tuple(r)] for r in frame[list(by)].itertuples(index=False)], index=frame.index, dtype="str"
    )


class Pooled(NamedTuple):
    """What :func:`pool` returns: the data with the groups merged, and one log row saying what was merged."""

    data: Any
    log: pd.DataFrame


def pool(data: Any, groups: Sequence[Mapping[str, str]], *, reason: str) -> Pooled:
    """Merge several small groups into one, explicitly, and log it.

    Every row matching one of ``groups`` gets, in each perspective column the groups name, the ``+``-joined
    values of all the groups (``"senior_leadership+middle_management"``); merging parties merges their sides
    too. The original values are kept in ``unpooled_<column>`` so the privacy gate still protects the original
    groups: a pooled group is shown only if it cannot reveal a hidden original group by subtraction.

    Parameters
    ----------
    data
        A frame with perspective columns (responses, invitations …) or a whole :class:`RelationshipData`
        (its participants, invitations, responses and comments are all pooled alike).
    groups
        Two or more non-overlapping groups, each ``{perspective column: value}``.
    reason
        Why: shown in the log and in reports.

    Returns
    -------
    Pooled
        ``(data, log)``; ``log`` has columns ``pooled_group``, ``members``, ``reason``.

    Examples
    --------
    >>> pooled, log = pool(responses, [{"side": "client", "common_level": "senior_leadership"},
    ...                               {"side": "supplier", "common_level": "senior_leadership"}],
    ...                    reason="supplier senior leadership has too few respondents")  # doctest: +SKIP
    """
    if not reason or not str(reason).strip():
        raise ValuekitError("pool() needs a reason; it is logged and shown wherever the pooled group is")
    if len(groups) < 2:
        raise ValuekitError(f"pool() merges two or more groups; got {len(groups)}")
    if _is_relationship(data):
        frames = {f: getattr(data, f) for f in ("participants", "invitations", "responses", "comments")}
        pooled = {f: _pool_frame(df, groups, data.participants) for f, df in frames.items()}
        out = dataclasses.replace(data, **pooled)
        names, n_parties = data.party_names, len(data.parties)
        merged = pooled["participants"]
    else:
        out = merged = _pool_frame(data, groups, data)
        names, n_parties = None, max(2, data["party_id"].nunique()) if "party_id" in data else 2
    first = _matches(merged, [groups[0]], by_original=True)
    row = merged.loc[first].iloc[0] if first.any() else pd.Series(dtype="object")
    cols = sorted(
        {c for g in groups for c in g} | ({"side"} if any("party_id" in g for g in groups) else set())
    )
    label = group_label({c: row.get(c) for c in cols}, party_names=names, n_parties=n_parties)
    members = "; ".join(group_label(g, party_names=names, n_parties=n_parties) for g in groups)
    log = pd.DataFrame({"pooled_group": [label], "members": [members], "reason": [str(reason)]})
    return Pooled(out, log)


def _is_relationship(data: object) -> bool:
    """A :class:`~valuekit.analysis.data.RelationshipData` (checked by shape: data imports this module)."""
    return dataclasses.is_dataclass(data) and hasattr(data, "participants") and hasattr(data, "responses")


def _matches(
    frame: pd.DataFrame, groups: Sequence[Mapping[str, str]], by_original: bool = False
) -> pd.Series:
    mask = pd.Series(False, index=frame.index)
    for g in groups:
        m = pd.Series(True, index=frame.index)
        for col, value in g.items():
            src = UNPOOLED_PREFIX + col if by_original and UNPOOLED_PREFIX + col in frame else col
            m &= frame[src] == value
        mask |= m
    return mask


def _pool_frame(
    frame: pd.DataFrame, groups: Sequence[Mapping[str, str]], universe: pd.DataFrame
) -> pd.DataFrame:
    for g in groups:
        validate_where(g, universe)
    hits = sum(_matches(frame, [g]).astype(int) for g in groups)
    if (hits > 1).any():
        raise ValuekitError(
            f"pool(): the groups overlap (a row belongs to more than one of {list(groups)!r})"
        )
    member = hits == 1
    out = frame.copy()
    for col in PERSPECTIVE_COLUMNS:
        if col in out and UNPOOLED_PREFIX + col not in out:
            out[UNPOOLED_PREFIX + col] = out[col]
    cols = {c for g in groups for c in g}
    if "party_id" in cols and "side" in out:
        cols.add("side")
    for col in sorted(cols):
        # the merged value comes from the whole population, so every frame of a relationship agrees on it
        source = universe.loc[_matches(universe, groups), col].dropna()
        parts = sorted({p for v in source for p in str(v).split(POOL_SEP)})
        order = list(universe["party_id"].unique()) if "party_id" in universe else []
        ranked = sorted(parts, key=lambda p, c=col: _position(c, p, order))
        if parts:
            out.loc[member, col] = POOL_SEP.join(ranked)
    return out


def pool_across_parties(data: Any, common_level: str, *, reason: str) -> Pooled:
    """Pool one common level across every party: "both parties' senior leadership" as one group."""
    frame = data.participants if _is_relationship(data) else data
    parties = sorted(frame.loc[frame["common_level"] == common_level, "party_id"].unique())
    if not parties:
        raise NotFoundError(
            "common_level", common_level, sorted(frame["common_level"].unique()), where="the data"
        )
    if len(parties) < 2:
        raise ValuekitError(
            f"only party {parties[0]!r} has {common_level!r}; there is nothing to pool it with"
        )
    return pool(data, [{"party_id": p, "common_level": common_level} for p in parties], reason=reason)


def pool_levels(
    data: Any,
    levels: Sequence[str],
    *,
    reason: str,
    party_id: str | None = None,
    side: str | None = None,
) -> Pooled:
    """Pool adjacent common levels (e.g. senior leadership with middle management), within a party or side."""
    levels = list(levels)
    idx = sorted(COMMON_LEVELS.index(lv) if lv in COMMON_LEVELS else -1 for lv in levels)
    if -1 in idx or idx != list(range(idx[0], idx[0] + len(idx))) or len(idx) < 2:
        raise ValuekitError(
            f"pool_levels() merges two or more adjacent common levels out of {list(COMMON_LEVELS)}; got {levels!r}"
        )
    scope = {"party_id": party_id} if party_id else {"side": side} if side else {}
    return pool(data, [{**scope, "common_level": lv} for lv in levels], reason=reason)
