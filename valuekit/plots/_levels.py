"""The five levels per Value Code: diverging stacked bars (DESIGN.md, question 2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure

from ..errors import NotFoundError
from ..schemas import LEVEL_COLOURS, LEVEL_LABELS, LEVELS
from ._layout import draw_gap, draw_rows, item_order, lay_out, rows_height, side_text
from ._style import (
    INK,
    flags,
    hidden_label,
    hidden_note,
    human,
    ink_on,
    level_handles,
    n_phrase,
    nothing_to_show,
    numbers,
    page,
    require,
    styled,
    wrap,
)

__all__ = ["plot_levels"]

#: Segments at least this share of a bar carry their percentage.
LABEL_FROM = 0.10
_LABEL_WIDTH = 38


@styled
def plot_levels(scores: pd.DataFrame, *, group: str | None = None, title: str | None = None) -> Figure:
    """Diverging stacked bars of the five levels, one bar per Value Code (and group), in template order.

    Parameters
    ----------
    scores
        :func:`~valuekit.analysis.scores.score_codes` (``title``, ``n``, ``count_1`` … ``count_5`` or
        ``share_1`` … ``share_5``, ``suppressed``; optional ``group``, ``thing_that_matters``, ``dont_know``).
    group
        Only this group (a value of ``group``). With several groups, each Value Code is a section with one
        bar per group.
    title
        Overrides the plain-English title.

    Returns
    -------
    Figure
        All five levels are always drawn (in the legend and as bar containers, even at 0 %), in the colours of
        the evaluation statements, Failing (red) to Best practice (green). Each bar's ``n`` is written at its
        right; a hidden group is a hatched gap labelled with the reason.

    Notes
    -----
    The layout is Robbins and Heiberger's (2011) diverging stacked bar chart for an odd number of levels: the
    middle level (3, Performing) is split in half across the zero line, Failing and Struggling run to the left
    and Exceeding and Best practice to the right, so bars line up on the middle of the scale and the lengths
    either side can be compared across rows. The shares either side of Performing are written at the bar ends.

    Robbins, N. B. and Heiberger, R. M. (2011). Plotting Likert and other rating scales. *Proceedings of the
    2011 Joint Statistical Meeting*, Section on Survey Research Methods, 1058–1066.

    Examples
    --------
    >>> from valuekit.analysis.scores import score_codes  # doctest: +SKIP
    >>> fig = plot_levels(score_codes(data))  # doctest: +SKIP
    >>> savefig(fig, "artifacts/plots/levels.png")  # doctest: +SKIP
    """
    heading = title or "How the community rated each Value Code"
    if scores is None or len(scores) == 0:
        return nothing_to_show(heading, "There are no Value Code scores to draw: the table is empty.")
    has_counts = all(f"count_{lv}" in scores for lv in LEVELS)
    needed = ["title", *(f"count_{lv}" if has_counts else f"share_{lv}" for lv in LEVELS)]
    require(scores, needed, "plot_levels(scores)")
    frame = scores.reset_index(drop=True)
    if group is not None:
        known = list(dict.fromkeys(frame.get("group", pd.Series(dtype=str)).astype(str)))
        if group not in known:
            raise NotFoundError("group", group, known, where="plot_levels(group=)")
        frame = frame[frame["group"].astype(str) == group].reset_index(drop=True)
    groups = list(dict.fromkeys(frame["group"].astype(str))) if "group" in frame else []
    several = len(groups) > 1
    if title is None and len(groups) == 1 and groups[0] != "Whole community":
        heading = f"How {groups[0]} rated each Value Code"
    elif title is None and several:
        heading = "How each group rated each Value Code"

    if several:  # one section per Value Code, in template order, its groups in perspective order
        key = "code_id" if "code_id" in frame else "title"
        rank = {c: i for i, c in enumerate(item_order(frame, key))}
        frame = frame.iloc[np.argsort(frame[key].map(rank).to_numpy(), kind="stable")].reset_index(drop=True)
    hidden = flags(frame).to_numpy()
    shares = _shares(frame, has_counts)
    shares[hidden] = 0.0
    if several:
        sections, labels = list(frame["title"].astype(str)), list(frame["group"].astype(str))
    elif "thing_that_matters" in frame and frame["thing_that_matters"].nunique() > 1:
        sections, labels = [human(t) for t in frame["thing_that_matters"]], list(frame["title"].astype(str))
    else:
        sections, labels = None, list(frame["title"].astype(str))
    rows = lay_out(frame, labels, sections)
    items = [r for r in rows if not r.header]
    ys = np.array([r.y for r in items])
    two_lines = any(len(wrap(lb, _LABEL_WIDTH).split("\n")) > 1 for lb in labels)

    shown_n = numbers(frame, "n")[~hidden]
    dont_know = numbers(frame, "dont_know")[~hidden]
    note = [
        f"{n_phrase(shown_n)} per bar (the ratings given); 'don't know' answers are not counted"
        + (f" ({n_phrase(dont_know, '').removeprefix('n = ').strip()} per bar)." if dont_know.notna().any() else "."),
        "Bars centred on the middle of Performing (Robbins and Heiberger 2011).",
        hidden_note(frame, int(hidden.sum())),
    ]  # fmt: skip
    p = page(
        heading,
        body=rows_height(rows, 0.36 if two_lines else 0.3) + 0.75,
        subtitle="Share of ratings at each level. Failing and Struggling run left of the centre line, "
        "Exceeding and Best practice right; the numbers at the ends add up each side.",
        note=" ".join(x for x in note if x),
        legend_rows=1,
    )
    ax = p.fig.add_subplot()
    left = -(shares[:, 0] + shares[:, 1] + shares[:, 2] / 2)
    start = left.copy()
    for j, lv in enumerate(LEVELS):
        ax.barh(
            ys, shares[:, j], left=start, height=0.72, color=LEVEL_COLOURS[lv], label=LEVEL_LABELS[lv],
            edgecolor="white", linewidth=0.6, zorder=2,
        )  # fmt: skip
        for y, s, x in zip(ys, shares[:, j], start, strict=True):
            if s >= LABEL_FROM:
                colour = ink_on(LEVEL_COLOURS[lv])
                halo = [patheffects.withStroke(linewidth=2.5, foreground=LEVEL_COLOURS[lv])]
                ax.text(
                    x + s / 2, y, f"{s:.0%}", ha="center", va="center", fontsize=8, color=colour, zorder=5,
                    path_effects=halo,
                )  # fmt: skip
        start = start + shares[:, j]
    reach = float(np.nanmax(np.abs(np.r_[left, start, 0.25])))
    limit = min(1.0, np.ceil(reach * 4) / 4) + 0.13
    for i, (y, lo, hi) in enumerate(zip(ys, left, start, strict=True)):
        if hidden[i]:
            draw_gap(ax, y, hidden_label(frame))
            continue
        low, high = shares[i, 0] + shares[i, 1], shares[i, 3] + shares[i, 4]
        ax.text(lo - 0.012, y, f"{low:.0%}", ha="right", va="center", fontsize=8.5, color=INK)
        ax.text(hi + 0.012, y, f"{high:.0%}", ha="left", va="center", fontsize=8.5, color=INK)
        n = numbers(frame, "n").iloc[i]
        side_text(ax, y, f"n = {int(n)}" if not np.isnan(n) else "")
    ax.axvline(0, color=INK, lw=0.9, zorder=4)
    ticks = np.arange(-1.0, 1.01, 0.25)
    ticks = ticks[np.abs(ticks) <= limit - 0.1]
    ax.set_xticks(ticks, [f"{abs(t):.0%}" for t in ticks])
    ax.set_xlim(-limit, limit)
    ax.set_xlabel(
        "←  Failing or Struggling            share of ratings            Exceeding or Best practice  →"
    )
    draw_rows(ax, rows, label_width=_LABEL_WIDTH)
    p.legend(level_handles(), ncol=5)
    return p.fig


def _shares(frame: pd.DataFrame, has_counts: bool) -> np.ndarray:
    """Rows × five levels of shares (0 where nobody chose a level)."""
    if has_counts:
        counts = np.column_stack([numbers(frame, f"count_{lv}").to_numpy() for lv in LEVELS])
        total = np.nansum(counts, axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = np.where(total > 0, np.nan_to_num(counts) / total, 0.0)
    else:
        shares = np.nan_to_num(np.column_stack([numbers(frame, f"share_{lv}").to_numpy() for lv in LEVELS]))
    return shares
