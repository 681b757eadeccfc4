"""Engagement: invited, responded, rates, totals, the under-represented rule, and privacy."""

from __future__ import annotations

import pandas as pd
import pytest

from valuekit.analysis.data import load_relationship
from valuekit.analysis.engagement import ENGAGEMENT_COLUMNS, engagement
from valuekit.analysis.perspectives import ALL
from valuekit.analysis.privacy import suppression_log
from valuekit.errors import NotFoundError, ValuekitError

from .conftest import REL

#: (party, side, level) → (invited, responded); every cell has at least 5 respondents
CELLS = {
    ("acme", "client", "senior_leadership"): (8, 6),
    ("acme", "client", "middle_management"): (10, 8),
    ("acme", "client", "front_line"): (20, 10),
    ("bolt", "supplier", "senior_leadership"): (6, 6),
    ("bolt", "supplier", "middle_management"): (10, 5),
    ("bolt", "supplier", "front_line"): (14, 13),
}


@pytest.fixture
def invitations() -> pd.DataFrame:
    rows = []
    for (party, side, level), (invited, responded) in CELLS.items():
        for i in range(invited):
            rows.append((f"{party}-{level}-{i}", party, side, level, "operations", i < responded))
    cols = ["participant_id", "party_id", "side", "common_level", "common_function", "responded"]
    return pd.DataFrame(rows, columns=cols)


def test_counts_rates_and_totals_by_hand(invitations):
    out = engagement(invitations)
    assert list(out.columns) == ["party_id", "common_level", "group", *ENGAGEMENT_COLUMNS]
    assert out[["party_id", "common_level"]].values.tolist() == [
        ["acme", "senior_leadership"], ["acme", "middle_management"], ["acme", "front_line"], ["acme", ALL],
        ["bolt", "senior_leadership"], ["bolt", "middle_management"], ["bolt", "front_line"], ["bolt", ALL],
        [ALL, ALL],
    ]  # fmt: skip
    assert out["row_type"].tolist() == ["group"] * 3 + ["subtotal"] + ["group"] * 3 + ["subtotal", "total"]
    assert out["invited"].tolist() == [8, 10, 20, 38, 6, 10, 14, 30, 68]
    assert out["responded"].tolist() == [6, 8, 10, 24, 6, 5, 13, 24, 48]
    expected = [6 / 8, 8 / 10, 10 / 20, 24 / 38, 1.0, 5 / 10, 13 / 14, 24 / 30, 48 / 68]
    assert out["response_rate"].tolist() == pytest.approx(expected)
    assert not out["suppressed"].any()
    assert out["group"].tolist()[:4] == [
        "Acme senior leadership", "Acme middle management", "Acme front line", "Acme",
    ]  # fmt: skip
    assert out["group"].iloc[-1] == "Whole community"


def test_under_represented_rule(invitations):
    # overall rate 48/68 = 0.706; the bar is max(0.75 × 0.706, 0.30) = 0.529
    out = engagement(invitations).set_index(["party_id", "common_level"])
    flagged = out.index[out["under_represented"].astype(bool)].tolist()
    assert flagged == [("acme", "front_line"), ("bolt", "middle_management")]
    # the floor: when everyone responds poorly, 30 % is still the bar
    low = invitations.assign(responded=invitations.index % 4 == 0)  # 25 % everywhere
    assert engagement(low, "party_id")["under_represented"].all()


def test_filter_and_other_perspectives(invitations):
    client = engagement(invitations, "common_level", where={"side": "client"})
    assert client["group"].tolist() == [
        "Client senior leadership", "Client middle management", "Client front line", "Client",
    ]  # fmt: skip
    assert client["invited"].tolist() == [8, 10, 20, 38]
    overall = engagement(invitations, None)
    assert overall[["row_type", "invited", "responded"]].values.tolist() == [["total", 68, 48]]
    sides = engagement(invitations, "side")
    assert sides["side"].tolist() == ["client", "supplier", ALL]


def test_small_groups_show_no_number_at_all(invitations):
    few = invitations[
        ~((invitations["party_id"] == "bolt") & (invitations["common_level"] == "senior_leadership"))
    ]
    few = pd.concat(
        [few, invitations.iloc[[0]].assign(participant_id="x1", party_id="bolt", side="supplier")]
    )
    out = engagement(few).set_index(["party_id", "common_level"])
    row = out.loc[("bolt", "senior_leadership")]
    assert row["suppressed"]
    assert row[["invited", "responded", "response_rate", "under_represented"]].isna().all()
    assert row["suppressed_reason"] == "fewer than 5 respondents, or would reveal a group that small"
    hidden = out[out["suppressed"]]
    assert len(hidden) >= 2, "a lone hidden cell would be its subtotal minus its siblings"
    log = suppression_log(out)
    assert (log["what"] == "engagement").all() and "primary" in set(log["rule"])


def test_errors_and_empty(invitations):
    with pytest.raises(NotFoundError, match="perspective column 'party'"):
        engagement(invitations, "party")
    empty = engagement(invitations.iloc[0:0])
    assert empty.empty and list(empty.columns) == ["party_id", "common_level", "group", *ENGAGEMENT_COLUMNS]


def test_engagement_from_a_loaded_relationship(store):
    data = load_relationship(store, REL, "solve")
    out = engagement(data)
    total = out[out["row_type"] == "total"].iloc[0]
    assert total["invited"] == 48 and total["responded"] == data.invitations["responded"].sum()
    assert out.loc[~out["suppressed"], "responded"].min() >= 5
    assert out["group"].iloc[0] == "Acme Bank senior leadership"
    every = load_relationship(store, REL)
    with pytest.raises(ValuekitError, match="pass cycle="):
        engagement(every)
    assert engagement(every, cycle="dissolve-1")["invited"].iloc[-1] == 48
