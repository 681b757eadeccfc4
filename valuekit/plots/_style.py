"""The house style of valuekit's charts: palettes, fonts, the page (title, subtitle, n footnote), hidden gaps.

Every chart is a :class:`matplotlib.figure.Figure` made directly, not through ``pyplot``: nothing is shown,
nothing is registered with a GUI backend, and a notebook's backend is never changed. PNGs are written by the
Agg canvas whatever backend is active.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch

from ..errors import ValuekitError
from ..schemas import LEVEL_COLOURS, LEVEL_LABELS, LEVELS

#: Figure width in inches: a report page at 100 % zoom.
WIDTH = 9.5
#: Resolution of the PNGs :func:`savefig` writes.
DPI = 150
#: The colour-blind-safe categorical palette used for everything that is not a level (seaborn "colorblind").
CATEGORICAL: tuple[str, ...] = tuple(sns.color_palette("colorblind").as_hex())
BLUE, ORANGE, GREEN, VERMILLION = CATEGORICAL[0], CATEGORICAL[1], CATEGORICAL[2], CATEGORICAL[3]
CLIENT, SUPPLIER = BLUE, ORANGE
INK, SUBTLE, MUTED, RULE = "#222222", "#595959", "#a3a3a3", "#d9d9d9"
HIDDEN_FACE, HIDDEN_HATCH, BAND = "#f3f3f3", "#bdbdbd", "#eef2f6"
#: The five levels as colours, level 1 (Failing, red) to 5 (Best practice, green): the evaluation statements'.
LEVEL_CMAP = LinearSegmentedColormap.from_list(
    "valuekit_levels", [(i / (len(LEVELS) - 1), LEVEL_COLOURS[lv]) for i, lv in enumerate(LEVELS)]
)

_RC: dict[str, Any] = {
    **sns.axes_style("whitegrid"),
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.labelsize": 10,
    "axes.titlesize": 11,
    "axes.edgecolor": RULE,
    "axes.labelcolor": INK,
    "axes.linewidth": 0.8,
    "grid.color": "#ebebeb",
    "grid.linewidth": 0.8,
    "text.color": INK,
    "xtick.color": SUBTLE,
    "ytick.color": INK,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}


def hatched(edgecolor: str = "none", linewidth: float = 0.0) -> dict[str, Any]:
    """Patch keywords for a hidden cell: grey, hatched. Matplotlib < 3.10 takes the hatch colour from the edge."""
    if mpl.__version_info__ >= (3, 10):
        edge = {"hatchcolor": HIDDEN_HATCH, "edgecolor": edgecolor, "linewidth": linewidth}
    else:
        edge = {"edgecolor": HIDDEN_HATCH, "linewidth": 0.0}
    return {"facecolor": HIDDEN_FACE, "hatch": "////", **edge}


def styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
    """Run a plotting function inside the house style, without touching the caller's global settings."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with mpl.rc_context(_RC):
            return func(*args, **kwargs)

    return wrapper


# -- text ------------------------------------------------------------------------------------------------------
def wrap(text: str | None, width: int) -> str:
    """``text`` wrapped at ``width`` characters (existing line breaks kept)."""
    if not text:
        return ""
    parts = str(text).split("\n")
    return "\n".join(textwrap.fill(p, width, break_on_hyphens=False, break_long_words=False) for p in parts)


def human(identifier: object) -> str:
    """An identifier in plain words: ``"senior_leadership"`` → ``"Senior leadership"``."""
    text = str(identifier).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def cycle_name(cycle_id: object) -> str:
    """``"dissolve-2"`` → ``"Dissolve 2"``, ``"solve"`` → ``"Solve"``."""
    return human(cycle_id) if cycle_id is not None and not pd.isna(cycle_id) else ""


def signed(x: float, digits: int = 1) -> str:
    """``+1.2``, ``−0.3`` (a true minus sign) or ``0.0`` when it rounds to zero."""
    text = f"{abs(x):.{digits}f}"
    if float(text) == 0:
        return text
    return ("+" if x > 0 else "\u2212") + text


def n_phrase(values: Iterable[object], unit: str = "ratings") -> str:
    """``"n = 187 ratings"`` or ``"n = 5–188 ratings"`` over the numbers that are there."""
    n = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").dropna()
    if n.empty:
        return f"no {unit} shown" if unit else "hidden"
    lo, hi = int(n.min()), int(n.max())
    return f"n = {lo} {unit}" if lo == hi else f"n = {lo}–{hi} {unit}"


def ink_on(colour: object) -> str:
    """Dark text on light backgrounds, white on dark ones (WCAG relative luminance)."""
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour))
    return INK if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.22 else "white"


def level_ticks(ax, axis: str = "x", *, compact: bool = False) -> None:
    """Ticks at levels 1..5, labelled with the level and its name (smaller, name wrapped, when ``compact``)."""
    labels = [f"{lv}\n{LEVEL_LABELS[lv]}" for lv in LEVELS]
    if compact:
        labels = [lb.replace(" ", "\n") for lb in labels]
    if axis == "x":
        ax.set_xticks(list(LEVELS), labels, fontsize=8 if compact else None)
    else:
        ax.set_yticks(list(LEVELS), [lb.replace("\n", " ") for lb in labels])


def level_handles() -> list[Patch]:
    """Legend entries for the five levels, red → green."""
    return [Patch(facecolor=LEVEL_COLOURS[lv], label=f"{lv} {LEVEL_LABELS[lv]}") for lv in LEVELS]


# -- data ------------------------------------------------------------------------------------------------------
def require(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    """Raise naming the missing columns, the ones needed and the ones received."""
    if not isinstance(frame, pd.DataFrame):
        raise ValuekitError(f"{where} takes a DataFrame; got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValuekitError(
            f"{where} needs the columns {list(columns)}; missing {missing} (got {list(frame.columns)})"
        )


def numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as floats, missing (``NA``, text) as NaN; all NaN when the column is absent."""
    if column not in frame:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[column].astype("object"), errors="coerce").astype("float64")


def flags(frame: pd.DataFrame, column: str = "suppressed") -> pd.Series:
    """A true/false column with missing read as false; all false when absent."""
    if column not in frame:
        return pd.Series(False, index=frame.index)
    return frame[column].astype("object").where(frame[column].notna(), False).astype(bool)


def privacy_k(frame: pd.DataFrame) -> int:
    """The anonymity threshold the table was gated with (``attrs["privacy"]["k"]``), else 5."""
    k = (frame.attrs.get("privacy") or {}).get("k")
    return int(k) if k is not None else 5


#: What a hidden cell of a heat map says.
HIDDEN_CELL = "hidden"


def hidden_label(frame: pd.DataFrame, unit: str = "responses") -> str:
    """The short label of a hidden group: true of every hidden group, the small ones and those hidden so that a
    small one cannot be worked out by subtraction (which may be large: "fewer than 5" would be wrong there)."""
    return "hidden to protect anonymity"


def hidden_reason(frame: pd.DataFrame, unit: str = "responses") -> str:
    """The gate's public reason for hiding, e.g. 'fewer than 5 responses, or would reveal a group that small'."""
    reasons = frame["suppressed_reason"].dropna() if "suppressed_reason" in frame else pd.Series([])
    reasons = [str(r) for r in reasons if str(r) not in ("", "nan", "None")]
    return (
        reasons[0] if reasons else f"fewer than {privacy_k(frame)} {unit}, or would reveal a group that small"
    )


def hidden_note(frame: pd.DataFrame, count: int, what: str = "group") -> str:
    """The footnote sentence about hidden groups, or '' when nothing is hidden."""
    if not count:
        return ""
    reasons = frame["suppressed_reason"].dropna() if "suppressed_reason" in frame else pd.Series([])
    reasons = [str(r) for r in reasons if str(r) not in ("", "nan", "None")]
    why = reasons[0] if reasons else f"fewer than {privacy_k(frame)} responses"
    plural = "s" if count != 1 else ""
    return f"{count} {what}{plural} hidden to protect anonymity ({why})."


def _two_by(frame: pd.DataFrame) -> tuple[list[str], list[str]] | None:
    """The outer and inner values when groups come from two perspective columns (party × level), else None."""
    if "group" not in frame:
        return None
    cut = list(frame.columns).index("group")
    by = [c for c in list(frame.columns)[:cut] if c in _PERSPECTIVES]
    if len(by) != 2:
        return None
    firsts = frame.drop_duplicates("group")
    outer = list(dict.fromkeys(firsts[by[0]].astype(str)))
    inner = list(dict.fromkeys(firsts[by[1]].astype(str)))
    return (outer, inner) if len(outer) <= 5 and 1 < len(inner) <= 4 else None


def legend_columns(frame: pd.DataFrame, extra: int = 0) -> int:
    """Columns for a legend of groups: one per inner value (so each party is a row), else up to four."""
    two = _two_by(frame)
    n = (frame["group"].nunique() if "group" in frame else 1) + extra
    return len(two[1]) if two else max(1, min(n, 4))


def group_colours(frame: pd.DataFrame) -> dict[str, str]:
    """A colour per ``group``: by two perspective columns, one hue per outer value (a party, a side) in shades
    for the inner one (levels, darkest first); otherwise the colour-blind palette (vermillion kept for alerts).
    """
    groups = list(dict.fromkeys(frame["group"].astype(str))) if "group" in frame else []
    two = _two_by(frame)
    if two:
        outer, inner = two
        hues = [BLUE, ORANGE, GREEN, CATEGORICAL[4], CATEGORICAL[5]]
        shades = [-0.35, 0.0, 0.4, 0.6]
        cut = list(frame.columns).index("group")
        o_col, i_col = [c for c in list(frame.columns)[:cut] if c in _PERSPECTIVES]
        firsts = frame.drop_duplicates("group")
        pairs = zip(
            firsts["group"].astype(str), firsts[o_col].astype(str), firsts[i_col].astype(str), strict=True
        )
        return {g: shade(hues[outer.index(o)], shades[inner.index(i)]) for g, o, i in pairs}
    palette = [c for c in CATEGORICAL if c != VERMILLION]
    return {g: palette[i % len(palette)] for i, g in enumerate(groups)}


def shade(colour: str, amount: float) -> str:
    """Lighter towards white (amount > 0) or darker towards black (amount < 0)."""
    rgb = np.array(to_rgb(colour))
    mixed = rgb + (1 - rgb) * amount if amount > 0 else rgb * (1 + amount)
    return mpl.colors.to_hex(np.clip(mixed, 0, 1))


def row_major(handles: Sequence[Any], ncol: int) -> list[Any]:
    """Legend handles reordered so a legend of ``ncol`` columns reads across rows, not down columns."""
    handles = list(handles)
    nrow = -(-len(handles) // ncol)
    grid = [handles[r * ncol : (r + 1) * ncol] for r in range(nrow)]
    return [grid[r][c] for c in range(ncol) for r in range(nrow) if c < len(grid[r])]


_PERSPECTIVES = ("party_id", "side", "common_level", "common_function")


# -- the page --------------------------------------------------------------------------------------------------
class Chart(Figure):
    """A valuekit chart: a Figure laid out to fill its page exactly (:func:`page`), so it is shown whole."""


def show_charts_whole(shell: Any) -> None:
    """Show :class:`Chart` figures in ``shell`` (an IPython shell) as the PNG of the whole page.

    IPython's inline display crops every Figure to what is drawn (``bbox_inches="tight"``), which draws the
    figure twice; a chart is laid out to its page already, so it is drawn once, at its own size. Other
    Figures keep IPython's display.
    """
    png = shell.display_formatter.formatters["image/png"]
    png.for_type(Chart, chart_png)


def chart_png(fig: Figure) -> str:
    """The whole chart as a base64 PNG (what IPython shows). The layout is worked out once, then drawn once,
    with one renderer (whose text measurements are cached): printing a figure that has a layout engine draws
    it twice, and measures every text again with a second renderer. Same pixels, a sixth less time."""
    from IPython.core.pylabtools import print_figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)  # the layout and the PNG then share the canvas's renderer
    engine = fig.get_layout_engine()
    if engine is None:
        return print_figure(fig, fmt="png", bbox_inches=None, base64=True)
    engine.execute(fig)
    fig.set_layout_engine(None)
    try:
        return print_figure(fig, fmt="png", bbox_inches=None, base64=True)
    finally:
        fig.set_layout_engine(engine)


@dataclass
class Page:
    """A figure with its header (title, subtitle, legend band) and footer (the n footnote) laid out in inches."""

    fig: Figure
    width: float
    height: float
    legend_y: float  # figure fraction of the bottom of the legend band
    x0: float  # figure fraction of the left margin

    def legend(self, handles: Sequence[Any], ncol: int | None = None, **kw: Any) -> None:
        """A legend in one band under the title, left-aligned, never over the data."""
        opts = {"frameon": False, "handlelength": 1.4, "columnspacing": 1.4, "borderaxespad": 0, **kw}
        self.fig.legend(
            handles=list(handles),
            loc="lower left",
            bbox_to_anchor=(self.x0 - 0.006, self.legend_y),
            ncol=ncol or len(handles),
            **opts,
        )


def page(
    title: str,
    *,
    body: float,
    subtitle: str | None = None,
    note: str | None = None,
    legend_rows: int = 0,
    width: float = WIDTH,
) -> Page:
    """A figure ``body`` inches tall for the plot, with the header and footer above and below it.

    The axes go into the body band (constrained layout fits tick labels inside it); the title (bold, wrapped),
    a grey subtitle saying how to read the chart, a band for the legend, and the footnote (n, what is hidden,
    which measure) are placed in fixed bands so they can never overlap the data.
    """
    t = wrap(title, int((width - 0.4) * 72 / (14 * 0.62)))
    s = wrap(subtitle, int((width - 0.4) * 72 / (10 * 0.54)))
    n = wrap(note, int((width - 0.4) * 72 / (8.5 * 0.53)))
    lines = lambda text: text.count("\n") + 1 if text else 0  # noqa: E731
    legend = 0.32 * legend_rows + (0.08 if legend_rows else 0)
    head = 0.16 + 0.27 * lines(t) + (0.08 + 0.2 * lines(s) if s else 0) + legend + 0.1
    foot = 0.14 + (0.17 * lines(n) + 0.06 if n else 0)
    height = head + body + foot
    fig = Chart(figsize=(width, height), dpi=100)
    fig.set_layout_engine(
        ConstrainedLayoutEngine(rect=(0, foot / height, 1, body / height), h_pad=0.04, w_pad=0.08)
    )
    x0 = 0.14 / width
    y = 1 - 0.16 / height
    fig.text(x0, y, t, fontsize=14, fontweight="bold", va="top", ha="left", color=INK, linespacing=1.15)
    y -= (0.27 * lines(t) + 0.08) / height
    if s:
        fig.text(x0, y, s, fontsize=10, va="top", ha="left", color=SUBTLE, linespacing=1.2)
    if n:
        fig.text(x0, 0.12 / height, n, fontsize=8.5, va="bottom", ha="left", color=SUBTLE, linespacing=1.3)
    return Page(fig, width, height, (foot + body + 0.1) / height, x0)


def nothing_to_show(title: str, reason: str, width: float = WIDTH) -> Figure:
    """A small figure that says there is nothing to show, and why."""
    p = page(title, body=1.5, width=width)
    ax = p.fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.62, "Nothing to show", ha="center", va="center", fontsize=13, color=SUBTLE, weight="bold")
    ax.text(0.5, 0.32, wrap(reason, 90), ha="center", va="center", fontsize=10, color=SUBTLE)
    return p.fig


# -- saving ----------------------------------------------------------------------------------------------------
def savefig(fig: Figure, path: str | Path, *, dpi: int = DPI) -> Path:
    """Write ``fig`` as a PNG (``dpi`` dots per inch, default 150), creating the folder; return the path."""
    out = Path(path)
    if out.suffix.lower() != ".png":
        raise ValuekitError(f"savefig writes PNG files; path must end in .png, got {str(path)!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi, format="png", facecolor="white")
    return out
