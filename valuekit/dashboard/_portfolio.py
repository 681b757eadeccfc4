"""The portfolio dashboard: benchmark, segments, best practice and where to start, for the Value Management team.

Over one cached :class:`~._view.PortfolioView` per kind of cycle compared (the same tables as
``notebooks/04_portfolio``); the Thing That Matters filter only selects rows. Every relationship named links to
its own dashboard, signed for it (:func:`~._tokens.relationship_link`), and "Open a relationship" picks one.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlencode

import ipywidgets as widgets
import pandas as pd

from ..analysis.privacy import DEFAULT_PRIVACY
from ..config import Privacy
from ..schemas import CHANGE_ROLES
from ._access import Access, portfolio_access, served_by_voila
from ._errors import DashboardError, log_error
from ._html import (
    count,
    cycle_name,
    error_html,
    esc,
    hidden,
    human,
    level_legend,
    mean_cell,
    num,
    pill,
    render_safely,
    table_html,
    tile,
)
from ._style import page_root, tile_grid
from ._tokens import load_secret, sign
from ._view import PortfolioView, portfolio_view

__all__ = ["PortfolioDashboard", "portfolio_dashboard", "relationship_href"]

ALL = "all"
_KINDS = [("Each one's latest cycle", "latest"), ("Resolve cycles", "resolve"), ("Solve cycles", "solve"),
          ("Dissolve cycles", "dissolve")]  # fmt: skip
_ORDER = ("summary", "benchmark", "start", "segments", "best", "roles")
_WIDE = {"summary", "benchmark", "start"}


def relationship_href(relationship_id: str, secret: bytes | None) -> str:
    """The relative link from the portfolio page to a relationship's dashboard (with its token when signed)."""
    query = {"relationship": relationship_id}
    if secret is not None:
        query["token"] = sign(relationship_id, "relationship", secret=secret)
    return f"relationship.ipynb?{urlencode(query)}"


def _secret() -> bytes | None:
    """The signing secret; outside Voila only one that already exists (a notebook run never creates one)."""
    try:
        return load_secret(create=served_by_voila())
    except DashboardError:
        if served_by_voila():
            log_error("cannot sign links to relationship dashboards")
        return None


class PortfolioDashboard:
    """The portfolio dashboard for one page (``access``: :func:`~._access.portfolio_access` of its query)."""

    def __init__(
        self,
        access: Access,
        *,
        cycle_kind: str | None = None,
        reference_date: str | None = None,
        store_path: str | os.PathLike | None = None,
        privacy: Privacy = DEFAULT_PRIVACY,
        cache: bool = True,
    ):
        self.access, self.store_path, self.privacy, self.cache = access, store_path, privacy, cache
        self.reference_date = reference_date
        self.timings: dict[str, float] = {}
        style, self.root = page_root(access)
        if not access.allowed:
            return
        self.secret = _secret()
        try:
            self.view = self._load(cycle_kind)
        except Exception:  # noqa: BLE001 - a plain message; the detail in the server's log
            log_error("loading the portfolio dashboard failed")
            self.root.children = (style, widgets.HTML(error_html("This dashboard")))
            return
        self._build(style, cycle_kind)

    def _load(self, cycle_kind: str | None) -> PortfolioView:
        started = time.perf_counter()
        view = portfolio_view(
            cycle_kind=cycle_kind, reference_date=self.reference_date, store_path=self.store_path,
            privacy=self.privacy, cache=self.cache,
        )  # fmt: skip
        self.timings["load"] = time.perf_counter() - started
        return view

    def _build(self, style: widgets.HTML, cycle_kind: str | None) -> None:
        layout = widgets.Layout(width="auto")
        self.header = widgets.HTML()
        self.kind = widgets.Dropdown(
            description="Compare", options=_KINDS, value=cycle_kind or "latest", layout=layout
        )
        self.thing = widgets.Dropdown(description="Thing That Matters", layout=layout)
        names = self.view.relationships.sort_values("name")
        self.pick = widgets.Dropdown(
            description="Open a relationship",
            options=[(r.name, r.relationship_id) for r in names.itertuples(index=False)],
            layout=layout,
        )
        self.open = widgets.HTML()
        self.open.add_class("vk-open-link")
        self.status = widgets.HTML(layout=widgets.Layout(margin="0 0 0 auto"))
        self.status.add_class("vk-status")
        for name, box in (("kind", self.kind), ("thing", self.thing), ("pick", self.pick)):
            box.add_class(f"vk-filter-{name}")
        self.kind.observe(self._on_kind, "value")
        self.thing.observe(lambda change: self._draw({"benchmark", "best"}), "value")
        self.pick.observe(lambda change: self._link(), "value")
        bar = widgets.HBox([self.kind, self.thing, self.pick, self.open, self.status],
                           layout=widgets.Layout(flex_flow="row wrap"))  # fmt: skip
        bar.add_class("vk-filters")
        self.tiles, grid = tile_grid(_ORDER, _WIDE)
        self.footer = widgets.HTML()
        self.root.children = (style, self.header, bar, grid, self.footer)
        self._show_view()
        self._link()

    def _show_view(self) -> None:
        v = self.view
        keep = self.thing.value
        options = [("All Things That Matter", ALL), *[(t.thing_that_matters_name, t.thing_that_matters)
                                                      for t in v.things.itertuples()]]  # fmt: skip
        self._quiet = True
        self.thing.options = options
        self.thing.value = keep if keep in {o for _, o in options} else ALL
        self._quiet = False
        self.header.value = (
            '<div class="vk-header"><div class="vk-kicker">Value Management · portfolio dashboard</div>'
            f"<h1>The portfolio: {len(v.relationships)} relationships</h1>"
            '<div class="vk-sub">How the relationships compare, and where Value Management should start next. '
            f"Time left to run is counted from {esc(v.reference_date)}.</div></div>"
        )
        self.footer.value = (
            f'<div class="vk-footer">Every score rests on at least {self.privacy.k} respondents and passed the '
            f"privacy gate. Reproducible from: data <code>{esc(v.stamp.get('data_fingerprint'))}</code>.</div>"
        )
        self._draw(set(_ORDER))

    def _draw(self, names: set[str]) -> None:
        if getattr(self, "_quiet", False):
            return
        started = time.perf_counter()
        renderers = {"summary": self._summary, "benchmark": self._benchmark, "start": self._start,
                     "segments": self._segments, "best": self._best, "roles": self._roles}  # fmt: skip
        for name in _ORDER:
            if name in names:
                html = render_safely(renderers[name], human(name))
                if self.tiles[name].value != html:
                    self.tiles[name].value = html
        self.timings["draw"] = time.perf_counter() - started

    def _on_kind(self, change) -> None:
        kind = None if change["new"] == "latest" else change["new"]
        for b in (self.kind, self.thing, self.pick):
            b.disabled = True
        self.status.value = '<span class="vk-spinner"></span> Loading…'
        try:
            self.view = self._load(kind)
            self._show_view()
            self.status.value = ""
        except Exception:  # noqa: BLE001
            log_error(f"loading the portfolio for {kind!r} failed")
            self.status.value = error_html("That comparison")
        finally:
            for b in (self.kind, self.thing, self.pick):
                b.disabled = False

    def _link(self) -> None:
        rid = self.pick.value
        self.open.value = (
            f'<a class="vk-link" data-vk="open" href="{esc(relationship_href(rid, self.secret))}" target="_self">'
            "Open its dashboard →</a>"
        )

    # -- tiles --------------------------------------------------------------------------------------------
    def _name(self, rid: str) -> str:
        names = dict(
            zip(self.view.relationships["relationship_id"], self.view.relationships["name"], strict=True)
        )
        return (
            f'<a class="vk-link" href="{esc(relationship_href(rid, self.secret))}" target="_self" '
            f'data-relationship="{esc(rid)}">{esc(names.get(rid, rid))}</a>'
        )

    def _summary(self) -> str:
        v = self.view
        seg = (
            v.segments["segment"].str.split(",").str[0].value_counts()
            if len(v.segments)
            else pd.Series(dtype=int)
        )
        first = v.start.iloc[0] if len(v.start) else None
        cards = [
            ("Relationships", f'<div class="vk-big">{len(v.relationships)}</div>'
             f'<div class="vk-small">{int(seg.get("struggling", 0))} struggling · {int(seg.get("mixed", 0))} mixed · '
             f'{int(seg.get("healthy", 0))} healthy</div>'),
            ("Start next with", f'<div class="vk-big" style="font-size:18px">{self._name(first.relationship_id)}</div>'
             f'<div class="vk-small">score {num(first.score)} of 1</div>' if first is not None else "–"),
            ("Change roles at risk", f'<div class="vk-big">{int(v.roles["at_risk"].sum())}</div>'
             '<div class="vk-small">relationships with a vacant role</div>'),
        ]  # fmt: skip
        return (
            '<div class="vk-cards">'
            + "".join(
                f'<div class="vk-card"><div class="vk-label">{esc(label)}</div>{body}</div>'
                for label, body in cards
            )
            + "</div>"
        )

    def _benchmark(self) -> str:
        v, thing = self.view, self.thing.value
        lead = (
            "Each relationship's mean rating per Thing That Matters at the cycle compared, coloured on the level "
            "scale, with its percentile in the portfolio (100: the top; 50: the middle)."
        )
        s = v.scores
        if thing != ALL:
            rows = s[s["thing_that_matters"] == thing].copy()
            rows["_order"] = rows["mean"].astype(float).fillna(-1)
            rows = rows.sort_values(["_order", "relationship_id"], ascending=[False, True])
            body = []
            for _, r in rows.iterrows():
                if hidden(r):
                    body.append(f'<tr><td>–</td><td>{self._name(r["relationship_id"])}</td>'
                                f'<td class="vk-why" colspan="4">{esc(r["suppressed_reason"])}</td></tr>')  # fmt: skip
                    continue
                body.append(
                    f'<tr data-relationship="{esc(r["relationship_id"])}"><td class="vk-num">{count(r["rank"])}</td>'
                    f"<td>{self._name(r['relationship_id'])}</td>{mean_cell(r['mean'], r['n'], 'vk-num vk-cell')}"
                    f'<td class="vk-num">{num(r["benchmark"], 0)}</td><td class="vk-num">{count(r["n"])}</td>'
                    f"<td>{esc(cycle_name(r['cycle_id']))}</td></tr>"
                )
            table = table_html([("rank", "vk-num"), ("relationship", ""), ("mean", "vk-num"), ("percentile", "vk-num"),
                            ("n", "vk-num"), ("cycle", "")], body)  # fmt: skip
            return tile(f"Benchmark: {v.things.set_index('thing_that_matters').loc[thing].iloc[0]}", lead, table,
                        None)  # fmt: skip
        things = list(v.things.itertuples(index=False))
        head = ['<th class="vk-rowhead">relationship</th>'] + [
            f'<th data-thing="{esc(t.thing_that_matters)}">{esc(t.thing_that_matters_name)}</th>'
            for t in things
        ]
        cells = s.set_index(["relationship_id", "thing_that_matters"])
        body = []
        order = v.segments["relationship_id"].tolist()
        order += [r for r in v.relationships["relationship_id"] if r not in order]
        for rid in order:
            tds = [f"<td>{self._name(rid)}</td>"]
            for t in things:
                key = (rid, t.thing_that_matters)
                at = f'data-thing="{esc(t.thing_that_matters)}"'
                if key not in cells.index:
                    tds.append(f'<td class="vk-cell vk-empty" {at} title="not asked">–</td>')
                    continue
                r = cells.loc[key]
                if hidden(r):
                    tds.append(
                        f'<td class="vk-cell vk-hidden" {at} title="{esc(r["suppressed_reason"])}">hidden</td>'
                    )
                else:
                    td = mean_cell(r["mean"], r["n"], "vk-cell", at)
                    tds.append(
                        td.replace("</td>", f'<span class="vk-n"> · p{num(r["benchmark"], 0)}</span></td>')
                    )
            body.append(f'<tr data-relationship="{esc(rid)}">{"".join(tds)}</tr>')
        table = f'<table class="vk-heat vk-bench"><thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        return tile("Benchmark per Thing That Matters", lead, table + level_legend(),
                    "Rows: struggling relationships first (as segmented below). p: percentile in the portfolio.")  # fmt: skip

    def _start(self) -> str:
        body = []
        for r in self.view.start.head(8).itertuples(index=False):
            flag = pill("candidate", "agreed") if r.eligible else pill("not now", "mixed")
            body.append(f'<tr><td class="vk-num">{r.rank}</td><td>{self._name(r.relationship_id)}<div>{flag}</div></td>'
                        f'<td class="vk-num">{num(r.score)}</td><td class="vk-note">{esc(r.why)}</td></tr>')  # fmt: skip
        return tile(
            "Where to start next",
            "The method starts where the relationship is of significant value, has enough time left to run, has "
            "no other change initiative in play, and is visibly struggling (this counts double).",
            table_html([("rank", "vk-num"), ("relationship", ""), ("score", "vk-num"), ("why", "")], body),
        )

    def _segments(self) -> str:
        body = [
            f"<tr><td>{self._name(r.relationship_id)}</td><td>{esc(r.segment)}</td>"
            f'<td class="vk-num">{num(r.overall_mean)}</td><td class="vk-num">{num(r.spread)}</td>'
            f"<td>{esc(r.weakest)}</td></tr>"
            for r in self.view.segments.itertuples(index=False)
        ]
        return tile(
            "Segments",
            "<i>Struggling</i> below an overall mean of 2.5, <i>healthy</i> from 3.5, <i>mixed</i> between; "
            "<i>uneven</i> when the best and worst Thing That Matters are a level or more apart.",
            table_html(
                [
                    ("relationship", ""),
                    ("segment", ""),
                    ("mean", "vk-num"),
                    ("spread", "vk-num"),
                    ("weakest", ""),
                ],
                body,
            ),  # fmt: skip
        )

    def _best(self) -> str:
        best, thing = self.view.best, self.thing.value
        if thing != ALL:
            best = best[best["thing_that_matters"] == thing]
        body = []
        for r in best.itertuples(index=False):
            act = (
                esc(r.action_title)
                if isinstance(r.action_title, str)
                else '<span class="vk-note">none recorded</span>'
            )
            body.append(f"<tr><td>{esc(r.thing_that_matters_name)}</td><td>{self._name(r.relationship_id)}</td>"
                        f'<td class="vk-num">{num(r.mean)}</td><td>{act}</td></tr>')  # fmt: skip
        table = (
            table_html(
                [
                    ("Thing That Matters", ""),
                    ("excels", ""),
                    ("mean", "vk-num"),
                    ("completed action before it", ""),
                ],
                body,
            )  # fmt: skip
            if body
            else '<p class="vk-note">No relationship excels (mean 3.5 or more) here.</p>'
        )
        return tile(
            "Best practice",
            "Who excels where, and the completed improvement actions that came before it: candidates to offer "
            "elsewhere, not proof that they caused it.",
            table,
        )

    def _roles(self) -> str:
        rows = self.view.roles[self.view.roles["at_risk"]]
        body = [
            f"<tr><td>{self._name(r['relationship_id'])}</td>"
            + "".join(
                f"<td>{pill(r[c], 'agreed' if r[c] == 'filled' else 'divided')}</td>" for c in CHANGE_ROLES
            )
            + "</tr>"
            for _, r in rows.iterrows()
        ]
        table = table_html([("relationship", ""), *[(human(c), "") for c in CHANGE_ROLES]], body)
        return tile(
            "Change roles at risk",
            "The work needs a change champion, a transformational leader and a change stabilizer; with a role "
            "vacant it will likely stall.",
            table if body else '<p class="vk-note">Every relationship has all three roles filled.</p>',
        )

    def _repr_mimebundle_(self, **kwargs):
        return self.root._repr_mimebundle_(**kwargs)


def portfolio_dashboard(
    query: str | None = None,
    *,
    cycle_kind: str | None = None,
    reference_date: str | None = None,
    store_path: str | os.PathLike | None = None,
    k: int = DEFAULT_PRIVACY.k,
    k_comments: int = DEFAULT_PRIVACY.k_comments,
) -> PortfolioDashboard:
    """The portfolio dashboard for a page with this query string (what the notebook calls)."""
    privacy = Privacy(k=k, k_comments=k_comments)
    return PortfolioDashboard(
        portfolio_access(query or ""), cycle_kind=cycle_kind, reference_date=reference_date,
        store_path=store_path, privacy=privacy,
    )  # fmt: skip
