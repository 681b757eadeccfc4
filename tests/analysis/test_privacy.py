"""The privacy gate: thresholds, complementary suppression, filters, pooling, comments — and properties.

The property tests check the gate from outside with an independent method: the null space of the shown
groups' cell vectors (scipy), and brute-force enumeration of every union of cells with fewer than k
respondents. Nothing shown anywhere (any perspective) may determine such a union, nor its sum of ratings.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from valuekit.analysis.engagement import engagement
from valuekit.analysis.perspectives import (
    ALL,
    PERSPECTIVE_COLUMNS,
    group_label,
    pool,
    pool_across_parties,
    pool_levels,
)
from valuekit.analysis.privacy import (
    apply_gate,
    atom_counts,
    public_reason,
    respondent_guard,
    suppression_log,
    visible_comments,
)
from valuekit.analysis.scores import score_codes
from valuekit.config import Privacy
from valuekit.errors import NotFoundError, ValuekitError

SIDE = {"acme": "client", "bolt": "supplier", "cove": "supplier"}
LEVELS = ("senior_leadership", "middle_management", "front_line")


def people_frame(cells: dict[tuple[str, str, str], int], responded: dict | None = None) -> pd.DataFrame:
    """Invitations: ``cells`` maps (party, level, function) → invited; ``responded`` → how many responded."""
    rows = []
    for (party, level, function), count in cells.items():
        answered = (responded or {}).get((party, level, function), count)
        for i in range(count):
            rows.append(
                (f"{party}-{level}-{function}-{i}", party, SIDE[party], level, function, i < answered)
            )
    cols = ["participant_id", *PERSPECTIVE_COLUMNS, "responded"]
    return pd.DataFrame(rows, columns=cols)


def ratings_frame(invitations: pd.DataFrame, rating: int = 3) -> pd.DataFrame:
    r = invitations[invitations["responded"]].drop(columns="responded")
    return r.assign(code_id="C1", rating=pd.array([rating] * len(r), dtype="Int64"))


# -- the basic rule -----------------------------------------------------------------------------------------
def test_small_group_hidden_with_no_number_and_a_uniform_reason():
    inv = people_frame({("acme", "front_line", "ops"): 7, ("bolt", "front_line", "ops"): 3})
    out = score_codes(ratings_frame(inv), "party_id")
    bolt = out.set_index("party_id").loc["bolt"]
    assert bool(bolt["suppressed"])
    assert bolt[["n", "dont_know", "mean", "median", "sd", "count_3", "share_3", "ci_low"]].isna().all()
    assert (
        bolt["suppressed_reason"]
        == public_reason(5)
        == "fewer than 5 responses, or would reveal a group that small"
    )
    # acme alone would give bolt away through the total (everyone = acme + bolt), so acme is hidden too
    assert out["suppressed"].all()
    log = suppression_log(out)
    assert sorted(log["rule"]) == ["complementary", "primary"]
    assert "3" not in log.to_csv(), "the exact small n never appears"


def test_sibling_rule_hides_the_next_smallest_sibling_and_closes_the_rectangle():
    cells = {
        ("acme", "senior_leadership", "ops"): 3,
        ("acme", "middle_management", "ops"): 8,
        ("acme", "front_line", "ops"): 9,
        ("bolt", "senior_leadership", "ops"): 10,
        ("bolt", "middle_management", "ops"): 11,
        ("bolt", "front_line", "ops"): 12,
    }
    out = engagement(people_frame(cells), ("party_id", "common_level"))
    hidden = set(map(tuple, out.loc[out["suppressed"], ["party_id", "common_level"]].to_numpy()))
    # acme senior (3) is primary; acme middle (8, next smallest sibling), bolt senior (10, protects the senior
    # level total) and bolt middle (11, closes bolt's row and the middle level total) are complementary
    assert hidden == {
        ("acme", "senior_leadership"),
        ("acme", "middle_management"),
        ("bolt", "senior_leadership"),
        ("bolt", "middle_management"),
    }
    totals = out[out["row_type"] != "group"]
    assert not totals["suppressed"].any()
    assert totals["responded"].tolist() == [20, 33, 53]


def test_hidden_siblings_summing_below_k_force_more_suppression():
    # acme senior (2) and middle (2) are both primary, but acme total − acme front line = 4 < 5 would reveal
    # the pair; something else in acme's row (or the total) must go too
    cells = {
        ("acme", "senior_leadership", "ops"): 2,
        ("acme", "middle_management", "ops"): 2,
        ("acme", "front_line", "ops"): 10,
        ("bolt", "senior_leadership", "ops"): 6,
        ("bolt", "middle_management", "ops"): 6,
        ("bolt", "front_line", "ops"): 6,
    }
    out = engagement(people_frame(cells), ("party_id", "common_level"))
    acme = out[out["party_id"] == "acme"].set_index("common_level")
    assert acme.loc["senior_leadership", "suppressed"] and acme.loc["middle_management", "suppressed"]
    assert acme.loc["front_line", "suppressed"] or acme.loc[ALL, "suppressed"]


def test_zero_respondents_is_a_small_group():
    cells = {("acme", "front_line", "ops"): 8, ("bolt", "front_line", "ops"): 4}
    out = engagement(people_frame(cells, {("bolt", "front_line", "ops"): 0}), "party_id")
    assert out.set_index("party_id").loc["bolt", "suppressed"]
    assert out["invited"].isna().sum() == out["suppressed"].sum(), "hidden rows show no invited count either"


def test_filter_that_is_the_complement_of_a_shown_group_is_hidden():
    # client senior (3) is hidden; client middle (8) and front (12) are shown in the lattice (bolt is large).
    # "Client, senior and middle" would equal senior + middle, so senior = that − middle: it must be hidden.
    cells = {
        ("acme", "senior_leadership", "ops"): 3,
        ("acme", "middle_management", "ops"): 8,
        ("acme", "front_line", "ops"): 12,
        ("bolt", "senior_leadership", "ops"): 9,
        ("bolt", "middle_management", "ops"): 9,
        ("bolt", "front_line", "ops"): 9,
    }
    responses = ratings_frame(people_frame(cells))
    full = score_codes(responses, ["side", "common_level"])
    shown = full.loc[~full["suppressed"], ["side", "common_level"]].apply(tuple, axis=1).tolist()
    assert ("client", "middle_management") in shown or ("client", "front_line") in shown
    filtered = score_codes(
        responses, where={"side": "client", "common_level": ["senior_leadership", "middle_management"]}
    )
    assert len(filtered) == 1
    derivable = ("client", "middle_management") in shown
    assert bool(filtered["suppressed"].iloc[0]) == derivable
    assert filtered["group"].iloc[0] == "Client senior leadership and middle management"


def test_overlapping_groups_cannot_be_subtracted():
    # Both parties' middle management (shown) − client middle management (shown) = supplier middle (3): never
    cells = {
        ("acme", "middle_management", "ops"): 9,
        ("bolt", "middle_management", "ops"): 3,
        ("acme", "front_line", "ops"): 9,
        ("bolt", "front_line", "ops"): 9,
    }
    responses = ratings_frame(people_frame(cells))
    both = score_codes(responses, "common_level")
    by_side = score_codes(responses, ["side", "common_level"])
    mid_both = both.set_index("common_level").loc["middle_management", "suppressed"]
    mid_client = by_side.set_index(["side", "common_level"]).loc[
        ("client", "middle_management"), "suppressed"
    ]
    assert mid_both or mid_client


def test_gate_columns_and_log_on_an_empty_table():
    table = pd.DataFrame({"party_id": pd.Series([], dtype="str"), "n": pd.Series([], dtype="int64")})
    atoms = atom_counts(pd.DataFrame({"party_id": ["a"], "w": [True]}), weight="w")
    out = apply_gate(table, atoms, by=["party_id"], k=5)
    assert list(out.columns) == ["party_id", "n", "suppressed", "suppressed_reason"] and out.empty
    assert suppression_log(out).columns.tolist() == ["what", "measure", "group", "rule", "reason"]


# -- comments ---------------------------------------------------------------------------------------------
def test_comments_need_k_comments_people_per_group():
    inv = people_frame({("acme", "front_line", "ops"): 12, ("bolt", "front_line", "ops"): 4})
    comments = inv.assign(subject_id="trust", text="a comment").drop(columns="responded")
    seen = visible_comments(comments, by="party_id", privacy=Privacy(k=5, k_comments=10))
    # bolt (4) is hidden; acme alone would reveal bolt's comments by set difference from everyone's
    assert seen.empty
    everyone = visible_comments(comments, privacy=Privacy(k_comments=10))
    assert len(everyone) == 16
    assert len(suppression_log(seen)) == 2


def test_comments_per_subject_from_a_loaded_relationship(data):
    seen = visible_comments(data.comments, by="side", keys=["subject_id"], privacy=Privacy(k_comments=3))
    people = data.comments.groupby("side")["participant_id"].nunique()
    assert set(seen["side"]) <= set(people.index) and len(seen) <= len(data.comments)
    assert (seen.groupby("side")["participant_id"].nunique() >= 3).all()
    assert list(seen.columns) == list(data.comments.columns)


def test_respondent_guard_says_only_enough_or_not():
    frame = pd.DataFrame({"theme": ["a"] * 3 + ["b"] * 12, "participant_id": [f"p{i}" for i in range(15)]})
    out = respondent_guard(frame, ["theme"], k=10)
    assert out.to_dict("list") == {"theme": ["a", "b"], "enough": [False, True]}


# -- pooling -------------------------------------------------------------------------------------------------
def test_pool_across_parties_is_explicit_logged_and_still_gated():
    cells = {
        ("acme", "senior_leadership", "ops"): 6,
        ("bolt", "senior_leadership", "ops"): 3,
        ("acme", "front_line", "ops"): 9,
        ("bolt", "front_line", "ops"): 9,
    }
    responses = ratings_frame(people_frame(cells))
    pooled, log = pool_across_parties(responses, "senior_leadership", reason="supplier leaders too few")
    assert log.to_dict("records") == [
        {
            "pooled_group": "Both parties' senior leadership",
            "members": "Acme senior leadership; Bolt senior leadership",
            "reason": "supplier leaders too few",
        }
    ]
    assert set(pooled.loc[pooled["common_level"] == "senior_leadership", "party_id"]) == {"acme+bolt"}
    assert (pooled["unpooled_party_id"] == responses["party_id"]).all()
    out = score_codes(pooled, ["party_id", "common_level"])
    senior = out[out["common_level"] == "senior_leadership"]
    assert senior["group"].tolist() == ["Both parties' senior leadership"]
    # the pooled group is the lattice's "senior leadership" group: shown only if the gate allows it everywhere
    same = (
        score_codes(responses, "common_level")
        .set_index("common_level")
        .loc["senior_leadership", "suppressed"]
    )
    assert bool(senior["suppressed"].iloc[0]) == bool(same)


def test_pool_a_whole_relationship(data):
    pooled, log = pool_across_parties(data, "senior_leadership", reason="few senior leaders on either side")
    assert log["pooled_group"].iloc[0] == "Both parties' senior leadership"
    assert log["members"].iloc[0] == "Acme Bank senior leadership; Bolt Services senior leadership"
    for frame in (pooled.participants, pooled.invitations, pooled.responses, pooled.comments):
        senior = frame[frame["common_level"] == "senior_leadership"]
        assert set(senior["party_id"]) <= {"acme+bolt"} and set(senior["side"]) <= {"client+supplier"}
    table = engagement(pooled, ("party_id", "common_level"))
    assert "Both parties' senior leadership" in set(table["group"])
    assert data.participants["party_id"].isin(["acme", "bolt"]).all(), "the original data is untouched"


def test_pool_levels_needs_adjacent_levels_and_a_reason():
    cells = {("acme", lv, "ops"): 3 for lv in LEVELS}
    responses = ratings_frame(people_frame(cells))
    with pytest.raises(ValuekitError, match="adjacent"):
        pool_levels(responses, ["senior_leadership", "front_line"], reason="x")
    with pytest.raises(ValuekitError, match="reason"):
        pool(responses, [{"common_level": "senior_leadership"}, {"common_level": "front_line"}], reason=" ")
    with pytest.raises(NotFoundError, match="available: front_line, middle_management, senior_leadership"):
        pool(responses, [{"common_level": "senior"}, {"common_level": "front_line"}], reason="x")
    with pytest.raises(ValuekitError, match="overlap"):
        pool(responses, [{"party_id": "acme"}, {"common_level": "front_line"}], reason="x")
    pooled, log = pool_levels(
        responses, ["middle_management", "senior_leadership"], party_id="acme", reason="small"
    )
    assert log["pooled_group"].iloc[0] == "Acme senior leadership and middle management"


def test_group_labels():
    assert group_label({"side": "client", "common_level": "senior_leadership"}) == "Client senior leadership"
    assert group_label({"common_level": "middle_management"}) == "Both parties' middle management"
    assert group_label(
        {"side": "supplier", "common_level": "front_line", "common_function": "operations"}
    ) == ("Supplier front line – operations")
    assert group_label({"party_id": "acme"}, party_names={"acme": "Acme Bank"}) == "Acme Bank"
    assert group_label({"party_id": ALL, "common_level": ALL}) == "Whole community"
    assert group_label({"common_function": "finance"}, n_parties=3) == "All parties – finance"
    assert group_label({"party_id": "acme+bolt", "common_level": "front_line"}) == "Both parties' front line"


# -- properties over random small portfolios ---------------------------------------------------------------
def _small_unions(n, k):
    """Every non-empty set of cells whose respondents number fewer than k."""
    order = [i for i in range(len(n)) if n[i] < k]

    def grow(start, chosen, total):
        for j in range(start, len(order)):
            i = order[j]
            if total + n[i] < k:
                yield [*chosen, i]
                yield from grow(j + 1, [*chosen, i], total + n[i])

    return grow(0, [], 0)


def _row_masks(out, by, where, cells):
    masks = np.ones((len(out), len(cells)), bool)
    for col, values in (where or {}).items():
        values = [values] if isinstance(values, str) else values
        masks &= cells[col].isin(values).to_numpy()[None, :]
    for col in by:
        vals = out[col].to_numpy(object)[:, None]
        masks &= (vals == cells[col].to_numpy(object)[None, :]) | (vals == ALL)
    return masks


PERSPECTIVES = [list(c) for r in range(5) for c in itertools.combinations(PERSPECTIVE_COLUMNS, r)]
FILTERS = [
    None,
    {"side": "client"},
    {"common_level": "middle_management"},
    {"common_level": ["senior_leadership", "middle_management"]},
]

person = st.tuples(
    st.sampled_from(["acme", "bolt", "cove"]),
    st.sampled_from(LEVELS),
    st.sampled_from(["ops", "fin"]),
    st.booleans(),
    st.sampled_from([1, 2, 3, 4, 5, None]),
)


#: Found by a long hypothesis run: one multi-value filter seen at several perspectives revealed a pair of
#: cells until the filter's own groups were protected together.
SAME_FILTER_MANY_PERSPECTIVES = [
    ("bolt", "senior_leadership", "ops", True, 1), ("acme", "front_line", "fin", True, None),
    ("cove", "middle_management", "ops", True, 1), ("acme", "senior_leadership", "ops", True, 1),
    ("cove", "middle_management", "fin", True, 1), ("acme", "senior_leadership", "ops", False, 1),
    ("acme", "front_line", "ops", True, 1), ("acme", "middle_management", "ops", True, 1),
    ("acme", "middle_management", "ops", True, 1), ("bolt", "front_line", "ops", True, 1),
    ("cove", "front_line", "ops", True, 1), ("acme", "senior_leadership", "ops", True, 1),
    ("acme", "middle_management", "fin", True, 1), ("acme", "front_line", "ops", True, 1),
]  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(person, max_size=36), k=st.sampled_from([2, 3, 5]))
@example(people=SAME_FILTER_MANY_PERSPECTIVES, k=2)
def test_nothing_below_k_is_shown_or_derivable_anywhere(people, k):
    rows = [
        (f"p{i}", party, SIDE[party], level, fn, responded, rating)
        for i, (party, level, fn, responded, rating) in enumerate(people)
    ]
    inv = pd.DataFrame(rows, columns=["participant_id", *PERSPECTIVE_COLUMNS, "responded", "rating"])
    inv["responded"] = inv["responded"].astype(bool)
    responses = inv[inv["responded"]].drop(columns="responded").assign(code_id="C1")
    responses["rating"] = pd.array(responses["rating"].tolist(), dtype="Int64")
    privacy = Privacy(k=k)
    for measure, records, unit in (("scores", responses, "rating"), ("engagement", inv, "responded")):
        weight = records[unit].notna() if unit == "rating" else records[unit].astype(bool)
        cells = records.assign(w=weight).groupby(list(PERSPECTIVE_COLUMNS), as_index=False)["w"].sum()
        n = cells["w"].to_numpy()
        ratings = (
            records.assign(r=records["rating"].astype("float64").fillna(0)) if measure == "scores" else None
        )
        cell_sums = (
            ratings.groupby(list(PERSPECTIVE_COLUMNS), as_index=False)["r"].sum()["r"].to_numpy()
            if ratings is not None
            else n
        )
        lattice_shown = []
        for where in FILTERS:
            if where and not all(
                set([v] if isinstance(v, str) else v) <= set(records[c]) for c, v in where.items()
            ):
                continue  # a value the data lacks is a typo for a bare frame (NotFoundError): tested elsewhere
            outputs_shown = []
            for by in PERSPECTIVES:
                if where and (any(c in by for c in where) or len(by) > 2):
                    continue
                out = (
                    score_codes(responses, by, where=where, privacy=privacy)
                    if measure == "scores"
                    else engagement(inv, by, where=where, privacy=privacy)
                )
                masks = _row_masks(out, by, where, cells)
                true_n = masks @ n
                count_col = "n" if measure == "scores" else "responded"
                shown = ~out["suppressed"].to_numpy(bool)
                assert (true_n[shown] >= k).all(), f"{measure} by {by} where {where}: a shown group has n < k"
                assert (out.loc[shown, count_col].to_numpy() == true_n[shown]).all()
                if measure == "scores":
                    sums = out.loc[shown, "mean"].to_numpy(float) * true_n[shown]
                    assert np.allclose(sums, (masks @ cell_sums)[shown])
                hidden_numbers = out.loc[~shown].drop(
                    columns=["suppressed", "suppressed_reason", "group", *by]
                )
                hidden_numbers = hidden_numbers.drop(
                    columns=[
                        c
                        for c in ("code_id", "thing_that_matters", "title", "row_type")
                        if c in hidden_numbers
                    ]
                )
                assert hidden_numbers.isna().all().all(), "a hidden row shows a number"
                outputs_shown.extend(masks[shown])
            if where is None or all(isinstance(v, str) for v in where.values()):
                lattice_shown.extend(outputs_shown)  # single-value filters are lattice groups
            else:
                _assert_nothing_small_derivable(
                    lattice_shown + outputs_shown, n, cell_sums, k, f"{measure} {where}"
                )
        _assert_nothing_small_derivable(lattice_shown, n, cell_sums, k, measure)


def _assert_nothing_small_derivable(shown_masks, n, sums, k, what):
    """No union of cells with fewer than k respondents lies in the span of the shown groups' cell vectors."""
    unions = list(itertools.islice(_small_unions(n, k), 200_000))
    if not unions or not len(shown_masks):
        return
    V = np.zeros((len(unions), len(n)))
    for i, u in enumerate(unions):
        V[i, u] = 1
    null = null_space(np.array(shown_masks, float))  # v is derivable iff it is orthogonal to this
    derivable = np.abs(V @ null).max(axis=1) < 1e-9 if null.size else np.ones(len(V), bool)
    for i in np.flatnonzero(derivable)[:1]:
        u = unions[i]
        raise AssertionError(
            f"{what}: cells {u} (n = {n[u].sum()} < {k}, sum of ratings {sums[u].sum()}) "
            "can be worked out from the shown groups"
        )


def test_parent_total_minus_shown_siblings_never_reveals_a_hidden_group(rng):
    # a realistic small community: explicit arithmetic on the engagement table's totals
    for _ in range(20):
        cells = {
            (party, level, fn): int(rng.integers(0, 9))
            for party in ("acme", "bolt")
            for level in LEVELS
            for fn in ("ops", "fin")
        }
        cells = {c: v for c, v in cells.items() if v}
        responded = {c: int(rng.integers(0, v + 1)) for c, v in cells.items()}
        inv = people_frame(cells, responded)
        true = inv.groupby(["party_id", "common_level"])["responded"].sum()
        out = engagement(inv, ("party_id", "common_level"))
        for party, rows in out.groupby("party_id"):
            if party == ALL:
                continue
            total, children = rows[rows["row_type"] == "subtotal"], rows[rows["row_type"] == "group"]
            hidden = children[children["suppressed"]]
            if total["suppressed"].iloc[0] or hidden.empty:
                continue
            rest = int(total["responded"].iloc[0]) - int(
                children.loc[~children["suppressed"], "responded"].sum()
            )
            assert len(hidden) >= 2 or min(true[party, lv] for lv in hidden["common_level"]) >= 5
            assert rest >= 5, "the hidden siblings together are fewer than k"


# -- the shortcut for large groups ------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(
        st.tuples(
            st.sampled_from(["acme", "bolt", "cove"]),
            st.sampled_from(LEVELS),
            st.sampled_from(["ops", "fin"]),
        ),
        min_size=1,
        max_size=12,
        unique=True,
    ),
    extra=st.lists(st.integers(0, 20), min_size=12, max_size=12),
    k=st.sampled_from([2, 5]),
    where=st.sampled_from(FILTERS),
)
def test_when_no_atom_is_below_k_the_full_protection_hides_nothing(cells, extra, k, where):
    """The gate skips complementary suppression when every atom has at least k: check the premise exactly."""
    from valuekit.analysis import privacy

    atoms = pd.DataFrame(
        [(p, SIDE[p], lv, fn, k + e) for (p, lv, fn), e in zip(cells, extra, strict=False)],
        columns=[*PERSPECTIVE_COLUMNS, "n"],
    ).sort_values(list(PERSPECTIVE_COLUMNS), ignore_index=True)
    cols = list(PERSPECTIVE_COLUMNS)
    key = (tuple(cols), tuple(privacy._rows_as_text(atoms, cols)))
    inside = privacy.apply_where(atoms, privacy.validate_where(where))
    view = tuple(np.isin(np.arange(len(atoms)), inside.index))
    groups, hidden = privacy._patterns(key, key, view, tuple(atoms["n"].astype(float)), k)
    assert not hidden.any()
    assert privacy._group_set(key, key, view, len(atoms)) == {g.tobytes() for g in groups}


@settings(max_examples=200, deadline=None)
@given(
    shown=st.lists(st.lists(st.booleans(), min_size=7, max_size=7), min_size=1, max_size=9),
    n=st.lists(st.integers(0, 6), min_size=7, max_size=7),
    k=st.integers(2, 8),
)
def test_the_enumeration_of_small_unions_finds_exactly_the_derivable_ones(shown, n, k):
    """``_unions_in_span`` (which lets ``_small_union`` skip its MILP when it finds none) lists exactly the
    unions of cells below k that the shown groups determine, by brute force; or declines (None)."""
    from valuekit.analysis import privacy

    S, n = np.array(shown, float), np.array(n, float)
    basis = privacy._basis(S)
    if not (n < k).any():
        return
    found = privacy._unions_in_span(basis, n, k)
    if found is None:
        return
    truth = set()
    for bits in itertools.product([0.0, 1.0], repeat=len(n)):
        x = np.array(bits)
        if x.any() and not (x * (n >= k)).any() and x @ n < k and privacy._in_span(basis, x):
            truth.add(tuple(x))
    assert {tuple(x) for x in found} == truth


# HiGHS (with presolve) answers "unbounded or infeasible" for this feasible problem: atoms 6 and 7 (one
# respondent together) are shown group 1 - group 2 - group 5. The gate must find them either way.
_HIGHS_MISS = (
    [[0, 0, 0, 1, 1, 0, 1, 1], [0, 0, 0, 1, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 1, 1, 0],
     [0, 0, 0, 0, 1, 0, 0, 0]],
    [7, 2, 1, 5, 2, 5, 0, 1],
)  # fmt: skip


@pytest.mark.parametrize("enumerate_first", [True, False])
def test_a_small_union_the_solver_misses_with_presolve_is_still_found(monkeypatch, enumerate_first):
    from valuekit.analysis import privacy as gate

    if not enumerate_first:  # the MILP route alone: its retry without presolve must find it
        monkeypatch.setattr(gate, "_unions_in_span", lambda *a: None)
    S, n = np.array(_HIGHS_MISS[0], float), np.array(_HIGHS_MISS[1], float)
    x = gate._small_union(S, gate._basis(S), n, 2)
    assert x is not None, "a derivable union of fewer than k respondents went unnoticed"
    assert x @ n < 2 and x.sum() >= 1 and gate._in_span(gate._basis(S), x)


def test_when_the_solver_cannot_tell_the_gate_hides_what_touches_a_small_atom(monkeypatch):
    from valuekit.analysis import privacy as gate

    def unsure(*args, **kwargs):
        raise gate._Unsure("test")

    monkeypatch.setattr(gate, "_small_union", unsure)
    masks = np.array(_HIGHS_MISS[0], bool)
    n = np.array(_HIGHS_MISS[1], float)
    hidden = gate._protect(masks, n, 2, masks @ n < 2, np.ones(len(masks), bool), np.zeros(len(masks)))
    touches = masks[:, n < 2].any(axis=1)
    assert (hidden == touches).all()


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(st.booleans(), min_size=6, max_size=6), min_size=2, max_size=10),
    costs=st.lists(st.integers(1, 30), min_size=10, max_size=10),
    candidate=st.lists(st.booleans(), min_size=10, max_size=10),
    atom=st.integers(0, 5),
)
def test_the_complement_is_the_cheapest_set_that_stops_a_cell_being_derivable(rows, costs, candidate, atom):
    """``_complement`` (an enumeration with a MILP behind it) against brute force over every set of candidate
    groups: the set it hides stops the cell being derivable, and no cheaper set does."""
    from valuekit.analysis import privacy as gate

    S = np.array(rows, float)
    x = np.eye(6)[atom]
    if not S.any(axis=1).all() or not gate._in_span(gate._basis(S), x):
        return  # only derivable cells are repaired
    s = len(S)
    cand, cost = np.array(candidate[:s]), np.array(costs[:s], float)
    works = lambda h: not gate._in_span(gate._basis(S[~h]), x)  # noqa: E731
    cheapest = np.inf
    for bits in itertools.product([False, True], repeat=s):
        h = np.array(bits)
        if not (h & ~cand).any() and cost[h].sum() < cheapest and works(h):
            cheapest = cost[h].sum()
    if cheapest == np.inf:
        return  # hiding every candidate is not enough: the gate then widens the candidates itself
    shown = np.arange(s)
    hide = np.zeros(s, bool)
    hide[gate._complement(x, S, shown, cand, cost)] = True
    assert works(hide) and not (hide & ~cand).any()
    assert cost[hide].sum() == pytest.approx(cheapest)
    found, proved = gate._cheapest_cut(x, S, cand, cost)
    assert proved and cost[found].sum() == pytest.approx(cheapest)
