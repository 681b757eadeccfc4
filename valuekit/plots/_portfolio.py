"""The portfolio: each relationship benchmarked per Thing That Matters (DESIGN.md, question 9)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from ..errors import NotFoundError
from ._layout import Row, draw_gap, draw_rows, rows_height, side_text
from ._style import (
    BLUE,
    HIDDEN_CELL,
    INK,
    MUTED,
    SUBTLE,
    cycle_name,
    flags,
    hatched,
    hidden_label,
    hidden_note,
    human,
    ink_on,
    level_ticks,
    n_phrase,
    nothing_to_show,
    numbers,
    page,
    require,
    styled,
    wrap,
)

__all__ = ["plot_benchmark"]

#: Percentiles: red (bottom of the portfolio) through white (the median) to blue (top); ColorBrewer RdBu,
#: which stays readable with red–green colour blindness.
_CMAP = colormaps["RdBu"]
_NORM = Normalize(0, 100)


@styled
def plot_benchmark(
    scores: pd.DataFrame, *, highlight: str | None = None, sort: bool = True, title: str | None = None
) -> Figure:
    """Each relationship's standing in the portfolio per Thing That Matters.

    Parameters
    ----------
    scores
        :func:`~valuekit.analysis.portfolio.portfolio_scores` (``relationship_id``, ``cycle_id``,
        ``thing_that_matters``, ``thing_that_matters_name``, ``n``, ``mean``, ``benchmark``, ``rank``,
        ``n_ranked``, ``suppressed``).
    highlight
        A ``relationship_id``: draw every relationship's mean per Thing That Matters as a grey dot and this one
        as a large blue one, with its percentile and n. Without it, a heat map of percentiles.
    sort
        Heat map only: relationships from the highest average percentile down (else as given).
    title
        Overrides the plain-English title.

    Returns
    -------
    Figure
        The heat map colours each cell by its benchmark percentile (red: bottom of the portfolio, white: the
        median, blue: top; colour-blind safe) and writes the percentile and the mean; hidden cells are hatched
        and marked "hidden", Things That Matter a relationship was not asked are dashes. The highlight view
        puts the relationship among its peers on the five-level scale.

    Examples
    --------
    >>> scores = portfolio_scores(store)  # doctest: +SKIP
    >>> fig = plot_benchmark(scores, highlight="harbourside-northwind")  # doctest: +SKIP
    """
    heading = title or (
        f"How {highlight} compares with the portfolio"
        if highlight
        else "How the relationships compare on each Thing That Matters"
    )
    if scores is None or len(scores) == 0:
        return nothing_to_show(heading, "No relationship in the store has responses to benchmark.")
    require(scores, ["relationship_id", "thing_that_matters", "mean"], "plot_benchmark(scores)")
    frame = scores.reset_index(drop=True).copy()
    names = frame.get("thing_that_matters_name", frame["thing_that_matters"]).astype("object")
    frame["_thing"] = names.where(names.notna(), frame["thing_that_matters"].map(human)).astype(str)
    frame["_hidden"] = flags(frame).to_numpy()
    frame["_mean"], frame["_pct"] = numbers(frame, "mean"), numbers(frame, "benchmark")
    things = list(dict.fromkeys(frame["_thing"]))
    rels = list(dict.fromkeys(frame["relationship_id"].astype(str)))
    if highlight is not None:
        if highlight not in rels:
            raise NotFoundError("relationship", highlight, rels, where="plot_benchmark(highlight=)")
        return _strip(frame, things, rels, highlight, heading)
    return _heatmap(frame, things, rels, sort, heading)


def _label(frame: pd.DataFrame, rel: str) -> str:
    cycle = frame.loc[frame["relationship_id"].astype(str) == rel, "cycle_id"] if "cycle_id" in frame else []
    return f"{rel}\n{cycle_name(cycle.iloc[0])}" if len(cycle) else rel


def _heatmap(frame: pd.DataFrame, things: list[str], rels: list[str], sort: bool, heading: str) -> Figure:
    if sort:
        avg = frame[~frame["_hidden"]].groupby("relationship_id")["_pct"].mean()
        rels = sorted(rels, key=lambda r: -avg.get(r, -1.0))
    rows = [Row(float(i), _label(frame, r), False, r) for i, r in enumerate(rels)]
    cell = frame.set_index(["relationship_id", "_thing"])
    hidden = int(frame["_hidden"].sum())
    k_text = HIDDEN_CELL
    note = [
        f"Percentile among the relationships with a score on that Thing That Matters (50 = the median); below "
        f"it, the mean rating. {n_phrase(numbers(frame[~frame['_hidden']], 'n'), 'respondents')} per cell.",
        "Each relationship is read at its latest cycle with responses (under its name).",
        hidden_note(frame, hidden, "cell") if hidden else "",
        "–: not asked in that cycle." if len(cell) < len(rels) * len(things) else "",
    ]
    p = page(
        heading,
        body=rows_height(rows, 0.46) + 1.0,
        subtitle="Where each relationship stands in the portfolio: blue cells are near the top, red near the "
        "bottom. Relationships are ordered from the highest average percentile.",
        note=" ".join(x for x in note if x),
        legend_rows=1,
        width=10.0,
    )
    ax = p.fig.add_subplot()
    for j, thing in enumerate(things):
        for r in rows:
            if (r.index, thing) not in cell.index:
                ax.text(j, r.y, "–", ha="center", va="center", color=MUTED, fontsize=9)
                continue
            rec = cell.loc[(r.index, thing)]
            rec = rec.iloc[0] if isinstance(rec, pd.DataFrame) else rec
            if rec["_hidden"] or np.isnan(rec["_pct"]):
                ax.add_patch(Rectangle((j - 0.5, r.y - 0.5), 1, 1, **hatched("white", 1.5)))
                ax.text(j, r.y, k_text, ha="center", va="center", fontsize=8, color=SUBTLE, style="italic")
                continue
            colour = _CMAP(_NORM(rec["_pct"]))
            ax.add_patch(Rectangle((j - 0.5, r.y - 0.5), 1, 1, facecolor=colour, edgecolor="white", lw=1.5))
            ink = ink_on(colour)
            ax.text(j, r.y - 0.12, f"{rec['_pct']:.0f}", ha="center", va="center", fontsize=9.5, color=ink,
                    weight="bold")  # fmt: skip
            ax.text(j, r.y + 0.22, f"{rec['_mean']:.1f}", ha="center", va="center", fontsize=7.5, color=ink)
    ax.set_xticks(range(len(things)), [wrap(t, 13) for t in things], fontsize=8)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0, colors=INK)
    ax.set_xlim(-0.5, len(things) - 0.5)
    draw_rows(ax, rows, label_width=40)
    ax.set_ylim(len(rels) - 0.5, -0.5)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bins = [(0, 20), (20, 40), (40, 60), (60, 80), (80, 100)]
    key = [
        Patch(facecolor=_CMAP(_NORM((a + b) / 2)), edgecolor=MUTED, lw=0.4, label=f"{a}–{b}") for a, b in bins
    ]
    p.legend([Patch(color="none", label="Percentile:"), *key], handlelength=1.2)
    return p.fig


def _strip(frame: pd.DataFrame, things: list[str], rels: list[str], highlight: str, heading: str) -> Figure:
    rows = [Row(float(i), t, False, t) for i, t in enumerate(things)]
    mine = frame[frame["relationship_id"].astype(str) == highlight].set_index("_thing")
    others = frame[(frame["relationship_id"].astype(str) != highlight) & ~frame["_hidden"]]
    shown_mine = mine[~mine["_hidden"]]
    note = [
        f"Grey dots: the other {len(rels) - 1} relationships, each at its latest cycle with responses; "
        f"{highlight} is read at {cycle_name(mine['cycle_id'].iloc[0]) if 'cycle_id' in mine else 'its latest cycle'}.",
        f"{n_phrase(numbers(shown_mine, 'n'), 'respondents')} per Thing That Matters for {highlight}. Percentile: "
        "its place among the relationships with a score (50 = the median).",
        hidden_note(mine, int(mine["_hidden"].sum()), "Thing That Matters"),
    ]  # fmt: skip
    p = page(
        heading,
        body=rows_height(rows, 0.42) + 0.85,
        subtitle=f"Mean rating per Thing That Matters: {highlight} (blue) against every other relationship in "
        "the portfolio (grey). Further right is better.",
        note=" ".join(x for x in note if x),
        legend_rows=1,
    )
    ax = p.fig.add_subplot()
    jitter = np.random.default_rng(0)  # fixed: the same data always draw the same picture
    for r in rows:
        peers = others.loc[others["_thing"] == r.label, "_mean"].dropna()
        ax.scatter(peers, r.y + jitter.uniform(-0.16, 0.16, len(peers)), s=26, color=MUTED, alpha=0.7,
                   edgecolor="white", lw=0.4, zorder=2)  # fmt: skip
        if r.label not in mine.index:
            side_text(ax, r.y, "not asked", dx=52, style="italic")
            continue
        rec = mine.loc[r.label]
        rec = rec.iloc[0] if isinstance(rec, pd.DataFrame) else rec
        if rec["_hidden"] or np.isnan(rec["_mean"]):
            draw_gap(ax, r.y, hidden_label(frame))
            continue
        ax.scatter(rec["_mean"], r.y, s=120, color=BLUE, edgecolor="white", lw=1, zorder=4)
        pct = "" if np.isnan(rec["_pct"]) else f"{_ordinal(rec['_pct'])} percentile"
        place = ""
        if "rank" in rec and not pd.isna(rec["rank"]) and "n_ranked" in rec:
            place = f" ({int(rec['rank'])} of {int(rec['n_ranked'])})"
        side_text(ax, r.y, f"n = {numbers(mine.loc[[r.label]], 'n').iloc[0]:.0f}")
        side_text(ax, r.y, f"{pct}{place}", dx=52, color=BLUE, weight="bold")
    draw_rows(ax, rows, label_width=30)
    ax.set_xlim(0.8, 5.2)
    level_ticks(ax)
    ax.set_xlabel("Mean rating")
    side_text(ax, 0, "n", header=True)
    side_text(ax, 0, "Standing (rank of all)", header=True, dx=52)
    handles = [
        Line2D([], [], marker="o", ls="", color=BLUE, markersize=9, label=highlight),
        Line2D([], [], marker="o", ls="", color=MUTED, markersize=6, label="Other relationships"),
    ]
    p.legend(handles)
    return p.fig


def _ordinal(value: float) -> str:
    n = int(round(value))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
