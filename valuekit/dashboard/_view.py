"""What a dashboard shows, computed once: every table of one relationship × cycle, already through the gate.

A :class:`RelationshipView` is :func:`~valuekit.analysis.overview.analyse` plus the same analyses by every
perspective a stakeholder can filter to — each subset of party, common level and common function — so that a
filter change only selects rows in pandas and never recomputes a number (and never from raw responses). Every
table comes from valuekit's analysis functions and so has passed the privacy gate, whose complementary
suppression treats all these perspectives as published together: showing any selection of their rows is safe.

The view keeps no responses, comments or participants — only gated tables and the labels to show them — so it
can be cached on disk (:mod:`._cache`) and handed to a page that is locked to one relationship.
:class:`PortfolioView` is the same for the portfolio, per kind of cycle compared.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from ..analysis._gate_cache import store_gate_cache
from ..analysis._shared import sharing
from ..analysis.change import compare_cycles
from ..analysis.data import load_relationship
from ..analysis.engagement import engagement
from ..analysis.fragmentation import agreement_by_perspective
from ..analysis.gaps import mirror_gaps
from ..analysis.overview import analyse
from ..analysis.portfolio import (
    best_practice,
    change_role_risks,
    portfolio_scores,
    segment_relationships,
    where_to_start,
)
from ..analysis.priorities import priorities
from ..analysis.privacy import DEFAULT_PRIVACY
from ..analysis.scores import score_codes, score_things
from ..config import Privacy
from ..errors import NotFoundError
from ..notebook import ensure_sample_store
from ..schemas import COMMON_LEVELS
from ..store import Store
from ._cache import cache_dir, cached

__all__ = [
    "FILTERS",
    "SUBSETS",
    "RelationshipView",
    "PortfolioView",
    "relationship_view",
    "portfolio_view",
    "build_relationship_view",
    "build_portfolio_view",
    "cycles_with_responses",
]

#: The perspective columns a stakeholder filters by, in the order groups are named.
FILTERS = ("party_id", "common_level", "common_function")
#: Every subset of :data:`FILTERS` (in their order): the perspectives each table is computed by.
SUBSETS: tuple[tuple[str, ...], ...] = tuple(
    by for r in range(len(FILTERS) + 1) for by in itertools.combinations(FILTERS, r)
)
#: Mirror pairs compare the parties, so they are split by level and function only.
MIRROR_SUBSETS = tuple(by for by in SUBSETS if "party_id" not in by)


@dataclass(frozen=True)
class RelationshipView:
    """Every gated table one relationship's dashboard shows for one cycle.

    Tables keyed by a perspective (a tuple of :data:`FILTERS` columns, ``()`` for the whole community) are the
    analysis function of that name called with ``by=`` it: ``engagement``, ``scores``
    (:func:`~valuekit.analysis.scores.score_codes`), ``thing_scores`` (:func:`~valuekit.analysis.scores.score_things`),
    ``agreement`` (:func:`~valuekit.analysis.fragmentation.agreement_by_perspective`), ``priorities``, ``change``
    (:func:`~valuekit.analysis.change.compare_cycles` from ``previous_cycle``) and ``mirror_gaps`` (by level and
    function only). The rest are :class:`~valuekit.analysis.overview.Analysis`'s own.
    """

    relationship_id: str
    cycle_id: str
    previous_cycle: str | None
    cycles: tuple[str, ...]
    relationship: dict[str, Any]
    parties: pd.DataFrame
    levels: tuple[str, ...]
    functions: tuple[str, ...]
    codes: pd.DataFrame
    code_things: dict[str, str]
    things: pd.DataFrame
    engagement: dict[tuple[str, ...], pd.DataFrame]
    scores: dict[tuple[str, ...], pd.DataFrame]
    thing_scores: dict[tuple[str, ...], pd.DataFrame]
    agreement: dict[tuple[str, ...], pd.DataFrame]
    priorities: dict[tuple[str, ...], pd.DataFrame]
    mirror_gaps: dict[tuple[str, ...], pd.DataFrame]
    change: dict[tuple[str, ...], pd.DataFrame] | None
    action_effects: pd.DataFrame | None
    fragmentation: pd.DataFrame
    findings: pd.DataFrame | None
    themes: Any | None
    stamp: dict[str, Any]
    k: int
    k_comments: int

    @property
    def party_names(self) -> dict[str, str]:
        return dict(zip(self.parties["party_id"], self.parties["name"], strict=True))


@dataclass(frozen=True)
class PortfolioView:
    """The portfolio dashboard's tables for one kind of cycle compared (``None``: each one's latest)."""

    cycle_kind: str | None
    reference_date: str
    relationships: pd.DataFrame
    scores: pd.DataFrame
    segments: pd.DataFrame
    best: pd.DataFrame
    start: pd.DataFrame
    roles: pd.DataFrame
    things: pd.DataFrame
    stamp: dict[str, Any] = field(default_factory=dict)


def cycles_with_responses(store: Store, relationship_id: str) -> list[str]:
    """The relationship's cycles that have responses, in sequence order."""
    info = store.info()
    rows = info[(info["relationship_id"] == relationship_id) & (info["responses"] > 0)]
    order = store.cycle_ids(relationship_id)
    return [c for c in order if c in set(rows["cycle_id"])]


def build_relationship_view(
    store: Store, relationship_id: str, cycle_id: str | None = None, *, privacy: Privacy = DEFAULT_PRIVACY
) -> RelationshipView:
    """Compute the view of one relationship × cycle (``None``: its latest cycle with responses).

    Raises
    ------
    NotFoundError
        No such relationship, or no such cycle with responses (the message lists those there are).
    """
    store.require_relationship(relationship_id)
    cycles = cycles_with_responses(store, relationship_id)
    if not cycles:
        raise NotFoundError(
            "cycle with responses", cycle_id or "any", [], where=f"relationship {relationship_id!r}"
        )
    cycle = cycle_id or cycles[-1]
    if cycle not in cycles:
        raise NotFoundError("cycle with responses", cycle, cycles, where=f"relationship {relationship_id!r}")
    full = load_relationship(store, relationship_id)
    kw = {"privacy": privacy}
    with sharing(), store_gate_cache(store.path):
        result = analyse(full, relationship_id, cycle, privacy=privacy)
        data, prev = result.data, result.stamp["previous_cycle"]
        per = {
            "engagement": {by: engagement(data, list(by), **kw) for by in SUBSETS},
            "scores": {by: score_codes(data, list(by), **kw) for by in SUBSETS},
            "thing_scores": {by: score_things(data, list(by), **kw) for by in SUBSETS},
            "agreement": {by: agreement_by_perspective(data, list(by), **kw) for by in SUBSETS},
            "priorities": {by: priorities(data, list(by), **kw) for by in SUBSETS},
            "mirror_gaps": {by: mirror_gaps(data, list(by), **kw) for by in MIRROR_SUBSETS},
            "change": {by: compare_cycles(full, prev, cycle, by=list(by), **kw) for by in SUBSETS}
            if prev
            else None,
        }
    for tables in per.values():  # the gate's logs ride along in attrs; pandas deep-copies them on every step
        for table in (tables or {}).values():
            table.attrs = {}
    invited = data.invitations
    present = set(invited["common_level"].dropna())
    codes = data.codes[
        ["code_id", "position", "thing_that_matters", "thing_that_matters_name", "title", "about"]
    ]
    every = data.template.codes_frame()
    rel = data.relationship
    return RelationshipView(
        relationship_id=relationship_id,
        cycle_id=cycle,
        previous_cycle=prev,
        cycles=tuple(cycles),
        relationship={
            "name": str(rel["name"]),
            "sector": str(rel["sector"]),
            "annual_value_m": float(rel["annual_value_m"]),
            "start_date": pd.Timestamp(rel["start_date"]),
            "end_date": pd.Timestamp(rel["end_date"]),
            "other_initiatives": bool(rel["other_initiatives"]),
        },
        parties=data.parties[["party_id", "name", "side"]].reset_index(drop=True),
        levels=tuple(lv for lv in COMMON_LEVELS if lv in present),
        functions=tuple(sorted(invited["common_function"].dropna().unique())),
        codes=codes.reset_index(drop=True),
        code_things=dict(zip(every["code_id"], every["thing_that_matters"], strict=True)),
        things=codes[["thing_that_matters", "thing_that_matters_name"]].drop_duplicates(ignore_index=True),
        **per,
        action_effects=_bare(result.action_effects),
        fragmentation=_bare(result.fragmentation),
        findings=_bare(result.findings),
        themes=result.themes,
        stamp={**result.stamp, "fingerprint": store.fingerprint(relationship_id)},
        k=privacy.k,
        k_comments=privacy.k_comments,
    )


def _bare(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """The table without its ``attrs`` (the gate's log, which pandas would copy on every selection)."""
    if table is not None:
        table = table.copy()
        table.attrs = {}
    return table


def relationship_view(
    relationship_id: str,
    cycle_id: str | None = None,
    *,
    store_path: str | os.PathLike | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
    cache: bool = True,
) -> RelationshipView:
    """The view of one relationship × cycle, from the cache when the data and code have not changed.

    The store is opened read-only only for as long as it takes (a fingerprint, or the computation), so that
    open dashboards never keep ``valuekit import`` from writing to it.
    """
    path = ensure_sample_store(store_path)
    with Store(path, read_only=True) as store:
        store.require_relationship(relationship_id)
        cycles = cycles_with_responses(store, relationship_id)
        cycle = cycle_id or (cycles[-1] if cycles else None)
        key = {
            "relationship": relationship_id,
            "cycle": cycle,
            "fingerprint": store.fingerprint(relationship_id),
            "k": privacy.k,
            "k_comments": privacy.k_comments,
        }
        folder = cache_dir(path) if cache else None
        return cached(
            folder,
            "relationship",
            (relationship_id, str(cycle)),
            key,
            lambda: build_relationship_view(store, relationship_id, cycle, privacy=privacy),
        )


def build_portfolio_view(
    store: Store,
    *,
    cycle_kind: str | None = None,
    reference_date: str | date | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> PortfolioView:
    """Compute the portfolio's tables, as ``notebooks/04_portfolio`` does, for one kind of cycle compared."""
    ref = str(pd.Timestamp(reference_date or date.today()).date())
    with store_gate_cache(store.path):
        return _portfolio(store, cycle_kind, ref, privacy)


def _portfolio(store: Store, cycle_kind: str | None, ref: str, privacy: Privacy) -> PortfolioView:
    scores = _bare(portfolio_scores(store, cycle_kind=cycle_kind, privacy=privacy))
    names = scores[["thing_that_matters", "thing_that_matters_name"]].drop_duplicates(ignore_index=True)
    return PortfolioView(
        cycle_kind=cycle_kind,
        reference_date=ref,
        relationships=store.read("relationships")[
            ["relationship_id", "name", "sector", "annual_value_m", "end_date", "other_initiatives"]
        ],
        scores=scores,
        segments=_bare(segment_relationships(scores)),
        best=_bare(best_practice(store, scores, privacy=privacy)),
        start=_bare(where_to_start(store, reference_date=ref, cycle_kind=cycle_kind, privacy=privacy)),
        roles=change_role_risks(store),
        things=names,
        stamp={"data_fingerprint": store.fingerprint(), "k": privacy.k, "reference_date": ref},
    )


def portfolio_view(
    *,
    cycle_kind: str | None = None,
    reference_date: str | date | None = None,
    store_path: str | os.PathLike | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
    cache: bool = True,
) -> PortfolioView:
    """The portfolio view, from the cache when nothing it depends on has changed."""
    path = ensure_sample_store(store_path)
    ref = str(pd.Timestamp(reference_date or date.today()).date())
    with Store(path, read_only=True) as store:
        key = {
            "cycle_kind": cycle_kind,
            "reference_date": ref,
            "fingerprint": store.fingerprint(),
            "k": privacy.k,
        }
        return cached(
            cache_dir(path) if cache else None,
            "portfolio",
            (cycle_kind or "latest",),
            key,
            lambda: build_portfolio_view(store, cycle_kind=cycle_kind, reference_date=ref, privacy=privacy),
        )


def rows(table: pd.DataFrame, values: Mapping[str, str]) -> pd.DataFrame:
    """The rows of a per-perspective table whose columns equal ``values``."""
    mask = pd.Series(True, index=table.index)
    for col, value in values.items():
        mask &= table[col] == value
    return table[mask]
