"""Layout of row-per-item charts and labels: rows with section headers, hidden gaps, side columns, labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from ._style import BAND, INK, MUTED, SUBTLE, hatched, wrap


def item_order(frame: pd.DataFrame, key: str, group: str = "group") -> list:
    """The items (Value Codes…) in template order when groups were asked different items.

    Tables are sorted group first, so an item only some later group was asked (the supplier's half of a mirror
    pair) would otherwise sort last; each such item is put just before its successor in that group's order.
    """
    if group not in frame:
        return list(dict.fromkeys(frame[key]))
    order: list = []
    for _, part in frame.groupby(group, sort=False)[key]:
        seq = list(dict.fromkeys(part))
        for i, item in enumerate(seq):
            if item in order:
                continue
            after = next((s for s in seq[i + 1 :] if s in order), None)
            order.insert(order.index(after) if after is not None else len(order), item)
    return order


# -- rows with section headers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One row of a row-per-item chart: an item (with its frame index) or a section header."""

    y: float
    label: str
    header: bool
    index: Any = None


def lay_out(frame: pd.DataFrame, labels: Sequence[str], sections: Sequence[str] | None = None) -> list[Row]:
    """Rows top to bottom in the frame's order, with a header row wherever the section changes.

    The order is never changed: when a section comes back after another (a Dissolve cycle asks its derived
    Value Codes, then those carried over), headers would repeat, so none is drawn.
    """
    if sections is not None:
        runs = [s for i, s in enumerate(sections) if i == 0 or s != sections[i - 1]]
        sections = sections if len(runs) == len(set(runs)) else None
    rows: list[Row] = []
    y, last = 0.0, object()
    for i, (idx, label) in enumerate(zip(frame.index, labels, strict=True)):
        if sections is not None and sections[i] != last:
            y += 0.3 if rows else 0.0
            rows.append(Row(y, str(sections[i]), True))
            y += 0.85
            last = sections[i]
        rows.append(Row(y, str(label), False, idx))
        y += 1.0
    return rows


def rows_height(rows: Sequence[Row], unit: float) -> float:
    """Inches the rows take at ``unit`` inches per item row."""
    return (rows[-1].y + 1.2) * unit if rows else unit


def draw_rows(ax, rows: Sequence[Row], *, label_width: int = 40) -> None:
    """Item labels as y ticks (wrapped), headers as bold bands across the axes; first row at the top."""
    items = [r for r in rows if not r.header]
    ax.set_yticks([r.y for r in items], [wrap(r.label, label_width) for r in items])
    ax.tick_params(axis="y", length=0)
    for r in rows:
        if r.header:
            ax.axhspan(r.y - 0.42, r.y + 0.42, color=BAND, zorder=0, lw=0)
            ax.text(
                0.006, r.y, r.label, transform=ax.get_yaxis_transform(), ha="left", va="center",
                fontsize=9.5, weight="bold", color=INK, zorder=4,
            )  # fmt: skip
    top, bottom = (rows[0].y, rows[-1].y) if rows else (0, 0)
    ax.set_ylim(bottom + 0.7, top - 0.7)
    ax.grid(axis="y", visible=False)


def draw_gap(ax, y: float, text: str, *, x0: float = 0.0, x1: float = 1.0, height: float = 0.72) -> None:
    """A hidden group as a labelled gap: a hatched grey band from ``x0`` to ``x1`` (axes fraction) at row ``y``."""
    ax.add_patch(
        Rectangle(
            (x0, y - height / 2), x1 - x0, height, transform=ax.get_yaxis_transform(), zorder=4.5, **hatched(),
        )
    )  # fmt: skip
    ax.text(
        (x0 + x1) / 2, y, text, transform=ax.get_yaxis_transform(), ha="center", va="center", fontsize=8.5,
        color=SUBTLE, style="italic", zorder=5,
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none", "alpha": 0.9},
    )  # fmt: skip


def side_text(ax, y: float, text: str, *, dx: float = 8, header: bool = False, **kw: Any) -> None:
    """Text in a column ``dx`` points right of the axes at data row ``y`` (n, counts), or a column header."""
    opts = {"ha": "left", "va": "bottom" if header else "center", "fontsize": 8.5, "color": SUBTLE}
    if header:
        opts["weight"] = "bold"
    where = (1.0, 1.0) if header else (1.0, y)
    coords = ax.transAxes if header else ax.get_yaxis_transform()
    ax.annotate(text, xy=where, xycoords=coords, xytext=(dx, 3 if header else 0), textcoords="offset points",
                annotation_clip=False, **{**opts, **kw})  # fmt: skip


# -- labels that do not overlap ------------------------------------------------------------------------------
def spread(positions: Sequence[float], gap: float, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """Move sorted-by-value positions apart to at least ``gap``, staying near where they were, within bounds."""
    pos = np.asarray(positions, float)
    order = np.argsort(pos)
    p = pos[order].copy()
    for _ in range(200):
        moved = False
        for i in range(1, len(p)):
            overlap = gap - (p[i] - p[i - 1])
            if overlap > 1e-9:
                p[i - 1] -= overlap / 2
                p[i] += overlap / 2
                moved = True
        p = np.clip(p, low, high)
        if not moved:
            break
    out = np.empty_like(p)
    out[order] = p
    return out


def label_points(
    ax,
    xs,
    ys,
    texts,
    *,
    height_in: float,
    width_in: float,
    fontsize: float = 8.5,
    colour: str = INK,
    bounds: tuple[float, float] = (0.04, 0.96),
) -> None:
    """Label points in the empty margins of the axes, spread apart, with leader lines to the points.

    Points in the left half are labelled in a column at the left edge, the others at the right edge; a label
    that would cover its own point there is put beside the point instead. Labels in one column are moved
    apart vertically (:func:`spread`) so none overlaps another.
    """
    if not len(texts):
        return
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    fx = (np.asarray(xs, float) - x0) / (x1 - x0)
    fy = (np.asarray(ys, float) - y0) / (y1 - y0)
    line = fontsize * 1.3 / 72 / max(height_in, 0.5)
    wide = np.array([max(len(t) for t in str(s).split("\n")) for s in texts]) * fontsize * 0.56 / 72
    wide = wide / max(width_in, 1.0)
    place: list[tuple[str, float, str]] = []  # column key, x, ha
    for i in range(len(texts)):
        if fx[i] < 0.5:
            place.append(("left", 0.02, "left") if 0.04 + wide[i] < fx[i] else ("near", fx[i] + 0.04, "left"))
        else:
            place.append(
                ("right", 0.98, "right") if 0.96 - wide[i] > fx[i] else ("near", fx[i] - 0.04, "right")
            )
    gap = line * max(str(t).count("\n") + 1 for t in texts) + 0.01
    ty = fy.copy()
    for column in ("left", "right", "near"):
        pick = [i for i, p in enumerate(place) if p[0] == column]
        if pick:
            ty[pick] = spread(fy[pick], gap, *bounds)
    for i, text in enumerate(texts):
        _, tx, ha = place[i]
        ax.annotate(
            text, xy=(xs[i], ys[i]), xycoords="data", xytext=(tx, ty[i]), textcoords="axes fraction",
            ha=ha, va="center", fontsize=fontsize, color=colour, zorder=6,
            arrowprops={"arrowstyle": "-", "color": MUTED, "lw": 0.7, "shrinkA": 1, "shrinkB": 4},
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )  # fmt: skip
