"""Scores per Value Code and Thing That Matters: numbers worked out by hand, full scales, order, privacy."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from valuekit.analysis.data import load_relationship
from valuekit.analysis.scores import (
    DISTRIBUTION_COLUMNS,
    SCORE_COLUMNS,
    THING_COLUMNS,
    distribution,
    gate_code_table,
    score_codes,
    score_things,
)
from valuekit.config import Privacy
from valuekit.errors import NotFoundError, ValuekitError

from .conftest import REL

T_975_4 = 2.7764451052  # Student t, 97.5th percentile, 4 degrees of freedom (printed tables)
NA = None


@pytest.fixture
def crafted() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Six client respondents (a0–a5) and five supplier respondents (b0–b4), three Value Codes.

    ====  ===================  ==================
    code  acme (client)        bolt (supplier)
    ====  ===================  ==================
    C1    1 2 2 3 5 dk         4 4 4 4 4
    C2    3 3 3 3 3 3          5 5 5 5 dk
    C3    3 4 2 3 5 1          dk dk dk dk dk
    ====  ===================  ==================

    Template order is C3, C1, C2; C1 and C3 are Trust, C2 is Speed.
    """
    ratings = {
        "C1": [1, 2, 2, 3, 5, NA] + [4, 4, 4, 4, 4],
        "C2": [3] * 6 + [5, 5, 5, 5, NA],
        "C3": [3, 4, 2, 3, 5, 1] + [NA] * 5,
    }
    people = [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(5)]
    rows = []
    for code, values in ratings.items():
        for pid, value in zip(people, values, strict=True):
            party = "acme" if pid[0] == "a" else "bolt"
            side = "client" if party == "acme" else "supplier"
            rows.append((pid, party, side, "front_line", "operations", code, value))
    cols = ["participant_id", "party_id", "side", "common_level", "common_function", "code_id", "rating"]
    responses = pd.DataFrame(rows, columns=cols).astype({"rating": "Int64"})
    codes = pd.DataFrame(
        {"code_id": ["C3", "C1", "C2"], "thing_that_matters": ["trust", "trust", "speed"],
         "title": ["Candour", "Openness", "Speed"]}
    )  # fmt: skip
    return responses, codes


def test_code_scores_match_hand_computation(crafted):
    responses, codes = crafted
    out = score_codes(responses, "party_id", codes=codes)
    assert list(out.columns) == ["party_id", "group", *SCORE_COLUMNS]
    acme = out.set_index(["party_id", "code_id"]).loc[("acme", "C1")]
    # ratings 1 2 2 3 5: mean 13/5, squared deviations sum 9.2, variance 9.2/4
    sd = math.sqrt(9.2 / 4)
    assert (acme["n"], acme["dont_know"]) == (5, 1)
    assert acme["mean"] == pytest.approx(2.6)
    assert acme["median"] == 2.0
    assert acme["sd"] == pytest.approx(sd)
    assert [acme[f"count_{lv}"] for lv in range(1, 6)] == [1, 2, 1, 0, 1]
    assert [acme[f"share_{lv}"] for lv in range(1, 6)] == pytest.approx([0.2, 0.4, 0.2, 0.0, 0.2])
    assert acme["share_favourable"] == pytest.approx(0.4)
    half = T_975_4 * sd / math.sqrt(5)
    assert acme["ci_low"] == 1.0, "clipped to the scale: 2.6 − 1.883 < 1"
    assert acme["ci_high"] == pytest.approx(2.6 + half)
    assert acme["title"] == "Openness" and acme["thing_that_matters"] == "trust"
    assert acme["group"] == "Acme" and not acme["suppressed"] and pd.isna(acme["suppressed_reason"])


def test_all_five_levels_even_unused(crafted):
    responses, codes = crafted
    bolt = (
        score_codes(responses, "party_id", codes=codes).set_index(["party_id", "code_id"]).loc[("bolt", "C1")]
    )
    assert [bolt[f"count_{lv}"] for lv in range(1, 6)] == [0, 0, 0, 5, 0]
    assert [bolt[f"share_{lv}"] for lv in range(1, 6)] == [0, 0, 0, 1, 0]
    assert (bolt["mean"], bolt["sd"], bolt["ci_low"], bolt["ci_high"], bolt["share_favourable"]) == (
        4,
        0,
        4,
        4,
        1,
    )
    dist = distribution(responses, "party_id", codes=codes)
    assert list(dist.columns) == ["party_id", "group", *DISTRIBUTION_COLUMNS]
    one = dist[(dist["party_id"] == "bolt") & (dist["code_id"] == "C1")]
    assert one["level"].tolist() == [1, 2, 3, 4, 5]
    assert one["level_label"].tolist() == [
        "Failing",
        "Struggling",
        "Performing",
        "Exceeding",
        "Best practice",
    ]
    assert one["count"].tolist() == [0, 0, 0, 5, 0]
    assert one["share"].tolist() == [0, 0, 0, 1, 0]
    assert len(dist) == 5 * 6


def test_template_order_and_group_order(crafted):
    responses, codes = crafted
    out = score_codes(responses.sample(frac=1, random_state=3), "side", codes=codes)
    assert out["code_id"].tolist() == ["C3", "C1", "C2"] * 2
    assert out["side"].tolist() == ["client"] * 3 + ["supplier"] * 3
    # no codes given: order of first appearance
    assert score_codes(responses)["code_id"].tolist() == ["C1", "C2", "C3"]


def test_small_groups_and_their_complements_are_hidden(crafted):
    responses, codes = crafted
    out = score_codes(responses, "party_id", codes=codes).set_index(["party_id", "code_id"])
    # C2: bolt has 4 ratings (primary); acme would give it away through everyone's total (complementary)
    for party in ("acme", "bolt"):
        row = out.loc[(party, "C2")]
        assert row["suppressed"] and pd.isna(row["n"]) and pd.isna(row["mean"]) and pd.isna(row["count_5"])
    # C3: bolt answered only "don't know": n = 0 is hidden too (and so is acme, its complement)
    assert out.loc[("bolt", "C3"), "suppressed"] and out.loc[("acme", "C3"), "suppressed"]
    everyone = score_codes(responses, codes=codes).set_index("code_id")
    assert everyone.loc["C2", "n"] == 10 and everyone.loc["C2", "mean"] == pytest.approx(3.8)
    # the threshold is configurable per call
    loose = score_codes(responses, "party_id", codes=codes, privacy=Privacy(k=4)).set_index(
        ["party_id", "code_id"]
    )
    assert not loose.loc[("bolt", "C2"), "suppressed"] and loose.loc[("bolt", "C2"), "n"] == 4


def test_thing_that_matters_roll_up(crafted):
    responses, codes = crafted
    out = score_things(responses, "party_id", codes=codes)
    assert list(out.columns) == ["party_id", "group", *THING_COLUMNS]
    assert out["thing_that_matters"].tolist() == ["trust", "speed"] * 2
    trust = out.set_index(["party_id", "thing_that_matters"]).loc[("acme", "trust")]
    # respondent means of C3 and C1: 2, 3, 2, 3, 5, 1 (a5 rated only C3)
    assert (trust["n"], trust["dont_know"], trust["n_codes"]) == (6, 0, 2)
    assert trust["mean"] == pytest.approx(16 / 6)
    assert trust["median"] == 2.5
    assert trust["share_favourable"] == pytest.approx(0.5)
    bolt = out.set_index(["party_id", "thing_that_matters"]).loc[("bolt", "trust")]
    assert (bolt["n"], bolt["mean"]) == (5, 4.0)
    speed = out[out["thing_that_matters"] == "speed"]
    assert speed["suppressed"].all(), "bolt's 4 speed respondents are hidden, and acme with them"
    with pytest.raises(NotFoundError, match="available: trust, speed"):
        score_things(responses, codes=codes, things=["trustt"])


def test_bad_perspective_unknown_code_and_filter_typos(crafted):
    responses, codes = crafted
    with pytest.raises(
        NotFoundError, match="perspective column 'level'.*available: party_id, side, common_level"
    ):
        score_codes(responses, "level")
    with pytest.raises(NotFoundError, match="Value Code 'C9'.*available: C3, C1, C2"):
        score_codes(responses, codes=codes, code_ids=["C9"])
    with pytest.raises(NotFoundError, match="side 'partner'.*available: client, supplier"):
        score_codes(responses, where={"side": "partner"})
    with pytest.raises(ValuekitError, match="twice"):
        score_codes(responses, ["side", "side"])


def test_empty_group_gives_empty_labelled_result(crafted):
    responses, codes = crafted
    for out, cols in (
        (score_codes(responses.iloc[0:0], "side", codes=codes), ["side", "group", *SCORE_COLUMNS]),
        (score_codes(responses, "side", codes=codes, code_ids=[]), ["side", "group", *SCORE_COLUMNS]),
        (score_things(responses.iloc[0:0], codes=codes), ["group", *THING_COLUMNS]),
        (distribution(responses.iloc[0:0], "party_id"), ["party_id", "group", *DISTRIBUTION_COLUMNS]),
    ):
        assert out.empty and list(out.columns) == cols


def test_scores_from_a_loaded_relationship(store):
    data = load_relationship(store, REL, "solve")
    out = score_codes(data, ["side", "common_level"])
    assert out["code_id"].unique().tolist() == ["TRU-01", "TRU-02", "SPD-01"]
    assert out["group"].iloc[0] == "Client senior leadership"
    assert out.loc[~out["suppressed"], "n"].min() >= 5
    ratings = data.responses["rating"].dropna()
    overall = score_codes(data)
    assert overall["n"].sum() == len(ratings)
    assert overall["title"].iloc[0] == "Openness about problems"
    by_party = score_codes(data, "party_id")
    assert by_party["group"].unique().tolist() == ["Acme Bank", "Bolt Services"]
    mid = score_codes(data, "common_level", where={"common_level": "middle_management"})
    assert mid["group"].unique().tolist() == ["Both parties' middle management"]
    # the dissolve cycle keeps its own questionnaire order
    later = load_relationship(store, REL, "dissolve-1")
    assert score_codes(later)["code_id"].tolist() == ["SPD-01", "TRU-01"]


def test_several_cycles_must_be_named(store):
    data = load_relationship(store, REL)
    with pytest.raises(ValuekitError, match=r"span cycles \['dissolve-1', 'solve'\]; pass cycle="):
        score_codes(data)
    assert score_codes(data, cycle="dissolve-1")["code_id"].tolist() == ["SPD-01", "TRU-01"]
    with pytest.raises(NotFoundError, match="no cycle 'resolve'.*available: solve, dissolve-1"):
        score_codes(data, cycle="resolve")


def test_other_statistics_are_gated_exactly_like_scores(data):
    scores = score_codes(data, ["party_id", "common_level"])
    other = data.responses.groupby(["party_id", "common_level", "code_id"], as_index=False)["rating"].agg(
        spread=lambda r: float(r.max() - r.min()) if r.notna().any() else float("nan")
    )
    gated = gate_code_table(other, data, ["party_id", "common_level"], what="spread")
    merged = scores.merge(gated, on=["party_id", "common_level", "code_id"], suffixes=("", "_other"))
    assert len(merged) == len(scores)
    assert (merged["suppressed"] == merged["suppressed_other"]).all()
    assert merged.loc[merged["suppressed"], "spread"].isna().all()
    assert (merged["group"] == merged["group_other"]).all()
