"""Gaps: between the parties (mirror pairs) and between levels (leaders vs front line) — DESIGN.md, question 4.

Each row compares two groups of ratings of a Value Code (or of a Thing That Matters): their difference in mean,
a 95 % Welch interval for it, a Mann–Whitney p-value and Cliff's delta, and whether the gap is *meaningful*.
Both groups pass the privacy gate (:mod:`valuekit.analysis.privacy`) exactly as :func:`~valuekit.analysis.
scores.score_codes` would gate them, so a gap is never shown for a group that table hides, and a hidden half
cannot be worked out from a gap and the other half. The two-sample statistics
(:func:`compare_samples`) are shared with :mod:`valuekit.analysis.change`.

References
----------
Welch, B. L. (1947). The generalization of "Student's" problem when several different population variances
are involved. *Biometrika* 34(1–2), 28–35.
Mann, H. B. and Whitney, D. R. (1947). On a test of whether one of two random variables is stochastically
larger than the other. *Annals of Mathematical Statistics* 18(1), 50–60.
Cliff, N. (1993). Dominance statistics: ordinal analyses to answer ordinal questions. *Psychological
Bulletin* 114(3), 494–509.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..config import Privacy
from ..errors import NotFoundError, ValuekitError
from ..schemas import COMMON_LEVELS
from ._frames import keep_rows, map_values
from ._shared import shared
from .data import RelationshipData, prepare
from .perspectives import label_groups, sort_groups
from .priorities import code_table, empty_table, finish_table, gate_rows, roll_up
from .privacy import DEFAULT_PRIVACY, SuppressionLog, public_reason

__all__ = [
    "MEANINGFUL_GAP",
    "CONFIDENCE",
    "MIRROR_COLUMNS",
    "LEVEL_COLUMNS",
    "LEVEL_THING_COLUMNS",
    "mirror_gaps",
    "level_gaps",
    "compare_samples",
    "cliffs_delta",
    "welch_interval",
]

#: A gap is *meaningful* when it is at least half a level (half the distance between two evaluation
#: statements) and its 95 % interval excludes 0; the README's self-rating bias (about 0.2–0.3) stays below it.
MEANINGFUL_GAP = 0.5
#: The coverage of every interval in this module.
CONFIDENCE = 0.95
STATS = ["gap", "gap_ci_low", "gap_ci_high", "p_value", "cliffs_delta", "meaningful", "suppressed",
         "suppressed_reason"]  # fmt: skip
MIRROR_COLUMNS = [
    "pair", "code_client", "code_supplier", "about", "thing_that_matters", "title",
    "n_client", "mean_client", "n_supplier", "mean_supplier", *STATS,
]  # fmt: skip
LEVEL_COLUMNS = [
    "code_id", "thing_that_matters", "title", "level_a", "level_b", "n_a", "mean_a", "n_b", "mean_b", *STATS,
]  # fmt: skip
LEVEL_THING_COLUMNS = [
    "thing_that_matters", "thing_that_matters_name", "level_a", "level_b", "n_a", "mean_a", "n_b", "mean_b",
    *STATS,
]  # fmt: skip

Data = RelationshipData | pd.DataFrame


# -- two-sample statistics ----------------------------------------------------------------------------------
def cliffs_delta(x: Sequence[float], y: Sequence[float]) -> float:
    """Cliff's delta: how often a value of ``x`` exceeds one of ``y``, minus how often it falls below.

    .. math:: \\delta = \\frac{\\#\\{(i,j): x_i > y_j\\} - \\#\\{(i,j): x_i < y_j\\}}{n_x\\, n_y}

    From −1 (every ``x`` below every ``y``) to +1; 0 when neither dominates. Ordinal: it uses only the order of
    the levels, never their distances (Cliff 1993). Missing when either sample is empty.

    Examples
    --------
    >>> cliffs_delta([1, 2, 3], [2, 2])
    0.0
    >>> cliffs_delta([4, 5], [1, 2, 3])
    1.0
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if not len(x) or not len(y):
        return float("nan")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        return float(np.sign(np.subtract.outer(x, y)).mean())  # nan and inf as numpy signs them
    # counted by sorting, not by forming every pair: O((n_x + n_y) log n_y); the counts are exact
    ys = np.sort(y)
    below = np.searchsorted(ys, x, side="left").sum()
    above = len(x) * len(ys) - np.searchsorted(ys, x, side="right").sum()
    return float((below - above) / (len(x) * len(ys)))


def welch_interval(
    x: Sequence[float], y: Sequence[float], confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Welch's interval for ``mean(x) − mean(y)``, variances not assumed equal.

    .. math:: \\bar x - \\bar y \\pm t_{(1+c)/2,\\,\\nu}\\, \\sqrt{s_x^2/n_x + s_y^2/n_y}, \\qquad
              \\nu = \\frac{(s_x^2/n_x + s_y^2/n_y)^2}{\\frac{(s_x^2/n_x)^2}{n_x-1} + \\frac{(s_y^2/n_y)^2}{n_y-1}}

    (Welch 1947; as ``scipy.stats.ttest_ind(x, y, equal_var=False).confidence_interval()``.) Missing when a
    sample has fewer than two values; when neither sample varies, the interval is the difference itself.

    Examples
    --------
    >>> low, high = welch_interval([1, 2, 3, 3, 5], [4, 4, 4, 4, 4])
    >>> round(low, 4), round(high, 4)
    (-3.0417, 0.6417)
    """
    row = compare_samples([np.asarray(x, float)], [np.asarray(y, float)], confidence, tests=False).iloc[0]
    return float(row["ci_low"]), float(row["ci_high"])


def compare_samples(
    a: Sequence[np.ndarray], b: Sequence[np.ndarray], confidence: float = CONFIDENCE, *, tests: bool = True
) -> pd.DataFrame:
    """Compare pairs of samples row by row: ``a[i]`` against ``b[i]``.

    Returns
    -------
    DataFrame
        ``n_a, mean_a, n_b, mean_b, diff`` (``mean_a − mean_b``), ``ci_low, ci_high`` (Welch, see
        :func:`welch_interval`), ``p_value`` (two-sided Mann–Whitney U, ``scipy.stats.mannwhitneyu``: exact for
        small samples without ties, otherwise the normal approximation with tie and continuity corrections) and
        ``cliffs_delta`` (:func:`cliffs_delta` of ``a`` over ``b``). Means, variances and intervals are computed
        for all rows at once; the rank statistics per row.
    """
    a, b = [np.asarray(v, float) for v in a], [np.asarray(v, float) for v in b]
    out = pd.DataFrame(index=range(len(a)))
    for name, samples in (("a", a), ("b", b)):
        n = np.array([len(v) for v in samples], float)
        out[f"n_{name}"] = n.astype("int64")
        out[f"mean_{name}"] = [v.mean() if len(v) else np.nan for v in samples]
        out[f"_var_{name}"] = [v.var(ddof=1) if len(v) > 1 else np.nan for v in samples]
    out["diff"] = out["mean_a"] - out["mean_b"]
    qa, qb = out["_var_a"] / out["n_a"], out["_var_b"] / out["n_b"]
    se = np.sqrt(qa + qb)
    with np.errstate(divide="ignore", invalid="ignore"):
        nu = (qa + qb) ** 2 / (qa**2 / (out["n_a"] - 1) + qb**2 / (out["n_b"] - 1))
        half = np.where(se > 0, stats.t.ppf(0.5 + confidence / 2, nu) * se, 0.0)
    half = np.where(se.isna(), np.nan, half)
    out["ci_low"], out["ci_high"] = out["diff"] - half, out["diff"] + half
    out = out.drop(columns=["_var_a", "_var_b"])
    if tests:
        out["p_value"] = [_mann_whitney(x, y) for x, y in zip(a, b, strict=True)]
        out["cliffs_delta"] = [cliffs_delta(x, y) for x, y in zip(a, b, strict=True)]
    return out


# scipy's test itself, without the wrapper that handles axes and missing values (half the time of a call): for
# two non-empty one-dimensional float samples without nan or inf the wrapper passes them through unchanged
_MWU = getattr(stats.mannwhitneyu, "__wrapped__", stats.mannwhitneyu)


def _mann_whitney(x: np.ndarray, y: np.ndarray) -> float:
    if not len(x) or not len(y):
        return float("nan")
    if (
        x.ndim == y.ndim == 1
        and x.dtype == y.dtype == np.float64
        and np.isfinite(x).all()
        and np.isfinite(y).all()
    ):
        return float(_MWU(x, y, alternative="two-sided").pvalue)
    return float(stats.mannwhitneyu(x, y, alternative="two-sided").pvalue)


# -- mirror pairs -------------------------------------------------------------------------------------------
@shared
def mirror_gaps(
    data: Data,
    by: str | Sequence[str] | None = None,
    *,
    where: Mapping[str, object] | None = None,
    cycle: str | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """The perception gap of every mirror pair: how one party sees a thing against how the other sees it.

    A mirror pair is two Value Codes about the same party, one half rated by the client (``code_client``) and
    one by the supplier (``code_supplier``) — :meth:`~valuekit.templates.Template.mirror_pairs`.

    Parameters
    ----------
    data
        A :class:`~valuekit.analysis.data.RelationshipData`, or a frame of responses with ``participant_id``,
        ``code_id``, ``rating`` and perspective columns (then pass ``codes``).
    by
        ``"common_level"`` and/or ``"common_function"``: compares, say, the client's front line with the
        supplier's front line. Not ``side`` or ``party_id``: each half is one side by definition.
    where, cycle, privacy
        As in :func:`~valuekit.analysis.scores.score_codes`.
    codes
        For a frame: the Value Codes with ``code_id``, ``mirror``, ``rated_by`` (``"client"`` marks the client
        half), and optionally ``about``, ``thing_that_matters``, ``title``, in order.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``group``, then :data:`MIRROR_COLUMNS`: one row per group and pair in template order.
        Empty (same columns) when the cycle has no mirror pair.

    Notes
    -----
    ``gap = mean_client − mean_supplier``: for a pair about the supplier, how the client sees the supplier
    minus how the supplier sees itself (negative: the client rates it lower); for a pair about the client, how
    the client sees itself minus how the supplier sees it. ``gap_ci_low``/``gap_ci_high``: 95 % Welch interval
    (:func:`welch_interval`); ``p_value``: two-sided Mann–Whitney U; ``cliffs_delta``: client over supplier
    (Cliff 1993). ``meaningful``: ``|gap| ≥`` :data:`MEANINGFUL_GAP` and the interval excludes 0.

    Privacy: each half is gated as a Value Code score (``n`` = ratings other than "don't know", at least
    ``privacy.k``, complementary suppression over every perspective); if either half is hidden, the whole row
    is — a gap and one half would give away the other.

    Examples
    --------
    >>> r = pd.DataFrame({"participant_id": [f"p{i}" for i in range(10)],
    ...     "side": ["client"] * 5 + ["supplier"] * 5, "code_id": ["X-C"] * 5 + ["X-S"] * 5,
    ...     "rating": [1, 2, 2, 3, 2, 4, 4, 3, 4, 5]})
    >>> codes = pd.DataFrame({"code_id": ["X-C", "X-S"], "mirror": ["X-S", "X-C"],
    ...                       "rated_by": ["client", "supplier"]})
    >>> row = mirror_gaps(r, codes=codes).iloc[0]
    >>> row["pair"], float(row["gap"]), float(row["cliffs_delta"])
    ('X', -2.0, -0.96)
    """
    prep = prepare(data, "responses", by=by, where=where, cycle=cycle)
    for col in ("side", "party_id"):
        if col in prep.by:
            raise ValuekitError(
                f"mirror_gaps compares the client half with the supplier half, so each half is one side; "
                f"by= may use common_level or common_function, got {col!r}"
            )
    order = code_table(data, prep.records, codes, cycle)
    pairs = _mirror_pairs(data, order)
    front = [*prep.by, "group"]
    if not pairs:
        return empty_table([*front, *MIRROR_COLUMNS], privacy)
    halves = [c for p in pairs for c in p]
    long = gated_samples(prep, halves, privacy, what="mirror gaps")
    rows = []
    for pos, (c, s) in enumerate(pairs):
        left = long[long["code_id"] == c].drop(columns="code_id")
        right = long[long["code_id"] == s].drop(columns="code_id")
        both = left.merge(right, on=prep.by, how="outer", suffixes=("_a", "_b")) if prep.by else None
        if both is None:
            both = pd.concat(
                [d.reset_index(drop=True).add_suffix(x) for d, x in ((left, "_a"), (right, "_b"))], axis=1
            )
        info = order.set_index("code_id").loc[c]
        both = both.assign(pair=_pair_name(c, s), code_client=c, code_supplier=s, about=info["about"],
                           thing_that_matters=info["thing_that_matters"], title=info["title"], position=pos)  # fmt: skip
        rows.append(both)
    table = pd.concat(rows, ignore_index=True)
    out = contrast_rows(table, prep, privacy)
    out = sort_groups(out, prep.by, prep.party_order, then=["position"])
    out = out.rename(columns={"n_a": "n_client", "mean_a": "mean_client", "n_b": "n_supplier",
                              "mean_b": "mean_supplier"})  # fmt: skip
    return finish_table(out, front, MIRROR_COLUMNS, long.attrs["suppression_log"], privacy)


def _mirror_pairs(data: Data, order: pd.DataFrame) -> list[tuple[str, str]]:
    present = set(order["code_id"])
    if isinstance(data, RelationshipData):
        pairs = data.template.mirror_pairs()
    else:
        rated = order["rated_by"].fillna("").astype(str).str.split("|")
        client = order["mirror"].notna() & rated.map(lambda r: "client" in r)
        pairs = list(zip(order.loc[client, "code_id"], order.loc[client, "mirror"], strict=True))
    rank = {c: i for i, c in enumerate(order["code_id"])}
    return sorted([(c, s) for c, s in pairs if c in present and s in present], key=lambda p: rank[p[0]])


def _pair_name(client: str, supplier: str) -> str:
    stem = os.path.commonprefix([client, supplier]).rstrip("-_. ")
    return stem or f"{client}/{supplier}"


# -- levels -------------------------------------------------------------------------------------------------
@shared
def level_gaps(
    data: Data,
    *,
    between: tuple[str, str] = ("senior_leadership", "front_line"),
    by_side: bool = False,
    per: Literal["code", "thing_that_matters"] = "code",
    where: Mapping[str, object] | None = None,
    cycle: str | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """The gap between two common levels (leaders against the front line, by default) per Value Code.

    Parameters
    ----------
    between
        The two common levels ``(level_a, level_b)``; ``gap = mean_a − mean_b``.
    by_side
        ``False``: both parties' ``level_a`` against both parties' ``level_b``; ``True``: within each side.
    per
        ``"code"`` (each Value Code) or ``"thing_that_matters"``: each respondent's mean over a Thing That
        Matters' Value Codes, as in :func:`~valuekit.analysis.scores.score_things`, then compared.
    where, cycle, codes, privacy
        As in :func:`~valuekit.analysis.scores.score_codes`.

    Returns
    -------
    DataFrame
        ``side`` (with ``by_side``), ``group``, then :data:`LEVEL_COLUMNS` (``per="code"``) or
        :data:`LEVEL_THING_COLUMNS`. Statistics, ``meaningful`` and privacy as in :func:`mirror_gaps`: each
        level's group is gated like a score of that perspective; if either is hidden the row is.

    Examples
    --------
    >>> r = pd.DataFrame({"participant_id": [f"p{i}" for i in range(10)], "code_id": "X",
    ...     "common_level": ["senior_leadership"] * 5 + ["front_line"] * 5,
    ...     "rating": [4, 4, 5, 4, 3, 2, 2, 1, 3, 2]})
    >>> float(level_gaps(r).iloc[0]["gap"])
    2.0
    """
    if per not in ("code", "thing_that_matters"):
        raise ValuekitError(f"per= must be 'code' or 'thing_that_matters'; got {per!r}")
    if len(between) != 2 or between[0] == between[1]:
        raise ValuekitError(f"between= names two different common levels; got {between!r}")
    by = ["side", "common_level"] if by_side else ["common_level"]
    prep = prepare(data, "responses", by=by, where=where, cycle=cycle)
    known = sorted(set(COMMON_LEVELS) | set(prep.records["common_level"].dropna().unique()))
    for level in between:
        if level not in known:
            raise NotFoundError("common_level", level, known, where="between=")
    order = code_table(data, prep.records, codes, cycle)
    side = ["side"] if by_side else []
    if per == "code":
        long = gated_samples(prep, list(order["code_id"]), privacy, what="level gaps")
        key, columns = "code_id", LEVEL_COLUMNS
        info = order[["code_id", "thing_that_matters", "title", "position"]]
    else:
        long = gated_samples(prep, None, privacy, what="level gaps", per_thing=order)
        key, columns = "thing_that_matters", LEVEL_THING_COLUMNS
        info = order.drop_duplicates("thing_that_matters")[["thing_that_matters", "thing_that_matters_name"]]
        info = info.assign(position=range(len(info)))
    a = long[long["common_level"] == between[0]].drop(columns="common_level")
    b = long[long["common_level"] == between[1]].drop(columns="common_level")
    table = a.merge(b, on=[*side, key], how="outer", suffixes=("_a", "_b")).merge(info, on=key, how="inner")
    table = table.assign(level_a=between[0], level_b=between[1])
    out = contrast_rows(table, prep._replace(by=side), privacy)
    out = sort_groups(out, side, prep.party_order, then=["position"])
    return finish_table(out, [*side, "group"], columns, long.attrs["suppression_log"], privacy)


# -- shared machinery (used by priorities and change too) ---------------------------------------------------
def gated_samples(
    prep, code_ids: Sequence[str] | None, privacy: Privacy, *, what: str, per_thing: pd.DataFrame | None = None
) -> pd.DataFrame:  # fmt: skip
    """Per group (``prep.by``) and Value Code (or Thing That Matters): the ratings (``values``) and ``hidden``.

    Every group asked a measure appears (one with only "don't know" is hidden); a group not asked does not.
    ``hidden`` is the privacy gate's verdict, as in :func:`~valuekit.analysis.scores.score_codes` (or
    ``score_things``, rolling up the Value Codes of ``per_thing``: ``code_id``, ``thing_that_matters``).
    """
    key = "code_id"
    if per_thing is not None:
        things = dict(zip(per_thing["code_id"], per_thing["thing_that_matters"], strict=True))
        key, code_ids = "thing_that_matters", list(things)
    same = prep.view is prep.records  # no filter: whatever is done to the records is the view
    records = keep_rows(prep.records, prep.records["code_id"].isin(code_ids))
    view = records if same else prep.view[prep.view["code_id"].isin(code_ids)]
    if per_thing is not None:
        records = roll_up(records.assign(thing_that_matters=map_values(records["code_id"], things)))
        view = records if same else roll_up(view.assign(thing_that_matters=view["code_id"].map(things)))
    keys = [*prep.by, key]
    vals = view["rating"].astype("float64")
    ok = vals.notna().to_numpy()
    # every group asked, in order of first appearance ("don't know" counts as asked), with its ratings in order
    gid = view[keys].groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    first = np.unique(gid, return_index=True)[1]  # each group's first row
    groups = view[keys].iloc[np.sort(first)].reset_index(drop=True)
    place = np.empty(len(first), np.intp)
    place[np.argsort(first)] = np.arange(len(first))  # group id -> its row in groups
    where_ok = place[gid[ok]]
    rated = vals[ok].to_numpy()[np.argsort(where_ok, kind="stable")]
    counts = np.bincount(where_ok, minlength=len(groups))
    samples = np.split(rated, np.cumsum(counts)[:-1]) if len(groups) else []
    groups["values"] = pd.Series(samples, index=groups.index, dtype="object")
    groups["group"] = label_groups(groups, prep.by, where=prep.where, party_names=prep.party_names,
                                   n_parties=prep.n_parties)  # fmt: skip
    hidden, log = gate_rows(groups, records, prep, key, [records["rating"].notna()], privacy, what)
    groups["hidden"] = hidden | (groups["values"].map(len) == 0).to_numpy()
    groups.attrs["suppression_log"] = SuppressionLog(log)
    return groups


def contrast_rows(table: pd.DataFrame, prep, privacy: Privacy) -> pd.DataFrame:
    """Add the two-sample statistics of ``values_a`` against ``values_b``, blanked where a side is hidden."""
    table = table.reset_index(drop=True)
    empty = np.empty(0)
    for s in ("a", "b"):
        table[f"values_{s}"] = table[f"values_{s}"].map(lambda v: v if isinstance(v, np.ndarray) else empty)
        table[f"hidden_{s}"] = table[f"hidden_{s}"].astype("boolean").fillna(True).astype(bool)
    hidden = (table["hidden_a"] | table["hidden_b"]).to_numpy()
    a = [v if not h else empty for v, h in zip(table["values_a"], hidden, strict=True)]
    b = [v if not h else empty for v, h in zip(table["values_b"], hidden, strict=True)]
    res = compare_samples(a, b)
    out = table.drop(columns=[c for c in table if c.startswith(("values_", "hidden_", "group_"))])
    out = out.assign(n_a=res["n_a"].astype("Int64"), mean_a=res["mean_a"], n_b=res["n_b"].astype("Int64"),
                     mean_b=res["mean_b"], gap=res["diff"], gap_ci_low=res["ci_low"], gap_ci_high=res["ci_high"],
                     p_value=res["p_value"], cliffs_delta=res["cliffs_delta"])  # fmt: skip
    excludes = (out["gap_ci_low"] > 0) | (out["gap_ci_high"] < 0)
    out["meaningful"] = pd.array((out["gap"].abs() >= MEANINGFUL_GAP) & excludes, dtype="boolean")
    out.loc[hidden, ["n_a", "n_b"]] = pd.NA
    out.loc[hidden, "meaningful"] = pd.NA
    out["suppressed"] = hidden
    out["suppressed_reason"] = pd.Series(np.where(hidden, public_reason(privacy.k), None), dtype="str")
    out["group"] = label_groups(out, prep.by, where=prep.where, party_names=prep.party_names,
                                n_parties=prep.n_parties)  # fmt: skip
    return out
