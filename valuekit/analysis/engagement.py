"""Engagement: who was invited and who responded, by perspective (DESIGN.md, question 1).

Is the community engaged widely, or is the diagnostic the voice of a few? One row per group, then subtotals
and the overall total, with each group's response rate and a flag where a group is under-represented.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import Privacy
from ._shared import shared
from .data import RelationshipData, prepare
from .perspectives import ALL, label_groups, sort_groups
from .privacy import DEFAULT_PRIVACY, apply_gate, atom_counts

__all__ = ["engagement", "ENGAGEMENT_COLUMNS", "UNDER_REPRESENTED_RATIO", "UNDER_REPRESENTED_FLOOR"]

ENGAGEMENT_COLUMNS = [
    "row_type", "invited", "responded", "response_rate", "under_represented", "suppressed", "suppressed_reason",
]  # fmt: skip
#: A group is under-represented when its response rate is below this share of the overall rate …
UNDER_REPRESENTED_RATIO = 0.75
#: … or below this rate outright.
UNDER_REPRESENTED_FLOOR = 0.30


@shared
def engagement(
    data: RelationshipData | pd.DataFrame,
    by: str | Sequence[str] | None = ("party_id", "common_level"),
    *,
    where: Mapping[str, object] | None = None,
    cycle: str | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """Invited, responded and response rate per group, with subtotals and the overall total.

    Parameters
    ----------
    data
        A :class:`~valuekit.analysis.data.RelationshipData`, or a frame of invitations (``participant_id``,
        ``responded`` and the perspective columns).
    by
        Perspective columns, outermost first. Subtotals are added for each leading part of ``by`` (with
        ``("party_id", "common_level")``: each party, then everyone), marked by ``row_type`` ``"subtotal"``
        / ``"total"`` and :data:`~valuekit.analysis.perspectives.ALL` in the summed-over columns.
    where
        A filter, e.g. ``{"side": "client"}``.
    cycle
        The cycle, when ``data`` holds several.
    privacy
        ``privacy.k`` is the fewest respondents a shown row may have.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``group``, then :data:`ENGAGEMENT_COLUMNS`.

    Notes
    -----
    ``response_rate = responded / invited``. A row is ``under_represented`` when

    .. math:: \\text{rate} < \\max(0.75 \\times \\text{overall rate},\\ 0.30)

    where the overall rate is that of the total row (the whole filtered community). Both thresholds are
    module constants.

    Privacy: the sensitive count is ``responded``. A row with fewer than k respondents — and any row hidden
    to stop such a row being worked out by subtraction — shows no number at all, *invited* included: an
    invited count is an upper bound on the hidden responded count, and bounds on two hidden siblings whose
    sum is known can pin both down.

    Examples
    --------
    >>> inv = pd.DataFrame({"participant_id": [f"p{i}" for i in range(12)],
    ...                     "party_id": ["acme"] * 6 + ["bolt"] * 6,
    ...                     "responded": [True] * 5 + [False] + [True] * 6})
    >>> engagement(inv, by="party_id")[["party_id", "invited", "responded"]].values.tolist()
    [['acme', 6, 5], ['bolt', 6, 6], ['all', 12, 11]]
    """
    prep = prepare(data, "invitations", by=by, where=where, cycle=cycle)
    view = prep.view.assign(responded=prep.view["responded"].astype("bool"))
    parts = []
    for depth in range(len(prep.by), -1, -1):
        keys = prep.by[:depth]
        if keys:
            part = view.groupby(keys, sort=False, dropna=False)["responded"].agg(
                invited="size", responded="sum"
            )
            part = part.reset_index()
        else:
            part = pd.DataFrame({"invited": [len(view)], "responded": [int(view["responded"].sum())]})
            part = part.iloc[0:0] if view.empty else part
        for col in prep.by[depth:]:
            part[col] = ALL
        part["row_type"] = "total" if depth == 0 else ("group" if depth == len(prep.by) else "subtotal")
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table = table.reindex(columns=[*prep.by, "invited", "responded", "row_type"])
    table[["invited", "responded"]] = table[["invited", "responded"]].astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["response_rate"] = table["responded"] / table["invited"]
    overall = table.loc[table["row_type"] == "total", "response_rate"]
    bar = (
        max(UNDER_REPRESENTED_RATIO * float(overall.iloc[0]), UNDER_REPRESENTED_FLOOR)
        if len(overall)
        else 0.0
    )
    table["under_represented"] = table["response_rate"] < bar
    table = sort_groups(table, prep.by, prep.party_order)
    table["group"] = label_groups(
        table, prep.by, where=prep.where, party_names=prep.party_names, n_parties=prep.n_parties
    ).astype("str")
    atoms = atom_counts(prep.records, weight=prep.records["responded"].astype("bool"))
    numbers = ["invited", "responded", "response_rate", "under_represented"]
    table = table[[*prep.by, "group", *ENGAGEMENT_COLUMNS[:-2]]]
    gated = apply_gate(
        table,
        atoms,
        by=prep.by,
        where=prep.where,
        k=privacy.k,
        kind="engagement",
        what="engagement",
        blank=numbers,
    )
    return gated[[*prep.by, "group", *ENGAGEMENT_COLUMNS]]
