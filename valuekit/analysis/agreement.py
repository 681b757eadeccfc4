"""Agreement and fragmentation: is a group agreed, divided (polarised) or mixed on a Value Code?

DESIGN.md, question 3. Every statistic here is a published measure of agreement for ordinal ratings on
levels ``1..levels``:

- :func:`consensus` — Tastle & Wierman (2007) consensus, 0 (split between the two extremes) to 1 (all agree);
- :func:`rwg` — James, Demaree & Wolf (1984) within-group agreement against a uniform null;
- :func:`agreement_a` — van der Eijk (2001) agreement A, −1 (polarised) through 0 (uniform) to +1 (agreed);
- :func:`bimodality` — Sarle's bimodality coefficient as in SAS and Pfister et al. (2013);
- :func:`classify_agreement` — the workbook's reading of the three: "agreed", "divided", "mixed" or
  "insufficient", with the thresholds as module constants;
- :func:`agreement_table` — all of them per group of a long frame of ratings, one row per group.

Missing ratings (NaN, None, ``pd.NA``) mean "don't know" and are left out. Every statistic is computed from
the frequency counts per level, so the scalar functions and :func:`agreement_table` share one code path:
``_counts`` turns ratings into counts, and each ``_*_from_counts`` works on an ``n_groups × levels`` matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

import numpy as np
import pandas as pd

from valuekit.errors import NotFoundError, ValuekitError

__all__ = [
    "AGREED_CONSENSUS",
    "DIVIDED_CONSENSUS",
    "DIVIDED_AGREEMENT_A",
    "BIMODALITY_UNIFORM",
    "MIN_RATINGS",
    "TABLE_COLUMNS",
    "consensus",
    "rwg",
    "agreement_a",
    "bimodality",
    "classify_agreement",
    "agreement_table",
]

#: Consensus at or above which a group is "agreed" — everywhere: the agreement tables, the fragmentation
#: detail, the charts' shaded band and the findings' "… agreed that …" all use this one constant. Tastle &
#: Wierman publish no cut-off; on a 5-point scale 0.80 sits just below an even split between two neighbouring
#: points (1 + log2(7/8) = 0.807), so "agreed" means no more spread than half on one level and half on the
#: next; an even spread over three neighbouring points (0.72) is not agreement but a group spread over the
#: scale's middle. (The tables once used 0.70 while findings asked 0.80: at 0.70, 90 % of the sample portfolio's
#: shown groups "agreed", which says nothing, and a whole community loosely agreed crowded the groups that
#: really agree out of the findings; at 0.80, 23 %.)
AGREED_CONSENSUS = 0.80
#: Consensus below which a group can be "divided": just above an even spread over the whole 5-point scale
#: (0.43), i.e. no more consensus than if answers had been spread across the scale.
DIVIDED_CONSENSUS = 0.50
#: Agreement A below which the distribution is more polarised than uniform (van der Eijk 2001: A < 0 means
#: the layers are mostly bimodal).
DIVIDED_AGREEMENT_A = 0.0
#: Sarle's bimodality coefficient of a continuous uniform distribution; Pfister et al. (2013) read values
#: above it as a sign of bimodality. See :func:`bimodality` for why the classification uses the discrete
#: uniform on ``levels`` points instead.
BIMODALITY_UNIFORM = 5 / 9
#: Fewer ratings than this cannot agree or disagree: the classification is "insufficient".
MIN_RATINGS = 2
#: The fixed columns of :func:`agreement_table`, after the grouping columns.
TABLE_COLUMNS = ("n", "consensus", "rwg", "agreement_a", "bimodality", "classification")

#: What the public functions accept as ratings.
Ratings = Sequence[float | int | None] | np.ndarray | pd.Series

_NUMERIC_KINDS = {"integer", "floating", "mixed-integer-float", "decimal", "empty"}


# --------------------------------------------------------------------------------------------- validation
def _check_levels(levels: object) -> int:
    if isinstance(levels, bool) or not isinstance(levels, int | np.integer) or levels < 2:
        raise ValuekitError(f"levels must be a whole number of scale points, 2 or more; got {levels!r}")
    return int(levels)


def _codes(ratings: object, levels: int) -> np.ndarray:
    """Level index 0..levels-1 of each rating, −1 for "don't know"; raise on anything else."""
    if isinstance(ratings, pd.DataFrame) or np.ndim(ratings) != 1:
        raise ValuekitError(
            "ratings must be a 1-D sequence (list, numpy array or pandas Series) of ratings; "
            f"got {type(ratings).__name__} with {np.ndim(ratings)} dimensions"
        )
    series = (ratings if isinstance(ratings, pd.Series) else pd.Series(ratings)).reset_index(drop=True)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    known = series.notna().to_numpy()
    given = series[known]
    allowed = f"whole numbers from 1 to {levels} (levels={levels}), or NaN/None for don't know"
    if (
        pd.api.types.is_bool_dtype(given.dtype)
        or pd.api.types.infer_dtype(given, skipna=True) not in _NUMERIC_KINDS
    ):
        wrong = [v for v in given if isinstance(v, bool | np.bool_) or not isinstance(v, Real)]
        raise ValuekitError(f"ratings must be {allowed}; got {_show(wrong) if wrong else given.dtype}")
    values = given.to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values != np.round(values)) | (values < 1) | (values > levels)
    if bad.any():
        raise ValuekitError(f"ratings must be {allowed}; got {_show(given[bad].tolist())}")
    codes = np.full(len(series), -1, dtype=np.int64)
    codes[known] = values.astype(np.int64) - 1
    return codes


def _show(values: list) -> str:
    unique = list(dict.fromkeys(values))
    shown = ", ".join(repr(v) for v in unique[:5])
    more = f" and {len(unique) - 5} other values" if len(unique) > 5 else ""
    return f"{shown}{more}"


def _counts(ratings: object, levels: int) -> np.ndarray:
    """Frequency vector: how many ratings fell on each level 1..levels ("don't know" left out)."""
    levels = _check_levels(levels)
    codes = _codes(ratings, levels)
    return np.bincount(codes[codes >= 0], minlength=levels).astype(np.int64)


def _matrix(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """C-ordered int64 counts (so each row reduces in the same order whatever the number of rows),
    the scale points 1..K and the number of ratings per row."""
    c = np.ascontiguousarray(np.atleast_2d(counts), dtype=np.int64)
    return c, np.arange(1, c.shape[1] + 1, dtype=np.int64), c.sum(axis=1)


# --------------------------------------------------------------------------------- statistics on counts
def _consensus_from_counts(counts: np.ndarray) -> np.ndarray:
    c, x, n = _matrix(counts)
    width = c.shape[1] - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (c * x).sum(axis=1) / n
        p = c / n[:, None]
        closeness = 1.0 - np.abs(x - mean[:, None]) / width
        # empty levels contribute nothing (0 · log 0 = 0); a filled level never sits a full width from the mean
        terms = np.where(c > 0, p * np.log2(np.where(c > 0, closeness, 1.0)), 0.0)
        result = 1.0 + terms.sum(axis=1)
    result[n == 0] = np.nan
    return result


def _sum_of_squares_times_n(c: np.ndarray, x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """n · Σ (x − mean)² in exact integer arithmetic: n Σx² − (Σx)², which is n (n − 1) s²."""
    s1 = (c * x).sum(axis=1)
    return n * (c * x * x).sum(axis=1) - s1 * s1


def _rwg_from_counts(counts: np.ndarray, truncate: bool = False) -> np.ndarray:
    c, x, n = _matrix(counts)
    levels = c.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        # 1 − s² / ((A² − 1)/12) with s² = num / (n (n − 1)), as one division
        result = 1.0 - (12 * _sum_of_squares_times_n(c, x, n)) / (n * (n - 1) * (levels * levels - 1))
    result[n < 2] = np.nan
    return np.maximum(result, 0.0) if truncate else result


def _layer_agreement(pattern: np.ndarray) -> np.ndarray:
    """Agreement A of each row of a 0/1 layer pattern (van der Eijk 2001, eqs 2–3).

    Triples of categories i < j < m are counted through their middle category j: a 1 between a 1 on the
    left and a 0 on the right is a 110 triple, a 1 between a 0 and a 1 is 011 (both agree with
    unimodality, TU); a 0 between two 1s is 101 (disagrees, TDU). All other triples are not counted.
    """
    p = pattern.astype(np.int64)
    z = 1 - p
    k = p.shape[1]
    ones_left = np.cumsum(p, axis=1) - p
    ones_right = p.sum(axis=1, keepdims=True) - np.cumsum(p, axis=1)
    zeros_left = np.cumsum(z, axis=1) - z
    zeros_right = z.sum(axis=1, keepdims=True) - np.cumsum(z, axis=1)
    tu = (p * ones_left * zeros_right + p * zeros_left * ones_right).sum(axis=1)
    tdu = (z * ones_left * ones_right).sum(axis=1)
    s = p.sum(axis=1)
    # A = U (1 − (S − 1)/(K − 1)), U = ((K − 2) TU − (K − 1) TDU) / ((K − 2)(TU + TDU)), as one division
    numerator = ((k - 2) * tu - (k - 1) * tdu) * (k - s)
    denominator = (k - 2) * (tu + tdu) * (k - 1)
    result = np.divide(numerator, denominator, out=np.zeros(len(p)), where=denominator != 0)
    # TU + TDU = 0 only when every category is filled (A = 0) or at most one is; one category is A = 1
    result[s == 1] = 1.0
    return result


def _agreement_a_from_counts(counts: np.ndarray) -> np.ndarray:
    c, _, n = _matrix(counts)
    groups, levels = c.shape
    if levels < 3:
        return np.full(groups, np.nan)
    result = np.zeros(groups)
    remainder = c.copy()
    # Each layer empties at least one category, so there are at most `levels` layers: the loop runs over
    # layers for all groups at once, never over groups.
    for _ in range(levels):
        pattern = remainder > 0
        if not pattern.any():
            break
        height = np.where(pattern, remainder, np.iinfo(np.int64).max).min(axis=1)
        height[~pattern.any(axis=1)] = 0
        with np.errstate(divide="ignore", invalid="ignore"):
            weight = (height * pattern.sum(axis=1)) / n
        result += np.where(n > 0, weight, 0.0) * _layer_agreement(pattern)
        remainder -= pattern * height[:, None]
    result[n == 0] = np.nan
    return result


def _bimodality_from_counts(counts: np.ndarray) -> np.ndarray:
    c, x, n = _matrix(counts)
    nf = n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        deviation = x - ((c * x).sum(axis=1) / nf)[:, None]
        m2, m3, m4 = ((c * deviation**r).sum(axis=1) / nf for r in (2, 3, 4))
        skew = m3 / m2**1.5 * np.sqrt(nf * (nf - 1)) / (nf - 2)
        excess = (nf - 1) / ((nf - 2) * (nf - 3)) * ((nf + 1) * (m4 / m2**2 - 3) + 6)
        result = (skew**2 + 1) / (excess + 3 * (nf - 1) ** 2 / ((nf - 2) * (nf - 3)))
    result[(n < 4) | (_sum_of_squares_times_n(c, x, n) == 0)] = np.nan
    return result


def _discrete_uniform_bimodality(levels: int) -> float:
    """Bimodality coefficient of the uniform distribution on 1..levels: 1/b₂ with kurtosis
    b₂ = 3(3K² − 7)/(5(K² − 1)); 10/17 ≈ 0.588 for K = 5, tending to 5/9 as K grows."""
    return 5 * (levels**2 - 1) / (3 * (3 * levels**2 - 7))


def _classify_from_counts(counts: np.ndarray) -> np.ndarray:
    c, _, n = _matrix(counts)
    cns = _consensus_from_counts(c)
    a = _agreement_a_from_counts(c)
    bc = _bimodality_from_counts(c)
    reference = _discrete_uniform_bimodality(c.shape[1])
    result = np.full(len(c), "mixed", dtype=object)
    with np.errstate(invalid="ignore"):
        polarised = (a < DIVIDED_AGREEMENT_A) | (bc > reference)
        result[cns >= AGREED_CONSENSUS] = "agreed"
        result[(cns < DIVIDED_CONSENSUS) & polarised] = "divided"
    result[n < MIN_RATINGS] = "insufficient"
    return result


# ------------------------------------------------------------------------------------------- public API
def consensus(ratings: Ratings, *, levels: int = 5) -> float:
    r"""Tastle & Wierman's consensus of ordinal ratings: 1 when all agree, 0 when split between the extremes.

    .. math::

        \mathrm{Cns}(X) = 1 + \sum_{i=1}^{K} p_i \log_2\!\left(1 - \frac{|X_i - \mu_X|}{d_X}\right)

    with :math:`p_i` the share of ratings on level :math:`X_i = i`, :math:`\mu_X = \sum_i p_i X_i` the mean,
    and :math:`d_X = K - 1` the width of the scale; empty levels contribute 0. An even spread over a
    5-point scale gives 0.43.

    Parameters
    ----------
    ratings : sequence of int or float
        One rating per respondent on levels ``1..levels``; NaN, None or ``pd.NA`` mean "don't know" and
        are left out.
    levels : int, default 5
        Number of points on the scale.

    Returns
    -------
    float
        Consensus in [0, 1]; NaN when there are no ratings.

    Raises
    ------
    ValuekitError
        If a rating is not a whole number in ``1..levels`` or ``levels`` is below 2.

    References
    ----------
    Tastle, W. J. & Wierman, M. J. (2007). Consensus and dissention: A measure of ordinal dispersion.
    *International Journal of Approximate Reasoning*, 45(3), 531–545.

    Examples
    --------
    >>> consensus([4, 4, 4, 4])
    1.0
    >>> consensus([1, 1, 5, 5])
    0.0
    >>> round(consensus([1, 2, 3, 4, 5]), 4)
    0.434
    >>> round(consensus([2, 3, 3, None, 4]), 4)
    0.7925
    """
    return float(_consensus_from_counts(_counts(ratings, levels))[0])


def rwg(ratings: Ratings, *, levels: int = 5, truncate: bool = False) -> float:
    r"""James, Demaree & Wolf's single-item within-group agreement :math:`r_{wg}`.

    .. math::

        r_{wg} = 1 - \frac{s^2}{\sigma^2_{EU}}, \qquad \sigma^2_{EU} = \frac{A^2 - 1}{12}

    with :math:`s^2` the sample variance of the ratings (denominator :math:`n - 1`) and
    :math:`\sigma^2_{EU}` the variance expected if answers were uniformly random over the :math:`A`
    levels (2 for a 5-point scale). 1 means no variance at all; 0 means as much as random answering.

    When the ratings vary more than random answering would (e.g. a split between the extremes),
    :math:`r_{wg}` is negative. It is reported as computed; LeBreton & Senter (2008) note the usual
    practice of truncating negative values to 0, which ``truncate=True`` does. They read 0.71–0.90 as
    strong and above 0.90 as very strong agreement.

    Parameters
    ----------
    ratings : sequence of int or float
        One rating per respondent on levels ``1..levels``; NaN, None or ``pd.NA`` mean "don't know" and
        are left out.
    levels : int, default 5
        Number of points on the scale (:math:`A`).
    truncate : bool, default False
        Report negative values as 0.

    Returns
    -------
    float
        :math:`r_{wg}` at most 1, possibly negative; NaN for fewer than two ratings.

    Raises
    ------
    ValuekitError
        If a rating is not a whole number in ``1..levels`` or ``levels`` is below 2.

    References
    ----------
    James, L. R., Demaree, R. G. & Wolf, G. (1984). Estimating within-group interrater reliability with and
    without response bias. *Journal of Applied Psychology*, 69(1), 85–98.

    LeBreton, J. M. & Senter, J. L. (2008). Answers to 20 questions about interrater reliability and
    interrater agreement. *Organizational Research Methods*, 11(4), 815–852.

    Examples
    --------
    >>> rwg([3, 4, 4, 5])  # s² = 2/3 against 2
    0.6666666666666667
    >>> rwg([1, 2, 3, 4, 5])  # s² = 2.5 against 2
    -0.25
    >>> rwg([1, 2, 3, 4, 5], truncate=True)
    0.0
    """
    return float(_rwg_from_counts(_counts(ratings, levels), truncate=truncate)[0])


def agreement_a(ratings: Ratings, *, levels: int = 5) -> float:
    r"""Van der Eijk's agreement A: +1 all in one level, 0 uniform, −1 split equally between the extremes.

    The frequency vector is decomposed into layers: each layer takes the smallest non-zero frequency
    from every non-empty level, until nothing is left. For a layer with 0/1 pattern vector over the
    :math:`K` levels, :math:`S` non-empty levels, :math:`TU` triples of levels (in scale order) with
    pattern 110 or 011 and :math:`TDU` triples with pattern 101,

    .. math::

        U = \frac{(K-2)\,TU - (K-1)\,TDU}{(K-2)(TU + TDU)}, \qquad
        A_\ell = U \left(1 - \frac{S-1}{K-1}\right),

    with :math:`A_\ell = 1` for a layer with one non-empty level and :math:`A_\ell = 0` when
    :math:`TU + TDU = 0` (every level filled). Overall, :math:`A = \sum_\ell w_\ell A_\ell` with
    :math:`w_\ell` the share of ratings in layer :math:`\ell`. This follows the paper (eqs 2–3, the worked
    example on p. 331) and the R package ``agrmt`` (``agreement()``, Ruedin).

    Parameters
    ----------
    ratings : sequence of int or float
        One rating per respondent on levels ``1..levels``; NaN, None or ``pd.NA`` mean "don't know" and
        are left out.
    levels : int, default 5
        Number of points on the scale (:math:`K`); A needs at least 3.

    Returns
    -------
    float
        A in [−1, 1]; NaN when there are no ratings or ``levels`` is 2.

    Raises
    ------
    ValuekitError
        If a rating is not a whole number in ``1..levels`` or ``levels`` is below 2.

    References
    ----------
    van der Eijk, C. (2001). Measuring agreement in ordered rating scales. *Quality & Quantity*, 35(3),
    325–341.

    Examples
    --------
    >>> agreement_a([2, 2, 2])
    1.0
    >>> agreement_a([1, 1, 5, 5])
    -1.0
    >>> agreement_a([1, 2, 3, 4, 5])
    0.0
    >>> round(agreement_a([1, 3, 3, 3]), 4)  # layers 10100 (weight 1/2, A 1/6), 00100 (weight 1/2, A 1)
    0.5833
    """
    return float(_agreement_a_from_counts(_counts(ratings, levels))[0])


def bimodality(ratings: Ratings, *, levels: int = 5) -> float:
    r"""Sarle's bimodality coefficient (BC) of the ratings, in its sample form (SAS; Pfister et al. 2013).

    .. math::

        BC = \frac{g^2 + 1}{k + \dfrac{3(n-1)^2}{(n-2)(n-3)}}

    with :math:`g` the bias-corrected sample skewness :math:`g_1\sqrt{n(n-1)}/(n-2)` and :math:`k` the
    bias-corrected sample excess kurtosis :math:`\frac{n-1}{(n-2)(n-3)}\left((n+1)g_2 + 6\right)`, where
    :math:`g_1 = m_3/m_2^{3/2}`, :math:`g_2 = m_4/m_2^2 - 3` and :math:`m_r` are the central moments.

    BC runs from 0 to 1; the continuous uniform distribution gives 5/9 ≈ 0.555
    (:data:`BIMODALITY_UNIFORM`) and Pfister et al. read values above it as a sign of bi- or multimodality.
    Two cautions for short ordinal scales: the uniform distribution on 5 points already has
    BC = 10/17 ≈ 0.588 (its kurtosis is 1.7, not 1.8), so :func:`classify_agreement` compares with the
    discrete uniform on ``levels`` points; and the small-sample corrections pull BC down strongly for small
    :math:`n` (a perfect split between 1 and 5 gives 0.13 with 4 ratings, 0.57 with 10, 0.77 with 20).

    Parameters
    ----------
    ratings : sequence of int or float
        One rating per respondent on levels ``1..levels``; NaN, None or ``pd.NA`` mean "don't know" and
        are left out.
    levels : int, default 5
        Number of points on the scale.

    Returns
    -------
    float
        BC; NaN for fewer than four ratings or when all ratings are equal.

    Raises
    ------
    ValuekitError
        If a rating is not a whole number in ``1..levels`` or ``levels`` is below 2.

    References
    ----------
    Pfister, R., Schwarz, K. A., Janczyk, M., Dale, R. & Freeman, J. B. (2013). Good things peak in pairs:
    a note on the bimodality coefficient. *Frontiers in Psychology*, 4, 700.

    SAS Institute (1990). *SAS/STAT User's Guide*, Version 6, 4th ed., Vol. 1 (PROC CLUSTER).

    Examples
    --------
    >>> round(bimodality([1] * 10 + [5] * 10), 4)
    0.7669
    >>> round(bimodality([2, 3, 3, 3, 4]), 4)  # g = 0, k = 2: 1 / (2 + 3·16/6)
    0.1
    """
    return float(_bimodality_from_counts(_counts(ratings, levels))[0])


def classify_agreement(ratings: Ratings, *, levels: int = 5) -> str:
    """Read a group's ratings as "agreed", "divided", "mixed" or "insufficient".

    - **insufficient** — fewer than :data:`MIN_RATINGS` (2) ratings;
    - **agreed** — :func:`consensus` ≥ :data:`AGREED_CONSENSUS` (0.80): on a 5-point scale that allows an
      even split between two neighbouring levels (0.807) but not an even spread over three (0.72) nor two
      levels two steps apart (0.58). The same threshold decides when
      :func:`~valuekit.analysis.findings.findings` says a group "agreed";
    - **divided** — consensus < :data:`DIVIDED_CONSENSUS` (0.50, just above an even spread over the whole
      5-point scale, 0.43) *and* the ratings are polarised, with mass at both ends: :func:`agreement_a`
      below :data:`DIVIDED_AGREEMENT_A` (0: more bimodal than uniform) or :func:`bimodality` above the
      value of the uniform distribution on ``levels`` points (10/17 ≈ 0.588 for 5 levels; the published
      5/9 is the continuous uniform, which a discrete uniform with many ratings exceeds — an even spread
      is not a divided group). The second test catches lopsided splits, which A scores near 0;
    - **mixed** — anything else: neither agreed nor polarised.

    Tastle & Wierman, van der Eijk and Pfister et al. publish no cut-offs for these readings; the
    thresholds are the workbook's, calibrated on 5-point reference distributions as above.

    Parameters
    ----------
    ratings : sequence of int or float
        One rating per respondent on levels ``1..levels``; NaN, None or ``pd.NA`` mean "don't know".
    levels : int, default 5
        Number of points on the scale.

    Returns
    -------
    str
        One of "agreed", "divided", "mixed", "insufficient".

    Raises
    ------
    ValuekitError
        If a rating is not a whole number in ``1..levels`` or ``levels`` is below 2.

    Examples
    --------
    >>> classify_agreement([4, 4, 5, 4, 3])
    'agreed'
    >>> classify_agreement([1, 1, 1, 5, 5, 5])
    'divided'
    >>> classify_agreement([1, 2, 3, 4, 5])
    'mixed'
    >>> classify_agreement([4, None])
    'insufficient'
    """
    return str(_classify_from_counts(_counts(ratings, levels))[0])


def agreement_table(
    df: pd.DataFrame, by: str | Sequence[str], *, rating: str = "rating", levels: int = 5
) -> pd.DataFrame:
    """All agreement statistics per group of a long frame of ratings, one row per group.

    The ratings are counted per group and level (one ``n_groups × levels`` matrix) and every statistic is
    computed on that matrix at once, with the same code as the scalar functions, so each row equals
    :func:`consensus`, :func:`rwg`, :func:`agreement_a`, :func:`bimodality` and
    :func:`classify_agreement` on that group's ratings.

    Parameters
    ----------
    df : DataFrame
        One row per rating.
    by : str or list of str
        Column(s) that define a group (e.g. ``["party_id", "code_id"]``). Rows with a missing key are
        left out; a group whose ratings are all "don't know" is kept with ``n = 0``.
    rating : str, default "rating"
        Column of ratings on levels ``1..levels``; missing values mean "don't know".
    levels : int, default 5
        Number of points on the scale.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``n`` (ratings given), ``consensus``, ``rwg`` (not truncated),
        ``agreement_a``, ``bimodality`` and ``classification``; groups sorted by key.

    Raises
    ------
    NotFoundError
        If a column named in ``by`` or ``rating`` is not in ``df``.
    ValuekitError
        If a rating is not a whole number in ``1..levels`` or ``levels`` is below 2.

    Examples
    --------
    >>> df = pd.DataFrame({"code_id": ["R-TRU"] * 4 + ["R-RSP"] * 4, "rating": [4, 4, 5, 4, 1, 5, 1, 5]})
    >>> agreement_table(df, "code_id")[["code_id", "n", "consensus", "classification"]]
      code_id  n  consensus classification
    0   R-RSP  4   0.000000        divided
    1   R-TRU  4   0.855278         agreed
    """
    levels = _check_levels(levels)
    keys = [by] if isinstance(by, str) else list(by)
    for column in [*keys, rating]:
        if column not in df.columns:
            raise NotFoundError("column", column, list(df.columns), where="the ratings frame")
    codes = _codes(df[rating], levels)
    groups = df.groupby(keys, sort=True, observed=True, dropna=True)
    group_id = groups.ngroup().to_numpy(dtype=float)
    counted = ~np.isnan(group_id) & (codes >= 0)
    cells = group_id[counted].astype(np.int64) * levels + codes[counted]
    counts = np.bincount(cells, minlength=groups.ngroups * levels).reshape(groups.ngroups, levels)
    counts = np.ascontiguousarray(counts, dtype=np.int64)
    table = pd.DataFrame(
        {
            "n": counts.sum(axis=1),
            "consensus": _consensus_from_counts(counts),
            "rwg": _rwg_from_counts(counts),
            "agreement_a": _agreement_a_from_counts(counts),
            "bimodality": _bimodality_from_counts(counts),
            "classification": _classify_from_counts(counts),
        },
        index=groups.size().index,
    )
    return table.reset_index()
