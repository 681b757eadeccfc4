"""Change between cycles: lineage, hand-computed changes, scipy, privacy, action effects, the sample's actions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from valuekit.analysis.change import (
    ACTION_COLUMNS,
    CHANGE_COLUMNS,
    THING_CHANGE_COLUMNS,
    action_effects,
    compare_cycles,
    compare_things,
)
from valuekit.analysis.data import load_relationship
from valuekit.errors import NotFoundError, ValuekitError

from .conftest import REL
from .sample_store import sample_data, sample_store

COLS = [
    "participant_id",
    "party_id",
    "side",
    "common_level",
    "common_function",
    "cycle_id",
    "code_id",
    "rating",
]
#: X evolves into D-X after Solve; Y stays; Z is dropped after Solve; W is new in dissolve-1 (no ancestor)
CODES = pd.DataFrame(
    {"code_id": ["X", "D-X", "Y", "Z", "W"], "derived_from": [None, "X", None, None, None],
     "thing_that_matters": ["speed", "speed", "speed", "speed", "trust"],
     "title": ["Pace", "Pace, measured", "Candour", "Old", "New"]}
)  # fmt: skip
RATINGS = {
    "solve": {"X": [1, 2, 2, 3, 2, 2], "Y": [3, 3, 3, 4, 2, 3], "Z": [5] * 6},
    "dissolve-1": {"D-X": [3, 3, 4, 3, 4, 4], "Y": [3, 4, 3, 3, 3, 2], "W": [1] * 6},
    "dissolve-2": {"D-X": [4, 4, 4, 3, 4, 5], "Y": [3, 3, 3, 3, 3, 3]},
}


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    return sample_store(tmp_path_factory)


def _is(value, expected: bool) -> bool:
    """A nullable true/false cell holds exactly ``expected`` (not missing)."""
    return value is not pd.NA and bool(value) == expected


def _frame(
    ratings: dict, level: str = "front_line", people: int | None = None, prefix: str = ""
) -> pd.DataFrame:
    rows = []
    for cycle, codes in ratings.items():
        for code, values in codes.items():
            for i, r in enumerate(values[:people]):
                rows.append((f"{prefix}{cycle}-{i}", "acme", "client", level, "operations", cycle, code, r))
    return pd.DataFrame(rows, columns=COLS).astype({"rating": "Int64"})


@pytest.fixture
def cycles() -> pd.DataFrame:
    return _frame(RATINGS)


def test_change_follows_lineage_and_matches_scipy(cycles):
    out = compare_cycles(cycles, "solve", "dissolve-1", codes=CODES)
    assert list(out.columns) == ["group", *CHANGE_COLUMNS]
    assert out[["root", "code_before", "code_after"]].values.tolist() == [["X", "X", "D-X"], ["Y", "Y", "Y"]]
    x = out.set_index("code_after").loc["D-X"]
    before, after = RATINGS["solve"]["X"], RATINGS["dissolve-1"]["D-X"]
    assert (x["n_before"], x["n_after"]) == (6, 6)
    assert (x["mean_before"], x["mean_after"], x["change"]) == pytest.approx((2.0, 3.5, 1.5))
    ci = stats.ttest_ind(after, before, equal_var=False).confidence_interval()
    assert (x["ci_low"], x["ci_high"]) == pytest.approx((ci.low, ci.high))
    assert x["p_value"] == pytest.approx(stats.mannwhitneyu(after, before, alternative="two-sided").pvalue)
    assert x["significant"] and x["title"] == "Pace, measured" and x["thing_that_matters"] == "speed"
    y = out.set_index("code_after").loc["Y"]
    assert y["change"] == pytest.approx(0.0) and not y["significant"]
    # dissolve-1 to dissolve-2: the same code compares directly; Solve to dissolve-2 through the lineage
    later = compare_cycles(cycles, "dissolve-1", "dissolve-2", codes=CODES).set_index("code_after")
    assert later.loc["D-X", "code_before"] == "D-X" and later.loc["D-X", "change"] == pytest.approx(4 - 3.5)
    longer = compare_cycles(cycles, "solve", "dissolve-2", codes=CODES).set_index("code_after")
    assert longer.loc["D-X", "code_before"] == "X" and longer.loc["D-X", "change"] == pytest.approx(2.0)


def test_change_per_thing_that_matters(cycles):
    out = compare_things(cycles, "solve", "dissolve-1", codes=CODES)
    assert list(out.columns) == ["group", *THING_CHANGE_COLUMNS]
    assert out["thing_that_matters"].tolist() == ["speed"], "W has no ancestor: trust is not compared"
    row = out.iloc[0]
    # only the lineages in both cycles (X→D-X, Y) count: Z is left out. Respondent means (X, Y) in Solve:
    # 2 2.5 2.5 3.5 2 2.5; (D-X, Y) in dissolve-1: 3 3.5 3.5 3 3.5 3
    assert row["n_codes"] == 2
    assert (row["mean_before"], row["mean_after"], row["change"]) == pytest.approx((2.5, 3.25, 0.75))
    ci = stats.ttest_ind(
        [3, 3.5, 3.5, 3, 3.5, 3], [2, 2.5, 2.5, 3.5, 2, 2.5], equal_var=False
    ).confidence_interval()
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))


def test_cycle_errors(cycles):
    with pytest.raises(
        NotFoundError, match="no cycle 'dissolve-9'.*available: solve, dissolve-1, dissolve-2"
    ):
        compare_cycles(cycles, "solve", "dissolve-9", codes=CODES)
    with pytest.raises(ValuekitError, match="both 'solve'; compare two different cycles"):
        compare_cycles(cycles, "solve", "solve", codes=CODES)
    with pytest.raises(ValuekitError, match="before='dissolve-2' comes after after='solve'.*swap them"):
        compare_things(cycles, "dissolve-2", "solve", codes=CODES)
    with pytest.raises(ValuekitError, match="needs actions="):
        action_effects(cycles, before="solve", after="dissolve-1", codes=CODES)


def test_a_relationship_loaded_for_one_cycle_is_refused(store):
    with pytest.raises(
        ValuekitError, match=r"only 'solve' is loaded: use load_relationship\(store, 'rel-a'\)"
    ):
        compare_cycles(load_relationship(store, REL, "solve"), "solve", "dissolve-1")
    data = load_relationship(store, REL)
    out = compare_cycles(data, "solve", "dissolve-1")
    assert out["code_after"].tolist() == ["SPD-01", "TRU-01"], (
        "dissolve-1's order; same codes compare directly"
    )
    with pytest.raises(NotFoundError, match="no cycle 'resolve' in relationship 'rel-a'.*solve, dissolve-1"):
        compare_cycles(data, "resolve", "solve")


def test_no_lineage_across_the_cycles_gives_an_empty_labelled_result(cycles):
    resolve = _frame({"resolve": {"R": [3] * 6}}).astype({"rating": "Int64"})
    both = pd.concat([resolve, cycles[cycles["cycle_id"] == "solve"]], ignore_index=True)
    codes = pd.concat([CODES, pd.DataFrame({"code_id": ["R"], "thing_that_matters": ["speed"]})])
    for out, cols in (
        (compare_cycles(both, "resolve", "solve", codes=codes), CHANGE_COLUMNS),
        (compare_things(both, "resolve", "solve", by="side", codes=codes), THING_CHANGE_COLUMNS),
    ):
        assert out.empty and list(out.columns)[-len(cols) :] == cols


def test_a_small_group_in_either_cycle_is_hidden_with_its_complement(cycles):
    leaders = _frame(
        {"dissolve-1": {"D-X": [5, 5, 5], "Y": [5, 5, 5]}}, level="senior_leadership", prefix="sl"
    )
    frame = pd.concat([cycles, leaders], ignore_index=True)
    out = compare_cycles(frame, "solve", "dissolve-1", by="common_level", codes=CODES)
    assert set(out["common_level"]) == {"senior_leadership", "front_line"}
    # three leaders in dissolve-1 (none in Solve): hidden; the front line too, or everyone − front line = leaders
    assert (
        out["suppressed"].all() and out[["mean_after", "mean_before", "change", "n_after"]].isna().all().all()
    )
    overall = compare_cycles(frame, "solve", "dissolve-1", codes=CODES).set_index("code_after")
    assert not overall["suppressed"].any() and overall.loc["D-X", "n_after"] == 9


# -- improvement actions ------------------------------------------------------------------------------------
@pytest.fixture
def acted(rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    """60 people per cycle rate A–E around level 3; in dissolve-1, A and B (action a1's targets) rise a level."""
    rows = []
    for cycle in ("solve", "dissolve-1"):
        for i in range(60):
            for code in "ABCDE":
                lift = 1.0 if cycle == "dissolve-1" and code in "AB" else 0.0
                rating = int(np.clip(np.rint(3 + lift + rng.normal(0, 0.6)), 1, 5))
                rows.append(
                    (f"{cycle}-{i}", "acme", "client", "front_line", "operations", cycle, code, rating)
                )
    actions = pd.DataFrame(
        {"action_id": ["a1", "a2", "a3", "a4"], "title": ["Lift A and B", "Nudge C", "Later", "Gone"],
         "code_ids": ["A|B", "C", "D", "Q"], "raised_cycle": ["solve", "solve", "dissolve-1", "solve"],
         "status": ["done", "dropped", "agreed", "done"]}
    )  # fmt: skip
    return pd.DataFrame(rows, columns=COLS), actions


def test_action_effects_difference_in_differences(acted):
    frame, actions = acted
    out = action_effects(frame, before="solve", after="dissolve-1", actions=actions)
    assert list(out.columns) == ACTION_COLUMNS
    means = frame.groupby(["cycle_id", "code_id"])["rating"].mean().unstack("code_id")
    change = means.loc["dissolve-1"] - means.loc["solve"]
    a = out.set_index("action_id")
    # a1: A and B against D and E (C is a2's target, even if a2 was dropped; D is a3's, raised too late to count)
    assert a.loc["a1", "codes_after"] == "A|B" and a.loc["a1", "n_targets"] == 2
    assert a.loc["a1", "n_untargeted"] == 2
    assert a.loc["a1", "change_targets"] == pytest.approx(change[["A", "B"]].mean())
    assert a.loc["a1", "change_untargeted"] == pytest.approx(change[["D", "E"]].mean())
    assert a.loc["a1", "effect"] == pytest.approx(change[["A", "B"]].mean() - change[["D", "E"]].mean())
    assert a.loc["a1", "ci_low"] < a.loc["a1", "effect"] < a.loc["a1", "ci_high"]
    assert _is(a.loc["a1", "moved"], True) and a.loc["a1", "verdict"] == "moved"
    assert a.loc["a2", "effect"] == pytest.approx(change["C"] - change[["D", "E"]].mean())
    assert (
        _is(a.loc["a2", "moved"], False)
        and a.loc["a2", "ci_high"] < 0.5
        and a.loc["a2", "status"] == "dropped"
    )
    assert pd.isna(a.loc["a3", "moved"]) and "nothing to read yet" in a.loc["a3", "verdict"]
    assert pd.isna(a.loc["a4", "effect"]) and "measured in both" in a.loc["a4", "verdict"]
    # the bootstrap is seeded: the same call gives the same interval, another seed a slightly different one
    again = action_effects(frame, before="solve", after="dissolve-1", actions=actions).set_index("action_id")
    assert again.loc["a1", "ci_low"] == a.loc["a1", "ci_low"]
    other = action_effects(frame, before="solve", after="dissolve-1", actions=actions, seed=1)
    assert other.set_index("action_id").loc["a1", "ci_low"] == pytest.approx(a.loc["a1", "ci_low"], abs=0.05)


def test_action_effects_are_hidden_with_their_targets(acted):
    frame, actions = acted
    few = frame[frame["participant_id"].str.split("-").str[-1].astype(int) < 4]  # four people per cycle
    hidden = action_effects(few, before="solve", after="dissolve-1", actions=actions).set_index("action_id")
    assert hidden.loc[["a1", "a2"], "suppressed"].all() and hidden.loc[["a1", "a2"], "effect"].isna().all()
    assert hidden.loc[["a1", "a2"], "n_untargeted"].isna().all()


# -- the sample portfolio ---------------------------------------------------------------------------------
EFFECTIVE = {
    "harbourside-northwind": ["A01", "A02", "A03"], "meridian-atlas": ["A01", "A02"],
    "kestrel-ironbridge": ["A01", "A02"], "st-aldric-medserve": ["A01"], "lindenfield-oakmont": ["A01"],
}  # fmt: skip
INEFFECTIVE = {
    "harbourside-northwind": ["A04", "A05"], "meridian-atlas": ["A03"], "kestrel-ironbridge": ["A03", "A04"],
    "st-aldric-medserve": ["A02"],
}  # fmt: skip
#: the gate's exact suppression costs ~60 ms per Value Code and cycle, so the readings are chosen to cover each
#: kind of action (done, in progress, dropped, done but ineffective, raised too late, both halves of a mirror
#: pair) in both Dissolve cycles; meridian-atlas and lindenfield-oakmont add only more of the same
READINGS = [("harbourside-northwind", "dissolve-1"), ("harbourside-northwind", "dissolve-2"),
            ("kestrel-ironbridge", "dissolve-1"), ("st-aldric-medserve", "dissolve-1")]  # fmt: skip


@pytest.mark.parametrize(("rid", "after"), READINGS)
def test_sample_actions_that_worked_and_that_did_not(sample, rid, after):
    out = action_effects(sample_data(sample, rid), before="solve", after=after).set_index("action_id")
    for a in EFFECTIVE[rid]:  # README: every lift ≥ 0.8 in each Dissolve cycle
        assert _is(out.loc[a, "moved"], True) and out.loc[a, "change_targets"] >= 0.8, (rid, after, a)
        assert out.loc[a, "ci_low"] > 0.5 and out.loc[a, "verdict"] == "moved"
    for a in INEFFECTIVE.get(rid, []):  # README: within ±0.3
        assert _is(out.loc[a, "moved"], False) and abs(out.loc[a, "change_targets"]) <= 0.3, (rid, after, a)
        assert out.loc[a, "ci_high"] < 0.5 and out.loc[a, "verdict"] == "did not move"
    # README: codes no action targeted drift up by about 0.1–0.15
    assert out["change_untargeted"].dropna().between(0.0, 0.25).all()
    later = out[out["raised_cycle"] != "solve"]  # harbourside A06, kestrel A05: nothing to read yet
    assert later["moved"].isna().all() and later["verdict"].str.contains("nothing to read yet").all()
    assert set(out.index) == set(EFFECTIVE[rid]) | set(INEFFECTIVE.get(rid, [])) | set(later.index)


def test_sample_change_per_code_matches_the_readme(sample):
    data = sample_data(sample, "harbourside-northwind")
    out = compare_cycles(data, "solve", "dissolve-1").set_index("code_after")
    assert out.loc["D-RSP-01", "code_before"] == "RSP-01" and out.loc["CMM-01", "code_before"] == "CMM-01"
    readme = {"D-RSP-01": 1.15, "D-TRU-01": 1.22, "D-TRU-03": 1.10, "D-GOV-01": 0.95, "D-COM-01": -0.03,
              "D-PPL-02": -0.01}  # fmt: skip
    for code, lift in readme.items():
        assert out.loc[code, "change"] == pytest.approx(lift, abs=0.006), code
        assert out.loc[code, "significant"] == (lift > 0.5)
    assert out["root"].is_unique and not out["suppressed"].any()
    things = compare_things(data, "solve", "dissolve-1").set_index("thing_that_matters")
    assert things.loc["trust", "change"] > 1.0 and things.loc["trust", "n_codes"] == 2
    assert compare_cycles(data, "resolve", "solve").empty
