"""Gaps between the parties (mirror pairs) and between levels: hand-computed numbers, scipy, privacy, the sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from valuekit.analysis.gaps import (
    LEVEL_COLUMNS,
    LEVEL_THING_COLUMNS,
    MIRROR_COLUMNS,
    cliffs_delta,
    compare_samples,
    level_gaps,
    mirror_gaps,
    welch_interval,
)
from valuekit.analysis.scores import score_codes
from valuekit.config import Privacy
from valuekit.errors import NotFoundError, ValuekitError
from valuekit.sample import PLANTED

from .sample_store import sample_data, sample_store

COLS = ["participant_id", "party_id", "side", "common_level", "common_function", "code_id", "rating"]
# the mirror pair M (client half M-C, supplier half M-S); the client's senior leaders are only three
CLIENT = {"senior_leadership": [1, 2, 1], "front_line": [2, 2, 3, 1, 2, 2]}
SUPPLIER = {"senior_leadership": [4, 4, 5, 3, 4, 4], "front_line": [3, 4, 4, 3, 4, 5]}
CODES = pd.DataFrame(
    {"code_id": ["M-C", "M-S", "X"], "thing_that_matters": ["speed", "speed", "trust"],
     "title": ["Speed of response", "Speed of response (self)", "Candour"], "about": ["supplier"] * 2 + [None],
     "mirror": ["M-S", "M-C", None], "rated_by": ["client", "supplier", "client|supplier"]}
)  # fmt: skip


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    return sample_store(tmp_path_factory)


def _rows(party, side, ratings_by_level, code, start=0):
    rows = []
    for level, ratings in ratings_by_level.items():
        for r in ratings:
            rows.append((f"{party}{start + len(rows)}", party, side, level, "operations", code, r))
    return rows


@pytest.fixture
def mirror() -> pd.DataFrame:
    rows = _rows("c", "client", CLIENT, "M-C") + _rows("s", "supplier", SUPPLIER, "M-S")
    return pd.DataFrame(rows, columns=COLS).astype({"rating": "Int64"})


def test_mirror_gap_by_hand_and_against_scipy(mirror):
    out = mirror_gaps(mirror, codes=CODES)
    assert list(out.columns) == ["group", *MIRROR_COLUMNS]
    row = out.iloc[0]
    assert (row["pair"], row["code_client"], row["code_supplier"]) == ("M", "M-C", "M-S")
    assert (row["about"], row["thing_that_matters"], row["title"]) == (
        "supplier",
        "speed",
        "Speed of response",
    )
    client = CLIENT["senior_leadership"] + CLIENT["front_line"]  # 9 ratings, sum 16
    supplier = SUPPLIER["senior_leadership"] + SUPPLIER["front_line"]  # 12 ratings, sum 47
    assert (row["n_client"], row["n_supplier"]) == (9, 12)
    assert row["mean_client"] == pytest.approx(16 / 9) and row["mean_supplier"] == pytest.approx(47 / 12)
    assert row["gap"] == pytest.approx(16 / 9 - 47 / 12)  # −77/36: the client rates the supplier lower
    # Cliff's delta by hand: of 9 × 12 pairs, the client's single 3 ties the supplier's three 3s; the other 105
    # pairs have the client lower
    assert row["cliffs_delta"] == pytest.approx(-105 / 108)
    ci = stats.ttest_ind(client, supplier, equal_var=False).confidence_interval(0.95)
    assert (row["gap_ci_low"], row["gap_ci_high"]) == pytest.approx((ci.low, ci.high))
    p = stats.mannwhitneyu(client, supplier, alternative="two-sided").pvalue
    assert row["p_value"] == pytest.approx(p)
    assert row["meaningful"] and not row["suppressed"] and row["group"] == "Whole community"


def test_two_sample_statistics():
    assert cliffs_delta([1, 2, 3], [2, 2]) == 0.0
    assert cliffs_delta([4, 5], [1, 2, 3]) == 1.0
    assert cliffs_delta([1, 2], [2, 3]) == pytest.approx(-3 / 4)  # pairs: <,<,=,< → (0 − 3)/4
    assert np.isnan(cliffs_delta([], [1]))
    x, y = [1, 2, 3, 3, 5, 2, 4], [4, 4, 3, 5, 4]
    ci = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.9)
    assert welch_interval(x, y, 0.9) == pytest.approx((ci.low, ci.high))
    assert welch_interval([3, 3, 3], [2, 2]) == (1.0, 1.0), "no spread: the interval is the difference"
    assert all(np.isnan(welch_interval([3], [1, 2])))
    out = compare_samples([np.array(x, float), np.array([], float)], [np.array(y, float), np.array([1.0])])
    assert out.loc[0, "diff"] == pytest.approx(np.mean(x) - np.mean(y))
    assert out.loc[1, ["mean_a", "ci_low", "p_value", "cliffs_delta"]].isna().all()


def test_meaningful_needs_half_a_level_and_an_interval_clear_of_zero():
    small = {"front_line": [3] * 20 + [4] * 20}  # mean 3.5 against 3.1: clear of 0 but only 0.4
    vague = {"front_line": [1, 5, 1, 5, 1]}  # mean 2.6 against 3.6: a whole level, but the interval spans 0
    rows = (_rows("c", "client", small, "A-C") + _rows("s", "supplier", {"front_line": [3] * 36 + [4] * 4}, "A-S")
            + _rows("c", "client", vague, "B-C", 100) + _rows("s", "supplier", {"front_line": [5, 1, 5, 5, 2]}, "B-S", 100))  # fmt: skip
    codes = pd.DataFrame({"code_id": ["A-C", "A-S", "B-C", "B-S"], "mirror": ["A-S", "A-C", "B-S", "B-C"],
                          "rated_by": ["client", "supplier"] * 2})  # fmt: skip
    out = mirror_gaps(pd.DataFrame(rows, columns=COLS), codes=codes).set_index("pair")
    assert out.loc["A", "gap"] == pytest.approx(0.4) and out.loc["A", "gap_ci_low"] > 0
    assert out.loc["B", "gap"] == pytest.approx(-1.0) and out.loc["B", "gap_ci_high"] > 0
    assert not out["meaningful"].any()


def test_a_client_half_of_three_is_hidden_and_cannot_be_subtracted_out(mirror):
    by_level = mirror_gaps(mirror, "common_level", codes=CODES).set_index("common_level")
    senior = by_level.loc["senior_leadership"]
    assert senior["suppressed"] and pd.isna(senior["mean_client"]) and pd.isna(senior["n_client"])
    assert pd.isna(senior["gap"]) and pd.isna(senior["mean_supplier"]), (
        "the whole row goes: gap − half = half"
    )
    assert senior["suppressed_reason"].startswith("fewer than 5")
    overall = mirror_gaps(mirror, codes=CODES).iloc[0]
    assert not overall["suppressed"] and overall["n_client"] == 9
    # everyone's client half (9) minus the front line's would give the three senior leaders away: hidden too
    assert by_level.loc["front_line", "suppressed"] and pd.isna(by_level.loc["front_line", "mean_client"])
    # gated exactly as the scores of the two halves are
    scores = score_codes(mirror, "common_level", codes=CODES).set_index(["common_level", "code_id"])
    for level, row in by_level.iterrows():
        halves = scores.loc[[(level, "M-C"), (level, "M-S")], "suppressed"]
        assert row["suppressed"] == halves.any()
    log = by_level.attrs["suppression_log"]
    assert {e["rule"] for e in log} == {"primary", "complementary"}
    # a client half of three raters in all: the pair's row is hidden whatever the grouping
    few = mirror[(mirror["code_id"] == "M-S") | (mirror["common_level"] == "senior_leadership")]
    alone = mirror_gaps(few, codes=CODES).iloc[0]
    assert alone["suppressed"] and pd.isna(alone["gap"]) and pd.isna(alone["mean_client"])
    # with k = 3 nothing needs hiding
    loose = mirror_gaps(mirror, "common_level", codes=CODES, privacy=Privacy(k=3)).set_index("common_level")
    assert loose.loc["senior_leadership", "mean_client"] == pytest.approx(4 / 3)
    assert loose.loc["senior_leadership", "gap"] == pytest.approx(4 / 3 - 4)


def test_mirror_gaps_errors_and_empty_results(mirror):
    with pytest.raises(ValuekitError, match="each half is one side.*got 'side'"):
        mirror_gaps(mirror, "side", codes=CODES)
    with pytest.raises(NotFoundError, match="perspective column 'level'"):
        mirror_gaps(mirror, "level", codes=CODES)
    no_pairs = mirror[mirror["code_id"] == "M-C"].assign(code_id="X")
    for out in (
        mirror_gaps(no_pairs, codes=CODES),
        mirror_gaps(no_pairs),
        mirror_gaps(mirror.iloc[0:0], codes=CODES),
    ):
        assert out.empty and list(out.columns) == ["group", *MIRROR_COLUMNS]
    by = mirror_gaps(no_pairs, "common_level", codes=CODES)
    assert by.empty and list(by.columns) == ["common_level", "group", *MIRROR_COLUMNS]


@pytest.fixture
def levels() -> pd.DataFrame:
    senior = {"senior_leadership": [4, 4, 5, 4, 3]}
    front = {"front_line": [2, 2, 1, 3, 2, 2]}
    rows = _rows("c", "client", senior, "X") + _rows("s", "supplier", front, "X")
    rows += [(p, party, side, lv, fn, "Y", r) for (p, party, side, lv, fn, _, r), r in
             zip(rows, [2, 4, 5, 4, 3, 2, 4, 1, 3, 2, 2], strict=True)]  # fmt: skip
    return (
        pd.DataFrame(rows, columns=COLS)
        .astype({"rating": "Int64"})
        .assign(thing_that_matters=lambda d: d["code_id"].map({"X": "trust", "Y": "trust"}))
    )


def test_level_gap_by_hand(levels):
    out = level_gaps(levels, codes=CODES.iloc[[2]].assign(code_id="X"))
    assert list(out.columns) == ["group", *LEVEL_COLUMNS]
    row = out.set_index("code_id").loc["X"]
    assert (row["level_a"], row["level_b"], row["n_a"], row["n_b"]) == (
        "senior_leadership",
        "front_line",
        5,
        6,
    )
    assert (row["mean_a"], row["mean_b"], row["gap"]) == pytest.approx((4.0, 2.0, 2.0))
    assert row["cliffs_delta"] == pytest.approx(29 / 30)  # one tie (3 against 3) in 5 × 6 pairs
    ci = stats.ttest_ind([4, 4, 5, 4, 3], [2, 2, 1, 3, 2, 2], equal_var=False).confidence_interval()
    assert (row["gap_ci_low"], row["gap_ci_high"]) == pytest.approx((ci.low, ci.high))
    assert row["meaningful"] and row["group"] == "Whole community" and row["title"] == "Candour"
    swapped = level_gaps(levels, between=("front_line", "senior_leadership")).set_index("code_id")
    assert swapped.loc["X", "gap"] == pytest.approx(-2.0)


def test_level_gap_per_thing_that_matters(levels):
    out = level_gaps(levels, per="thing_that_matters")
    assert list(out.columns) == ["group", *LEVEL_THING_COLUMNS]
    # respondents' means over X and Y: leaders 3, 4, 5, 4, 3; front line 2, 3, 1, 3, 2, 2
    row = out.iloc[0]
    assert (row["thing_that_matters"], row["n_a"], row["n_b"]) == ("trust", 5, 6)
    assert row["gap"] == pytest.approx(19 / 5 - 13 / 6)
    ci = stats.ttest_ind([3, 4, 5, 4, 3], [2, 3, 1, 3, 2, 2], equal_var=False).confidence_interval()
    assert row["gap_ci_low"] == pytest.approx(ci.low)


def test_level_gaps_within_each_side_are_gated(levels):
    # within a side each level is one party's: client leaders (5) have no front line, the supplier no leaders
    out = level_gaps(levels, by_side=True)
    assert list(out.columns) == ["side", "group", *LEVEL_COLUMNS]
    assert out["suppressed"].all() and out["gap"].isna().all() and out["n_a"].isna().all()
    assert out["group"].tolist() == ["Client", "Client", "Supplier", "Supplier"]


def test_level_gaps_errors(levels):
    with pytest.raises(
        NotFoundError, match="common_level 'leaders'.*available: front_line, middle_management"
    ):
        level_gaps(levels, between=("leaders", "front_line"))
    with pytest.raises(ValuekitError, match="two different common levels"):
        level_gaps(levels, between=("front_line", "front_line"))
    with pytest.raises(ValuekitError, match="per= must be 'code' or 'thing_that_matters'; got 'thing'"):
        level_gaps(levels, per="thing")


# -- the sample portfolio ---------------------------------------------------------------------------------
PLANTED_CYCLES = {
    "harbourside-northwind": ("solve", "dissolve-1", "dissolve-2"),
    "st-aldric-medserve": ("solve",),
}


def test_sample_planted_mirror_gaps_are_found(sample):
    gaps = []
    for rid, cycles in PLANTED_CYCLES.items():
        planted = {c.removesuffix("C") for c, _ in PLANTED["mirror_gaps"][rid]}
        data = sample_data(sample, rid)
        for cycle in cycles:
            out = mirror_gaps(data, cycle=cycle).set_index("pair")
            for pair in planted if cycle == "solve" else {f"D-{p}" for p in planted}:
                row = out.loc[pair]
                # README: the client rates the supplier 1.2–1.9 levels lower than the supplier rates itself
                assert -1.9 <= row["gap"] <= -1.2 and row["meaningful"], (rid, cycle, pair)
                assert row["gap_ci_high"] < -0.5 and row["cliffs_delta"] < -0.5 and row["p_value"] < 1e-6
                gaps.append(row["gap"])
    assert np.mean(gaps) == pytest.approx(-PLANTED["mirror_gap_size"], abs=0.1)


def test_sample_no_other_mirror_pair_differs_as_much(sample):
    """README: every other mirror pair, in every relationship, differs by less than 0.8."""
    planted = {
        (rid, c.removesuffix("C").removeprefix("D-"))
        for rid, ps in PLANTED["mirror_gaps"].items()
        for c, _ in ps
    }
    seen = 0
    for rid in ("harbourside-northwind", "st-aldric-medserve", "meridian-atlas"):
        data = sample_data(sample, rid)
        for cycle in data.cycles["cycle_id"]:
            out = mirror_gaps(data, cycle=cycle)
            mask = np.array([(rid, p.removeprefix("D-")) not in planted for p in out["pair"]], bool)
            others = out.loc[mask]
            seen += len(others)
            assert (others["gap"].abs() < 0.8).all(), others[["pair", "gap"]]
    assert seen >= 10


def test_sample_level_gaps_respect_the_threshold(sample):
    data = sample_data(sample, "quarry-lane-brightfm", "solve")
    out = level_gaps(data, by_side=True, per="thing_that_matters")
    # BrightFM's senior leaders are three (README, planted truth 8): no supplier leaders' gap is shown
    assert out.loc[out["side"] == "supplier", "suppressed"].all()
    shown = out[~out["suppressed"]]
    assert (shown["n_a"] >= 5).all() and (shown["n_b"] >= 5).all()
    assert out.loc[out["suppressed"], ["mean_a", "mean_b", "gap"]].isna().all().all()
    both = level_gaps(data, per="thing_that_matters")  # both parties' leaders: 1 + 3, still too few
    assert both["suppressed"].all()


@settings(max_examples=10, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 8), min_size=6, max_size=6),
    seed=st.integers(0, 2**16),
)
def test_property_no_shown_half_below_k_and_order_does_not_matter(sizes, seed):
    rng = np.random.default_rng(seed)
    levels = ["senior_leadership", "middle_management", "front_line"]
    client = {lv: list(rng.integers(1, 6, n)) for lv, n in zip(levels, sizes[:3], strict=True)}
    supplier = {lv: list(rng.integers(1, 6, n)) for lv, n in zip(levels, sizes[3:], strict=True)}
    rows = _rows("c", "client", client, "M-C") + _rows("s", "supplier", supplier, "M-S")
    frame = pd.DataFrame(rows, columns=COLS).astype({"rating": "Int64"})
    out = mirror_gaps(frame, "common_level", codes=CODES)
    shown = out[~out["suppressed"]]
    assert (shown["n_client"] >= 5).all() and (shown["n_supplier"] >= 5).all()
    assert out.loc[out["suppressed"], ["mean_client", "mean_supplier", "gap"]].isna().all().all()
    shuffled = mirror_gaps(frame.sample(frac=1, random_state=seed), "common_level", codes=CODES)
    pd.testing.assert_frame_equal(out, shuffled)
