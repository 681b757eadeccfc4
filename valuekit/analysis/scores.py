"""Scores: how each Value Code and Thing That Matters is rated, by perspective (DESIGN.md, question 2).

Every function takes a :class:`~valuekit.analysis.data.RelationshipData` (or a frame of responses carrying the
perspective columns), returns a tidy frame with fixed columns, keeps all five levels and the template's order,
and passes through the privacy gate (:mod:`valuekit.analysis.privacy`) before anything is returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..config import Privacy
from ..errors import NotFoundError, ValuekitError
from ..schemas import LEVEL_LABELS, LEVELS
from ._frames import code_order, keep_rows
from ._shared import shared
from .data import Prepared, RelationshipData, prepare
from .perspectives import label_groups, sort_groups
from .privacy import DEFAULT_PRIVACY, apply_gate, atom_counts

__all__ = [
    "score_codes",
    "score_things",
    "distribution",
    "SCORE_COLUMNS",
    "THING_COLUMNS",
    "DISTRIBUTION_COLUMNS",
]

#: Favourable: rated Performing (3) or above.
FAVOURABLE_FROM = 3
COUNTS = [f"count_{lv}" for lv in LEVELS]
SHARES = [f"share_{lv}" for lv in LEVELS]
SCORE_COLUMNS = [
    "code_id", "thing_that_matters", "title", "n", "dont_know", "mean", "median", "sd",
    *COUNTS, *SHARES, "share_favourable", "ci_low", "ci_high", "suppressed", "suppressed_reason",
]  # fmt: skip
THING_COLUMNS = [
    "thing_that_matters", "thing_that_matters_name", "n_codes", "n", "dont_know", "mean", "median", "sd",
    "share_favourable", "ci_low", "ci_high", "suppressed", "suppressed_reason",
]  # fmt: skip
DISTRIBUTION_COLUMNS = [
    "code_id", "thing_that_matters", "title", "level", "level_label", "count", "share", "suppressed",
    "suppressed_reason",
]  # fmt: skip

Data = RelationshipData | pd.DataFrame


@shared
def score_codes(
    data: Data,
    by: str | Sequence[str] | None = None,
    *,
    where: Mapping[str, object] | None = None,
    code_ids: Sequence[str] | None = None,
    cycle: str | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """Score every Value Code, overall or per group of a perspective.

    Parameters
    ----------
    data
        A :class:`~valuekit.analysis.data.RelationshipData`, or a frame of responses with ``participant_id``,
        ``code_id``, ``rating`` and the perspective columns to group by.
    by
        Perspective columns to group by (``"side"``, ``["party_id", "common_level"]`` …); ``None`` = everyone.
    where
        A filter, e.g. ``{"common_level": "middle_management"}``; the privacy gate still sees the whole
        population, so a filtered group cannot be subtracted from an unfiltered one.
    code_ids
        Only these Value Codes (in template order).
    cycle
        The cycle, when ``data`` holds several.
    codes
        For a frame of responses: the Value Codes (``code_id``, ``thing_that_matters``, ``title``) in order.
    privacy
        Thresholds; ``privacy.k`` is the fewest ratings a shown group may have.

    Returns
    -------
    DataFrame
        One row per group and Value Code, groups in perspective order then the template's order: the ``by``
        columns, ``group`` (a plain-English label), then :data:`SCORE_COLUMNS`. ``n`` counts ratings, not
        "don't know" (``dont_know``). ``count_1`` … ``count_5`` always cover all five levels;
        ``share_l = count_l / n``; ``share_favourable`` = share at Performing (3) or above.
        Hidden groups have every number missing and ``suppressed`` true.

    Notes
    -----
    For ratings :math:`x_1..x_n` of a group: mean :math:`\\bar x`, median (halfway between the two middle
    levels when n is even), sample standard deviation :math:`s` (ddof = 1), and a 95 % Student *t* interval
    :math:`\\bar x \\pm t_{0.975,\\,n-1}\\, s / \\sqrt n` clipped to the scale [1, 5] (missing when n < 2).
    The *t* interval is used rather than a bootstrap so the same data always gives the same numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from valuekit.analysis.scores import score_codes
    >>> r = pd.DataFrame({"participant_id": list("abcdef"), "code_id": "TRU-01",
    ...                   "rating": pd.array([1, 2, 3, 3, 5, None], dtype="Int64")})
    >>> row = score_codes(r).iloc[0]
    >>> int(row.n), int(row.dont_know), float(row["mean"]), float(row.share_favourable)
    (5, 1, 2.8, 0.6)
    """
    prep = prepare(data, "responses", by=by, where=where, cycle=cycle)
    order = _codes(data, prep.records, codes, cycle)
    records = _only_codes(prep.records, order, code_ids)
    view = _only_codes(prep.view, order, code_ids)
    table = _code_stats(view, prep.by)
    table = table.merge(
        order[["code_id", "thing_that_matters", "title", "position"]], on="code_id", how="left"
    )
    atoms = atom_counts(records, weight=records["rating"].notna(), keys=["code_id"])
    return _finish(table, atoms, prep, ["code_id"], SCORE_COLUMNS, privacy, "Value Code scores")


@shared
def score_things(
    data: Data,
    by: str | Sequence[str] | None = None,
    *,
    where: Mapping[str, object] | None = None,
    things: Sequence[str] | None = None,
    cycle: str | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """Score every Thing That Matters: the Value Codes rolled up per respondent, then per group.

    The roll-up: each respondent's score for a Thing That Matters is the mean of their ratings of its Value
    Codes ("don't know" left out); a group's statistics are then taken over respondents, so everyone counts
    once however many codes they rated. ``n`` is the number of respondents with at least one rating;
    ``dont_know`` those who answered only "don't know"; ``share_favourable`` the share whose score is 3 or
    above; ``mean``, ``median``, ``sd``, ``ci_low``, ``ci_high`` as in :func:`score_codes`, over the
    respondent scores. ``n_codes`` is how many Value Codes the Thing That Matters has in this diagnostic.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``group``, then :data:`THING_COLUMNS`, in the template's order.

    Examples
    --------
    >>> r = pd.DataFrame({"participant_id": list("aabbccddee"), "code_id": ["T1", "T2"] * 5,
    ...                   "thing_that_matters": "trust", "rating": pd.array([1, 3] * 5, dtype="Int64")})
    >>> float(score_things(r).iloc[0]["mean"])
    2.0
    """
    prep = prepare(data, "responses", by=by, where=where, cycle=cycle)
    order = _codes(data, prep.records, codes, cycle)
    ttm = order.drop_duplicates("thing_that_matters").assign(position=lambda d: range(len(d)))
    if things is not None:
        for t in things:
            if t not in set(ttm["thing_that_matters"]):
                raise NotFoundError("Thing That Matters", t, list(ttm["thing_that_matters"]))
        ttm = ttm[ttm["thing_that_matters"].isin(things)]
    if ttm["thing_that_matters"].isna().any():
        raise ValuekitError(
            "score_things needs each Value Code's Thing That Matters: pass codes= or a column"
        )
    per = _per_respondent(_with_things(prep.records, order))
    per = keep_rows(per, per["thing_that_matters"].isin(ttm["thing_that_matters"]))
    if prep.view is prep.records:
        view = per
    else:
        view = _per_respondent(_with_things(prep.view, order))
        view = view[view["thing_that_matters"].isin(ttm["thing_that_matters"])]
    keys = [*prep.by, "thing_that_matters"]
    flags = view.assign(dk=view["rated"] == 0, fav=view["score"] >= FAVOURABLE_FROM)
    g = flags.groupby(keys, sort=False, dropna=False)
    table = g["score"].agg(n="count", mean="mean", median="median", sd="std")
    table["dont_know"] = g["dk"].sum()
    table["share_favourable"] = g["fav"].sum() / table["n"]
    table = _ci(table.reset_index())
    n_codes = order.groupby("thing_that_matters").size().rename("n_codes").reset_index()
    names = ttm[["thing_that_matters", "position"]].assign(
        thing_that_matters_name=ttm.get("thing_that_matters_name", ttm["thing_that_matters"])
    )
    table = table.merge(names, on="thing_that_matters").merge(n_codes, on="thing_that_matters")
    atoms = atom_counts(per, weight=per["rated"] > 0, keys=["thing_that_matters"])
    return _finish(
        table, atoms, prep, ["thing_that_matters"], THING_COLUMNS, privacy, "Thing That Matters scores"
    )


@shared
def distribution(
    data: Data,
    by: str | Sequence[str] | None = None,
    *,
    where: Mapping[str, object] | None = None,
    code_ids: Sequence[str] | None = None,
    cycle: str | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """How many chose each of the five levels, per group and Value Code, in long form.

    Always five rows per group and code (levels 1..5 with their labels, Failing … Best practice), even for
    levels nobody chose; ``share = count / n`` with n the ratings other than "don't know". Hidden groups
    (see :func:`score_codes`, same gate) have ``count`` and ``share`` missing.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``group``, then :data:`DISTRIBUTION_COLUMNS`.

    Examples
    --------
    >>> r = pd.DataFrame({"participant_id": list("abcde"), "code_id": "T1",
    ...                   "rating": pd.array([1, 1, 2, 2, 2], dtype="Int64")})
    >>> distribution(r)["count"].tolist()
    [2, 3, 0, 0, 0]
    """
    scores = score_codes(data, by, where=where, code_ids=code_ids, cycle=cycle, codes=codes, privacy=privacy)
    front = [c for c in scores.columns if c not in SCORE_COLUMNS]  # by columns and group
    ids = [*front, "code_id", "thing_that_matters", "title", "suppressed", "suppressed_reason"]
    counts = scores.melt(id_vars=ids, value_vars=COUNTS, var_name="level", value_name="count")
    shares = scores.melt(id_vars=ids, value_vars=SHARES, var_name="level", value_name="share")
    counts["level"] = counts["level"].str.removeprefix("count_").astype("int64")
    counts["share"] = shares["share"].to_numpy()
    counts["level_label"] = counts["level"].map(LEVEL_LABELS).astype("str")
    counts["_row"] = np.tile(np.arange(len(scores)), len(LEVELS))
    out = counts.sort_values(["_row", "level"], kind="stable").drop(columns="_row").reset_index(drop=True)
    out = out[[*front, *DISTRIBUTION_COLUMNS]]
    out.attrs.update(scores.attrs)
    return out


def gate_code_table(
    table: pd.DataFrame,
    data: Data,
    by: str | Sequence[str] | None = None,
    *,
    where: Mapping[str, object] | None = None,
    cycle: str | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
    what: str = "",
) -> pd.DataFrame:
    """Pass any per-(group, Value Code) table through the same gate as :func:`score_codes`.

    For statistics computed elsewhere from the same ratings (agreement, gaps, priorities): ``table`` has the
    ``by`` columns and ``code_id``; the same groups are hidden as in :func:`score_codes` for the same ``data``,
    ``by``, ``where`` and ``cycle``, so two tables shown side by side never disagree about what is hidden.
    Adds ``group``, ``suppressed`` and ``suppressed_reason``; numbers in hidden rows become missing.
    """
    prep = prepare(data, "responses", by=by, where=where, cycle=cycle)
    atoms = atom_counts(prep.records, weight=prep.records["rating"].notna(), keys=["code_id"])
    out = table.copy()
    out["group"] = label_groups(
        out, prep.by, where=prep.where, party_names=prep.party_names, n_parties=prep.n_parties
    )
    return apply_gate(out, atoms, by=prep.by, keys=["code_id"], where=prep.where, k=privacy.k, what=what)


# -- helpers --------------------------------------------------------------------------------------------
def _codes(data: Data, records: pd.DataFrame, codes: pd.DataFrame | None, cycle: str | None) -> pd.DataFrame:
    """The Value Codes in order: the cycle's (or given) codes, then any others rated, in template order."""
    return code_order(data, records, codes, cycle)


def _with_things(frame: pd.DataFrame, order: pd.DataFrame) -> pd.DataFrame:
    if "thing_that_matters" in frame:
        return frame
    return frame.merge(order[["code_id", "thing_that_matters"]], on="code_id", how="left")


def _only_codes(frame: pd.DataFrame, order: pd.DataFrame, code_ids: Sequence[str] | None) -> pd.DataFrame:
    known = list(order["code_id"])
    if code_ids is None:
        return frame
    for c in code_ids:
        if c not in known:
            raise NotFoundError("Value Code", c, known)
    return frame[frame["code_id"].isin(list(code_ids))]


def _code_stats(view: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    keys = [*by, "code_id"]
    rated = view[keys].assign(r=view["rating"].astype("float64"))  # only the columns used: rows are many
    g = rated.groupby(keys, sort=False, dropna=False)["r"]
    table = g.agg(n="count", mean="mean", median="median", sd="std")
    table["dont_know"] = g.size() - table["n"]
    group = g.ngroup().to_numpy()  # each row's row in table (the grouping is done once)
    r = rated["r"].to_numpy()
    for lv in LEVELS:
        table[f"count_{lv}"] = np.bincount(group[r == lv], minlength=len(table)).astype("int64")
        table[f"share_{lv}"] = table[f"count_{lv}"] / table["n"]
    fav = [f"count_{lv}" for lv in LEVELS if lv >= FAVOURABLE_FROM]
    table["share_favourable"] = table[fav].sum(axis=1) / table["n"]
    return _ci(table.reset_index())


def _ci(table: pd.DataFrame) -> pd.DataFrame:
    n = table["n"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        half = stats.t.ppf(0.975, n - 1) * table["sd"] / np.sqrt(n)
    table["ci_low"] = (table["mean"] - half).clip(lower=LEVELS[0])
    table["ci_high"] = (table["mean"] + half).clip(upper=LEVELS[-1])
    for col in ("n", "dont_know"):
        table[col] = table[col].astype("int64")
    return table


def _per_respondent(records: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent and Thing That Matters: ``score`` (mean rating) and ``rated`` (how many)."""
    cols = [c for c in records.columns if c in _PERSON_COLUMNS or c.startswith("unpooled_")]
    keys = ["participant_id", "thing_that_matters", *cols]
    r = records.assign(r=records["rating"].astype("float64"))
    out = r.groupby(keys, sort=False, dropna=False)["r"].agg(score="mean", rated="count").reset_index()
    return out


_PERSON_COLUMNS = ("party_id", "side", "common_level", "common_function")


def _finish(
    table: pd.DataFrame,
    atoms: pd.DataFrame,
    prep: Prepared,
    keys: list[str],
    columns: list[str],
    privacy,
    what,
) -> pd.DataFrame:
    table = sort_groups(table, prep.by, prep.party_order, then=["position"])
    table["group"] = label_groups(
        table, prep.by, where=prep.where, party_names=prep.party_names, n_parties=prep.n_parties
    )
    body = [c for c in columns if c not in ("suppressed", "suppressed_reason")]
    table = table.reindex(columns=[*prep.by, "group", *body])
    text = [c for c in ("group", "title", "thing_that_matters", "thing_that_matters_name") if c in table]
    for col in text:
        table[col] = table[col].astype("str")
    numbers = [c for c in body if c not in (*keys, *text)]
    gated = apply_gate(
        table, atoms, by=prep.by, keys=keys, where=prep.where, k=privacy.k, what=what, blank=numbers
    )
    return gated[[*prep.by, "group", *columns]]
