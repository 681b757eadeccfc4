"""Priorities: what matters most and is most neglected — importance against performance (DESIGN.md, question 5).

Importance–performance analysis (Martilla and James 1977) places each Value Code (or Thing That Matters) on two
axes, how important the community says it is and how well it is performing, and splits the plane at the grand
means into four quadrants. Where a Value Code also asks the level people *want* (``desired``), the shortfall
``desired − current`` measures neglect directly.

This module also holds the per-group machinery the gap and change analyses share (:func:`code_table`,
:func:`roll_up`, :func:`gate_rows`): every table here passes the privacy gate through :func:`gate_rows`.

References
----------
Martilla, J. A. and James, J. C. (1977). Importance–performance analysis. *Journal of Marketing* 41(1), 77–79.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import Privacy
from ..errors import NotFoundError
from ..schemas import LEVELS
from ._frames import code_order, keep_rows, map_values
from ._shared import remember, shared
from .data import RelationshipData, prepare
from .perspectives import PERSPECTIVE_COLUMNS, UNPOOLED_PREFIX, label_groups, sort_groups
from .privacy import DEFAULT_PRIVACY, SuppressionLog, apply_gate, atom_counts, public_reason

__all__ = [
    "QUADRANTS",
    "PRIORITY_COLUMNS",
    "THING_PRIORITY_COLUMNS",
    "priorities",
    "neglected_things",
    "code_table",
    "roll_up",
    "gate_rows",
]

#: Martilla and James's four quadrants: (high importance, low performance), (high, high), (low, low), (low, high).
QUADRANTS = ("concentrate here", "keep up the good work", "low priority", "possible overkill")
_MEASURES = ["n", "mean", "n_importance", "mean_importance", "n_desired", "mean_desired", "shortfall",
             "priority", "quadrant", "rank", "suppressed", "suppressed_reason"]  # fmt: skip
PRIORITY_COLUMNS = ["code_id", "thing_that_matters", "title", *_MEASURES]
THING_PRIORITY_COLUMNS = ["thing_that_matters", "thing_that_matters_name", "n_codes", *_MEASURES]

Data = RelationshipData | pd.DataFrame


@shared
def priorities(
    data: Data,
    by: str | Sequence[str] | None = None,
    *,
    where: Mapping[str, object] | None = None,
    cycle: str | None = None,
    code_ids: Sequence[str] | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """Importance against performance for every Value Code that asks importance, per group.

    Parameters
    ----------
    data, by, where, cycle, code_ids, codes, privacy
        As in :func:`~valuekit.analysis.scores.score_codes`. ``codes`` may carry ``asks``
        (``"importance|desired"``); without it a code asks what some respondent answered.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``group``, then :data:`PRIORITY_COLUMNS`, template order. Only Value Codes that ask
        importance; empty (same columns) when none does.

    Notes
    -----
    Per group and Value Code: ``mean`` = mean rating (performance) over its ``n`` ratings; ``mean_importance``
    over the ``n_importance`` importance answers; ``shortfall`` = mean over the ``n_desired`` respondents who
    gave both of their own ``desired − rating`` (``mean_desired`` is their mean desired level). Then

    .. math:: \\text{priority} = \\bar I \\times \\text{shortfall}
              \\quad\\text{or, when the code does not ask desired,}\\quad \\bar I \\times (5 - \\bar x)

    ``quadrant`` (Martilla and James 1977) splits at the group's grand means over its shown Value Codes:
    importance ≥ its grand mean and performance below → "concentrate here"; both at or above → "keep up the
    good work"; both below → "low priority"; importance below, performance at or above → "possible overkill".
    ``rank`` orders the group's Value Codes by priority, 1 = first to act on.

    Privacy: a row is hidden when the gate hides its ratings (as in ``score_codes``) or its complete answers
    (rating, importance and, where asked, desired: a subset of each measure's answers, so every measure's
    hidden groups stay hidden). Grand means use shown rows only.

    Examples
    --------
    >>> r = pd.DataFrame({"participant_id": list("abcde") * 2, "code_id": ["X"] * 5 + ["Y"] * 5,
    ...     "rating": [2, 2, 3, 2, 1, 4, 4, 5, 4, 3], "desired": [4, 4, 4, 4, 4, 4, 5, 5, 4, 4],
    ...     "importance": [5, 5, 4, 5, 5, 2, 3, 2, 2, 1]})
    >>> out = priorities(r)
    >>> out[["code_id", "shortfall", "priority", "quadrant", "rank"]].to_dict("records")[0]
    {'code_id': 'X', 'shortfall': 2.0, 'priority': 9.6, 'quadrant': 'concentrate here', 'rank': 1}
    """
    prep = prepare(data, "responses", by=by, where=where, cycle=cycle)
    order = _asked(code_table(data, prep.records, codes, cycle), prep.records)
    if code_ids is not None:
        for c in code_ids:
            if c not in set(order["code_id"]):
                raise NotFoundError("Value Code asking importance", c, list(order["code_id"]))
        order = order[order["code_id"].isin(list(code_ids))].assign(position=lambda d: range(len(d)))
    keys = [*prep.by, "code_id"]
    records = _measures(prep.records, order)
    view = records if prep.view is prep.records else _measures(prep.view, order)
    table = _stats(view, keys).merge(
        order[["code_id", "thing_that_matters", "title", "position", "desired_asked"]], on="code_id"
    )
    weights = [records["rating"].notna(), records["complete"]]
    return _finish_priorities(table, records, prep, "code_id", weights, PRIORITY_COLUMNS, privacy)


@shared
def neglected_things(
    data: Data,
    by: str | Sequence[str] | None = None,
    *,
    where: Mapping[str, object] | None = None,
    cycle: str | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """:func:`priorities` rolled up to Things That Matter: the most neglected has ``rank`` 1.

    Each respondent's rating, importance, desired and shortfall for a Thing That Matters are the means of their
    answers over its Value Codes that ask importance (as :func:`~valuekit.analysis.scores.score_things` rolls up
    ratings); the group statistics, ``priority``, ``quadrant`` and ``rank`` are then those of
    :func:`priorities`, over respondents. The most neglected Thing That Matters — high importance, low
    performance — has the highest priority. ``n_codes``: its Value Codes that ask importance.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``group``, then :data:`THING_PRIORITY_COLUMNS`, template order (sort by ``rank``
        to read the most neglected first).

    Examples
    --------
    >>> r = pd.DataFrame({"participant_id": list("abcde") * 2, "code_id": ["X"] * 5 + ["Y"] * 5,
    ...     "thing_that_matters": ["speed"] * 5 + ["trust"] * 5, "rating": [2, 2, 3, 2, 1, 4, 4, 5, 4, 3],
    ...     "importance": [5, 5, 4, 5, 5, 2, 3, 2, 2, 1]})
    >>> neglected_things(r).sort_values("rank")["thing_that_matters"].iloc[0]
    'speed'
    """
    prep = prepare(data, "responses", by=by, where=where, cycle=cycle)
    order = _asked(code_table(data, prep.records, codes, cycle), prep.records)
    things = order.groupby("thing_that_matters", sort=False).agg(
        thing_that_matters_name=("thing_that_matters_name", "first"),
        n_codes=("code_id", "size"),
        desired_asked=("desired_asked", "any"),
    )
    things = things.reset_index().assign(position=lambda d: range(len(d)))
    cols = ["rating", "importance", "desired", "short"]
    rolled = roll_up(_measures(prep.records, order), cols)
    records = rolled.merge(things[["thing_that_matters", "desired_asked"]], on="thing_that_matters")
    complete = records["rating"].notna() & records["importance"].notna()
    records["complete"] = complete & (records["short"].notna() | ~records["desired_asked"].astype(bool))
    view = rolled if prep.view is prep.records else roll_up(_measures(prep.view, order), cols)
    table = _stats(view, [*prep.by, "thing_that_matters"]).merge(things, on="thing_that_matters")
    weights = [records["rating"].notna(), records["complete"]]
    return _finish_priorities(
        table, records, prep, "thing_that_matters", weights, THING_PRIORITY_COLUMNS, privacy
    )


def _asked(order: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """The Value Codes that ask importance, with ``desired_asked``; from ``asks``, else from the answers."""
    given = records.reindex(columns=["code_id", "importance", "desired"])
    answered = given.set_index("code_id").notna().groupby(level=0).any()
    answered = answered.reindex(order["code_id"], fill_value=False)
    asks = order["asks"].astype("object").where(order["asks"].notna(), None)
    known = asks.notna().to_numpy()
    listed = asks.fillna("").astype(str).str.split("|")
    importance = np.where(known, listed.map(lambda a: "importance" in a), answered["importance"].to_numpy())
    desired = np.where(known, listed.map(lambda a: "desired" in a), answered["desired"].to_numpy())
    out = order.assign(desired_asked=desired.astype(bool))[importance.astype(bool)]
    return out.assign(position=range(len(out))).reset_index(drop=True)


def _measures(frame: pd.DataFrame, order: pd.DataFrame) -> pd.DataFrame:
    """The answers as floats: ``short`` = desired − rating and ``desired`` only where both were given."""
    used = tuple(tuple(order[c]) for c in ("code_id", "thing_that_matters", "desired_asked"))
    # priorities and neglected_things of an overview ask for the same rows: made once (and only read)
    return remember(("measures", id(frame), used), lambda: _measured(frame, order), [frame])


def _measured(frame: pd.DataFrame, order: pd.DataFrame) -> pd.DataFrame:
    out = keep_rows(frame, frame["code_id"].isin(order["code_id"]))
    out = out.assign(
        thing_that_matters=map_values(
            out["code_id"], dict(zip(order["code_id"], order["thing_that_matters"], strict=True))
        )
    )
    nums = {c: out[c].astype("float64") if c in out else np.nan for c in ("rating", "importance", "desired")}
    out = out.assign(**nums)
    both = out["rating"].notna() & out["desired"].notna()
    asked = map_values(out["code_id"], dict(zip(order["code_id"], order["desired_asked"], strict=True)))
    asked = asked.astype(bool)
    out = out.assign(short=(out["desired"] - out["rating"]).where(both), desired=out["desired"].where(both))
    complete = out["rating"].notna() & out["importance"].notna() & (both | ~asked)
    return out.assign(complete=complete)


def _stats(view: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    g = view.groupby(keys, sort=False, dropna=False)
    return g.agg(n=("rating", "count"), mean=("rating", "mean"), n_importance=("importance", "count"),
                 mean_importance=("importance", "mean"), n_desired=("short", "count"),
                 mean_desired=("desired", "mean"), shortfall=("short", "mean")).reset_index()  # fmt: skip


def _finish_priorities(table, records, prep, key, weights, columns, privacy) -> pd.DataFrame:
    front = [*prep.by, "group"]
    if table.empty:
        return empty_table([*front, *columns], privacy)
    table = sort_groups(table, prep.by, prep.party_order, then=["position"])
    table["group"] = label_groups(table, prep.by, where=prep.where, party_names=prep.party_names,
                                  n_parties=prep.n_parties)  # fmt: skip
    hidden, log = gate_rows(table, records, prep, key, weights, privacy, f"priorities per {key}")
    room = LEVELS[-1] - table["mean"]
    table["priority"] = table["mean_importance"] * table["shortfall"].where(table["desired_asked"], room)
    for col in ("n", "n_importance", "n_desired"):
        table[col] = table[col].astype("Int64")
    table.loc[hidden, _MEASURES[:8]] = np.nan
    shown = table[~hidden & table["priority"].notna()]
    grid = shown.groupby(prep.by or (lambda _: 0))[["mean_importance", "mean"]].transform("mean")
    important = shown["mean_importance"] >= grid["mean_importance"]
    performing = shown["mean"] >= grid["mean"]
    quadrant = np.select([important & ~performing, important, ~performing], QUADRANTS[:3], QUADRANTS[3])
    table["quadrant"] = pd.Series(quadrant, index=shown.index, dtype="str").reindex(table.index)
    ranks = shown.groupby(prep.by or (lambda _: 0))["priority"].rank(ascending=False, method="min")
    table["rank"] = ranks.reindex(table.index).astype("Int64")
    table["suppressed"] = hidden
    table["suppressed_reason"] = pd.Series(np.where(hidden, public_reason(privacy.k), None), dtype="str")
    return finish_table(table, front, columns, log, privacy)


# -- shared per-group machinery (used by gaps and change too) -------------------------------------------------
def code_table(
    data: Data, records: pd.DataFrame, codes: pd.DataFrame | None, cycle: str | None
) -> pd.DataFrame:
    """The Value Codes in order (the cycle's, then any others rated), with every column the analyses read."""
    fill = ("thing_that_matters", "title", "about", "mirror", "rated_by", "derived_from", "asks")
    base = code_order(data, records, codes, cycle, fill=fill, dtype="object")
    if "thing_that_matters_name" not in base:
        base["thing_that_matters_name"] = base["thing_that_matters"]
    return base


def roll_up(frame: pd.DataFrame, values: Sequence[str] = ("rating",)) -> pd.DataFrame:
    """One row per respondent and Thing That Matters: each of ``values`` averaged over its Value Codes."""
    people = [c for c in frame.columns if c in PERSPECTIVE_COLUMNS or c.startswith(UNPOOLED_PREFIX)]
    keys = ["participant_id", "thing_that_matters", *people]
    v = frame.assign(**{c: frame[c].astype("float64") for c in values})
    return v.groupby(keys, sort=False, dropna=False)[list(values)].mean().reset_index()


def gate_rows(
    table: pd.DataFrame, records: pd.DataFrame, prep, key: str, weights: Sequence[pd.Series], privacy: Privacy,
    what: str,
) -> tuple[np.ndarray, list[dict]]:  # fmt: skip
    """Which rows of ``table`` (``prep.by`` + ``key`` + ``group``) the gate hides, for any of ``weights``.

    Each weight marks the records that count towards one measure's n (ratings, complete answers …); the gate
    runs once per measure over the whole population (:func:`~valuekit.analysis.privacy.apply_gate`) and a row is
    hidden if any run hides it. Hiding more never makes a safe pattern unsafe, so the result is safe for every
    measure, and hides at least what :func:`~valuekit.analysis.scores.score_codes` hides for the same ratings.
    """
    hidden, log = np.zeros(len(table), bool), []
    for weight in weights:
        atoms = atom_counts(records, weight=weight, keys=[key])
        gated = apply_gate(table[[*prep.by, key, "group"]], atoms, by=prep.by, keys=[key], where=prep.where,
                           k=privacy.k, what=what, blank=[])  # fmt: skip
        hidden |= gated["suppressed"].to_numpy(bool)
        log += [e for e in gated.attrs["suppression_log"] if e not in log]
    return hidden, log


def finish_table(
    out: pd.DataFrame, front: list[str], columns: list[str], log: list, privacy: Privacy
) -> pd.DataFrame:
    """The fixed columns in order, with the gate's log and thresholds in ``attrs``."""
    out = out.reindex(columns=[*front, *columns]).reset_index(drop=True)
    out.attrs["suppression_log"] = SuppressionLog(log)
    out.attrs["privacy"] = {"k": privacy.k, "kind": "scores"}
    return out


def empty_table(columns: list[str], privacy: Privacy) -> pd.DataFrame:
    """A result with no rows and the right columns."""
    return finish_table(pd.DataFrame(columns=columns), [], columns, [], privacy)
