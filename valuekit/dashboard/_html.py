"""Small pieces of the dashboards' HTML: escaping, numbers, tiles, tables, level colours, plain messages.

Everything that comes from data — names, titles, quotes — passes :func:`esc`. A hidden row shows no number,
only the privacy gate's own ``suppressed_reason`` ("fewer than 5 responses, or would reveal a group that small"),
so a reader can never tell a small group from one hidden to protect it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

import pandas as pd

from ..schemas import LEVEL_LABELS, LEVELS
from ._errors import log_error
from ._style import ink_on, level_colour

__all__ = [
    "esc",
    "missing",
    "hidden",
    "num",
    "pct",
    "count",
    "signed",
    "reason_of",
    "all_hidden",
    "human",
    "cycle_name",
    "tile",
    "table_html",
    "hidden_cell",
    "mean_cell",
    "pill",
    "bar",
    "level_legend",
    "message_html",
    "render_safely",
    "error_html",
]


# -- small pieces ---------------------------------------------------------------------------------------------
def esc(value: object) -> str:
    """Text safe inside HTML."""
    return html.escape("" if value is None else str(value))


def missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def hidden(row: pd.Series | dict) -> bool:
    value = row.get("suppressed", False)
    return not missing(value) and bool(value)


def num(value: object, digits: int = 2) -> str:
    return "–" if missing(value) else f"{float(value):.{digits}f}"


def pct(value: object) -> str:
    return "–" if missing(value) else f"{float(value):.0%}"


def count(value: object) -> str:
    return "–" if missing(value) else f"{int(value):,}"


def signed(value: object, digits: int = 2) -> str:
    if missing(value):
        return "–"
    text = f"{abs(float(value)):.{digits}f}"
    return text if float(text) == 0 else ("+" if float(value) > 0 else "\u2212") + text


def reason_of(rows: pd.DataFrame) -> str | None:
    """The gate's reason for the hidden rows of a table (one text per table), or ``None``."""
    if "suppressed" not in rows or rows.empty:
        return None
    why = rows.loc[rows["suppressed"].fillna(False).astype(bool), "suppressed_reason"].dropna()
    return str(why.iloc[0]) if len(why) else None


def all_hidden(rows: pd.DataFrame) -> bool:
    """Whether there are rows and the gate hid every one of them."""
    return len(rows) > 0 and bool(rows["suppressed"].fillna(False).astype(bool).all())


def human(value: object) -> str:
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def cycle_name(cycle: str | None) -> str:
    return "" if cycle is None else human(cycle).replace("-", " ")


def tile(title: str, lead: str, body: str, note: str | None = None) -> str:
    """One tile: a heading that says what it answers, a line on how to read it, its body and a note."""
    parts = [f"<h2>{esc(title)}</h2>", f'<p class="vk-lead">{lead}</p>' if lead else "", body]
    if note:
        parts.append(f'<p class="vk-note">{note}</p>')
    return "".join(parts)


def table_html(head: Iterable[tuple[str, str]], body: Iterable[str], cls: str = "vk-table") -> str:
    ths = "".join(f'<th class="{c}">{esc(h)}</th>' for h, c in head)
    return f'<table class="{cls}"><thead><tr>{ths}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def hidden_cell(reason: str | None, span: int = 1) -> str:
    return f'<td class="vk-why" colspan="{span}">{esc(reason or "hidden")}</td>'


def mean_cell(mean: object, n: object, cls: str = "vk-cell", attrs: str = "") -> str:
    colour = level_colour(float(mean))
    return (
        f'<td class="{cls}" {attrs} style="background:{colour};color:{ink_on(colour)}" '
        f'title="mean {num(mean)} of 5, n = {count(n)}">{num(mean)}</td>'
    )


def pill(text: str, kind: str) -> str:
    return f'<span class="vk-pill vk-{kind}">{esc(text)}</span>'


def bar(value: float, top: float, colour: str) -> str:
    width = 0 if missing(value) or top <= 0 else max(0.0, min(1.0, float(value) / top))
    return f'<div class="vk-bar-track"><div class="vk-bar" style="width:{width:.1%};background:{colour}"></div></div>'


def level_legend(extra: str = "") -> str:
    items = "".join(
        f'<span><span class="vk-swatch" style="background:{level_colour(lv)}"></span>{lv} {esc(LEVEL_LABELS[lv])}</span>'
        for lv in LEVELS
    )
    return f'<div class="vk-legend">{items}{extra}</div>'


def message_html(title: str, text: str) -> str:
    """A page-size message instead of any data (a refused link, a missing relationship)."""
    return f'<div class="vk-message"><h1>{esc(title)}</h1><p>{esc(text)}</p></div>'


def render_safely(render: Callable[[], str], what: str) -> str:
    """``render()``, or a plain sentence when it fails (one tile failing must not take the page with it)."""
    try:
        return render()
    except Exception:  # noqa: BLE001 - the viewer gets a sentence, the server's log the traceback
        log_error(f"{what} could not be drawn")
        return error_html(what)


def error_html(what: str = "This part of the dashboard") -> str:
    """What a viewer sees when something fails: no traceback (the detail is in the server's log)."""
    return (
        f'<div class="vk-error">{esc(what)} could not be shown just now. The details are in the server\'s log; '
        "please tell your Value Management team if it persists.</div>"
    )
