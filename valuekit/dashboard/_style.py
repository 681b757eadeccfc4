"""The dashboards' look: one stylesheet (system fonts only, nothing fetched) and the level colours.

The colours are the evaluation statements' own (:data:`valuekit.schemas.LEVEL_COLOURS`): a mean is coloured
by linear interpolation between the two levels around it, exactly as the charts' ``LEVEL_CMAP`` does, with dark
or white text by WCAG relative luminance (as :func:`valuekit.plots._style.ink_on`). The stylesheet is shipped in
the page by the dashboard itself, so it looks the same in Voila and in JupyterLab; page-level rules apply only
under Voila (``body[data-voila]``).
"""

from __future__ import annotations

from ..schemas import LEVEL_COLOURS, LEVELS

__all__ = ["CSS", "level_colour", "ink_on", "INK", "SUBTLE", "CLIENT", "SUPPLIER"]

INK, SUBTLE, RULE = "#222222", "#595959", "#d9d9d9"
#: The charts' colour-blind-safe party colours (seaborn "colorblind" blue and orange).
CLIENT, SUPPLIER = "#0173b2", "#de8f05"


def _rgb(colour: str) -> tuple[float, float, float]:
    c = colour.lstrip("#")
    return tuple(int(c[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def level_colour(mean: float) -> str:
    """The colour of a mean rating on the level scale (1 red … 3 yellow … 5 green), as ``#rrggbb``."""
    x = min(max(float(mean), LEVELS[0]), LEVELS[-1])
    lo = min(int(x), LEVELS[-2])
    t = x - lo
    a, b = _rgb(LEVEL_COLOURS[lo]), _rgb(LEVEL_COLOURS[lo + 1])
    return "#" + "".join(f"{round(255 * (p + (q - p) * t)):02x}" for p, q in zip(a, b, strict=True))


def ink_on(colour: str) -> str:
    """Dark text on light backgrounds, white on dark ones (WCAG relative luminance)."""
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(colour))
    return INK if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.22 else "white"


CSS = """
body[data-voila] { background: #f4f6f8; }
body[data-voila] #rendered_cells { padding: 0 !important; }
body[data-voila] .jp-Cell, body[data-voila] .jp-OutputArea-output { padding: 0 !important; }
body[data-voila] .jp-OutputPrompt, body[data-voila] .jp-InputPrompt { display: none !important; }
body[data-voila] .jp-Notebook, body[data-voila] .jp-Cell-outputWrapper { background: transparent; }
.vk-dash { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #222; font-size: 14px; line-height: 1.4; max-width: 1360px; margin: 0 auto; padding: 16px 20px 40px;
  box-sizing: border-box; }
.vk-dash * { box-sizing: border-box; }
.vk-dash .widget-html-content { line-height: 1.4; font-size: 14px; }
.vk-dash .widget-html, .vk-dash .widget-box { margin: 0; }
.vk-header h1 { font-size: 24px; font-weight: 650; margin: 4px 0 2px; letter-spacing: -0.01em; }
.vk-header .vk-sub { color: #595959; font-size: 14px; }
.vk-kicker { text-transform: uppercase; letter-spacing: .06em; font-size: 11.5px; color: #0173b2;
  font-weight: 650; }
.vk-filters { background: #fff; border: 1px solid #dde2e7; border-radius: 10px; padding: 8px 12px;
  margin: 12px 0 14px !important; gap: 6px 14px !important; align-items: flex-end; position: sticky; top: 0; z-index: 20;
  box-shadow: 0 1px 3px rgba(0,0,0,.05); overflow: visible !important; }
.vk-filters .widget-dropdown > label, .vk-filters .widget-label { font-size: 11.5px !important;
  color: #595959 !important; text-transform: uppercase; letter-spacing: .04em; }
.vk-filters .widget-dropdown { flex-direction: column; align-items: flex-start !important; width: auto !important;
  height: auto !important; margin: 0 !important; }
.vk-filters .widget-dropdown > select { font-size: 13.5px; height: 30px !important; flex: 0 0 30px !important;
  border-radius: 6px; border: 1px solid #c9d1d9; background-color: #fff; padding: 0 26px 0 8px !important;
  min-width: 150px; width: auto !important; max-width: 420px; }
.vk-filter-pick > select, .vk-filter-relationship > select { max-width: 600px !important; }
.vk-filters .widget-dropdown > label { width: auto !important; max-width: none !important; margin: 0 0 2px 2px !important;
  text-align: left !important; }
.vk-status { font-size: 13px; color: #595959; display: flex; align-items: center; gap: 6px; min-height: 30px; }
.vk-spinner { width: 16px; height: 16px; border: 2px solid #cfd8dc; border-top-color: #0173b2;
  border-radius: 50%; animation: vk-spin .8s linear infinite; display: inline-block; }
@keyframes vk-spin { to { transform: rotate(360deg); } }
.vk-grid { display: grid !important; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 14px; }
.vk-wide { grid-column: 1 / -1; }
@media (max-width: 900px) { .vk-grid { grid-template-columns: minmax(0, 1fr); } }
.vk-tile { background: #fff; border: 1px solid #dde2e7; border-radius: 10px; padding: 14px 16px 12px;
  box-shadow: 0 1px 2px rgba(0,0,0,.04); overflow-x: auto; }
.vk-tile h2 { font-size: 16px; font-weight: 650; margin: 0 0 2px; }
.vk-tile .vk-lead { color: #595959; font-size: 13px; margin: 0 0 10px; }
.vk-note { color: #6b6b6b; font-size: 12.5px; margin: 8px 0 0; }
.vk-summary { margin-bottom: 14px !important; }
.vk-cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; }
.vk-card { background: #fff; border: 1px solid #dde2e7; border-radius: 10px; padding: 12px 14px; }
.vk-card .vk-label { font-size: 11.5px; text-transform: uppercase; letter-spacing: .05em; color: #595959; }
.vk-card .vk-big { font-size: 26px; font-weight: 650; margin: 2px 0; font-variant-numeric: tabular-nums; }
.vk-card .vk-small { font-size: 12.5px; color: #595959; }
.vk-card.vk-group { background: #f0f6fb; border-color: #cfe0ee; }
.vk-card.vk-group .vk-big { font-size: 18px; line-height: 1.3; }
table.vk-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.vk-table th { text-align: left; font-weight: 600; color: #595959; font-size: 12px; border-bottom: 1px solid #d9d9d9;
  padding: 5px 8px; vertical-align: bottom; }
.vk-table td { padding: 5px 8px; border-bottom: 1px solid #eef0f2; vertical-align: top; }
.vk-table td.vk-num, .vk-table th.vk-num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.vk-table tr.vk-selected td { background: #f0f6fb; }
.vk-table td.vk-item { min-width: 160px; }
.vk-tile .widget-html-content { overflow-x: auto; }
.vk-table .vk-code { color: #595959; font-size: 12px; white-space: nowrap; }
.vk-why { color: #6b6b6b; font-style: italic; font-size: 12px; }
table.vk-heat { border-collapse: separate; border-spacing: 2px; font-size: 13px; }
.vk-heat th { font-size: 12px; font-weight: 600; color: #444; padding: 4px 6px; vertical-align: bottom;
  text-align: center; max-width: 150px; }
.vk-heat th.vk-rowhead { text-align: left; }
.vk-heat th .vk-n { display: block; font-weight: 400; color: #6b6b6b; font-size: 11px; }
.vk-heat td { padding: 5px 6px; }
.vk-heat td.vk-item { min-width: 240px; }
.vk-heat td.vk-cell { text-align: center; font-variant-numeric: tabular-nums; min-width: 74px; border-radius: 4px;
  font-weight: 600; }
.vk-heat tr.vk-section td { background: #eef2f6; font-weight: 650; font-size: 12.5px; border-radius: 4px;
  padding: 4px 8px; }
.vk-heat th.vk-first, .vk-heat td.vk-first { border-right: 2px solid #9aa5b1; }
.vk-hidden { background: repeating-linear-gradient(45deg, #f3f3f3, #f3f3f3 4px, #e4e4e4 4px, #e4e4e4 8px);
  color: #555 !important; font-style: italic; font-weight: 400 !important; font-size: 11.5px; }
.vk-empty { color: #a3a3a3; text-align: center; }
.vk-legend { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; font-size: 12px; color: #595959;
  margin-top: 8px; }
.vk-swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: -2px;
  margin-right: 4px; }
.vk-bar-track { background: #eef0f2; border-radius: 3px; height: 10px; min-width: 80px; position: relative; }
.vk-bar { height: 10px; border-radius: 3px; }
.vk-pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 11.5px; font-weight: 600;
  white-space: nowrap; }
.vk-divided { background: #fde4e1; color: #8a1c17; }
.vk-agreed { background: #e3f2e6; color: #1b5e20; }
.vk-mixed { background: #eef0f2; color: #444; }
.vk-yes { background: #fff2d6; color: #7a4b00; }
.vk-new { background: #e8e1fb; color: #4527a0; }
.vk-list { margin: 0; padding-left: 20px; }
.vk-list li { margin: 0 0 8px; }
.vk-quote { color: #444; font-style: italic; margin: 3px 0 0 0; padding-left: 10px; border-left: 3px solid #dde2e7;
  font-size: 13px; }
.vk-theme { margin: 0 0 12px; }
.vk-footer { color: #6b6b6b; font-size: 12px; margin-top: 18px; border-top: 1px solid #dde2e7; padding-top: 10px; }
.vk-message { max-width: 640px; margin: 80px auto; background: #fff; border: 1px solid #dde2e7;
  border-radius: 10px; padding: 26px 28px; font-size: 16px; line-height: 1.5; }
.vk-message h1 { font-size: 20px; margin: 0 0 10px; }
.vk-error { background: #fff8e6; border: 1px solid #f0d58c; border-radius: 8px; padding: 10px 12px; color: #5c4400; }
.vk-link { color: #0173b2; text-decoration: none; font-weight: 600; }
.vk-link:hover { text-decoration: underline; }
.vk-open { display: flex; align-items: flex-end; gap: 10px; }
.vk-bench td.vk-cell { min-width: 64px; }
"""


def tile_grid(order, wide) -> tuple[dict, object]:
    """One HTML widget per tile name in ``order`` (``"summary"`` styled as the summary strip, the names in
    ``wide`` spanning the grid), and the grid box holding them in that order; :data:`CSS` lays them out."""
    import ipywidgets as widgets

    tiles = {name: widgets.HTML() for name in order}
    for name, w in tiles.items():
        w.add_class("vk-tile" if name != "summary" else "vk-summary")
        w.add_class(f"vk-{name}")
        if name in wide:
            w.add_class("vk-wide")
    grid = widgets.Box([tiles[n] for n in order])
    grid.add_class("vk-grid")
    return tiles, grid


def page_root(access) -> tuple[object, object]:
    """(style, root) of a dashboard page: the root box with :data:`CSS`, holding only the refusal when
    ``access`` (an :class:`~._access.Access`) does not allow the page."""
    import ipywidgets as widgets

    from ._html import message_html

    style = widgets.HTML(f"<style>{CSS}</style>")
    root = widgets.VBox([style], layout=widgets.Layout(width="100%"))
    root.add_class("vk-dash")
    if not access.allowed:
        root.children = (style, widgets.HTML(message_html("This link cannot be opened", access.refused)))
    return style, root
