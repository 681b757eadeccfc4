"""The relationship dashboard: filters and tiles as ipywidgets over one cached :class:`~._view.RelationshipView`.

The view is loaded once per relationship × cycle (:func:`~._view.relationship_view`, from the disk cache when
it can); a filter change only selects rows of it (:mod:`._select`) and re-renders the tiles that depend on that
filter (:data:`~._select.DEPENDS`) — a tile whose HTML comes out the same sends nothing to the browser, so the
page is never redrawn as a whole. Loading a cycle or a relationship shows a spinner and disables the filters.

A page locked to a relationship (:class:`~._access.Access`) has no relationship picker at all: the set of
relationships this object can load is that one, whatever its widgets are sent. A refused page holds only its
message. Errors are shown as a plain sentence; their detail goes to the server's log (the kernel's stderr).
"""

from __future__ import annotations

import os
import time

import ipywidgets as widgets

from ..analysis.privacy import DEFAULT_PRIVACY
from ..config import Privacy
from ..errors import NotFoundError, ValuekitError
from ..notebook import ensure_sample_store
from ..store import Store
from ._access import Access, relationship_access
from ._errors import log_error
from ._html import cycle_name, error_html, human, message_html, render_safely
from ._select import ALL, DEPENDS, Filters
from ._style import page_root, tile_grid
from ._tiles import TILES, footer_html, header_html
from ._view import RelationshipView, relationship_view

__all__ = ["RelationshipDashboard", "relationship_dashboard"]

#: Tiles in page order; those in :data:`_WIDE` span both columns.
_ORDER = ("summary", "engagement", "things", "heatmap", "agreement", "mirror", "priorities", "findings",
          "themes", "change")  # fmt: skip
_WIDE = {"summary", "heatmap"}
#: What a locked page says when its relationship or cycle is not in the store.
LOCKED_NOT_FOUND = (
    "There is nothing to show for this link yet: its relationship has no data on this server, or the cycle it "
    "names has no responses. Please ask your Value Management team."
)


class RelationshipDashboard:
    """The relationship dashboard for one page.

    Parameters
    ----------
    access
        What the page may show (:func:`~._access.relationship_access` of its query string).
    relationship, cycle
        Where an analyst's page starts (a locked page starts at its own relationship and the cycle in its
        link); ``None``: the store's first relationship and its latest cycle with responses.
    store_path, privacy
        The store and the thresholds every table was gated with.
    cache
        Read and write the view cache (:mod:`._cache`).
    """

    def __init__(
        self,
        access: Access,
        *,
        relationship: str | None = None,
        cycle: str | None = None,
        store_path: str | os.PathLike | None = None,
        privacy: Privacy = DEFAULT_PRIVACY,
        cache: bool = True,
    ):
        self.access, self.store_path, self.privacy, self.cache = access, store_path, privacy, cache
        self.view: RelationshipView | None = None
        self.filters = Filters()
        self._quiet = False
        self.timings: dict[str, float] = {}
        style, self.root = page_root(access)
        if not access.allowed:
            return
        try:
            choices = self._relationships(relationship)
            start = access.relationship if access.locked else (relationship or choices[0][1])
            self.view = self._load(start, access.cycle if access.locked else (access.cycle or cycle))
        except NotFoundError as exc:
            # a locked page never names what else the store holds (the error lists every relationship)
            text = LOCKED_NOT_FOUND if access.locked else _plain(exc)
            self.root.children = (style, widgets.HTML(message_html("Nothing to show", text)))
            return
        except Exception:  # noqa: BLE001 - anything else: a plain message, the detail in the server's log
            log_error("loading the relationship dashboard failed")
            self.root.children = (style, widgets.HTML(error_html("This dashboard")))
            return
        self._build(style, choices)

    # -- building -----------------------------------------------------------------------------------------
    def _relationships(self, relationship: str | None) -> list[tuple[str, str]]:
        """(name, id) of the relationships this page may show: its own only, when locked."""
        if self.access.locked:
            return [("", self.access.relationship)]
        with Store(ensure_sample_store(self.store_path), read_only=True) as store:
            rels = store.read("relationships")[["relationship_id", "name"]]
        if rels.empty:
            raise NotFoundError("relationship", relationship or "any", [], where="the store")
        return [(f"{r.name}", r.relationship_id) for r in rels.itertuples(index=False)]

    def _load(self, relationship_id: str, cycle_id: str | None) -> RelationshipView:
        started = time.perf_counter()
        view = relationship_view(
            relationship_id, cycle_id, store_path=self.store_path, privacy=self.privacy, cache=self.cache
        )
        self.timings["load"] = time.perf_counter() - started
        return view

    def _build(self, style: widgets.HTML, choices: list[tuple[str, str]]) -> None:
        layout = widgets.Layout(width="auto")
        self.header = widgets.HTML()
        self.relationship = None
        controls = []
        # an analyst's page: every relationship; a locked page has no picker at all
        if not self.access.locked:
            self.relationship = widgets.Dropdown(description="Relationship", options=choices, layout=layout)
            self.relationship.value = self.view.relationship_id
            self.relationship.add_class("vk-filter-relationship")
            self.relationship.observe(self._on_relationship, "value")
            controls.append(self.relationship)
        self.cycle = widgets.Dropdown(description="Cycle", layout=layout)
        self.party = widgets.Dropdown(description="Party", layout=layout)
        self.level = widgets.Dropdown(description="Level", layout=layout)
        self.function = widgets.Dropdown(description="Function", layout=layout)
        self.thing = widgets.Dropdown(description="Thing That Matters", layout=layout)
        self.status = widgets.HTML(layout=widgets.Layout(margin="0 0 0 auto"))
        self.status.add_class("vk-status")
        for name, box in (("cycle", self.cycle), ("party", self.party), ("level", self.level),
                          ("function", self.function), ("thing", self.thing)):  # fmt: skip
            box.add_class(f"vk-filter-{name}")
        self.cycle.observe(self._on_cycle, "value")
        for box in (self.party, self.level, self.function, self.thing):
            box.observe(self._on_filter, "value")
        controls += [self.cycle, self.party, self.level, self.function, self.thing, self.status]
        bar = widgets.HBox(controls, layout=widgets.Layout(flex_flow="row wrap"))
        bar.add_class("vk-filters")
        self.tiles, grid = tile_grid(_ORDER, _WIDE)
        self.footer = widgets.HTML()
        self.root.children = (style, self.header, bar, grid, self.footer)
        self._show_view()

    def _show_view(self) -> None:
        """Fit the filters to the loaded view (keeping choices that still exist) and draw every tile."""
        v = self.view
        names = v.party_names
        self._quiet = True
        try:
            self.cycle.options = [
                (f"{cycle_name(c)} ({i + 1} of {len(v.cycles)})", c) for i, c in enumerate(v.cycles)
            ]
            self.cycle.value = v.cycle_id
            both = "Both parties" if len(v.parties) == 2 else "All parties"
            _set(self.party, [(both, ALL), *[(names[p], p) for p in v.parties["party_id"]]])
            _set(self.level, [("All levels", ALL), *[(human(lv), lv) for lv in v.levels]])
            _set(self.function, [("All functions", ALL), *[(human(fn), fn) for fn in v.functions]])
            _set(self.thing, [("All Things That Matter", ALL),
                              *[(t.thing_that_matters_name, t.thing_that_matters) for t in v.things.itertuples()]])  # fmt: skip
        finally:
            self._quiet = False
        self.filters = self._read_filters()
        self.header.value = render_safely(lambda: header_html(v), "The heading")
        self.footer.value = render_safely(lambda: footer_html(v), "The footer")
        self._draw(set(_ORDER))

    def _read_filters(self) -> Filters:
        return Filters(self.party.value, self.level.value, self.function.value, self.thing.value)

    def _draw(self, names: set[str]) -> None:
        started = time.perf_counter()
        for name in _ORDER:
            if name in names:
                html = render_safely(lambda n=name: TILES[n](self.view, self.filters), _TILE_NAMES[name])
                if self.tiles[name].value != html:  # unchanged tiles send nothing to the browser
                    self.tiles[name].value = html
        self.timings["draw"] = time.perf_counter() - started

    # -- events -------------------------------------------------------------------------------------------
    def _on_filter(self, change) -> None:
        if self._quiet:
            return
        new = self._read_filters()
        changed = new.changed(self.filters)
        self.filters = new
        self._draw({name for name, deps in DEPENDS.items() if deps & changed})

    def _on_cycle(self, change) -> None:
        if self._quiet or change["new"] == self.view.cycle_id:
            return
        self._reload(self.view.relationship_id, change["new"])

    def _on_relationship(self, change) -> None:
        if self._quiet or self.access.locked:
            return
        allowed = {value for _, value in self.relationship.options}
        if change["new"] not in allowed:  # never load what the picker does not offer
            return
        self._reload(change["new"], None)

    def _reload(self, relationship_id: str, cycle_id: str | None) -> None:
        boxes = [
            b for b in (self.relationship, self.cycle, self.party, self.level, self.function, self.thing) if b
        ]
        for b in boxes:
            b.disabled = True
        what = "relationship" if relationship_id != self.view.relationship_id else "cycle"
        self.status.value = f'<span class="vk-spinner"></span> Loading the {what}…'
        try:
            self.view = self._load(relationship_id, cycle_id)
            self._show_view()
            self.status.value = ""
        except Exception:  # noqa: BLE001 - keep the page: say so plainly, the detail goes to the log
            log_error(f"loading {relationship_id!r} {cycle_id!r} failed")
            self.status.value = error_html("That cycle")
        finally:
            for b in boxes:
                b.disabled = False

    # -- display ------------------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        return self.root._repr_mimebundle_(**kwargs)


_TILE_NAMES = {
    "summary": "The summary", "engagement": "Who took part", "things": "Things That Matter",
    "heatmap": "The heat map", "agreement": "Who agrees", "mirror": "The mirror pairs",
    "priorities": "The priorities", "findings": "The findings", "themes": "The themes", "change": "The change",
}  # fmt: skip


def _set(box: widgets.Dropdown, options: list[tuple[str, str]]) -> None:
    """New options, keeping the current choice when it is still one of them."""
    keep = box.value
    box.options = options
    box.value = keep if keep in {v for _, v in options} else options[0][1]


def _plain(exc: ValuekitError) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def relationship_dashboard(
    query: str | None = None,
    *,
    relationship: str | None = None,
    cycle: str | None = None,
    store_path: str | os.PathLike | None = None,
    k: int = DEFAULT_PRIVACY.k,
    k_comments: int = DEFAULT_PRIVACY.k_comments,
) -> RelationshipDashboard:
    """The relationship dashboard for a page with this query string (what the notebook calls).

    Examples
    --------
    >>> relationship_dashboard("", relationship="harbourside-northwind", cycle="solve")  # doctest: +SKIP
    """
    access = relationship_access(query or "")
    privacy = Privacy(k=k, k_comments=k_comments)
    return RelationshipDashboard(
        access, relationship=relationship, cycle=cycle, store_path=store_path, privacy=privacy
    )
