"""The whole analysis of one relationship × cycle in one call: what notebooks, reports and dashboards start from.

:func:`analyse` loads the relationship once and runs every question of DESIGN.md on it — engagement, scores,
agreement and fragmentation, gaps, priorities, change since the previous cycle, themes and findings — each
through the one privacy gate, exactly as the functions it calls would on their own (it adds no statistics).
Tables asked for more than once (the findings re-read agreement, gaps and priorities) are computed once
(:mod:`valuekit.analysis._shared`). The result says where it came from: relationship, cycle, template, a
fingerprint of the stored data and the valuekit version (:attr:`Analysis.stamp`).

Given a store file, the privacy gate keeps the suppression patterns it solves in ``cache/gate/`` beside it, so
the next process to analyse the same data (a batch report, a reopened notebook) reads them instead of solving
again; :mod:`valuekit.analysis._gate_cache` says how to move or turn off that cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from .._version import __version__
from ..config import Privacy
from ..errors import ValuekitError
from ..store import Store
from ._gate_cache import store_gate_cache
from ._shared import sharing
from .change import action_effects, compare_cycles
from .data import RelationshipData, load_relationship, select_cycle
from .engagement import engagement
from .fragmentation import agreement_by_perspective, fragmentation_index
from .gaps import level_gaps, mirror_gaps
from .priorities import neglected_things, priorities
from .privacy import suppression_log
from .scores import distribution, score_codes, score_things

__all__ = ["Analysis", "analyse"]

#: The perspective the "by perspective" tables use: each side's senior leadership, middle management, front line.
SIDE_LEVEL = ("side", "common_level")


@dataclass(frozen=True)
class Analysis:
    """Every table of one relationship × cycle, each already through the privacy gate.

    Attributes
    ----------
    stamp
        Where the numbers come from: ``relationship``, ``cycle``, ``previous_cycle`` (or ``None``),
        ``template`` (``id@version``), ``fingerprint`` (:meth:`~valuekit.store.Store.fingerprint` of the
        relationship's stored data; ``None`` when :func:`analyse` was given data rather than a store),
        ``valuekit_version``, and the thresholds ``k`` and ``k_comments``.
    data
        The cycle's :class:`~valuekit.analysis.data.RelationshipData`, for anything not precomputed here.
    engagement
        :func:`~valuekit.analysis.engagement.engagement` by party × common level, with subtotals.
    scores, scores_by_side_level
        :func:`~valuekit.analysis.scores.score_codes` for the whole community and by side × common level.
    things
        :func:`~valuekit.analysis.scores.score_things` for the whole community.
    distribution
        :func:`~valuekit.analysis.scores.distribution` (five rows per Value Code) for the whole community.
    agreement, agreement_by_level
        :func:`~valuekit.analysis.fragmentation.agreement_by_perspective` by side × common level, and by common
        level across both parties.
    fragmentation, fragmentation_detail
        :func:`~valuekit.analysis.fragmentation.fragmentation_index` by side × common level: the one-row summary
        and the per-Value-Code detail.
    mirror_gaps, level_gaps
        :func:`~valuekit.analysis.gaps.mirror_gaps` (whole community) and
        :func:`~valuekit.analysis.gaps.level_gaps` (senior leadership against the front line, both parties).
    priorities, neglected
        :func:`~valuekit.analysis.priorities.priorities` and :func:`~valuekit.analysis.priorities.neglected_things`.
    change, action_effects
        :func:`~valuekit.analysis.change.compare_cycles` and :func:`~valuekit.analysis.change.action_effects`
        from ``stamp["previous_cycle"]``; ``None`` when there is no previous cycle.
    themes
        :func:`~valuekit.analysis.themes.extract_themes` of the cycle's comments; ``None`` without comments or
        when not asked for.
    findings
        :func:`~valuekit.analysis.findings.findings`, ranked statements; ``None`` if this valuekit has none.
    suppression_log
        :func:`~valuekit.analysis.privacy.suppression_log` over every table above: what was hidden and why.
    """

    stamp: dict[str, Any]
    data: RelationshipData
    engagement: pd.DataFrame
    scores: pd.DataFrame
    scores_by_side_level: pd.DataFrame
    things: pd.DataFrame
    distribution: pd.DataFrame
    agreement: pd.DataFrame
    agreement_by_level: pd.DataFrame
    fragmentation: pd.DataFrame
    fragmentation_detail: pd.DataFrame
    mirror_gaps: pd.DataFrame
    level_gaps: pd.DataFrame
    priorities: pd.DataFrame
    neglected: pd.DataFrame
    change: pd.DataFrame | None
    action_effects: pd.DataFrame | None
    themes: Any | None
    findings: pd.DataFrame | None
    suppression_log: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table present, by name (not the stamp, data, themes or missing parts)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if isinstance(getattr(self, f.name), pd.DataFrame)
        }

    def __repr__(self) -> str:
        s = self.stamp
        shown = ", ".join(f"{name} ({len(t)})" for name, t in self.tables().items())
        return (
            f"<Analysis {s['relationship']!r} {s['cycle']!r} (template {s['template']}, data {s['fingerprint']}): "
            f"{shown}>"
        )


def analyse(
    store_or_data: Store | RelationshipData,
    relationship_id: str | None = None,
    cycle_id: str | None = None,
    *,
    privacy: Privacy = Privacy(),  # noqa: B008 - frozen, so safe as a default
    previous_cycle: str | None = "auto",
    themes: bool = True,
    timings: dict[str, float] | None = None,
) -> Analysis:
    """Run every analysis of one relationship × cycle.

    Parameters
    ----------
    store_or_data
        An open :class:`~valuekit.store.Store`, or data already loaded with
        :func:`~valuekit.analysis.data.load_relationship` (every cycle, or the one to analyse).
    relationship_id
        The relationship; may be left out when the store holds only one (or when data is given).
    cycle_id
        The cycle; ``None`` is the relationship's latest (the last in sequence).
    privacy
        The thresholds every table is gated with.
    previous_cycle
        What ``change`` and ``action_effects`` compare with: ``"auto"`` the cycle just before ``cycle_id``
        (none for the first), a cycle id, or ``None`` for no comparison.
    themes
        Extract themes from the cycle's comments (the slowest step; off for a quick look).
    timings
        A dict to fill with the seconds each step took (``"load"``, ``"scores"`` …), for benchmarks.

    Returns
    -------
    Analysis

    Raises
    ------
    NotFoundError
        The relationship or a cycle does not exist (the message lists those that do).
    ValuekitError
        No relationship named while the store holds several, a previous cycle that does not come before
        ``cycle_id``, or data for one cycle given where another (or a comparison) needs every cycle.

    Examples
    --------
    >>> from valuekit.store import Store
    >>> from valuekit.analysis.overview import analyse
    >>> result = analyse(Store(path, read_only=True), "harbourside-northwind", "dissolve-1")  # doctest: +SKIP
    >>> result.stamp["template"], len(result.scores)  # doctest: +SKIP
    ('client-supplier@1.0.0', 35)
    >>> result.change.query("significant")[["code_after", "change"]]  # doctest: +SKIP
    """
    clock = _Clock(timings)
    with clock("load"):
        full, data, fingerprint_of = _load(store_or_data, relationship_id, cycle_id)
    prev = _previous(full, data, previous_cycle)
    with clock("fingerprint"):
        fingerprint = fingerprint_of() if fingerprint_of else None
    stamp = {
        "relationship": data.relationship_id,
        "cycle": data.cycle_id,
        "previous_cycle": prev,
        "template": data.template.label,
        "fingerprint": fingerprint,
        "valuekit_version": __version__,
        "k": privacy.k,
        "k_comments": privacy.k_comments,
    }
    kw = {"privacy": privacy}
    parts: dict[str, Any] = {"stamp": stamp, "data": data}
    store_path = store_or_data.path if isinstance(store_or_data, Store) else None
    with sharing(), store_gate_cache(store_path):
        with clock("engagement"):
            parts["engagement"] = engagement(data, **kw)
        with clock("scores"):
            parts["scores"] = score_codes(data, **kw)
            parts["scores_by_side_level"] = score_codes(data, SIDE_LEVEL, **kw)
            parts["things"] = score_things(data, **kw)
            parts["distribution"] = distribution(data, **kw)
        with clock("agreement"):
            parts["agreement"] = agreement_by_perspective(data, SIDE_LEVEL, **kw)
            parts["agreement_by_level"] = agreement_by_perspective(data, "common_level", **kw)
        with clock("fragmentation"):
            parts["fragmentation"], parts["fragmentation_detail"] = fragmentation_index(
                data, by=SIDE_LEVEL, **kw
            )
        with clock("gaps"):
            parts["mirror_gaps"] = mirror_gaps(data, **kw)
            parts["level_gaps"] = level_gaps(data, **kw)
        with clock("priorities"):
            parts["priorities"] = priorities(data, **kw)
            parts["neglected"] = neglected_things(data, **kw)
        with clock("change"):
            both = {"before": prev, "after": data.cycle_id, **kw}
            parts["change"] = compare_cycles(full, **both) if prev else None
            parts["action_effects"] = action_effects(full, **both) if prev else None
        with clock("themes"):
            parts["themes"] = _themes(data, privacy) if themes and len(data.comments) else None
        with clock("findings"):
            parts["findings"] = _findings(full, data, prev, privacy)
    gated = [t for t in parts.values() if isinstance(t, pd.DataFrame)]
    parts["suppression_log"] = suppression_log(*gated)
    return Analysis(**parts)


class _Clock:
    """``with clock("step"):`` adds the step's seconds to ``timings`` (when there is one)."""

    def __init__(self, timings: dict[str, float] | None):
        self.timings, self.step = timings, ""

    def __call__(self, step: str) -> _Clock:
        self.step = step
        return self

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc) -> None:
        if self.timings is not None:
            self.timings[self.step] = self.timings.get(self.step, 0.0) + time.perf_counter() - self.started


def _load(
    source: Store | RelationshipData, relationship_id: str | None, cycle_id: str | None
) -> tuple[RelationshipData, RelationshipData, Callable[[], str] | None]:
    """(every cycle loaded — or the one given —, the cycle to analyse, how to fingerprint the stored data)."""
    if isinstance(source, RelationshipData):
        if relationship_id is not None and relationship_id != source.relationship_id:
            raise ValuekitError(
                f"the data given is relationship {source.relationship_id!r}, not {relationship_id!r}"
            )
        if source.cycle_id is not None:
            if cycle_id not in (None, source.cycle_id):
                select_cycle(source, cycle_id)  # raises, saying every cycle is needed
            return source, source, None
        return source, select_cycle(source, cycle_id or _latest(source)), None
    if not isinstance(source, Store):
        raise ValuekitError(
            f"analyse() reads a Store or data from load_relationship(); got {type(source).__name__}"
        )
    if relationship_id is None:
        stored = source.relationship_ids()
        if len(stored) != 1:
            raise ValuekitError(
                f"name the relationship to analyse: the store {source.path} holds {len(stored)} "
                f"({', '.join(stored) or 'none'})"
            )
        relationship_id = stored[0]
    source.require_relationship(relationship_id)
    if cycle_id is not None:
        source.require_cycle(relationship_id, cycle_id)
    reads = _ReadOnce(source)
    full = load_relationship(reads, relationship_id)  # type: ignore[arg-type] - a Store whose reads are kept
    rid = relationship_id
    return full, select_cycle(full, cycle_id or _latest(full)), lambda: Store.fingerprint(reads, rid)


class _ReadOnce:
    """The store, with each table read once: loading every cycle and fingerprinting read the same tables."""

    def __init__(self, store: Store):
        self._store, self._reads = store, {}

    def read(
        self, table: str, relationship_id: str | None = None, cycle_id: str | None = None
    ) -> pd.DataFrame:
        key = (table, relationship_id, cycle_id)
        if key not in self._reads:
            self._reads[key] = self._store.read(table, relationship_id, cycle_id)
        return self._reads[key].copy()  # each reader its own frame

    def __getattr__(self, name: str):
        return getattr(self._store, name)


def _latest(data: RelationshipData) -> str:
    cycles = list(data.cycles["cycle_id"])
    if not cycles:
        raise ValuekitError(f"relationship {data.relationship_id!r} has no cycles yet; import one first")
    return cycles[-1]


def _previous(full: RelationshipData, data: RelationshipData, previous: str | None) -> str | None:
    """The cycle to compare with, checked: it must come before the analysed one."""
    if previous is None:
        return None
    if full.cycle_id is not None:  # only one cycle was given
        if previous == "auto":
            return None
        raise ValuekitError(
            f"comparing with {previous!r} needs every cycle of relationship {data.relationship_id!r}: "
            f"pass load_relationship(store, {data.relationship_id!r}) or the store"
        )
    order = list(full.cycles["cycle_id"])
    here = order.index(data.cycle_id)
    if previous == "auto":
        return order[here - 1] if here else None
    select_cycle(full, previous)  # a NotFoundError listing the cycles, if it is not one
    if order.index(previous) >= here:
        raise ValuekitError(
            f"previous_cycle={previous!r} does not come before {data.cycle_id!r} "
            f"(cycle order: {', '.join(order)})"
        )
    return previous


def _themes(data: RelationshipData, privacy: Privacy):
    from .themes import extract_themes, known_from_template

    names = list(data.parties["name"])
    known = known_from_template(data.template, codes=data.codes["code_id"])  # the cycle's words, too
    return extract_themes(data.comments, known=known, privacy=privacy, keep=names, stop_words=names)


def _findings(full: RelationshipData, data: RelationshipData, prev: str | None, privacy: Privacy):
    try:
        from .findings import findings
    except ImportError:  # a valuekit without findings
        return None
    if prev is None:
        previous = None
    else:  # every cycle, when comparing with the cycle just before; else only the one asked for
        order = list(full.cycles["cycle_id"])
        just_before = order.index(prev) == order.index(data.cycle_id) - 1
        previous = full if just_before else select_cycle(full, prev)
    return findings(data, previous=previous, privacy=privacy)
