"""Priorities: importance against performance, Martilla and James's quadrants (DESIGN.md, question 5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..analysis.priorities import QUADRANTS
from ..errors import NotFoundError
from ._layout import label_points
from ._style import (
    INK,
    MUTED,
    SUBTLE,
    VERMILLION,
    flags,
    hidden_label,
    hidden_note,
    hidden_reason,
    level_ticks,
    n_phrase,
    nothing_to_show,
    numbers,
    page,
    require,
    styled,
    wrap,
)

__all__ = ["plot_priorities"]

_OTHER = "#5b7083"  # slate: every point not in "concentrate here"
_CORNERS = {  # quadrant → (x, y, ha, va) in axes fraction: performance across, importance up
    QUADRANTS[0]: (0.015, 0.985, "left", "top"),
    QUADRANTS[1]: (0.985, 0.985, "right", "top"),
    QUADRANTS[2]: (0.015, 0.015, "left", "bottom"),
    QUADRANTS[3]: (0.985, 0.015, "right", "bottom"),
}


@styled
def plot_priorities(
    priorities: pd.DataFrame, *, group: str | None = None, top: int = 5, title: str | None = None
) -> Figure:
    """Importance against performance per Value Code, split into the four quadrants, top priorities named.

    Parameters
    ----------
    priorities
        :func:`~valuekit.analysis.priorities.priorities` (``title``, ``n``, ``mean`` — performance —,
        ``n_importance``, ``mean_importance``, ``quadrant``, ``rank``, ``suppressed``; optional ``group``), or
        :func:`~valuekit.analysis.priorities.neglected_things` (``thing_that_matters_name`` instead of
        ``title``).
    group
        Only this group; with several groups and none named, one panel per group.
    top
        How many of the highest priorities (``rank`` 1, 2 …) to name on the chart.
    title
        Overrides the plain-English title.

    Returns
    -------
    Figure
        Performance (mean rating, on the five levels) across, mean importance up. The dashed lines are the
        group's grand means over its shown Value Codes, where the analysis splits the quadrants (Martilla and
        James 1977); "concentrate here" — important and below par — is shaded and its points drawn in
        vermillion. The ``top`` highest priorities are labelled with their rank.

    Examples
    --------
    >>> fig = plot_priorities(priorities(data), top=5)  # doctest: +SKIP
    """
    heading = title or "What matters most and is most neglected"
    if priorities is None or len(priorities) == 0:
        return nothing_to_show(heading, "No Value Code here asks how important it is.")
    require(priorities, ["mean", "mean_importance"], "plot_priorities(priorities)")
    frame = priorities.reset_index(drop=True).copy()
    if group is not None:
        known = list(dict.fromkeys(frame.get("group", pd.Series(dtype=str)).astype(str)))
        if group not in known:
            raise NotFoundError("group", group, known, where="plot_priorities(group=)")
        frame = frame[frame["group"].astype(str) == group].reset_index(drop=True)
    name = "title" if "title" in frame else "thing_that_matters_name"
    frame["_name"] = frame[name].astype(str) if name in frame else ""
    frame["_group"] = frame["group"].astype(str) if "group" in frame else "Whole community"
    frame["_hidden"] = flags(frame).to_numpy()
    frame["_x"], frame["_y"] = numbers(frame, "mean"), numbers(frame, "mean_importance")
    shown = frame[~frame["_hidden"] & frame["_x"].notna() & frame["_y"].notna()]
    hidden = frame[frame["_hidden"]]
    if shown.empty:
        why = f"Every group is hidden to protect anonymity ({hidden_reason(frame)})."
        return nothing_to_show(
            heading, why if len(hidden) else "No Value Code has both a rating and importance."
        )
    groups = list(dict.fromkeys(shown["_group"]))
    if len(groups) == 1 and title is None and groups[0] != "Whole community":
        heading = f"What matters most to {groups[0]} and is most neglected"
    ncols = 1 if len(groups) <= 3 else 2  # one column while it fits: labels need the width
    nrows = -(-len(groups) // ncols)
    panel = 5.4 if len(groups) == 1 else (4.4 if ncols == 1 else 4.0)
    what = "Value Code" if name == "title" else "Thing That Matters"
    note = [
        f"{n_phrase(numbers(shown, 'n'))} of performance and "
        f"{n_phrase(numbers(shown, 'n_importance'), 'importance answers').removeprefix('n = ')} per {what}.",
        "Dashed lines: the group's average performance and importance, which split the four quadrants "
        "(importance–performance analysis, Martilla and James 1977). Priority rank: mean importance × the "
        "shortfall from the level people want (or from 5 where the desired level is not asked).",
        hidden_note(frame, len(hidden), f"group × {what}"),
        _key(shown, top) if ncols > 1 else "",
    ]
    p = page(
        heading,
        body=panel * nrows,
        subtitle=f"Each point is a {what}: further right is rated higher, higher up matters more. Top left — "
        f"important but rated low — is where to concentrate. The top {top} priorities are numbered.",
        note=" ".join(x for x in note if x),
        legend_rows=1,
    )
    y_lo = max(1.0, np.floor((shown["_y"].min() - 0.3) * 2) / 2)
    y_hi = min(5.0, np.ceil((shown["_y"].max() + 0.3) * 2) / 2)
    axes = [p.fig.add_subplot(nrows, ncols, i + 1) for i in range(len(groups))]
    for ax, g in zip(axes, groups, strict=True):
        part = shown[shown["_group"] == g]
        _panel(ax, part, top, (y_lo, y_hi), (8.0 / ncols, panel - 0.9), compact=ncols > 1)
        if len(groups) > 1:
            ax.set_title(g, loc="left", fontsize=10.5, weight="bold")
        lost = hidden[hidden["_group"] == g]
        if len(lost):
            ax.text(0.5, 0.015, f"{len(lost)} not shown: {hidden_label(frame)}", transform=ax.transAxes,
                    ha="center", va="bottom", fontsize=8, color=SUBTLE, style="italic")  # fmt: skip
    handles = [
        Line2D([], [], marker="o", ls="", color=VERMILLION, markersize=7, label="Concentrate here"),
        Line2D([], [], marker="o", ls="", color=_OTHER, markersize=7, label="Other quadrants"),
        Line2D([], [], ls="--", color=MUTED, label="Group average"),
    ]
    p.legend(handles)
    return p.fig


def _panel(
    ax, part: pd.DataFrame, top: int, ylim: tuple[float, float], size: tuple[float, float], compact: bool
) -> None:
    """One group's quadrant chart; ``size`` is the panel's (width, height) in inches, roughly."""
    width, height = size
    x_split, y_split = part["_x"].mean(), part["_y"].mean()
    quadrant = part["quadrant"].astype(str) if "quadrant" in part else pd.Series("", index=part.index)
    hot = quadrant.eq(QUADRANTS[0]).to_numpy()
    ax.set_xlim(0.8, 5.2)
    ax.set_ylim(*ylim)
    ax.axvspan(0.8, x_split, ymin=(y_split - ylim[0]) / (ylim[1] - ylim[0]), ymax=1, color="#fbe6da", lw=0)
    ax.axvline(x_split, color=MUTED, ls="--", lw=1, zorder=1)
    ax.axhline(y_split, color=MUTED, ls="--", lw=1, zorder=1)
    ax.scatter(part["_x"][~hot], part["_y"][~hot], s=38, color=_OTHER, alpha=0.85, edgecolor="white", lw=0.6,
               zorder=3)  # fmt: skip
    ax.scatter(part["_x"][hot], part["_y"][hot], s=52, color=VERMILLION, edgecolor="white", lw=0.6, zorder=4)
    for q, (x, y, ha, va) in _CORNERS.items():
        ax.text(x, y, q[:1].upper() + q[1:], transform=ax.transAxes, ha=ha, va=va, fontsize=9.5,
                weight="bold", color=VERMILLION if q == QUADRANTS[0] else SUBTLE, zorder=5)  # fmt: skip
    rank = numbers(part, "rank")
    best = part[rank <= top].assign(_rank=rank[rank <= top]).sort_values("_rank")
    if compact:  # small panels: the rank beside the point, the names in the footnote
        for r, x, y in zip(best["_rank"], best["_x"], best["_y"], strict=True):
            ax.annotate(f"{int(r)}", (x, y), xytext=(4, 3), textcoords="offset points", fontsize=8.5,
                        weight="bold", color=INK, zorder=6)  # fmt: skip
    else:
        texts = [wrap(f"{int(r)}. {n}", 22) for r, n in zip(best["_rank"], best["_name"], strict=True)]
        label_points(ax, list(best["_x"]), list(best["_y"]), texts, height_in=height, width_in=width,
                     colour=INK, bounds=(0.1, 0.88))  # fmt: skip
    level_ticks(ax, compact=compact)
    ax.set_xlabel("Performance: mean rating")
    ax.set_ylabel("Importance: mean (1–5)")


def _key(shown: pd.DataFrame, top: int) -> str:
    """The names behind the rank numbers of compact panels, per group."""
    parts = []
    for g, part in shown.groupby("_group", sort=False):
        rank = numbers(part, "rank")
        best = part[rank <= top].assign(_rank=rank[rank <= top]).sort_values("_rank")
        parts.append(
            f"{g}: " + ", ".join(f"{int(r)} {n}" for r, n in zip(best["_rank"], best["_name"], strict=True))
        )
    return "Top priorities — " + "; ".join(parts) + "."
