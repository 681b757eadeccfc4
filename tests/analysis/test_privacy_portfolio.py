"""The privacy gate, checked from outside, for the portfolio: benchmarks, segments, best practice, where to start.

Over random portfolios of three small relationships (test_privacy_findings' strategy, with random terms and
change roles), every shown count is checked against a count worked out here with plain pandas and must be at
least k; hidden scores show no number; and what is built on the scores — percentile ranks, segments, best
practice — reads only shown scores: it does not change when a hidden score does, whatever it were. The
portfolio's tables show one group per relationship and measure (its whole community), and relationships share
no respondents, so nothing can be worked out by subtraction between them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import percentileofscore

from valuekit.analysis.data import load_relationship
from valuekit.analysis.fragmentation import fragmentation_index
from valuekit.analysis.portfolio import (
    best_practice,
    change_role_risks,
    portfolio_scores,
    segment_relationships,
    where_to_start,
)
from valuekit.config import Privacy

from .test_privacy_findings import CYCLES, RICH, THINGS, _store, relationship_tables, template_folder  # noqa: F401

# -- the portfolio --------------------------------------------------------------------------------------------
RIDS = ("rel-a", "rel-b", "rel-c")


@st.composite
def portfolios(draw) -> dict[str, pd.DataFrame]:
    """Three random relationships, with random terms and change roles."""
    parts: dict[str, list[pd.DataFrame]] = {}
    for rid in RIDS:
        t = draw(relationship_tables(rid))
        t["relationships"] = t["relationships"].assign(
            annual_value_m=float(draw(st.integers(1, 50))),
            end_date=pd.Timestamp("2026-11-01") + pd.Timedelta(days=draw(st.integers(30, 2000))),
            other_initiatives=draw(st.booleans()),
        )
        filled = draw(st.lists(st.booleans(), min_size=3, max_size=3))
        t["change_roles"] = pd.DataFrame(
            [(rid, role, f, "acme" if f else None)
             for role, f in zip(("change_champion", "transformational_leader", "change_stabilizer"), filled,
                                strict=True)],
            columns=["relationship_id", "role", "filled", "party_id"],
        )  # fmt: skip
        for name, frame in t.items():
            parts.setdefault(name, []).append(frame)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}


def _latest(responses: pd.DataFrame, rid: str) -> str | None:
    cycles = [
        c for c in CYCLES if ((responses["relationship_id"] == rid) & (responses["cycle_id"] == c)).any()
    ]
    return cycles[-1] if cycles else None


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=portfolios(), k=st.sampled_from([3, 5]))
def test_portfolio_shows_no_group_below_k_and_reads_only_shown_scores(tables, k):
    store, privacy = _store(tables), Privacy(k=k)
    responses = tables["responses"]
    rated = responses[responses["rating"].notna()]

    scores = portfolio_scores(store, privacy=privacy)
    hidden = scores["suppressed"].to_numpy(bool)
    assert scores.loc[hidden, ["n", "mean", "benchmark", "rank"]].isna().all().all()
    for row in scores.itertuples():
        assert row.cycle_id == _latest(responses, row.relationship_id)
        mine = rated[(rated["relationship_id"] == row.relationship_id) & (rated["cycle_id"] == row.cycle_id)]
        people = mine.loc[
            mine["code_id"].isin(THINGS[row.cycle_id][row.thing_that_matters]), "participant_id"
        ]
        if not row.suppressed:
            assert row.n == people.nunique() >= k, row
    shown = scores[~hidden]
    for _, rows in shown.groupby("thing_that_matters"):  # ranked among shown scores only
        expected = [percentileofscore(rows["mean"], m, kind="mean") for m in rows["mean"]]
        assert np.allclose(rows["benchmark"], expected) and (rows["n_ranked"] == len(rows)).all()

    # segments and best practice read shown scores only: a hidden score, whatever it were, changes nothing
    garbled = scores.copy()
    garbled.loc[hidden, ["n", "mean"]] = [999, 1.0]
    segments = segment_relationships(scores)
    pd.testing.assert_frame_equal(segments, segment_relationships(garbled))
    assert set(segments["relationship_id"]) == set(shown["relationship_id"])
    best = best_practice(store, scores, privacy=privacy)
    pd.testing.assert_frame_equal(best, best_practice(store, garbled, privacy=privacy))
    assert (best["n"].astype(float) >= k).all()
    assert set(zip(best["relationship_id"], best["thing_that_matters"], strict=True)) <= set(
        zip(shown["relationship_id"], shown["thing_that_matters"], strict=True)
    )

    start = where_to_start(store, reference_date="2026-11-01", privacy=privacy).set_index("relationship_id")
    for rid in RIDS:
        row, cycle = start.loc[rid], _latest(responses, rid)
        mine = rated[(rated["relationship_id"] == rid) & (rated["cycle_id"] == cycle)]
        n = mine["participant_id"].nunique()
        if pd.isna(row["n_respondents"]):  # hidden: no overall number at all, and the text says so
            assert pd.isna(row["mean"]) and pd.isna(row["share_failing_struggling"])
            assert "no overall scores can be shown" in row["why"]
        else:
            assert row["n_respondents"] == n >= k
            assert np.isclose(row["mean"], mine["rating"].astype(float).mean())
    roles = change_role_risks(store)
    assert not {"n", "n_respondents", "mean"} & set(roles.columns), "change roles say nothing about people"


@pytest.mark.parametrize("k", [3, 5])
def test_where_to_start_fragmentation_reads_shown_groups_only(k):
    """The fragmentation part of the struggling criterion is the gated fragmentation index of the cycle."""
    store = _store(RICH)
    start = where_to_start(store, reference_date="2026-11-01", privacy=Privacy(k=k)).iloc[0]
    data = load_relationship(store, "rel-a", "dissolve-1")
    summary = fragmentation_index(data, privacy=Privacy(k=k))[0].iloc[0]
    assert start["fragmentation_index"] == pytest.approx(summary["fragmentation_index"], nan_ok=True)
