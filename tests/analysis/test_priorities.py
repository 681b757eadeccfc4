"""Priorities: importance against performance, worked out by hand; privacy; the sample's planted priority."""

from __future__ import annotations

import pandas as pd
import pytest

from valuekit.analysis.priorities import (
    PRIORITY_COLUMNS,
    THING_PRIORITY_COLUMNS,
    neglected_things,
    priorities,
)
from valuekit.config import Privacy
from valuekit.errors import NotFoundError
from valuekit.sample import PLANTED

from .sample_store import sample_data, sample_store

NA = None
CODES = pd.DataFrame(
    {"code_id": ["P1", "P2", "P3", "P4"], "thing_that_matters": ["delivery", "trust", "delivery", "trust"],
     "title": ["On time", "Candour", "Quality", "Tone"],
     "asks": ["importance|desired", "importance|desired", "importance", ""]}
)  # fmt: skip
#: code → (ratings, desired, importance) of respondents a–e; f answers only P1, "don't know", importance 3
ANSWERS = {
    "P1": ([2, 2, 3, 2, 1, NA], [4, 4, 4, 4, 4, 5], [5, 5, 4, 5, 5, 3]),
    "P2": ([4, 4, 5, 4, 3], [4, 5, 5, 4, 4], [2, 3, 2, 2, 1]),
    "P3": ([3, 3, 2, 3, 4], [NA] * 5, [4, 4, 5, 3, 4]),
    "P4": ([1, 1, 1, 1, 1], [NA] * 5, [NA] * 5),
}


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    return sample_store(tmp_path_factory)


@pytest.fixture
def answers() -> pd.DataFrame:
    rows = [
        (pid, "acme", "client", "front_line", "operations", code, r, d, i)
        for code, (ratings, desired, importance) in ANSWERS.items()
        for pid, r, d, i in zip("abcdef", ratings, desired, importance, strict=False)
    ]
    cols = ["participant_id", "party_id", "side", "common_level", "common_function", "code_id", "rating",
            "desired", "importance"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols).astype(
        {"rating": "Int64", "desired": "Int64", "importance": "Int64"}
    )


def test_priorities_by_hand(answers):
    out = priorities(answers, codes=CODES)
    assert list(out.columns) == ["group", *PRIORITY_COLUMNS]
    assert out["code_id"].tolist() == ["P1", "P2", "P3"], "only codes asking importance, template order"
    p = out.set_index("code_id")
    # P1: ratings 2 2 3 2 1 (f: don't know); importance of all six (27 / 6); shortfall of a–e: 2 2 1 2 3
    assert (p.loc["P1", "n"], p.loc["P1", "n_importance"], p.loc["P1", "n_desired"]) == (5, 6, 5)
    assert p.loc["P1", "mean"] == pytest.approx(2.0)
    assert p.loc["P1", "mean_importance"] == pytest.approx(4.5)
    assert p.loc["P1", "mean_desired"] == pytest.approx(4.0), "f's desired level has no rating beside it"
    assert p.loc["P1", "shortfall"] == pytest.approx(2.0)
    assert p.loc["P1", "priority"] == pytest.approx(4.5 * 2.0)
    # P2: shortfall 0 1 0 0 1; P3 asks no desired level: importance × (5 − mean)
    assert p.loc["P2", "shortfall"] == pytest.approx(0.4) and p.loc["P2", "priority"] == pytest.approx(0.8)
    assert pd.isna(p.loc["P3", "shortfall"]) and p.loc["P3", "n_desired"] == 0
    assert p.loc["P3", "priority"] == pytest.approx(4.0 * (5 - 3.0))
    # grand means: importance (4.5 + 2 + 4) / 3 = 3.5, performance (2 + 4 + 3) / 3 = 3
    assert p["quadrant"].tolist() == ["concentrate here", "possible overkill", "keep up the good work"]
    assert p["rank"].tolist() == [1, 3, 2]
    assert not p["suppressed"].any() and (p["group"] == "Whole community").all()


def test_quadrants_cover_all_four():
    rows, codes = [], []
    # (importance, rating) per code, five respondents each answering the same
    for code, (imp, rating) in {"HI-LO": (5, 1), "HI-HI": (5, 5), "LO-LO": (1, 1), "LO-HI": (1, 5)}.items():
        codes.append(code)
        rows += [(f"p{i}", code, rating, imp) for i in range(5)]
    frame = pd.DataFrame(rows, columns=["participant_id", "code_id", "rating", "importance"])
    out = priorities(frame).set_index("code_id")
    assert out.loc[codes, "quadrant"].tolist() == [
        "concentrate here", "keep up the good work", "low priority", "possible overkill"
    ]  # fmt: skip
    assert out.loc["HI-LO", "rank"] == 1 and out.loc["HI-LO", "priority"] == 20.0


def test_neglected_things_by_hand(answers):
    out = neglected_things(answers, codes=CODES)
    assert list(out.columns) == ["group", *THING_PRIORITY_COLUMNS]
    t = out.set_index("thing_that_matters")
    # delivery = P1 and P3 (P4 asks no importance). Respondent means: rating 2.5 each for a–e (f: none);
    # importance 4.5 4.5 4.5 4 4.5 and f's 3; shortfall (P1 only) 2 2 1 2 3
    assert (t.loc["delivery", "n_codes"], t.loc["delivery", "n"], t.loc["delivery", "n_importance"]) == (
        2,
        5,
        6,
    )
    assert t.loc["delivery", "mean"] == pytest.approx(2.5)
    assert t.loc["delivery", "mean_importance"] == pytest.approx(25 / 6)
    assert t.loc["delivery", "shortfall"] == pytest.approx(2.0)
    assert t.loc["delivery", "priority"] == pytest.approx(25 / 6 * 2.0)
    assert t.loc["trust", "priority"] == pytest.approx(0.8) and t.loc["trust", "n_codes"] == 1
    assert t.loc["delivery", "rank"] == 1 and t.loc["delivery", "quadrant"] == "concentrate here"
    assert t.loc["trust", "quadrant"] == "possible overkill"


def test_a_group_with_too_few_complete_answers_is_hidden_with_its_complement():
    # both sides rate Q six times; only four client respondents also say how important it is
    rows = [(f"c{i}", "acme", "client", "Q", 3, 5 if i < 4 else None) for i in range(6)]
    rows += [(f"s{i}", "bolt", "supplier", "Q", 4, 2) for i in range(6)]
    frame = pd.DataFrame(
        rows, columns=["participant_id", "party_id", "side", "code_id", "rating", "importance"]
    )
    by_side = priorities(frame, "side").set_index("side")
    assert by_side["suppressed"].all(), "client: 4 importance answers; supplier: everyone − client would tell"
    assert by_side[["n", "mean", "mean_importance", "priority", "rank"]].isna().all().all()
    assert by_side["quadrant"].isna().all()
    assert by_side["suppressed_reason"].str.startswith("fewer than 5").all()
    everyone = priorities(frame).iloc[0]
    assert not everyone["suppressed"] and everyone["n_importance"] == 10
    assert everyone["mean_importance"] == pytest.approx((4 * 5 + 6 * 2) / 10)
    loose = priorities(frame, "side", privacy=Privacy(k=4)).set_index("side")
    assert not loose["suppressed"].any() and loose.loc["client", "mean_importance"] == 5.0


def test_no_importance_gives_an_empty_labelled_result(answers):
    only_p4 = answers[answers["code_id"] == "P4"]
    for out in (
        priorities(only_p4, codes=CODES),
        priorities(only_p4.drop(columns=["importance", "desired"])),
    ):
        assert out.empty and list(out.columns) == ["group", *PRIORITY_COLUMNS]
    out = neglected_things(only_p4, "side", codes=CODES)
    assert out.empty and list(out.columns) == ["side", "group", *THING_PRIORITY_COLUMNS]
    with pytest.raises(NotFoundError, match="Value Code asking importance 'P4'.*available: P1, P2, P3"):
        priorities(answers, codes=CODES, code_ids=["P4"])
    assert priorities(answers, codes=CODES, code_ids=["P3"])["code_id"].tolist() == ["P3"]


# -- the sample portfolio ---------------------------------------------------------------------------------
def test_sample_pinecrest_delivery_is_the_most_neglected(sample):
    planted = PLANTED["priority"]
    data = sample_data(sample, planted["relationship_id"], "solve")
    things = neglected_things(data).set_index("thing_that_matters")
    top = things.sort_values("rank").index[0]
    assert top == planted["thing_that_matters"] == "delivery"
    delivery = things.loc["delivery"]
    # README: the highest mean importance (≈ 4.65) and the lowest mean rating (≈ 2.1) of all Things That Matter
    assert delivery["mean_importance"] == pytest.approx(4.65, abs=0.05) == things["mean_importance"].max()
    assert delivery["mean"] == pytest.approx(2.1, abs=0.05) == things["mean"].min()
    assert delivery["quadrant"] == "concentrate here" and delivery["n_codes"] == 5
    # in Resolve, the one delivery Value Code (R-DEL) asks only importance: importance × (5 − mean) ranks it first
    resolve = sample_data(sample, planted["relationship_id"], "resolve")
    assert neglected_things(resolve).sort_values("rank")["thing_that_matters"].iloc[0] == "delivery"
    codes = priorities(resolve).set_index("code_id")
    assert codes["rank"].idxmin() == "R-DEL" and codes.loc["R-DEL", "quadrant"] == "concentrate here"
    assert codes["shortfall"].isna().all() and codes["n_desired"].eq(0).all()
    assert codes.loc["R-DEL", "priority"] == pytest.approx(
        codes.loc["R-DEL", "mean_importance"] * (5 - codes.loc["R-DEL", "mean"])
    )


def test_sample_small_groups_are_never_shown(sample):
    data = sample_data(sample, "quarry-lane-brightfm", "solve")
    fine = neglected_things(data, ["party_id", "common_level"])
    assert (fine.loc[~fine["suppressed"], "n"] >= 5).all()
    leaders = fine[(fine["party_id"] == "brightfm") & (fine["common_level"] == "senior_leadership")]
    assert leaders["suppressed"].all() and leaders[["n", "mean", "mean_importance"]].isna().all().all()
    sides = neglected_things(data, "side")
    assert not sides["suppressed"].any() and (sides["n"] >= 5).all()
