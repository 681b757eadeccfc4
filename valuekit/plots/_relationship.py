"""One relationship: perception gaps of the mirror pairs, and change between cycles (questions 4 and 8)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..analysis.gaps import MEANINGFUL_GAP
from ._layout import Row, draw_gap, draw_rows, item_order, lay_out, rows_height, side_text
from ._style import (
    BAND,
    BLUE,
    CLIENT,
    INK,
    MUTED,
    SUBTLE,
    SUPPLIER,
    cycle_name,
    flags,
    hidden_label,
    hidden_note,
    human,
    level_ticks,
    n_phrase,
    nothing_to_show,
    numbers,
    page,
    require,
    signed,
    styled,
    wrap,
)

__all__ = ["plot_mirror_gaps", "plot_change"]

_WHOSE = re.compile(r"\s*\((client|supplier|own)[^)]*\)\s*$", re.IGNORECASE)


def _rows(frame: pd.DataFrame, key: str, labels: list[str], by_thing: bool) -> tuple[pd.DataFrame, list[Row]]:
    """Items in template order; with several groups, one section per item and a row per group."""
    several = "group" in frame and frame["group"].nunique() > 1
    if several:
        rank = {c: i for i, c in enumerate(item_order(frame, key))}
        order = np.argsort(frame[key].map(rank).to_numpy(), kind="stable")
        frame = frame.iloc[order].reset_index(drop=True)
        labels = [labels[i] for i in order]
        return frame, lay_out(frame, list(frame["group"].astype(str)), labels)
    sections = None
    if by_thing and "thing_that_matters" in frame and frame["thing_that_matters"].nunique() > 1:
        sections = [human(t) for t in frame["thing_that_matters"]]
    return frame, lay_out(frame, labels, sections)


def _bands(ax, rows: list[Row]) -> None:
    """The section bands of :func:`draw_rows` on a second panel (no text)."""
    for r in rows:
        if r.header:
            ax.axhspan(r.y - 0.42, r.y + 0.42, color=BAND, zorder=0, lw=0)


@styled
def plot_mirror_gaps(gaps: pd.DataFrame, *, title: str | None = None) -> Figure:
    """A dumbbell per mirror pair: the client's rating against the supplier's, with the gap and its interval.

    Parameters
    ----------
    gaps
        :func:`~valuekit.analysis.gaps.mirror_gaps` (``title``, ``n_client``, ``mean_client``,
        ``n_supplier``, ``mean_supplier``, ``gap``, ``gap_ci_low``, ``gap_ci_high``, ``meaningful``,
        ``suppressed``; optional ``group``).
    title
        Overrides the plain-English title.

    Returns
    -------
    Figure
        Left: both parties' mean ratings of each pair on the five-level scale, joined by a line. Right: the gap
        (client minus supplier) with its 95 % Welch interval; meaningful gaps (at least
        :data:`~valuekit.analysis.gaps.MEANINGFUL_GAP` of a level, interval clear of zero) are drawn dark and
        bold, the others grey. Each row's n (client / supplier) is on the right; hidden rows are labelled gaps.

    Examples
    --------
    >>> fig = plot_mirror_gaps(mirror_gaps(data))  # doctest: +SKIP
    """
    heading = title or "Perception gaps: how the client and the supplier see the same things"
    if gaps is None or len(gaps) == 0:
        return nothing_to_show(heading, "This cycle has no mirror pairs (Value Codes rated by both parties).")
    require(gaps, ["title", "mean_client", "mean_supplier", "gap"], "plot_mirror_gaps(gaps)")
    key = "pair" if "pair" in gaps else "title"
    labels = [_WHOSE.sub("", str(t)) for t in gaps["title"]]
    frame, rows = _rows(gaps.reset_index(drop=True), key, labels, by_thing=False)
    hidden = flags(frame).to_numpy()
    c, s = numbers(frame, "mean_client"), numbers(frame, "mean_supplier")
    gap, lo, hi = numbers(frame, "gap"), numbers(frame, "gap_ci_low"), numbers(frame, "gap_ci_high")
    strong = flags(frame, "meaningful").to_numpy() & ~hidden
    nc, ns = numbers(frame, "n_client"), numbers(frame, "n_supplier")
    note = [
        f"{n_phrase(nc[~hidden])} from the client and {n_phrase(ns[~hidden]).removeprefix('n = ')} from the "
        "supplier per pair ('don't know' not counted).",
        f"Gap = client's mean minus supplier's; interval: 95 % (Welch). Meaningful: at least {MEANINGFUL_GAP:g} "
        "of a level and the interval clear of zero.",
        hidden_note(frame, int(hidden.sum()), "group × pair" if frame["group"].nunique() > 1 else "pair")
        if "group" in frame
        else hidden_note(frame, int(hidden.sum()), "pair"),
    ]
    p = page(
        heading,
        body=rows_height(rows, 0.42) + 0.85,
        subtitle="Left: how the client's people and the supplier's people rate the same thing. Right: the gap "
        "between them with its uncertainty; dark rows are gaps big and sure enough to act on.",
        note=" ".join(x for x in note if x),
        legend_rows=1,
    )
    grid = p.fig.add_gridspec(1, 2, width_ratios=[1.7, 1], wspace=0.04)
    left = p.fig.add_subplot(grid[0, 0])
    right = p.fig.add_subplot(grid[0, 1], sharey=left)
    items = [r for r in rows if not r.header]
    span = max(float(np.nanmax(np.abs(np.r_[lo, hi, gap, MEANINGFUL_GAP]))) * 1.15, 1.0)
    right.axvspan(-MEANINGFUL_GAP, MEANINGFUL_GAP, color="#f1f1f1", lw=0, zorder=0)
    right.axvline(0, color=INK, lw=0.9, zorder=1)
    for i, r in enumerate(items):
        if hidden[i]:
            draw_gap(left, r.y, hidden_label(frame))
            draw_gap(right, r.y, "")
            continue
        ink, weight = (INK, 2.2) if strong[i] else (MUTED, 1.4)
        left.plot([c[i], s[i]], [r.y, r.y], color=ink, lw=weight, zorder=2, solid_capstyle="round")
        # the client's circle is larger and underneath, so both show when the two means coincide
        left.scatter(c[i], r.y, s=110, color=CLIENT, edgecolor="white", lw=0.8, zorder=3)
        left.scatter(s[i], r.y, s=52, marker="D", color=SUPPLIER, edgecolor="white", lw=0.8, zorder=4)
        for x, other in ((c[i], s[i]), (s[i], c[i])):
            dx, ha = (-0.09, "right") if x <= other else (0.09, "left")
            left.text(x + dx, r.y, f"{x:.1f}", ha=ha, va="center", fontsize=8, color=SUBTLE)
        right.plot([lo[i], hi[i]], [r.y, r.y], color=ink, lw=weight, zorder=2, solid_capstyle="butt")
        face = INK if strong[i] else "white"
        right.scatter(gap[i], r.y, s=48, color=face, edgecolor=ink, lw=1.3, zorder=3)
        label = signed(gap[i]) + (" meaningful" if strong[i] else "")
        right.text(hi[i] + span * 0.03, r.y + 0.28, label, ha="left", va="center", fontsize=8, color=ink,
                   weight="bold" if strong[i] else "normal")  # fmt: skip
        side_text(right, r.y, f"n = {nc[i]:.0f} / {ns[i]:.0f}")
    draw_rows(left, rows, label_width=34)
    for t in left.get_yticklabels():
        t.set_fontweight("normal")
    _bold_rows(left, items, strong)
    _bands(right, rows)
    left.set_xlim(0.7, 5.3)
    level_ticks(left, compact=True)
    left.set_xlabel("Mean rating")
    right.set_xlim(-span, span)
    right.set_xlabel("Gap in levels\n(client minus supplier)")
    right.tick_params(axis="y", labelleft=False, length=0)
    right.grid(axis="y", visible=False)
    side_text(right, 0, "n client / supplier", header=True)
    handles = [
        Line2D([], [], marker="o", ls="", color=CLIENT, markersize=8, label="Client's people"),
        Line2D([], [], marker="D", ls="", color=SUPPLIER, markersize=7, label="Supplier's people"),
        Line2D([], [], marker="o", color=INK, lw=2, markersize=7, label="Meaningful gap"),
        Line2D([], [], marker="o", color=MUTED, markerfacecolor="white", lw=1.4, markersize=7,
               label="Not meaningful"),
        Patch(facecolor="#f1f1f1", label=f"Within {MEANINGFUL_GAP:g} of a level"),
    ]  # fmt: skip
    p.legend(handles)
    return p.fig


def _bold_rows(ax, items: list[Row], strong: np.ndarray) -> None:
    """Make the y labels of emphasised rows bold."""
    for tick, flag in zip(ax.get_yticklabels(), strong, strict=False):
        tick.set_fontweight("bold" if flag else "normal")


@styled
def plot_change(
    change: pd.DataFrame, *, before: str | None = None, after: str | None = None, title: str | None = None
) -> Figure:
    """How each Value Code moved between two cycles: the change with its 95 % interval, per code.

    Parameters
    ----------
    change
        :func:`~valuekit.analysis.change.compare_cycles` (``title``, ``n_before``, ``mean_before``,
        ``n_after``, ``mean_after``, ``change``, ``ci_low``, ``ci_high``, ``significant``, ``suppressed``).
    before, after
        The two cycles' ids (``"solve"``, ``"dissolve-1"``), for the title and labels.
    title
        Overrides the plain-English title.

    Returns
    -------
    Figure
        A dot per Value Code at its change in mean rating (after minus before) with the interval as a line, and
        a zero line. Changes that are significant (interval clear of zero and Mann–Whitney p < 0.05) are drawn
        in blue and bold; the others grey and hollow. The means and n of both cycles are written at the right.

    Examples
    --------
    >>> data = load_relationship(store, "harbourside-northwind")  # doctest: +SKIP
    >>> fig = plot_change(compare_cycles(data, "solve", "dissolve-1"), before="solve", after="dissolve-1")  # doctest: +SKIP
    """
    b, a = cycle_name(before) or "before", cycle_name(after) or "after"
    heading = title or (
        f"What changed from {b} to {a}" if before and after else "What changed between the two cycles"
    )
    if change is None or len(change) == 0:
        return nothing_to_show(heading, "No Value Code is measured in both cycles (none shares a lineage).")
    require(change, ["title", "change", "ci_low", "ci_high"], "plot_change(change)")
    key = "code_after" if "code_after" in change else "title"
    frame, rows = _rows(change.reset_index(drop=True), key, list(change["title"].astype(str)), by_thing=True)
    hidden = flags(frame).to_numpy()
    d, lo, hi = numbers(frame, "change"), numbers(frame, "ci_low"), numbers(frame, "ci_high")
    mb, ma = numbers(frame, "mean_before"), numbers(frame, "mean_after")
    nb, na = numbers(frame, "n_before"), numbers(frame, "n_after")
    sure = flags(frame, "significant").to_numpy() & ~hidden
    note = [
        f"{n_phrase(nb[~hidden])} in {b} and {n_phrase(na[~hidden]).removeprefix('n = ')} in {a} per Value "
        "Code. Interval: 95 % (Welch), the two cycles treated as independent samples (wider than a paired "
        "analysis: conservative). Significant: interval clear of zero and Mann–Whitney p < 0.05.",
        hidden_note(frame, int(hidden.sum()), "Value Code row"),
    ]
    two_lines = any("\n" in wrap(r.label, 38) for r in rows if not r.header)
    p = page(
        heading,
        body=rows_height(rows, 0.36 if two_lines else 0.3) + 0.75,
        subtitle=f"Change in mean rating from {b} to {a}, in levels of the five-level scale. Right of the line "
        "is better; blue marks changes too large to be chance.",
        note=" ".join(x for x in note if x),
        legend_rows=1,
    )
    ax = p.fig.add_subplot()
    span = max(float(np.nanmax(np.abs(np.r_[lo, hi, 0.5]))) * 1.12, 0.6)
    ax.axvline(0, color=INK, lw=0.9, zorder=1)
    items = [r for r in rows if not r.header]
    for i, r in enumerate(items):
        if hidden[i]:
            draw_gap(ax, r.y, hidden_label(frame))
            continue
        ink = BLUE if sure[i] else MUTED
        ax.plot([lo[i], hi[i]], [r.y, r.y], color=ink, lw=2.2 if sure[i] else 1.4, zorder=2)
        ax.scatter(d[i], r.y, s=46, color=ink if sure[i] else "white", edgecolor=ink, lw=1.3, zorder=3)
        side_text(ax, r.y, signed(d[i]), color=ink, weight="bold" if sure[i] else "normal")
        side_text(ax, r.y, f"{mb[i]:.1f} → {ma[i]:.1f}   (n = {nb[i]:.0f} → {na[i]:.0f})", dx=50)
    draw_rows(ax, rows, label_width=38)
    _bold_rows(ax, items, sure)
    side_text(ax, 0, "Change", header=True)
    side_text(ax, 0, f"Mean {b} → {a}", header=True, dx=50)
    ax.set_xlim(-span, span)
    ax.set_xlabel(f"←  lower in {a}            change in mean rating (levels)            higher in {a}  →")
    handles = [
        Line2D([], [], marker="o", color=BLUE, lw=2.2, markersize=7, label="Significant change"),
        Line2D([], [], marker="o", color=MUTED, markerfacecolor="white", lw=1.4, markersize=7,
               label="Could be chance"),
    ]  # fmt: skip
    p.legend(handles)
    return p.fig
