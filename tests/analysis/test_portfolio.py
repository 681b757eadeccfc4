"""The portfolio: benchmarks worked out by hand, segments, best practice, where to start, change roles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.stats import percentileofscore

from valuekit.analysis.data import load_relationship
from valuekit.analysis.fragmentation import fragmentation_index
from valuekit.analysis.portfolio import (
    BEST_PRACTICE_COLUMNS,
    ROLE_COLUMNS,
    SCORE_COLUMNS,
    SEGMENT_COLUMNS,
    START_COLUMNS,
    best_practice,
    change_role_risks,
    portfolio_scores,
    segment_relationships,
    where_to_start,
)
from valuekit.errors import NotFoundError, ValuekitError
from valuekit.sample import PLANTED, REFERENCE_DATE
from valuekit.store import Store

from ._portfolio_store import VACANT_ROLES, sample_store
from .conftest import TEMPLATE, build_relationship

#: relationship → (Trust rating, Speed rating) given by every respondent of dissolve-1, the latest cycle
RATINGS = {"rel-a": (2, 4), "rel-b": (3, 2), "rel-c": (3, 5), "rel-d": (4, 1), "rel-e": (5, 5)}
#: relationship → (annual value, end date, other initiatives)
TERMS = {
    "rel-a": (10.0, "2030-01-01", False),
    "rel-b": (40.0, "2030-01-01", True),
    "rel-c": (20.0, "2027-03-01", False),  # 120 days after the reference date: too little time left
    "rel-d": (20.0, "2028-11-01", False),  # 731 days
    "rel-e": (5.0, "2027-12-31", False),  # 425 days; only three respondents, so nothing about it is shown
}
ROLES = {  # relationship → (role, filled); rel-e records none
    "rel-a": [("change_champion", True), ("transformational_leader", True), ("change_stabilizer", True)],
    "rel-b": [("change_champion", False), ("transformational_leader", True), ("change_stabilizer", True)],
    "rel-c": [("change_champion", False), ("transformational_leader", False), ("change_stabilizer", True)],
    "rel-d": [("change_champion", True), ("transformational_leader", True)],
}
#: improvement actions of rel-d (the best on Trust): (id, Value Codes, raised in, status)
ACTIONS = [
    ("d1", "TRU-01", "solve", "done"),  # Trust, done, before dissolve-1: shown
    ("d2", "SPD-01|TRU-02", "solve", "done"),  # touches Trust through TRU-02: shown
    ("d3", "SPD-01", "solve", "done"),  # Speed only
    ("d4", "TRU-01", "solve", "in_progress"),  # not done
    ("d5", "TRU-01", "dissolve-1", "done"),  # raised in the cycle scored, not before it
]
REF = "2026-11-01"


def _crafted_tables(rng) -> dict[str, pd.DataFrame]:
    parts: dict[str, list[pd.DataFrame]] = {}
    for rid, (trust, speed) in RATINGS.items():
        t = build_relationship(rng, rid)
        value, end, others = TERMS[rid]
        t["relationships"] = t["relationships"].assign(
            annual_value_m=value, end_date=pd.to_datetime([end]), other_initiatives=others
        )
        r = t["responses"]
        latest = r["cycle_id"] == "dissolve-1"
        r.loc[latest, "rating"] = np.where(r.loc[latest, "code_id"] == "TRU-01", trust, speed)
        if rid == "rel-e":  # keep three respondents in the latest cycle
            keep = r.loc[latest, "participant_id"].drop_duplicates().iloc[:3]
            r = r[~latest | r["participant_id"].isin(keep)]
            inv = t["invitations"]
            t["invitations"] = inv[(inv["cycle_id"] != "dissolve-1") | inv["participant_id"].isin(keep)]
        t["responses"] = r
        t["actions"] = (
            pd.DataFrame(
                [
                    (rid, a, "", codes, "lead", "acme", raised, pd.NaT, status)
                    for a, codes, raised, status in ACTIONS
                ],
                columns=list(t["actions"].columns),
            ).assign(title=lambda d: "action " + d["action_id"])
            if rid == "rel-d"
            else t["actions"]
        )
        t["change_roles"] = pd.DataFrame(
            [(rid, role, filled, "acme" if filled else None) for role, filled in ROLES.get(rid, [])],
            columns=["relationship_id", "role", "filled", "party_id"],
        )
        for name, frame in t.items():
            parts.setdefault(name, []).append(frame)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    """Five relationships of the tiny template; each respondent gives one rating per Thing That Matters."""
    folder = tmp_path_factory.mktemp("portfolio-templates")
    (folder / "tiny.yaml").write_text(yaml.safe_dump(TEMPLATE, sort_keys=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VALUEKIT_TEMPLATES", str(folder))
        with Store(tmp_path_factory.mktemp("portfolio") / "s.duckdb") as store:
            store.write(_crafted_tables(np.random.default_rng(7)))
            yield store


@pytest.fixture(scope="module")
def crafted_scores(crafted):
    return portfolio_scores(crafted)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return sample_store(tmp_path_factory)


@pytest.fixture(scope="module")
def sample_scores(sample):
    return portfolio_scores(sample)


@pytest.fixture(scope="module")
def sample_start(sample):
    # without the fragmentation index: it runs the privacy gate per Value Code of every relationship (about
    # 15 s on the sample) and changes nothing tested here; the crafted store tests that path
    return where_to_start(sample, reference_date=REFERENCE_DATE, fragmentation=False)


# -- portfolio_scores -----------------------------------------------------------------------------------
def test_benchmark_by_hand(crafted_scores):
    s = crafted_scores
    assert list(s.columns) == SCORE_COLUMNS
    assert set(s["cycle_id"]) == {"dissolve-1"}
    got = s.set_index(["thing_that_matters", "relationship_id"])
    # Trust 2, 3, 3, 4: 100·(#below + #at most)/(2·4); the two 3s tie
    trust = {"rel-a": 12.5, "rel-b": 50.0, "rel-c": 50.0, "rel-d": 87.5}
    speed = {"rel-a": 62.5, "rel-b": 37.5, "rel-c": 87.5, "rel-d": 12.5}  # 4, 2, 5, 1
    for thing, expected in (("trust", trust), ("speed", speed)):
        for rid, value in expected.items():
            assert got.loc[(thing, rid), "benchmark"] == value
            assert got.loc[(thing, rid), "mean"] == RATINGS[rid][thing == "speed"]
        means = [RATINGS[r][thing == "speed"] for r in expected]
        assert [percentileofscore(means, m, kind="mean") for m in means] == list(expected.values())
    assert got.loc["trust", "rank"].dropna().to_dict() == {"rel-a": 4, "rel-b": 2, "rel-c": 2, "rel-d": 1}
    assert set(s["n_ranked"].dropna()) == {4}


def test_small_relationship_hidden_and_unranked(crafted_scores):
    e = crafted_scores[crafted_scores["relationship_id"] == "rel-e"]
    assert len(e) == 2 and e["suppressed"].all()
    assert e[["n", "mean", "benchmark", "rank", "n_ranked"]].isna().all().all()
    assert (crafted_scores.loc[~crafted_scores["suppressed"], "n"] >= 5).all()


def test_cycle_kind(crafted):
    solve = portfolio_scores(crafted, cycle_kind="solve")
    assert set(solve["cycle_id"]) == {"solve"}
    assert portfolio_scores(crafted, cycle_kind="resolve").empty
    with pytest.raises(NotFoundError, match="cycle kind 'dissolve-1'"):
        portfolio_scores(crafted, cycle_kind="dissolve-1")


# -- segment_relationships ------------------------------------------------------------------------------
def test_segments_by_rule_and_deterministic(crafted_scores):
    seg = segment_relationships(crafted_scores)
    assert list(seg.columns) == SEGMENT_COLUMNS
    # overall means: a 3.0, b 2.5, c 4.0, d 2.5; spreads 2, 1, 2, 3 (rel-e hidden: left out)
    assert seg["relationship_id"].tolist() == ["rel-b", "rel-d", "rel-a", "rel-c"]
    assert seg["segment"].tolist() == ["mixed, uneven"] * 3 + ["healthy, uneven"]
    assert seg["overall_mean"].tolist() == [2.5, 2.5, 3.0, 4.0]
    assert seg["spread"].tolist() == [1.0, 3.0, 2.0, 2.0]
    assert seg["n_in_segment"].tolist() == [3, 3, 3, 1]
    assert seg.loc[seg["relationship_id"] == "rel-d", ["weakest", "strongest"]].values.tolist() == [
        ["Responsiveness", "Trust and openness"]
    ]
    shuffled = crafted_scores.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(segment_relationships(shuffled), seg)
    bands = pd.DataFrame(
        {"relationship_id": list("xyz"), "thing_that_matters": "t", "mean": [2.49, 2.5, 3.5]}
    )
    assert segment_relationships(bands)["segment"].tolist() == ["struggling", "mixed", "healthy"]
    with pytest.raises(NotFoundError, match="column 'mean'"):
        segment_relationships(crafted_scores.drop(columns="mean"))


def test_sample_segments(sample_scores):
    seg = segment_relationships(sample_scores).set_index("relationship_id")
    assert set(seg.index[seg["band"] == "struggling"]) == set(PLANTED["struggling"])
    assert set(PLANTED["healthy"]) <= set(seg.index[seg["band"] == "healthy"])
    assert seg.loc["pinecrest-clearview", "weakest"] == "Service delivery"  # the planted priority


# -- best_practice --------------------------------------------------------------------------------------
def test_best_practice_by_hand(crafted, crafted_scores):
    bp = best_practice(crafted, crafted_scores)
    assert list(bp.columns) == BEST_PRACTICE_COLUMNS
    trust = bp[bp["thing_that_matters"] == "trust"]
    assert set(trust["relationship_id"]) == {"rel-d"}  # rel-e rated 5 but is hidden
    assert trust["action_id"].tolist() == ["d1", "d2"]
    speed = bp[bp["thing_that_matters"] == "speed"]
    assert speed["relationship_id"].tolist() == ["rel-c"] and speed["action_id"].isna().all()
    assert best_practice(crafted, crafted_scores.assign(mean=3.4)).empty  # nobody excels below 3.5


def test_sample_best_practice_comes_from_healthy(sample, sample_scores):
    bp = best_practice(sample, sample_scores)
    assert len(bp) and set(bp["relationship_id"]) <= set(PLANTED["healthy"])
    assert (bp["mean"] >= 3.5).all() and (bp["benchmark"] > 90).all()


# -- where_to_start -------------------------------------------------------------------------------------
def test_where_to_start_by_hand(crafted):
    w = where_to_start(crafted, reference_date=REF, fragmentation=False)
    assert list(w.columns) == START_COLUMNS
    assert w["relationship_id"].tolist() == ["rel-d", "rel-a", "rel-b", "rel-e", "rel-c"]
    got = w.set_index("relationship_id")
    # score = 0.2 (value + time + initiative) + 0.4 struggling
    # rel-d: value 20/40; 731 days / 365.25 / 3; no initiative; mean 2.5, half at 1–2: (2.5/4 + 0.5)/2
    assert got.loc["rel-d", "time_score"] == pytest.approx(731 / 365.25 / 3)
    assert got.loc["rel-d", "struggling_score"] == 0.5625
    assert got.loc["rel-d", "score"] == pytest.approx(0.2 * (0.5 + 731 / 365.25 / 3 + 1) + 0.4 * 0.5625)
    # rel-a: value 10/40; 1157 days left, over 3 years; mean 3, half at 1–2: (0.5 + 0.5)/2
    assert got.loc["rel-a", "score"] == pytest.approx(0.2 * (0.25 + 1 + 1) + 0.4 * 0.5)
    assert got.loc["rel-b", "score"] == pytest.approx(0.2 * (1 + 1 + 0) + 0.4 * 0.5625)
    # rel-c: 120 days left, disqualified, ranked last despite a higher score than rel-e
    assert not got.loc["rel-c", "eligible"] and got.loc["rel-c", "time_score"] == 0
    assert got.loc["rel-c", "score"] == pytest.approx(0.2 * (0.5 + 0 + 1) + 0.4 * (0.25 + 0) / 2)
    assert got.loc["rel-c", "why"].startswith("Not a candidate now: ends 2027-03-01")
    # rel-e: fewer than k respondents, so no overall figure is shown and struggling counts 0
    assert got.loc["rel-e", ["n_respondents", "mean", "share_failing_struggling"]].isna().all()
    assert "no overall scores can be shown" in got.loc["rel-e", "why"]
    assert got.loc["rel-e", "score"] == pytest.approx(0.2 * (5 / 40 + 425 / 365.25 / 3 + 1))
    assert got.loc["rel-d", "why"].startswith("First choice") and "stabilizer role" in got.loc["rel-d", "why"]
    assert got.loc["rel-a", "why"].startswith("Candidate") and "risk" not in got.loc["rel-a", "why"]
    assert "change champion role vacant" in got.loc["rel-b", "why"]


def test_where_to_start_weights_and_fragmentation(crafted):
    w = where_to_start(crafted, reference_date=REF, weights={"value": 1}, fragmentation=False)
    assert w.set_index("relationship_id")["score"].to_dict() == {
        "rel-a": 0.25, "rel-b": 1.0, "rel-c": 0.5, "rel-d": 0.5, "rel-e": 0.125,
    }  # fmt: skip
    for bad in ({"valeu": 1}, {"value": -1}, {"value": 0}, {"value": "1"}):
        with pytest.raises(ValuekitError, match="weights must map"):
            where_to_start(crafted, reference_date=REF, weights=bad, fragmentation=False)
    full = where_to_start(crafted, reference_date=REF).set_index("relationship_id")
    data = load_relationship(crafted, "rel-a", "dissolve-1")
    expected = fragmentation_index(data)[0]["fragmentation_index"].iloc[0]
    assert full.loc["rel-a", "fragmentation_index"] == pytest.approx(expected, nan_ok=True)


def test_sample_where_to_start(sample_start):
    w = sample_start.set_index("relationship_id")
    assert sample_start["relationship_id"].iloc[0] == PLANTED["where_to_start"] == "halden-vantage"
    assert w.loc["halden-vantage", "why"].startswith("First choice")
    fenwick = w.loc["fenwick-crossway"]  # ends 2027-01-31, three months after the reference date
    assert not fenwick["eligible"] and fenwick["time_score"] == 0
    assert fenwick["years_left"] == pytest.approx(91 / 365.25)
    assert fenwick["rank"] > w.loc[w["eligible"], "rank"].max()
    assert (
        "too little time left" in fenwick["why"]
        and "change champion, transformational leader" in fenwick["why"]
    )
    assert fenwick["n_vacant_roles"] == 3
    thornbury = w.loc["thornbury-helix"]  # ends 2027-10-31: 364 days, just under a year, never "1.0 years"
    assert not thornbury["eligible"] and thornbury["years_left"] == pytest.approx(364 / 365.25)
    assert "ends 2027-10-31, 364 days after 2026-11-01: too little time left" in thornbury["why"]
    assert w.loc["ashby-corelink", "initiative_score"] == 0  # struggling, but other initiatives in play
    assert w.loc["ashby-corelink", "rank"] > w.loc["halden-vantage", "rank"]
    struggling = w.loc[list(PLANTED["struggling"]), "struggling_score"]
    assert struggling.min() > w.loc[list(PLANTED["healthy"]), "struggling_score"].max()
    assert (w["n_respondents"].dropna() >= 5).all() and w["fragmentation_index"].isna().all()


# -- the sample's benchmarks ----------------------------------------------------------------------------
def test_sample_benchmarks(sample_scores):
    s = sample_scores
    assert s["relationship_id"].nunique() == 14 and s["benchmark"].dropna().between(0, 100).all()
    for _, group in s[~s["suppressed"]].groupby("thing_that_matters"):
        expected = [percentileofscore(group["mean"], m, kind="mean") for m in group["mean"]]
        assert group["benchmark"].to_numpy() == pytest.approx(expected)
        assert (group["n_ranked"] == len(group)).all()
    average = s.groupby("relationship_id")["benchmark"].mean().sort_values()
    assert set(average.index[:3]) == set(PLANTED["struggling"])
    assert set(average.index[-3:]) == set(PLANTED["healthy"])
    for thing, group in s.groupby("thing_that_matters"):
        low = group.loc[group["relationship_id"].isin(PLANTED["struggling"]), "benchmark"]
        high = group.loc[group["relationship_id"].isin(PLANTED["healthy"]), "benchmark"]
        assert low.max() < high.min(), thing


# -- change roles ---------------------------------------------------------------------------------------
def test_change_role_risks_crafted(crafted):
    roles = change_role_risks(crafted)
    assert list(roles.columns) == ROLE_COLUMNS
    assert roles["relationship_id"].tolist() == ["rel-e", "rel-c", "rel-b", "rel-d", "rel-a"]
    got = roles.set_index("relationship_id")
    assert got.loc["rel-e", list(ROLE_COLUMNS[1:4])].tolist() == ["not recorded"] * 3
    assert got.loc["rel-d", "change_stabilizer"] == "not recorded"
    assert got["n_vacant"].to_dict() == {"rel-e": 3, "rel-c": 2, "rel-b": 1, "rel-d": 1, "rel-a": 0}
    assert not got.loc["rel-a", "at_risk"] and got.loc["rel-a", "risk"] == "all three change roles filled"


def test_change_role_risks_sample(sample):
    roles = change_role_risks(sample).set_index("relationship_id")
    vacant = roles.loc[roles["n_vacant"] > 0, "n_vacant"].to_dict()
    assert vacant == VACANT_ROLES
    assert roles.loc["fenwick-crossway", list(ROLE_COLUMNS[1:4])].tolist() == ["vacant"] * 3
    assert "will likely stall" in roles.loc["fenwick-crossway", "risk"]
