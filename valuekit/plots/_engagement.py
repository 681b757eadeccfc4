"""Engagement: who was invited and who responded, by party and level (DESIGN.md, question 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..analysis.engagement import UNDER_REPRESENTED_FLOOR, UNDER_REPRESENTED_RATIO
from ..analysis.perspectives import ALL
from ._layout import Row, draw_gap, draw_rows, rows_height, side_text
from ._style import (
    BLUE,
    INK,
    VERMILLION,
    flags,
    hidden_label,
    hidden_note,
    human,
    n_phrase,
    nothing_to_show,
    numbers,
    page,
    require,
    shade,
    styled,
)

__all__ = ["plot_engagement"]


@styled
def plot_engagement(engagement: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Response rate per group, with subtotals and the whole community; under-represented groups flagged.

    Parameters
    ----------
    engagement
        :func:`~valuekit.analysis.engagement.engagement` (the ``by`` columns, ``group``, ``row_type``,
        ``invited``, ``responded``, ``response_rate``, ``under_represented``, ``suppressed``).
    title
        Overrides the plain-English title.

    Returns
    -------
    Figure
        A bar per group at its response rate, each party's subtotal in bold above its groups and the whole
        community last, with "responded of invited" beside each bar. The whole community's rate is a dashed
        line and the under-represented threshold a dotted one; groups below it are drawn in vermillion and
        flagged. A hidden group is a hatched gap labelled with the reason, with no number at all.

    Examples
    --------
    >>> fig = plot_engagement(engagement(data))  # doctest: +SKIP
    """
    heading = title or "Who took part: response rate by party and level"
    if engagement is None or len(engagement) == 0:
        return nothing_to_show(
            heading, "nobody was invited in this cycle (the engagement table has no rows)."
        )
    require(engagement, ["group", "invited", "responded"], "plot_engagement(engagement)")
    frame = engagement.reset_index(drop=True)
    order, rows, strong = _arrange(frame)
    frame = frame.loc[order].reset_index(drop=True)
    hidden = flags(frame).to_numpy()
    invited, responded = numbers(frame, "invited"), numbers(frame, "responded")
    rate = numbers(frame, "response_rate").fillna(responded / invited.replace(0, np.nan))
    low = flags(frame, "under_represented").to_numpy() & ~hidden
    kind = frame.get("row_type", pd.Series("group", index=frame.index)).astype(str)
    total = rate[kind.eq("total") & ~hidden]
    overall = float(total.iloc[0]) if len(total) else np.nan
    bar = max(UNDER_REPRESENTED_RATIO * overall, UNDER_REPRESENTED_FLOOR) if not np.isnan(overall) else np.nan
    note = [
        f"{n_phrase(responded[~hidden], 'respondents')} of "
        f"{n_phrase(invited[~hidden], 'invited').removeprefix('n = ')} per row.",
        f"Under-represented: a response rate below {UNDER_REPRESENTED_RATIO:.0%} of the whole community's, or "
        f"below {UNDER_REPRESENTED_FLOOR:.0%}.",
        hidden_note(frame, int(hidden.sum()), "row")
        + (" Hidden rows show no count at all, so they cannot be worked out from the totals." if hidden.any() else ""),
    ]  # fmt: skip
    p = page(
        heading,
        body=rows_height(rows, 0.34) + 0.75,
        subtitle="The share of invited people who responded, per party and level. Groups far below the whole "
        "community are flagged: their view is under-represented in the results.",
        note=" ".join(x for x in note if x),
        legend_rows=1,
    )
    ax = p.fig.add_subplot()
    items = [r for r in rows if not r.header]
    for i, r in enumerate(items):
        if hidden[i]:
            draw_gap(ax, r.y, hidden_label(frame, "respondents"))
            continue
        colour = VERMILLION if low[i] else (BLUE if strong[i] else shade(BLUE, 0.4))
        ax.barh(r.y, rate[i], height=0.66, color=colour, zorder=2)
        side_text(ax, r.y, f"{rate[i]:.0%}", color=VERMILLION if low[i] else INK,
                  weight="bold" if strong[i] or low[i] else "normal")  # fmt: skip
        side_text(ax, r.y, f"{responded[i]:.0f} of {invited[i]:.0f}", dx=44)
        if low[i]:
            side_text(ax, r.y, "under-represented", dx=100, color=VERMILLION, weight="bold")
    if not np.isnan(overall):
        ax.axvline(overall, color=INK, ls="--", lw=1, zorder=4)
        ax.axvline(bar, color=VERMILLION, ls=":", lw=1.4, zorder=4)
    side_text(ax, 0, "Rate", header=True)
    side_text(ax, 0, "Responded of invited", header=True, dx=44)
    draw_rows(ax, rows, label_width=40)
    for tick, flag in zip(ax.get_yticklabels(), strong, strict=False):
        tick.set_fontweight("bold" if flag else "normal")
    ticks = np.linspace(0, 1, 6)
    ax.set_xticks(ticks, [f"{t:.0%}" for t in ticks])
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("Response rate: share of invited people who responded")
    handles = [
        Patch(color=BLUE, label="Party or whole community"),
        Patch(color=shade(BLUE, 0.4), label="Group"),
    ]
    if low.any():
        handles.append(Patch(color=VERMILLION, label="Under-represented"))
    if not np.isnan(overall):
        handles += [
            Line2D([], [], color=INK, ls="--", label=f"Whole community {overall:.0%}"),
            Line2D([], [], color=VERMILLION, ls=":", lw=1.4, label=f"Under-represented below {bar:.0%}"),
        ]
    p.legend(handles)
    return p.fig


def _arrange(frame: pd.DataFrame) -> tuple[list, list[Row], list[bool]]:
    """Each subtotal (bold) followed by its groups, then the total; the frame's order within each."""
    cut = list(frame.columns).index("group")
    by = list(frame.columns)[:cut]
    kind = frame.get("row_type", pd.Series("group", index=frame.index)).astype(str)
    subtotals = [i for i in frame.index if kind[i] == "subtotal"]
    used: set = set()
    blocks: list[list] = []
    for s in subtotals:
        fixed = [c for c in by if str(frame.at[s, c]) != ALL]
        kids = [
            i for i in frame.index
            if kind[i] == "group" and i not in used and all(frame.at[i, c] == frame.at[s, c] for c in fixed)
        ]  # fmt: skip
        used.update(kids)
        blocks.append([s, *kids])
    rest = [i for i in frame.index if kind[i] == "group" and i not in used]
    if rest:
        blocks.insert(0, rest)
    totals = [i for i in frame.index if kind[i] == "total"]
    if totals:
        blocks.append(totals)
    order, rows, strong, y = [], [], [], 0.0
    for block in blocks:
        for i in block:
            child = kind[i] == "group" and len(by) > 1 and bool(subtotals)
            label = human(frame.at[i, by[-1]]) if child else str(frame.at[i, "group"])
            rows.append(Row(y, label, False, i))
            order.append(i)
            strong.append(kind[i] != "group")
            y += 1.0
        y += 0.35
    return order, rows, strong
