"""Filters: which rows of a :class:`~._view.RelationshipView` each tile shows — selection only, never arithmetic.

A stakeholder narrows the view to one party, one common level, one common function and one Thing That Matters
(each, or all). The *selected group* is the perspective those choices fix — "Harbourside Borough Council",
"Both parties' middle management – finance", the whole community — and is one row of the table computed by
exactly those columns. Tiles that compare groups (the heat map, engagement, agreement) show the groups of
party × common level (× common function, when one is chosen) inside the selection. Every number shown is a
value of a gated table; nothing is added up, subtracted or recomputed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..analysis.perspectives import ALL, group_label
from ..schemas import COMMON_LEVELS
from ._view import FILTERS, RelationshipView

__all__ = [
    "ALL",
    "Filters",
    "selected_label",
    "columns_of",
    "matching",
    "selected_engagement",
    "engagement_rows",
    "heat_scores",
    "thing_rows",
    "agreement_rows",
    "mirror_rows",
    "priority_rows",
    "change_rows",
    "action_rows",
    "finding_rows",
    "DEPENDS",
]

#: The filters each tile reads, so that a change redraws only the tiles that depend on it.
DEPENDS: dict[str, frozenset[str]] = {
    "summary": frozenset({"party", "level", "function", "thing"}),
    "engagement": frozenset({"party", "level", "function"}),
    "things": frozenset({"party", "level", "function", "thing"}),
    "heatmap": frozenset({"party", "level", "function", "thing"}),
    "agreement": frozenset({"party", "level", "function", "thing"}),
    "mirror": frozenset({"level", "function", "thing"}),
    "priorities": frozenset({"party", "level", "function", "thing"}),
    "findings": frozenset({"thing"}),
    "themes": frozenset(),
    "change": frozenset({"party", "level", "function", "thing"}),
}


@dataclass(frozen=True)
class Filters:
    """One choice per filter: a ``party_id``, common level, common function, Thing That Matters, or ``"all"``."""

    party: str = ALL
    level: str = ALL
    function: str = ALL
    thing: str = ALL

    def fixed(self) -> dict[str, str]:
        """The perspective columns the choices fix, in :data:`~._view.FILTERS` order."""
        values = {"party_id": self.party, "common_level": self.level, "common_function": self.function}
        return {col: values[col] for col in FILTERS if values[col] != ALL}

    def by(self) -> tuple[str, ...]:
        """The perspective of the selected group: the fixed columns."""
        return tuple(self.fixed())

    def changed(self, other: Filters) -> set[str]:
        """The names of the filters that differ from ``other``."""
        return {
            name
            for name in ("party", "level", "function", "thing")
            if getattr(self, name) != getattr(other, name)
        }


def selected_label(view: RelationshipView, filters: Filters) -> str:
    """The selected group in words: ``"Harbourside Borough Council senior leadership"``, ``"Whole community"``."""
    return group_label(filters.fixed(), party_names=view.party_names, n_parties=len(view.parties))


def columns_of(filters: Filters) -> tuple[str, ...]:
    """The perspective of the groups compared side by side: party × level (× function when one is chosen)."""
    return (
        ("party_id", "common_level", "common_function")
        if filters.function != ALL
        else ("party_id", "common_level")
    )


def matching(table: pd.DataFrame, values: Mapping[str, str]) -> pd.DataFrame:
    """The rows of ``table`` whose columns equal ``values`` (columns it lacks are ignored)."""
    mask = pd.Series(True, index=table.index)
    for col, value in values.items():
        if col in table:
            mask &= table[col] == value
    return table[mask]


def _group_order(table: pd.DataFrame, view: RelationshipView, cols: tuple[str, ...]) -> pd.DataFrame:
    """Groups in the method's order: client party first, senior leadership first, functions alphabetically."""
    if table.empty:
        return table
    ranks = {
        "party_id": {p: i for i, p in enumerate(view.parties["party_id"])},
        "common_level": {lv: i for i, lv in enumerate(COMMON_LEVELS)},
        "common_function": {f: i for i, f in enumerate(sorted(view.functions))},
    }
    keys = pd.DataFrame({c: table[c].map(ranks[c]).fillna(99) for c in cols}, index=table.index)
    return table.loc[keys.sort_values(list(cols), kind="stable").index]


def _things(table: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    if filters.thing == ALL or "thing_that_matters" not in table:
        return table
    return table[table["thing_that_matters"] == filters.thing]


def selected_engagement(view: RelationshipView, filters: Filters) -> pd.Series | None:
    """The selected group's engagement row (invited, responded, response rate; or hidden, with the reason);
    ``None`` when nobody in it was invited to this cycle."""
    table = view.engagement[filters.by()]
    rows = matching(table, filters.fixed())
    rows = rows[rows["row_type"] == ("group" if filters.by() else "total")]
    return rows.iloc[0] if len(rows) else None


def engagement_rows(view: RelationshipView, filters: Filters) -> pd.DataFrame:
    """Engagement of each group inside the selection (party × level [× function]), in the method's order."""
    cols = columns_of(filters)
    table = view.engagement[cols]
    rows = matching(table[table["row_type"] == "group"], filters.fixed())
    return _group_order(rows, view, cols).reset_index(drop=True)


def heat_scores(view: RelationshipView, filters: Filters) -> tuple[pd.DataFrame, list[str]]:
    """The heat map's cells: Value Code × group, the selected group first.

    Returns
    -------
    (cells, groups)
        ``cells``: the score rows (``group``, ``code_id``, ``mean``, ``n``, ``suppressed``, ``suppressed_reason``
        …) of the selected group and of each group compared, for the Value Codes of the chosen Thing That
        Matters; ``groups``: the column order (group labels).
    """
    cols = columns_of(filters)
    parts = [matching(view.scores[filters.by()], filters.fixed())]
    groups = matching(view.scores[cols], filters.fixed())
    groups = _group_order(groups, view, cols)
    if set(filters.by()) != set(cols):  # the selected group is not itself one of the groups compared
        parts.append(groups)
    else:
        parts = [groups]
    cells = _things(pd.concat(parts, ignore_index=True), filters)
    order = list(dict.fromkeys(cells["group"]))
    return cells.reset_index(drop=True), order


def thing_rows(view: RelationshipView, filters: Filters) -> pd.DataFrame:
    """The selected group's score on each Thing That Matters (all of them: the chosen one is highlighted)."""
    return matching(view.thing_scores[filters.by()], filters.fixed()).reset_index(drop=True)


def agreement_rows(view: RelationshipView, filters: Filters) -> pd.DataFrame:
    """Agreement of the selected group and of each group compared, on the chosen Thing That Matters' codes."""
    cols = columns_of(filters)
    parts = [matching(view.agreement[filters.by()], filters.fixed())]
    if set(filters.by()) != set(cols):
        parts.append(matching(view.agreement[cols], filters.fixed()))
    return _things(pd.concat(parts, ignore_index=True), filters).reset_index(drop=True)


def mirror_rows(view: RelationshipView, filters: Filters) -> pd.DataFrame:
    """Mirror-pair gaps within the chosen level and function (a pair compares the parties: no party filter)."""
    fixed = {c: v for c, v in filters.fixed().items() if c != "party_id"}
    return _things(matching(view.mirror_gaps[tuple(fixed)], fixed), filters).reset_index(drop=True)


def priority_rows(view: RelationshipView, filters: Filters) -> pd.DataFrame:
    """The selected group's priorities (importance against performance), most urgent first, hidden ones last."""
    rows = _things(matching(view.priorities[filters.by()], filters.fixed()), filters)
    return rows.sort_values(["suppressed", "rank"], na_position="last", kind="stable").reset_index(drop=True)


def change_rows(view: RelationshipView, filters: Filters) -> pd.DataFrame | None:
    """The selected group's change per Value Code since the previous cycle; ``None`` without one."""
    if view.change is None:
        return None
    return _things(matching(view.change[filters.by()], filters.fixed()), filters).reset_index(drop=True)


def action_rows(view: RelationshipView, filters: Filters) -> pd.DataFrame | None:
    """The improvement actions read in this cycle, those on the chosen Thing That Matters' codes."""
    acts = view.action_effects
    if acts is None or filters.thing == ALL:
        return acts
    on = [
        any(view.code_things.get(c) == filters.thing for c in str(ids).split("|")) for ids in acts["code_ids"]
    ]
    return acts[on].reset_index(drop=True)


def finding_rows(view: RelationshipView, filters: Filters) -> pd.DataFrame | None:
    """The findings (about the whole relationship), on the chosen Thing That Matters only when one is chosen."""
    if view.findings is None:
        return None
    return _things(view.findings.sort_values("rank"), filters).reset_index(drop=True)
