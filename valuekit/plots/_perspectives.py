"""Perspectives: scores by group as a heat map, and who is agreed or divided (DESIGN.md, questions 2 and 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from ..analysis.agreement import AGREED_CONSENSUS, DIVIDED_CONSENSUS
from ..errors import ValuekitError
from ._layout import draw_rows, item_order, label_points, lay_out, rows_height, side_text
from ._style import (
    BLUE,
    HIDDEN_CELL,
    HIDDEN_FACE,
    HIDDEN_HATCH,
    INK,
    MUTED,
    SUBTLE,
    WIDTH,
    flags,
    group_colours,
    hatched,
    hidden_note,
    hidden_reason,
    human,
    ink_on,
    legend_columns,
    level_handles,
    level_ticks,
    n_phrase,
    nothing_to_show,
    numbers,
    page,
    require,
    row_major,
    styled,
    wrap,
)
from ._style import LEVEL_CMAP as CMAP

__all__ = ["plot_heatmap", "plot_heatmap_parts", "plot_agreement"]

_NORM = Normalize(1, 5)


def _collection(patch: dict) -> dict:
    """Patch keywords (:func:`hatched`) as a PatchCollection's."""
    plural = {"facecolor": "facecolors", "edgecolor": "edgecolors", "linewidth": "linewidths"}
    return {
        plural.get(k, k): v for k, v in patch.items()
    }  # the level scale; its middle, 3 (Performing, yellow), is the colour map's centre


@styled
def plot_heatmap(
    scores: pd.DataFrame,
    *,
    title: str | None = None,
    columns: list[str] | None = None,
    sections: bool | None = None,
) -> Figure:
    """Mean rating by perspective group (columns) and Value Code or Thing That Matters (rows).

    Parameters
    ----------
    scores
        :func:`~valuekit.analysis.scores.score_codes` or :func:`~valuekit.analysis.scores.score_things` with
        ``by=`` (``group``, ``mean``, ``n``, ``suppressed``; ``code_id`` and ``title``, or
        ``thing_that_matters`` and ``thing_that_matters_name``).
    title
        Overrides the plain-English title.
    columns
        The groups to draw as columns, in order (default: those in ``scores``, in their order).
    sections
        Head each Thing That Matters' Value Codes with its name: ``None`` when there are several, ``True``
        always.

    Returns
    -------
    Figure
        Each cell coloured on the level scale — red (1 Failing) through yellow (3 Performing, the centre) to
        green (5 Best practice) — and annotated with its mean, so colour is never the only cue. Hidden cells are
        hatched grey and marked "hidden"; a group never asked a Value Code is left blank with a dash. Rows keep
        the template's order; column headers give each group's n.

    Examples
    --------
    >>> fig = plot_heatmap(score_codes(data, by=["side", "common_level"]))  # doctest: +SKIP
    """
    per_code = "code_id" in scores if scores is not None else True
    heading = title or (
        "Mean rating of each Value Code, by group"
        if per_code
        else "Mean rating of each Thing That Matters, by group"
    )
    if scores is None or len(scores) == 0:
        return nothing_to_show(heading, "There are no scores to draw: the table is empty.")
    key, label = ("code_id", "title") if per_code else ("thing_that_matters", "thing_that_matters_name")
    require(scores, [key, "mean"], "plot_heatmap(scores)")
    frame = scores.reset_index(drop=True).copy()
    frame["_label"] = frame[label].astype(str) if label in frame else frame[key].map(human)
    frame["_group"] = frame["group"].astype(str) if "group" in frame else "Everyone"
    frame["_hidden"] = flags(frame).to_numpy()
    frame["_mean"], frame["_n"] = numbers(frame, "mean"), numbers(frame, "n")
    groups = list(columns) if columns is not None else list(dict.fromkeys(frame["_group"]))
    order = {c: i for i, c in enumerate(item_order(frame, key))}
    items = frame.drop_duplicates(key)
    items = items.iloc[np.argsort(items[key].map(order).to_numpy(), kind="stable")].reset_index(drop=True)
    headers = None
    if per_code and "thing_that_matters" in items and (sections or items["thing_that_matters"].nunique() > 1):
        headers = [human(t) for t in items["thing_that_matters"]]
    rows = lay_out(items, list(items["_label"]), headers)
    y_of = {items.loc[r.index, key]: r.y for r in rows if not r.header}
    cell = frame.set_index([key, "_group"])

    hidden = int(frame["_hidden"].sum())
    k_text = HIDDEN_CELL
    note = [
        f"{n_phrase(frame.loc[~frame['_hidden'], '_n'], 'ratings' if per_code else 'respondents')} per cell"
        + ("; 'don't know' answers are not counted." if per_code else "."),
        hidden_note(frame, hidden, "cell") if hidden else "",
        "–: not asked of this group." if len(cell) < len(items) * len(groups) else "",
    ]
    width = float(np.clip(3.9 + 1.15 * len(groups), 6.5, WIDTH))
    p = page(
        heading,
        body=rows_height(rows, 0.34 if any(len(r.label) > 40 for r in rows) else 0.3) + 1.0,
        subtitle="Mean rating (1 to 5) per group. Colours run from red (Failing) through yellow (Performing) "
        "to green (Best practice).",
        note=" ".join(x for x in note if x),
        legend_rows=1,
        width=width,
    )
    ax = p.fig.add_subplot()
    # each (code, group)'s first row, from a dict: a .loc per cell costs more than drawing it
    first = {}
    for cell_key in zip(frame[key], frame["_group"], frame["_hidden"], frame["_mean"], strict=True):
        first.setdefault(cell_key[:2], cell_key[2:])
    shown, hidden_cells, colours = [], [], []
    for j, g in enumerate(groups):
        for code, y in y_of.items():
            if (code, g) not in first:
                ax.text(j, y, "–", ha="center", va="center", color=MUTED, fontsize=9)
                continue
            is_hidden, mean = first[(code, g)]
            if is_hidden or np.isnan(mean):
                hidden_cells.append(Rectangle((j - 0.5, y - 0.5), 1, 1))
                ax.text(j, y, k_text, ha="center", va="center", fontsize=8, color=SUBTLE, style="italic",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": HIDDEN_FACE, "edgecolor": "none"})  # fmt: skip
                continue
            colour = CMAP(_NORM(mean))
            shown.append(Rectangle((j - 0.5, y - 0.5), 1, 1))
            colours.append(colour)
            ax.text(j, y, f"{mean:.1f}", ha="center", va="center", fontsize=9, color=ink_on(colour))
    # one collection per kind of cell, drawn under the texts: hundreds of patches cost a tenth of a second each
    if shown:
        ax.add_collection(
            PatchCollection(shown, facecolors=colours, edgecolors="white", linewidths=1.5), autolim=False
        )
    if hidden_cells:
        ax.add_collection(PatchCollection(hidden_cells, **_collection(hatched("white", 1.5))), autolim=False)
    outer, inner = _split_groups(groups)
    heads = []
    for g, short in zip(groups, inner, strict=True):
        shown = frame.loc[(frame["_group"] == g) & ~frame["_hidden"], "_n"]
        heads.append(f"{wrap(short, 14)}\n{n_phrase(shown, '').strip()}")
    ax.set_xticks(range(len(groups)), heads, fontsize=8.5)
    ax.xaxis.tick_top()
    lift = 8.5 * 1.25 * max(h.count("\n") + 1 for h in heads) + 10
    for name, cols in outer:
        ax.annotate(name, xy=(np.mean(cols), 1), xycoords=("data", "axes fraction"), xytext=(0, lift),
                    textcoords="offset points", ha="center", va="bottom", fontsize=9, weight="bold")  # fmt: skip
        ax.annotate("", xy=(cols[0] - 0.45, 1), xytext=(cols[-1] + 0.45, 1), xycoords=("data", "axes fraction"),
                    textcoords=("data", "axes fraction"), arrowprops={"arrowstyle": "-", "color": MUTED, "lw": 0.8,
                    "shrinkA": 0, "shrinkB": 0, "relpos": (0, 0)}, annotation_clip=False)  # fmt: skip
    ax.tick_params(axis="x", length=0, colors=INK)
    ax.set_xlim(-0.5, len(groups) - 0.5)
    draw_rows(ax, rows, label_width=40)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    p.legend(level_handles(), ncol=5)
    return p.fig


def plot_heatmap_parts(scores: pd.DataFrame, *, max_rows: int = 22, title: str | None = None) -> list[Figure]:
    """:func:`plot_heatmap` in parts of at most ``max_rows`` Value Codes, each Thing That Matters kept whole (one
    longer than that is a part of its own), so that each part fits a printed page at full size.

    Every part has the same columns, the legend and the Things That Matter as section headers; titles say
    "(1 of 2)". A table of Things That Matter, or one that fits, is one figure, as :func:`plot_heatmap` draws it.

    Examples
    --------
    >>> for fig in plot_heatmap_parts(score_codes(data, by=["side", "common_level"])):  # doctest: +SKIP
    ...     display(fig)
    """
    if scores is None or len(scores) == 0 or "code_id" not in scores or "thing_that_matters" not in scores:
        return [plot_heatmap(scores, title=title)]
    if max_rows < 1:
        raise ValuekitError(f"max_rows must be at least 1, got {max_rows!r}")
    frame = scores.reset_index(drop=True)
    order = item_order(frame, "code_id")
    if len(order) <= max_rows:
        return [plot_heatmap(scores, title=title)]
    thing = dict(zip(frame["code_id"], frame["thing_that_matters"], strict=True))
    runs: list[list] = []  # consecutive Value Codes of one Thing That Matters
    for code in order:
        if runs and thing[runs[-1][-1]] == thing[code]:
            runs[-1].append(code)
        else:
            runs.append([code])

    def pack(limit: int) -> list[list]:
        parts: list[list] = []
        for run in runs:
            if parts and len(parts[-1]) + len(run) <= limit:
                parts[-1].extend(run)
            else:
                parts.append(list(run))
        return parts

    # as few parts as max_rows allows, as even as whole Things That Matter allow (no short last page)
    parts = pack(max_rows)
    for limit in range(-(-len(order) // len(parts)), max_rows):
        if len(even := pack(limit)) <= len(parts):
            parts = even
            break
    if len(parts) == 1:
        return [plot_heatmap(scores, title=title)]
    groups = list(dict.fromkeys(frame["group"].astype(str))) if "group" in frame else None
    heading = title or "Mean rating of each Value Code, by group"
    return [
        plot_heatmap(frame[frame["code_id"].isin(part)], title=f"{heading} ({i} of {len(parts)})",
                     columns=groups, sections=True)
        for i, part in enumerate(parts, start=1)
    ]  # fmt: skip


@styled
def plot_agreement(agreement: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Consensus against mean rating for every group and Value Code; divided groups marked and named.

    Parameters
    ----------
    agreement
        :func:`~valuekit.analysis.fragmentation.agreement_by_perspective` (``group``, ``title``, ``n``,
        ``mean``, ``consensus``, ``classification``, ``suppressed``).
    title
        Overrides the plain-English title.

    Returns
    -------
    Figure
        One point per group × Value Code, coloured by group (colour-blind-safe palette). The *agreed* region
        (Tastle–Wierman consensus ≥ :data:`~valuekit.analysis.agreement.AGREED_CONSENSUS`) is shaded; points
        classified *divided* (low consensus and polarised ratings) are drawn as large crosses and labelled with
        the group and the Value Code. Hidden groups cannot be placed, so they are counted and named in a box.

    Examples
    --------
    >>> fig = plot_agreement(agreement_by_perspective(data))  # doctest: +SKIP
    """
    heading = title or "Where each group is agreed, and where it is divided"
    if agreement is None or len(agreement) == 0:
        return nothing_to_show(heading, "There is nothing to place: the agreement table is empty.")
    require(agreement, ["mean", "consensus"], "plot_agreement(agreement)")
    frame = agreement.reset_index(drop=True).copy()
    frame["_group"] = frame["group"].astype(str) if "group" in frame else "Whole community"
    frame["_hidden"] = flags(frame).to_numpy()
    frame["_mean"], frame["_c"] = numbers(frame, "mean"), numbers(frame, "consensus")
    kind = frame.get("classification", pd.Series("", index=frame.index)).astype(str)
    frame["_divided"] = kind.eq("divided").to_numpy() & ~frame["_hidden"]
    shown = frame[~frame["_hidden"] & frame["_mean"].notna() & frame["_c"].notna()]
    hidden = frame[frame["_hidden"]]
    if shown.empty:
        why = (
            f"Every group is hidden to protect anonymity ({hidden_reason(frame)})."
            if len(hidden)
            else "No group has the two ratings a measure of agreement needs."
        )
        return nothing_to_show(heading, why)
    groups = list(dict.fromkeys(frame["_group"]))
    colour = group_colours(frame) if "group" in frame else {g: BLUE for g in groups}
    divided = shown[shown["_divided"]]
    note = [
        f"Each point is one group's ratings of one Value Code ({n_phrase(numbers(shown, 'n'))} per point).",
        "Consensus: Tastle and Wierman (2007); 1 = everyone chose the same level, 0 = split between the "
        f"extremes. Divided: consensus below {DIVIDED_CONSENSUS:.2f} with ratings piled at both ends.",
        hidden_note(frame, len(hidden), "group × Value Code"),
    ]
    legend_rows = -(
        -(len(groups) + (1 if len(divided) else 0)) // legend_columns(frame, int(len(divided) > 0))
    )
    body = 5.6
    p = page(
        heading,
        body=body,
        subtitle="Each point is a group's view of a Value Code: further right is rated higher, higher up is "
        "more agreed. Crosses mark groups split into opposing camps.",
        note=" ".join(x for x in note if x),
        legend_rows=legend_rows,
    )
    ax = p.fig.add_subplot()
    ax.axhspan(AGREED_CONSENSUS, 1.05, color="#e3eef8", lw=0, zorder=0)
    ax.axhline(DIVIDED_CONSENSUS, color=MUTED, lw=0.9, ls="--", zorder=1)
    side_text(ax, (AGREED_CONSENSUS + 1) / 2, f"Agreed\n(consensus\n{AGREED_CONSENSUS:.2f} or more)",
              color=BLUE, weight="bold", fontsize=8.5)  # fmt: skip
    side_text(ax, DIVIDED_CONSENSUS - 0.1, f"Below {DIVIDED_CONSENSUS:.2f}:\ndivided if\nratings pile at\nboth ends",
              fontsize=8.5)  # fmt: skip
    for g in groups:
        pts = shown[(shown["_group"] == g) & ~shown["_divided"]]
        ax.scatter(pts["_mean"], pts["_c"], s=34, color=colour[g], alpha=0.8, edgecolor="white", lw=0.5,
                   zorder=3, label=g)  # fmt: skip
    for _, r in divided.iterrows():
        ax.scatter(r["_mean"], r["_c"], s=110, marker="X", color=colour[r["_group"]], edgecolor=INK, lw=0.9,
                   zorder=5)  # fmt: skip
    ax.set_xlim(0.85, 5.15)
    ax.set_ylim(-0.02, 1.05)
    level_ticks(ax)
    ax.set_xlabel("Mean rating")
    ax.set_ylabel("Consensus (0 = split, 1 = all the same)")
    texts = [
        wrap(f"{r['_group']}: {r.get('title', r.get('code_id', ''))}", 34) for _, r in divided.iterrows()
    ]
    label_points(ax, list(divided["_mean"]), list(divided["_c"]), texts, height_in=body - 0.9, width_in=7.0)
    if len(hidden):
        counts = hidden.groupby("_group", sort=False).size()
        lines = [f"{g}: {c} Value Code{'s' if c != 1 else ''}" for g, c in counts.items()]
        more = f"\n… and {len(lines) - 6} more groups" if len(lines) > 6 else ""
        ax.text(0.985, 0.03, "Hidden to protect anonymity:\n" + "\n".join(lines[:6]) + more,
                transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color=SUBTLE, zorder=7,
                multialignment="left",
                bbox={"boxstyle": "round,pad=0.4", "facecolor": HIDDEN_FACE, "edgecolor": HIDDEN_HATCH,
                      "hatch": None})  # fmt: skip
    handles = [Line2D([], [], marker="o", ls="", color=colour[g], label=g, markersize=7) for g in groups]
    if len(divided):
        handles.append(Line2D([], [], marker="X", ls="", color=MUTED, markeredgecolor=INK, markersize=9,
                              label="Divided (two camps)"))  # fmt: skip
    ncol = legend_columns(frame, extra=1 if len(divided) else 0)
    p.legend(row_major(handles, ncol), ncol=ncol)
    return p.fig


def _split_groups(groups: list[str]) -> tuple[list[tuple[str, list[int]]], list[str]]:
    """Column headers in two tiers when neighbouring groups share leading words ("Client senior leadership",
    "Client front line" → "Client" over "Senior leadership", "Front line"); otherwise one tier."""
    runs: list[tuple[str, list[int]]] = []
    for i, g in enumerate(groups):
        words = g.split()
        if runs:
            head, cols = runs[-1]
            common = _common_words(head.split(), words)
            if common and len(common) < len(words):
                runs[-1] = (" ".join(common), [*cols, i])
                continue
        runs.append((g, [i]))
    if len(runs) == len(groups) or any(len(cols) < 2 for _, cols in runs):
        return [], list(groups)
    inner = [groups[i][len(head) :].strip() for head, cols in runs for i in cols]
    return runs, [t[:1].upper() + t[1:] for t in inner]


def _common_words(a: list[str], b: list[str]) -> list[str]:
    out = []
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        out.append(x)
    return out
