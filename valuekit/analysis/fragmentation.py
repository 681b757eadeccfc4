"""Agreement and fragmentation by perspective: who is agreed, who is divided, where perspectives diverge.

DESIGN.md, question 3. :func:`agreement_by_perspective` reads every group of a perspective (party × level,
side × level, *both parties'* middle management …) on every Value Code with the published ordinal measures of
:mod:`valuekit.analysis.agreement` — Tastle & Wierman consensus, r_wg, van der Eijk's agreement A and Sarle's
bimodality coefficient — and classifies it agreed, divided or mixed. :func:`fragmentation_index` turns that
into one relationship-level figure: the share of Value Codes on which perspectives diverge.

Both pass through the privacy gate (:mod:`valuekit.analysis.privacy`) with the same atoms as
:func:`~valuekit.analysis.scores.score_codes`, so they hide exactly the groups the score tables hide; the
fragmentation figure is computed only from groups that are shown, so it cannot reveal a hidden one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import Privacy
from ..errors import NotFoundError, ValuekitError
from ._frames import code_order, keep_rows
from ._shared import shared
from .agreement import TABLE_COLUMNS, agreement_table
from .data import RelationshipData, prepare
from .perspectives import label_groups, sort_groups
from .privacy import DEFAULT_PRIVACY, apply_gate, atom_counts

__all__ = [
    "agreement_by_perspective",
    "fragmentation_index",
    "AGREEMENT_COLUMNS",
    "DETAIL_COLUMNS",
    "SUMMARY_COLUMNS",
    "SPAN_THRESHOLD",
]

#: Columns of :func:`agreement_by_perspective` after the ``by`` columns and ``group``.
AGREEMENT_COLUMNS = [
    "code_id", "thing_that_matters", "title", "n", "mean", "consensus", "rwg", "agreement_a", "bimodality",
    "classification", "suppressed", "suppressed_reason",
]  # fmt: skip
#: Columns of the per-code detail of :func:`fragmentation_index`.
DETAIL_COLUMNS = [
    "code_id", "thing_that_matters", "title", "assessed", "n_groups", "n_divided", "divided_groups",
    "low_group", "low_mean", "high_group", "high_mean", "mean_span", "fragmented", "reason",
]  # fmt: skip
#: Columns of the one-row summary of :func:`fragmentation_index`.
SUMMARY_COLUMNS = [
    "perspective", "n_codes", "n_not_assessed", "n_fragmented", "n_divided", "n_span", "fragmentation_index",
    "most_involved", "most_involved_codes", "involved",
]  # fmt: skip
#: Shown group means this far apart (one full step of the five-level scale, e.g. Struggling against
#: Performing) mean the perspectives see a Value Code differently. The workbook's threshold: no published
#: cut-off exists for a difference between group means on an evaluation scale.
SPAN_THRESHOLD = 1.0

Data = RelationshipData | pd.DataFrame


@shared
def agreement_by_perspective(
    data: Data,
    by: str | Sequence[str] | None = ("side", "common_level"),
    *,
    where: Mapping[str, object] | None = None,
    code_ids: Sequence[str] | None = None,
    cycle: str | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """Is each group of a perspective agreed, divided or mixed on each Value Code?

    Parameters
    ----------
    data
        A :class:`~valuekit.analysis.data.RelationshipData`, or a frame of responses with ``participant_id``,
        ``code_id``, ``rating`` and the perspective columns.
    by
        Perspective columns; the default compares the client's and the supplier's levels. ``"common_level"``
        alone reads *both parties'* senior leadership, middle management and front line as one group each.
    where
        A filter, e.g. ``{"side": "client"}``; the gate still sees the whole population.
    code_ids
        Only these Value Codes.
    cycle
        The cycle, when ``data`` holds several.
    codes
        For a frame of responses: the Value Codes (``code_id``, ``thing_that_matters``, ``title``) in order.
    privacy
        ``privacy.k`` is the fewest ratings a shown group may have.

    Returns
    -------
    DataFrame
        One row per group and Value Code, groups in perspective order then the template's order: the ``by``
        columns, ``group`` (plain English), then :data:`AGREEMENT_COLUMNS`. ``n`` counts ratings ("don't know"
        left out) and ``mean`` is their mean. A hidden row (``suppressed``) has every number *and* the
        ``classification`` missing, whichever rule hid it.

    Notes
    -----
    ``consensus`` (Tastle & Wierman 2007), ``rwg`` (James, Demaree & Wolf 1984, not truncated),
    ``agreement_a`` (van der Eijk 2001), ``bimodality`` (Sarle's coefficient; Pfister et al. 2013) and
    ``classification`` are :func:`valuekit.analysis.agreement.agreement_table` on the group's ratings; the
    classification and its thresholds are :func:`~valuekit.analysis.agreement.classify_agreement`'s:
    *agreed* when consensus ≥ :data:`~valuekit.analysis.agreement.AGREED_CONSENSUS` (0.80), *divided* when
    consensus < 0.50 and the ratings are polarised
    (A < 0 or bimodality above that of the uniform distribution), *mixed* otherwise, *insufficient* below two
    ratings.

    Examples
    --------
    >>> r = pd.DataFrame({"participant_id": [f"p{i}" for i in range(10)], "code_id": "C1",
    ...                   "side": ["client"] * 5 + ["supplier"] * 5,
    ...                   "rating": [4, 4, 4, 5, 4, 1, 1, 5, 5, 1]})
    >>> agreement_by_perspective(r, "side")[["group", "n", "mean", "classification"]]
          group  n  mean classification
    0    Client  5   4.2         agreed
    1  Supplier  5   2.6        divided
    """
    prep = prepare(data, "responses", by=by, where=where, cycle=cycle)
    order = _code_order(data, prep.records, codes, cycle)
    if code_ids is not None:
        for c in code_ids:
            if c not in set(order["code_id"]):
                raise NotFoundError("Value Code", c, list(order["code_id"]))
        order = order[order["code_id"].isin(list(code_ids))]
    records = keep_rows(prep.records, prep.records["code_id"].isin(order["code_id"]))
    view = records if prep.view is prep.records else prep.view[prep.view["code_id"].isin(order["code_id"])]
    keys = [*prep.by, "code_id"]
    table = agreement_table(view, keys, rating="rating")
    means = view.assign(mean=view["rating"].astype("float64")).groupby(keys, dropna=True)["mean"].mean()
    table = table.merge(means.reset_index(), on=keys, how="left")
    table = table.merge(order[["code_id", "thing_that_matters", "title", "position"]], on="code_id")
    table = sort_groups(table, prep.by, prep.party_order, then=["position"])
    table["group"] = label_groups(
        table, prep.by, where=prep.where, party_names=prep.party_names, n_parties=prep.n_parties
    )
    body = [c for c in AGREEMENT_COLUMNS if c not in ("suppressed", "suppressed_reason")]
    table = table.reindex(columns=[*prep.by, "group", *body])
    for col in ("group", "thing_that_matters", "title", "classification"):
        table[col] = table[col].astype("object")
    # the same atoms as score_codes: ratings given per Value Code, over the whole (unfiltered) cycle
    atoms = atom_counts(records, weight=records["rating"].notna(), keys=["code_id"])
    blank = ["n", "mean", *[c for c in TABLE_COLUMNS if c != "n"]]
    gated = apply_gate(
        table, atoms, by=prep.by, keys=["code_id"], where=prep.where, k=privacy.k,
        what="agreement by perspective", blank=blank,
    )  # fmt: skip
    for col in ("group", "thing_that_matters", "title", "classification"):
        gated[col] = gated[col].astype("str")
    return gated[[*prep.by, "group", *AGREEMENT_COLUMNS]]


@shared
def fragmentation_index(
    data: Data,
    *,
    by: str | Sequence[str] | None = ("side", "common_level"),
    where: Mapping[str, object] | None = None,
    code_ids: Sequence[str] | None = None,
    cycle: str | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
    span: float = SPAN_THRESHOLD,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The relationship's fragmentation: the share of Value Codes on which perspectives diverge.

    A Value Code is **fragmented** when, among the groups of the perspective that are *shown* (at least k
    ratings, not hidden by the privacy gate):

    1. some group is **divided** (:func:`~valuekit.analysis.agreement.classify_agreement`: low Tastle–Wierman
       consensus and a polarised distribution by van der Eijk's A or Sarle's bimodality coefficient) — the
       perspective is split within itself; **or**
    2. the group means **span** at least ``span`` levels, :math:`\\max_g \\bar x_g - \\min_g \\bar x_g \\ge`
       ``span`` (default :data:`SPAN_THRESHOLD`, one full step of the scale) — the perspectives see it
       differently.

    .. math::

        \\text{fragmentation index} = \\frac{\\#\\{\\text{fragmented codes}\\}}
                                         {\\#\\{\\text{codes with at least one shown group}\\}}

    Parameters
    ----------
    data, by, where, code_ids, cycle, codes, privacy
        As :func:`agreement_by_perspective`.
    span
        How far apart (in levels) the highest and lowest shown group means must be to count as divergence.

    Returns
    -------
    summary : DataFrame
        One row, :data:`SUMMARY_COLUMNS`: ``perspective`` (the ``by`` columns, ``" × "``-joined),
        ``n_codes`` (codes with a shown group), ``n_not_assessed`` (codes with none), ``n_fragmented``,
        ``n_divided`` and ``n_span`` (codes meeting each rule), ``fragmentation_index``
        (``n_fragmented / n_codes``; missing when no code is assessed), ``most_involved`` (the group(s)
        involved in the most fragmented codes, ``"; "``-joined), ``most_involved_codes`` (how many) and
        ``involved`` (every involved group with its count, most first). A group is *involved* in a code it is
        divided on, or when it holds the lowest or highest mean of a code fragmented by the span rule.
    detail : DataFrame
        One row per Value Code in the template's order, :data:`DETAIL_COLUMNS`: ``n_groups`` shown,
        ``divided_groups``, the two most distant groups (``low_group``/``low_mean``,
        ``high_group``/``high_mean``, ``mean_span``), ``fragmented`` and ``reason`` (``"divided"``,
        ``"span"`` or ``"divided and span"``).

    Notes
    -----
    Nothing hidden enters: the groups, means and classifications used are exactly those
    :func:`agreement_by_perspective` shows, so the figure reveals nothing a reader of that table could not
    already see. The measures: Tastle, W. J. & Wierman, M. J. (2007), *Int. J. Approximate Reasoning* 45(3);
    van der Eijk, C. (2001), *Quality & Quantity* 35(3); Pfister, R. et al. (2013), *Frontiers in Psychology*
    4, 700. The span rule and its threshold are the workbook's.

    Examples
    --------
    >>> r = pd.DataFrame({"participant_id": [f"p{i}" for i in range(10)] * 2,
    ...                   "code_id": ["C1"] * 10 + ["C2"] * 10,
    ...                   "side": (["client"] * 5 + ["supplier"] * 5) * 2,
    ...                   "rating": [4, 4, 4, 5, 4, 2, 2, 2, 3, 2] + [3] * 10})
    >>> summary, detail = fragmentation_index(r, by="side")
    >>> float(summary.fragmentation_index.iloc[0]), detail.fragmented.tolist(), detail.reason.iloc[0]
    (0.5, [True, False], 'span')
    """
    if isinstance(span, bool) or not isinstance(span, int | float) or not np.isfinite(span) or span <= 0:
        raise ValuekitError(f"span must be a positive number of levels; got {span!r}")
    table = agreement_by_perspective(
        data, by, where=where, code_ids=code_ids, cycle=cycle, codes=codes, privacy=privacy
    )
    by_cols = [c for c in table.columns if c not in ("group", *AGREEMENT_COLUMNS)]
    shown = table[~table["suppressed"]]
    codes_order = table.drop_duplicates("code_id")[["code_id", "thing_that_matters", "title"]]
    at = shown.groupby("code_id", sort=False).indices  # each code's shown groups, in perspective order
    cols = [
        shown[c].to_numpy(dtype)
        for c, dtype in (("group", object), ("classification", object), ("mean", float))
    ]
    none = np.array([], dtype=np.intp)
    rows = [
        _diverge(code, *(c[at.get(code.code_id, none)] for c in cols), span)
        for code in codes_order.itertuples()
    ]
    detail = pd.DataFrame(rows, columns=DETAIL_COLUMNS).astype(
        {"assessed": "bool", "fragmented": "bool", "n_groups": "int64", "n_divided": "int64"}
    )
    text = ["thing_that_matters", "title", "divided_groups", "low_group", "high_group", "reason"]
    detail[text] = detail[text].astype("str")
    return _summary(detail, by_cols, list(dict.fromkeys(table["group"]))), detail


def _diverge(code, groups: np.ndarray, classes: np.ndarray, means: np.ndarray, span: float) -> dict:
    """One detail row: does this code's set of shown groups (labels, classifications, means) diverge?"""
    row = {"code_id": code.code_id, "thing_that_matters": code.thing_that_matters, "title": code.title}
    divided = groups[classes == "divided"].tolist()
    rated = ~np.isnan(means)
    groups, means = groups[rated], means[rated]
    row.update(assessed=len(classes) > 0, n_groups=len(classes), n_divided=len(divided))
    row["divided_groups"] = "; ".join(divided) if divided else None
    low = high = None
    if len(means):
        low, high = int(np.argmin(means)), int(np.argmax(means))  # first in perspective order among ties
    row.update(
        low_group=None if low is None else groups[low],
        low_mean=np.nan if low is None else float(means[low]),
        high_group=None if high is None else groups[high],
        high_mean=np.nan if high is None else float(means[high]),
    )
    row["mean_span"] = row["high_mean"] - row["low_mean"] if len(means) >= 2 else np.nan
    by_span = bool(len(means) >= 2 and row["mean_span"] >= span - 1e-12)
    reasons = [r for r, hit in (("divided", bool(divided)), ("span", by_span)) if hit]
    row["fragmented"] = bool(reasons)
    row["reason"] = " and ".join(reasons) if reasons else None
    return row


def _summary(detail: pd.DataFrame, by_cols: list[str], order: list[str]) -> pd.DataFrame:
    assessed = detail[detail["assessed"]]
    fragmented = assessed[assessed["fragmented"]]
    counts: dict[str, int] = {}
    for row in fragmented.itertuples():
        who = set(row.divided_groups.split("; ")) if isinstance(row.divided_groups, str) else set()
        if "span" in row.reason:
            who |= {row.low_group, row.high_group}
        for g in who:
            counts[g] = counts.get(g, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.index(kv[0])))  # ties: perspective order
    top = ranked[0][1] if ranked else 0
    n_codes = len(assessed)
    summary = {
        "perspective": " × ".join(by_cols) if by_cols else "whole community",
        "n_codes": n_codes,
        "n_not_assessed": len(detail) - n_codes,
        "n_fragmented": len(fragmented),
        "n_divided": int((assessed["n_divided"] > 0).sum()),
        "n_span": int(assessed["reason"].fillna("").str.contains("span").sum()),
        "fragmentation_index": len(fragmented) / n_codes if n_codes else np.nan,
        "most_involved": "; ".join(g for g, c in ranked if c == top) if ranked else None,
        "most_involved_codes": top,
        "involved": "; ".join(f"{g} ({c})" for g, c in ranked) if ranked else None,
    }
    return pd.DataFrame([summary], columns=SUMMARY_COLUMNS)


def _code_order(
    data: Data, records: pd.DataFrame, codes: pd.DataFrame | None, cycle: str | None
) -> pd.DataFrame:
    """The Value Codes in questionnaire order (the cycle's, then any others rated), with a ``position``."""
    return code_order(data, records, codes, cycle, dtype=None)
