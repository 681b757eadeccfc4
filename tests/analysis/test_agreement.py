"""Tests for valuekit.analysis.agreement.

Expected values come from sources other than the code under test:
- values worked by hand from the published definitions (the arithmetic is in the comments);
- the R package agrmt (Ruedin): its documentation prints agreement A = 0.6113333 and consensus = 0.7256876
  for van der Eijk's (2001, p. 331) example, its vignette prints the layer values of that example, A = 0.08
  for c(1, 1, 3, 4) on four points, and 0.61 / 0.48 for van der Eijk's PvdA / D66 distributions;
- the agreement values that the Python port kimsin98/agrmt keeps as exported from R agrmt
  (tests/agreement_test_cases.csv);
- scipy.stats (bias-corrected skewness and kurtosis) and numpy (sample variance) for the moments;
- a literal triple loop over categories, written from the paper, for van der Eijk's layer agreement.
"""

from __future__ import annotations

import doctest
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from valuekit.analysis import agreement
from valuekit.analysis.agreement import (
    agreement_a,
    agreement_table,
    bimodality,
    classify_agreement,
    consensus,
    rwg,
)
from valuekit.errors import NotFoundError, ValuekitError

SCALAR_FUNCTIONS = [consensus, rwg, agreement_a, bimodality]
STATISTICS = {"consensus": consensus, "rwg": rwg, "agreement_a": agreement_a, "bimodality": bimodality}


def expand(counts):
    """Ratings 1..K from a frequency vector."""
    return np.repeat(np.arange(1, len(counts) + 1), counts)


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture
def ratings_frame(rng) -> pd.DataFrame:
    """Long frame: 40 groups (party × Value Code) of 0–30 ratings on 5 levels, 10 % don't know."""
    rows = []
    for party, code in itertools.product(["client", "supplier"], [f"VC{i:02d}" for i in range(20)]):
        n = int(rng.integers(0, 31))
        # each group gets its own random shape, from agreed to polarised
        p = rng.dirichlet(np.full(5, rng.choice([0.2, 1.0, 5.0])))
        ratings = rng.choice(np.arange(1, 6), size=n, p=p).astype(float)
        ratings[rng.random(n) < 0.1] = np.nan
        rows += [{"party": party, "code_id": code, "rating": r} for r in ratings]
    frame = pd.DataFrame(rows)
    frame["rating"] = frame["rating"].astype("Int64")
    return frame


# ------------------------------------------------------------------------------------ published reference
VAN_DER_EIJK_P331 = [30, 40, 210, 130, 530, 50, 10]


def test_agreement_a_matches_agrmt_documentation():
    # agrmt man/agreement.Rd: agreement(c(30,40,210,130,530,50,10)) "is given as 0.6113333"
    assert agreement_a(expand(VAN_DER_EIJK_P331), levels=7) == pytest.approx(0.6113333, abs=5e-8)


def test_consensus_matches_agrmt_documentation():
    # agrmt man/consensus.Rd: consensus(c(30,40,210,130,530,50,10)) "is given as 0.7256876"
    assert consensus(expand(VAN_DER_EIJK_P331), levels=7) == pytest.approx(0.7256876, abs=5e-8)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # agrmt vignette, table of layers for van der Eijk's p. 331 example (K = 7):
        ("1111111", 0.0),  # S = 7: 1 − 6/6 = 0
        ("1111110", 1 / 6),  # U = 1 (no 101 triple), 1 − 5/6
        ("0111110", 1 / 3),  # 1 − 4/6
        ("0011110", 0.5),  # 1 − 3/6
        ("0011100", 2 / 3),  # 1 − 2/6
        # TU = 2 (110: 3,5,6 / 3,5,7) + 2 (011: 1,3,5 / 2,3,5), TDU = 1 (3,4,5):
        # U = (5·4 − 6·1)/(5·5) = 14/25; A = 14/25 · (1 − 1/6) = 7/15 = 0.467
        ("0010100", 7 / 15),
        ("0000100", 1.0),  # one category: defined as 1
    ],
)
def test_layer_agreement_matches_vignette(pattern, expected):
    p = np.array([[int(ch) for ch in pattern]])
    assert agreement._layer_agreement(p)[0] == pytest.approx(expected, abs=1e-12)


def test_agreement_a_vignette_four_points():
    # agrmt vignette: agreement(collapse(c(1,1,3,4), pos=1:4)) = 0.08. By hand, counts (2, 0, 1, 1):
    # layer 1 = 1011 (weight 3/4): TU = 1 (011: 2,3,4), TDU = 2 (101: 1,2,3 and 1,2,4),
    #   U = (2·1 − 3·2)/(2·3) = −2/3, A = −2/3 · (1 − 2/3) = −2/9;
    # layer 2 = 1000 (weight 1/4), A = 1. Total −2/9·3/4 + 1/4 = 1/12.
    assert agreement_a([1, 1, 3, 4], levels=4) == pytest.approx(1 / 12, abs=1e-12)


@pytest.mark.parametrize(
    ("percent_times_ten", "expected"),
    [
        ([24, 28, 32, 62, 135, 304, 416], 0.61),  # PvdA, van der Eijk (2001); agrmt vignette
        ([16, 26, 82, 210, 293, 270, 103], 0.48),  # D66
    ],
)
def test_agreement_a_van_der_eijk_parties(percent_times_ten, expected):
    # A depends only on shares, so the published percentages × 10 give the same value
    assert round(agreement_a(expand(percent_times_ten), levels=7), 2) == expected


# kimsin98/agrmt tests/agreement_test_cases.csv, stated to be exported from R agrmt::agreement()
AGRMT_CASES = {
    "0,0,1": 1.0,
    "0,1,0": 1.0,
    "0,1,1": 0.5,
    "1,0,1": -1.0,
    "1,1,0": 0.5,
    "1,1,1": 0.0,
    "0,100,0,0,0": 1.0,
    "20,20,20,20,20": 0.0,
    "10,30,50,30,10": 0.384615384615385,
    "50,30,10,5,5": 0.575,
    "5,5,10,30,50": 0.575,
    "99999,0,0,0,99999": -1.0,
    "40,10,0,10,40": -0.655555555555556,
    "60,0,10,20,30": 0.0,
    "10,10,10,10,10,10,10,10,10,10": 0.0,
    "5,10,20,40,50,40,20,10,5,0": 0.505555555555556,
    "50,20,5,0,0,0,5,20,50,0": -0.349814814814815,
}


@pytest.mark.parametrize(("vector", "expected"), AGRMT_CASES.items())
def test_agreement_a_matches_r_agrmt_exports(vector, expected):
    counts = [int(v) for v in vector.split(",")]
    assert agreement_a(expand(counts), levels=len(counts)) == pytest.approx(expected, abs=1e-12)


# --------------------------------------------------------------------------------------- hand-worked values
def test_consensus_hand_worked():
    # 5 points, width d = 4. [2, 3, 3, 4]: mean 3, |x − 3|/4 = 1/4, 0, 0, 1/4
    # Cns = 1 + 2·(1/4)·log2(3/4) = 1 − 0.5·0.4150375 = 0.7924813
    assert consensus([2, 3, 3, 4]) == pytest.approx(1 + 0.5 * math.log2(0.75), abs=1e-15)
    # [4, 4, 4, 5]: mean 4.25; 3/4·log2(1 − 0.25/4) + 1/4·log2(1 − 0.75/4)
    expected = 1 + 0.75 * math.log2(0.9375) + 0.25 * math.log2(0.8125)
    assert consensus([4, 4, 4, 5]) == pytest.approx(expected, abs=1e-15)
    assert consensus([4, 4, 4, 5]) == pytest.approx(0.8552779, abs=5e-8)


def test_consensus_of_uniform_five_points():
    # mean 3; |x − 3|/4 = 1/2, 1/4, 0, 1/4, 1/2 each with p = 1/5
    # Cns = 1 + (2/5)·log2(1/2) + (2/5)·log2(3/4) = 1 − 0.4 − 0.4·0.4150375 = 0.4339850
    assert consensus([1, 2, 3, 4, 5] * 7) == pytest.approx(0.6 + 0.4 * math.log2(0.75), abs=1e-15)


def test_rwg_hand_worked():
    # [3, 4, 4, 5]: mean 4, s² = (1 + 0 + 0 + 1)/3 = 2/3; σ²_EU = (25 − 1)/12 = 2; r_wg = 1 − 1/3
    assert rwg([3, 4, 4, 5]) == pytest.approx(2 / 3, abs=1e-15)
    # 7 points: σ²_EU = 48/12 = 4; [2, 4]: s² = 2, r_wg = 1/2
    assert rwg([2, 4], levels=7) == pytest.approx(0.5, abs=1e-15)


@pytest.mark.parametrize("m", [1, 2, 3, 10])
def test_rwg_of_uniform_is_slightly_negative(m):
    # each of 1..5 m times: population variance 2, sample variance 2·5m/(5m − 1);
    # r_wg = 1 − 5m/(5m − 1) = −1/(5m − 1) (−0.25 for one rating per level), never exactly 0
    assert rwg([1, 2, 3, 4, 5] * m) == pytest.approx(-1 / (5 * m - 1), abs=1e-15)


def test_rwg_truncate():
    # [1, 1, 5, 5]: s² = 4·4/3 = 16/3, r_wg = 1 − 8/3 = −5/3 as computed; 0 when truncated
    assert rwg([1, 1, 5, 5]) == pytest.approx(-5 / 3, abs=1e-15)
    assert rwg([1, 1, 5, 5], truncate=True) == 0.0
    assert rwg([3, 4, 4, 5], truncate=True) == pytest.approx(2 / 3, abs=1e-15)
    assert math.isnan(rwg([3], truncate=True))


def test_bimodality_hand_worked():
    # [2, 3, 3, 3, 4], n = 5: m2 = 2/5, m3 = 0, m4 = 2/5, so g = 0 and g2 = 0.4/0.16 − 3 = −1/2;
    # k = 4/(3·2) · (6·(−1/2) + 6) = 2; BC = 1 / (2 + 3·16/(3·2)) = 1/10
    assert bimodality([2, 3, 3, 3, 4]) == pytest.approx(0.1, abs=1e-15)
    # ten 1s and ten 5s: g = 0, g2 = −2; k = 19/(18·17) · (21·(−2) + 6) = −684/306;
    # BC = 1 / (−684/306 + 3·361/306) = 306/399 = 0.7669
    assert bimodality([1] * 10 + [5] * 10) == pytest.approx(306 / 399, abs=1e-14)


@pytest.mark.parametrize(
    "ratings",
    [[1, 2, 2, 5], [1, 1, 1, 2, 5, 5], [3, 4, 4, 4, 4, 5, 2, 1], [5, 5, 5, 5, 4], [1, 5, 5, 5, 5, 5]],
)
def test_bimodality_matches_scipy(ratings):
    g = stats.skew(ratings, bias=False)
    k = stats.kurtosis(ratings, fisher=True, bias=False)
    n = len(ratings)
    assert bimodality(ratings) == pytest.approx((g**2 + 1) / (k + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def test_bimodality_of_discrete_uniform_approaches_ten_seventeenths():
    # kurtosis of the uniform on 1..5 is 3(3·25 − 7)/(5·24) = 1.7, so BC → 1/1.7 = 10/17 > 5/9
    assert agreement._discrete_uniform_bimodality(5) == pytest.approx(10 / 17)
    big = bimodality([1, 2, 3, 4, 5] * 2000)
    assert agreement.BIMODALITY_UNIFORM < big < 10 / 17
    assert big == pytest.approx(10 / 17, abs=1e-3)
    assert agreement._discrete_uniform_bimodality(1001) == pytest.approx(5 / 9, abs=1e-6)


def test_agreement_a_hand_worked():
    # counts (1, 0, 3, 0, 0): layer 1 = 10100 (height 1, weight 2/4):
    #   TU = 2 (110: 1,3,4 / 1,3,5), TDU = 1 (101: 1,2,3), U = (3·2 − 4·1)/(3·3) = 2/9,
    #   A = 2/9 · (1 − 1/4) = 1/6; layer 2 = 00100 (height 2, weight 2/4), A = 1.
    # A = 1/2 · 1/6 + 1/2 · 1 = 7/12
    assert agreement_a([1, 3, 3, 3]) == pytest.approx(7 / 12, abs=1e-15)
    # split between 2 and 5 (01001): TU = 1 (011: 1,2,5), TDU = 2 (2,3,5 / 2,4,5);
    # U = (3 − 8)/9 = −5/9, A = −5/9 · 3/4 = −5/12
    assert agreement_a([2, 5, 2, 5]) == pytest.approx(-5 / 12, abs=1e-15)


def test_agreement_a_needs_three_levels():
    assert math.isnan(agreement_a([1, 2, 2], levels=2))
    assert consensus([1, 2], levels=2) == 0.0


# ------------------------------------------------------------------------------------------------ edge cases
def test_one_respondent():
    assert consensus([4]) == 1.0
    assert math.isnan(rwg([4]))
    assert agreement_a([4]) == 1.0
    assert math.isnan(bimodality([4]))
    assert classify_agreement([4]) == "insufficient"


def test_everyone_the_same():
    ratings = [2] * 9
    assert consensus(ratings) == 1.0
    assert rwg(ratings) == 1.0
    assert agreement_a(ratings) == 1.0
    assert math.isnan(bimodality(ratings))  # zero variance
    assert classify_agreement(ratings) == "agreed"


@pytest.mark.parametrize("levels", [3, 5, 7])
def test_even_split_at_the_extremes(levels):
    # mean (1 + K)/2, every rating half the width away: Cns = 1 + log2(1/2) = 0; pattern 10…01 gives A = −1
    ratings = [1, levels] * 6
    assert consensus(ratings, levels=levels) == 0.0
    assert agreement_a(ratings, levels=levels) == -1.0
    assert classify_agreement(ratings, levels=levels) == "divided"


def test_uniform_distribution():
    ratings = [1, 2, 3, 4, 5] * 40
    assert agreement_a(ratings) == 0.0
    assert rwg(ratings) == pytest.approx(-1 / 199)
    # little consensus but not polarised: A = 0 and BC (0.583) below the discrete uniform's 10/17
    assert classify_agreement(ratings) == "mixed"


def test_dont_knows_are_ignored():
    with_gaps = [1, None, 3, np.nan, pd.NA, 3, 5.0]
    as_int64 = pd.Series([1, None, 3, None, 3, 5], dtype="Int64")
    as_float = np.array([1, np.nan, 3, 3, 5, np.nan])
    for fn in [*SCALAR_FUNCTIONS, classify_agreement]:
        expected = fn([1, 3, 3, 5])
        for ratings in (with_gaps, as_int64, as_float):
            got = fn(ratings)
            assert same(got, expected) if isinstance(got, float) else got == expected


@pytest.mark.parametrize(
    "empty", [[], [None, None], np.array([]), pd.Series([np.nan]), pd.Series([], dtype="Int64")]
)
def test_no_ratings_give_nan(empty):
    for fn in SCALAR_FUNCTIONS:
        assert math.isnan(fn(empty))
    assert classify_agreement(empty) == "insufficient"


def test_returns_python_floats():
    for fn in SCALAR_FUNCTIONS:
        assert type(fn(np.array([1, 2, 2, 4, 5]))) is float
    assert type(classify_agreement(np.array([1, 2]))) is str


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        ([1, 2, 6], "6"),
        ([0, 3], "0"),
        ([2.5, 3], "2.5"),
        (["3", 4], "'3'"),
        ([True, 2], "True"),
        ([1, np.inf], "inf"),
    ],
)
def test_bad_ratings_are_refused(bad, shown):
    for fn in [*SCALAR_FUNCTIONS, classify_agreement]:
        with pytest.raises(ValuekitError, match=r"ratings must be whole numbers from 1 to 5") as caught:
            fn(bad)
        assert shown in str(caught.value)


def test_bad_ratings_on_other_scales():
    with pytest.raises(ValuekitError, match=r"1 to 3 \(levels=3\).*got 4"):
        consensus([1, 4], levels=3)
    assert consensus([1, 7], levels=7) == 0.0


@pytest.mark.parametrize("levels", [1, 0, -5, 2.5, True, "5", None])
def test_bad_levels_are_refused(levels):
    for fn in [*SCALAR_FUNCTIONS, classify_agreement]:
        with pytest.raises(ValuekitError, match=r"levels must be .*2 or more; got") as caught:
            fn([1, 2], levels=levels)
        assert repr(levels) in str(caught.value)


@pytest.mark.parametrize("bad", [np.ones((3, 2)), pd.DataFrame({"a": [1, 2]}), 3])
def test_ratings_must_be_one_dimensional(bad):
    with pytest.raises(ValuekitError, match="1-D"):
        consensus(bad)


# ---------------------------------------------------------------------------------------------- classification
@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ([4, 4, 5, 4, 3], "agreed"),  # Cns 0.834
        ([3, 4] * 5, "agreed"),  # even over two neighbours: Cns 1 + log2(7/8) = 0.807
        ([2, 3, 4] * 5, "mixed"),  # even over three neighbours: Cns 1 + 2/3·log2(3/4) = 0.723, A = 1/3
        ([2, 4] * 5, "mixed"),  # two steps apart: Cns 1 + log2(3/4) = 0.585, A = 1/6
        ([1, 2, 3, 4, 5] * 3, "mixed"),  # uniform: Cns 0.434 but A = 0, BC below 10/17
        ([1, 1, 1, 5, 5, 5], "divided"),  # Cns 0, A = −1
        ([1] * 60 + [3] * 10 + [4] * 20 + [5] * 30, "divided"),  # lopsided split: A = 0 but BC 0.80, Cns 0.19
        ([2, 5, 2, 5], "divided"),  # Cns 1 + log2(5/8) = 0.32, A = −5/12
        ([5, 5], "agreed"),
        ([3], "insufficient"),
    ],
)
def test_classify_agreement(ratings, expected):
    assert classify_agreement(ratings) == expected


def test_classification_thresholds_are_ordered():
    assert agreement.DIVIDED_CONSENSUS < agreement.AGREED_CONSENSUS


def test_one_agreed_threshold_for_tables_and_findings():
    from valuekit.analysis import findings

    assert findings.STRONG_CONSENSUS is agreement.AGREED_CONSENSUS == 0.80
    assert consensus([3, 4]) > agreement.AGREED_CONSENSUS > consensus([2, 3, 4])
    assert agreement.BIMODALITY_UNIFORM == 5 / 9


# -------------------------------------------------------------------------------------------------- the table
def test_table_columns_and_rows(ratings_frame):
    table = agreement_table(ratings_frame, ["party", "code_id"])
    assert list(table.columns) == ["party", "code_id", *agreement.TABLE_COLUMNS]
    assert len(table) == ratings_frame.groupby(["party", "code_id"]).ngroups
    assert table["n"].sum() == ratings_frame["rating"].notna().sum()
    assert set(table["classification"]) <= {"agreed", "divided", "mixed", "insufficient"}


def test_table_equals_scalar_functions(ratings_frame):
    table = agreement_table(ratings_frame, ["party", "code_id"]).set_index(["party", "code_id"])
    for key, group in ratings_frame.groupby(["party", "code_id"]):
        row = table.loc[key]
        assert row["n"] == group["rating"].notna().sum()
        for column, fn in STATISTICS.items():
            assert same(row[column], fn(group["rating"]))
        assert row["classification"] == classify_agreement(group["rating"])


def test_table_by_one_column_and_levels():
    df = pd.DataFrame({"g": ["b", "a", "b", "a", "b"], "score": [1, 7, 7, 7, None]})
    table = agreement_table(df, "g", rating="score", levels=7)
    assert table["g"].tolist() == ["a", "b"]
    assert table["n"].tolist() == [2, 2]
    assert table["consensus"].tolist() == [1.0, 0.0]
    assert table["agreement_a"].tolist() == [1.0, -1.0]


def test_table_keeps_groups_without_ratings_and_drops_missing_keys():
    df = pd.DataFrame({"g": ["a", "a", "b", None], "rating": [None, None, 3, 4]})
    table = agreement_table(df, "g")
    assert table["g"].tolist() == ["a", "b"]
    assert table["n"].tolist() == [0, 1]
    assert math.isnan(table.loc[0, "consensus"])
    assert table["classification"].tolist() == ["insufficient", "insufficient"]


def test_table_of_empty_frame():
    table = agreement_table(pd.DataFrame({"g": [], "rating": []}), "g")
    assert table.empty
    assert list(table.columns) == ["g", *agreement.TABLE_COLUMNS]


def test_table_missing_column():
    df = pd.DataFrame({"g": ["a"], "rating": [3]})
    with pytest.raises(NotFoundError, match="no column 'party'.*available: g, rating"):
        agreement_table(df, ["party"])
    with pytest.raises(ValuekitError, match="no column 'score'"):
        agreement_table(df, "g", rating="score")


def test_table_refuses_bad_ratings():
    with pytest.raises(ValuekitError, match="got 9"):
        agreement_table(pd.DataFrame({"g": ["a", "b"], "rating": [3, 9]}), "g")
    with pytest.raises(ValuekitError, match="levels"):
        agreement_table(pd.DataFrame({"g": ["a"], "rating": [1]}), "g", levels=1)


def test_docstring_examples_run():
    result = doctest.testmod(agreement, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10
    assert result.failed == 0


# ------------------------------------------------------------------------------------------------ properties
def paper_agreement_a(counts) -> float:
    """Van der Eijk's A written straight from the paper: layers, and a triple loop over categories."""
    remainder, k, total, result = list(counts), len(counts), sum(counts), 0.0
    while any(remainder):
        pattern = [int(c > 0) for c in remainder]
        tu = tdu = 0
        for i, j, m in itertools.combinations(range(k), 3):
            triple = (pattern[i], pattern[j], pattern[m])
            tu += triple in ((1, 1, 0), (0, 1, 1))
            tdu += triple == (1, 0, 1)
        s = sum(pattern)
        if s == 1:
            layer = 1.0
        elif tu + tdu == 0:
            layer = 0.0
        else:
            u = ((k - 2) * tu - (k - 1) * tdu) / ((k - 2) * (tu + tdu))
            layer = u * (1 - (s - 1) / (k - 1))
        height = min(c for c in remainder if c > 0)
        result += height * s / total * layer
        remainder = [c - height if c > 0 else 0 for c in remainder]
    return result


@st.composite
def scale_and_ratings(draw, min_levels=2, min_size=0):
    levels = draw(st.integers(min_levels, 9))
    rating = st.one_of(st.integers(1, levels), st.none())
    ratings = draw(st.lists(rating, min_size=min_size, max_size=60))
    return levels, ratings


def known(ratings) -> np.ndarray:
    return np.array([r for r in ratings if r is not None], dtype=float)


@given(scale_and_ratings(min_levels=3))
def test_ranges(case):
    levels, ratings = case
    x = known(ratings)
    cns, r, a, bc = (fn(ratings, levels=levels) for fn in SCALAR_FUNCTIONS)
    if len(x) == 0:
        assert all(math.isnan(v) for v in (cns, r, a, bc))
        return
    assert 0.0 <= cns <= 1.0
    assert -1.0 <= a <= 1.0
    assert math.isnan(r) or r <= 1.0
    assert math.isnan(bc) or bc > 0.0


@given(scale_and_ratings(min_levels=3, min_size=1))
def test_agreement_a_matches_the_paper_written_out(case):
    levels, ratings = case
    counts = np.bincount(known(ratings).astype(int), minlength=levels + 1)[1:]
    if counts.sum() == 0:
        return
    assert agreement_a(ratings, levels=levels) == pytest.approx(paper_agreement_a(counts.tolist()), abs=1e-12)


@given(scale_and_ratings(min_size=1))
def test_moments_match_numpy_and_scipy(case):
    levels, ratings = case
    x = known(ratings)
    if len(x) == 0:
        return
    # consensus rater by rater: 1 + mean of log2(1 − |x − mean|/width)
    expected_cns = 1 + np.mean(np.log2(1 - np.abs(x - x.mean()) / (levels - 1)))
    assert consensus(ratings, levels=levels) == pytest.approx(expected_cns, abs=1e-12)
    if len(x) >= 2:
        expected_rwg = 1 - np.var(x, ddof=1) / ((levels**2 - 1) / 12)
        assert rwg(ratings, levels=levels) == pytest.approx(expected_rwg, abs=1e-12)
    if len(x) >= 4 and np.ptp(x) > 0:
        g = stats.skew(x, bias=False)
        k = stats.kurtosis(x, fisher=True, bias=False)
        n = len(x)
        expected_bc = (g**2 + 1) / (k + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))
        assert bimodality(ratings, levels=levels) == pytest.approx(expected_bc, rel=1e-9)


@given(scale_and_ratings(), st.randoms(use_true_random=False))
def test_order_invariance(case, random):
    levels, ratings = case
    shuffled = list(ratings)
    random.shuffle(shuffled)
    for fn in SCALAR_FUNCTIONS:
        assert same(fn(shuffled, levels=levels), fn(ratings, levels=levels))
    assert classify_agreement(shuffled, levels=levels) == classify_agreement(ratings, levels=levels)


@given(scale_and_ratings())
def test_reflection_invariance(case):
    levels, ratings = case
    reflected = [None if r is None else levels + 1 - r for r in ratings]
    for fn in SCALAR_FUNCTIONS:
        a, b = fn(ratings, levels=levels), fn(reflected, levels=levels)
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 8).flatmap(
        lambda levels: st.tuples(
            st.just(levels),
            st.lists(
                st.tuples(st.sampled_from("abcdef"), st.one_of(st.integers(1, levels), st.none())),
                max_size=120,
            ),
        )
    )
)
def test_table_equals_scalar_on_random_frames(case):
    levels, rows = case
    df = pd.DataFrame(rows, columns=["group", "rating"]).astype({"rating": "Int64"})
    table = agreement_table(df, "group", levels=levels).set_index("group")
    assert sorted(table.index) == sorted(set(df["group"]))
    for name, group in df.groupby("group"):
        ratings = group["rating"].tolist()
        for column, fn in STATISTICS.items():
            assert same(table.loc[name, column], fn(ratings, levels=levels))
        assert table.loc[name, "classification"] == classify_agreement(ratings, levels=levels)
        assert table.loc[name, "n"] == group["rating"].notna().sum()


def test_categorical_ratings_are_read_as_numbers():
    assert consensus(pd.Series([2, 4, None], dtype="category")) == consensus([2, 4])
    with pytest.raises(ValuekitError, match="got 'low', 'high'"):
        consensus(pd.Series(["low", "high"], dtype="category"))
