"""The privacy gate, checked from outside, for gaps, priorities and change between cycles.

Over random small relationships (two parties, three levels, a mirror pair, importance asked, two cycles), every
shown row's group sizes are at least k and equal the counts worked out here with plain pandas from the raw
answers; no hidden row shows a number.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from valuekit.analysis.change import compare_cycles
from valuekit.analysis.gaps import level_gaps, mirror_gaps
from valuekit.analysis.perspectives import ALL, PERSPECTIVE_COLUMNS
from valuekit.analysis.priorities import neglected_things, priorities
from valuekit.config import Privacy

from .test_privacy import LEVELS, SIDE, person

BEFORE, AFTER = "solve", "dissolve-1"
#: M-C / M-S: a mirror pair about the supplier; X and Y ask importance (X desired too); D-X evolves from X
CODES = pd.DataFrame(
    {"code_id": ["M-C", "M-S", "X", "Y", "D-X"], "thing_that_matters": ["speed", "speed", "trust", "trust", "trust"],
     "title": ["Pace", "Pace (self)", "Candour", "Promises", "Candour, measured"],
     "about": ["supplier", "supplier", None, None, None], "mirror": ["M-S", "M-C", None, None, None],
     "rated_by": ["client", "supplier", "client|supplier", "client|supplier", "client|supplier"],
     "asks": ["", "", "importance|desired", "importance", "importance|desired"],
     "derived_from": [None, None, None, None, "X"]}
)  # fmt: skip
THING_CODES = {"speed": ["M-C", "M-S"], "trust": ["X", "Y"]}
ASKS_IMPORTANCE = ["X", "Y"]
BYS = [None, "common_level", "common_function", ["common_level", "common_function"]]
answer = st.sampled_from([1, 2, 3, 4, 5, None])
# test_privacy's person, on two parties: (party, level, function, answered the second cycle, rating of X)
two_party_person = person.map(lambda p: ("bolt", *p[1:]) if p[0] == "cove" else p)
#: person, then: mirror half, Y, importance X, desired X, importance Y, D-X (second cycle), Y (second cycle)
respondent = st.tuples(two_party_person, *[answer] * 7)
relationships = st.lists(respondent, min_size=1, max_size=40)
ks = st.sampled_from([2, 3, 5])
#: A well-populated relationship (40 people, everyone answering), so shown rows are surely checked too
FULL = [
    ((("acme", "bolt")[i % 2], LEVELS[i // 2 % 3], ("ops", "fin")[i // 6 % 2], i % 5 != 0, 1 + i % 5),
     *[1 + (i + j) % 5 for j in range(7)])
    for i in range(40)
]  # fmt: skip
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def responses_frame(people) -> pd.DataFrame:
    """Long responses of both cycles: one row per person, cycle and Value Code asked."""
    rows = []
    for i, ((party, level, fn, again, x), half, y, imp_x, des_x, imp_y, x2, y2) in enumerate(people):
        who = (f"p{i}", party, SIDE[party], level, fn)
        mirror = "M-C" if SIDE[party] == "client" else "M-S"
        rows += [
            (*who, BEFORE, mirror, half, None, None),
            (*who, BEFORE, "X", x, des_x, imp_x),
            (*who, BEFORE, "Y", y, None, imp_y),
        ]
        if again:
            rows += [(*who, AFTER, "D-X", x2, None, imp_x), (*who, AFTER, "Y", y2, None, imp_y)]
    cols = ["participant_id", *PERSPECTIVE_COLUMNS, "cycle_id", "code_id", "rating", "desired", "importance"]
    frame = pd.DataFrame(rows, columns=cols)
    for c in ("rating", "desired", "importance"):
        frame[c] = pd.array(frame[c].tolist(), dtype="Int64")
    return frame


def _by(by) -> list[str]:
    return [] if by is None else [by] if isinstance(by, str) else list(by)


def in_group(raw: pd.DataFrame, row: pd.Series, by: list[str]) -> pd.Series:
    """The raw rows inside ``row``'s group (``ALL`` in a by column matches everyone)."""
    mask = pd.Series(True, index=raw.index)
    for col in by:
        if row[col] != ALL:
            mask &= raw[col] == row[col]
    return mask


def check(out: pd.DataFrame, k: int, expected, counts: list[str], what: str, may_be_zero=()) -> None:
    """Shown rows: each count ≥ k (or a structural 0) and equal to ``expected(row)``; hidden rows: no number."""
    hidden = out["suppressed"].to_numpy(bool)
    numbers = [c for c in out.columns if c not in ("suppressed", "n_codes") and c not in PERSPECTIVE_COLUMNS]
    numbers = [
        c for c in numbers if pd.api.types.is_numeric_dtype(out[c]) or pd.api.types.is_bool_dtype(out[c])
    ]
    for i, row in out.iterrows():
        if hidden[i]:
            shown = [c for c in numbers if not pd.isna(row[c])]
            assert not shown, f"{what}: hidden row {i} shows {shown}: {row.to_dict()}"
            continue
        want = expected(row)
        for col in counts:
            got = int(row[col])
            assert got == want[col], f"{what}: row {i} {col} = {got}, counted {want[col]}: {row.to_dict()}"
            assert got >= k or (got == 0 and col in may_be_zero), (
                f"{what}: shown row {i} has {col} = {got} < {k}: {row.to_dict()}"
            )


def _rated(frame: pd.DataFrame) -> int:
    return int(frame["rating"].notna().sum())


@SETTINGS
@given(people=relationships, k=ks)
@example(people=FULL, k=2)
def test_mirror_gaps_show_only_groups_of_k_counted_right(people, k):
    raw = responses_frame(people)
    solve = raw[raw["cycle_id"] == BEFORE]
    for by in BYS:
        out = mirror_gaps(raw, by, cycle=BEFORE, codes=CODES, privacy=Privacy(k=k))

        def expected(row, by=by):
            cols = _by(by)
            inside = solve[in_group(solve, row, cols)]
            return {
                "n_client": _rated(inside[inside["code_id"] == row["code_client"]]),
                "n_supplier": _rated(inside[inside["code_id"] == row["code_supplier"]]),
            }

        check(out, k, expected, ["n_client", "n_supplier"], f"mirror_gaps by {by}")


@SETTINGS
@given(
    people=relationships,
    k=ks,
    between=st.permutations(LEVELS).map(lambda p: tuple(p[:2])),
    by_side=st.booleans(),
)
@example(people=FULL, k=2, between=("senior_leadership", "front_line"), by_side=False)
@example(people=FULL, k=3, between=("middle_management", "front_line"), by_side=True)
def test_level_gaps_show_only_groups_of_k_counted_right(people, k, between, by_side):
    raw = responses_frame(people)
    solve = raw[raw["cycle_id"] == BEFORE]
    cols = ["side"] if by_side else []
    for per in ("code", "thing_that_matters"):
        out = level_gaps(
            raw, between=between, by_side=by_side, per=per, cycle=BEFORE, codes=CODES, privacy=Privacy(k=k)
        )

        def expected(row, per=per):
            inside = solve[in_group(solve, row, cols)]
            if per == "code":
                inside = inside[inside["code_id"] == row["code_id"]]
            else:
                inside = inside[inside["code_id"].isin(THING_CODES[row["thing_that_matters"]])]
            people_rated = inside[inside["rating"].notna()].drop_duplicates("participant_id")
            return {
                f"n_{s}": int((people_rated["common_level"] == row[f"level_{s}"]).sum()) for s in ("a", "b")
            }

        check(out, k, expected, ["n_a", "n_b"], f"level_gaps {between} by_side={by_side} per {per}")


PRIORITY_BYS = [*BYS, "side", "party_id", ["side", "common_level"]]


@SETTINGS
@given(people=relationships, k=ks)
@example(people=FULL, k=2)
def test_priorities_show_only_groups_of_k_counted_right(people, k):
    raw = responses_frame(people)
    solve = raw[raw["cycle_id"] == BEFORE]
    for by in PRIORITY_BYS:
        out = priorities(raw, by, cycle=BEFORE, codes=CODES, privacy=Privacy(k=k))
        assert set(out["code_id"]) <= set(ASKS_IMPORTANCE)

        def expected(row, by=by):
            cols = _by(by)
            inside = solve[in_group(solve, row, cols) & (solve["code_id"] == row["code_id"])]
            return {
                "n": _rated(inside),
                "n_importance": int(inside["importance"].notna().sum()),
                "n_desired": int((inside["rating"].notna() & inside["desired"].notna()).sum()),
            }

        counts = ["n", "n_importance", "n_desired"]
        # Y does not ask the desired level: its n_desired is 0 by design, not a small group
        check(out, k, expected, counts, f"priorities by {by}", may_be_zero=("n_desired",))
        shown_y = out[~out["suppressed"].to_numpy(bool) & (out["code_id"] == "Y")]
        assert (shown_y["n_desired"] == 0).all()


@SETTINGS
@given(people=relationships, k=ks)
@example(people=FULL, k=2)
def test_neglected_things_show_only_groups_of_k_counted_right(people, k):
    raw = responses_frame(people)
    solve = raw[raw["cycle_id"] == BEFORE]
    for by in PRIORITY_BYS:
        out = neglected_things(raw, by, cycle=BEFORE, codes=CODES, privacy=Privacy(k=k))
        assert set(out["thing_that_matters"]) <= {"trust"}, "only Things whose Value Codes ask importance"

        def expected(row, by=by):
            cols = _by(by)
            codes = [c for c in THING_CODES[row["thing_that_matters"]] if c in ASKS_IMPORTANCE]
            inside = solve[in_group(solve, row, cols) & solve["code_id"].isin(codes)]
            per_person = (
                inside.assign(
                    r=inside["rating"].notna(),
                    i=inside["importance"].notna(),
                    d=inside["rating"].notna() & inside["desired"].notna(),
                )
                .groupby("participant_id")[["r", "i", "d"]]
                .any()
            )
            return {
                "n": int(per_person["r"].sum()),
                "n_importance": int(per_person["i"].sum()),
                "n_desired": int(per_person["d"].sum()),
            }

        check(out, k, expected, ["n", "n_importance", "n_desired"], f"neglected_things by {by}")


@SETTINGS
@given(people=relationships, k=ks)
@example(people=FULL, k=2)
def test_compare_cycles_show_only_groups_of_k_counted_right(people, k):
    raw = responses_frame(people)
    if not set(raw["cycle_id"]) >= {BEFORE, AFTER}:
        return  # nobody answered the second cycle: comparing needs both (its errors are tested elsewhere)
    for by in PRIORITY_BYS:
        out = compare_cycles(raw, BEFORE, AFTER, by=by, codes=CODES, privacy=Privacy(k=k))
        assert set(zip(out["code_before"], out["code_after"], strict=True)) <= {("X", "D-X"), ("Y", "Y")}

        def expected(row, by=by):
            cols = _by(by)
            inside = raw[in_group(raw, row, cols)]
            return {
                f"n_{when}": _rated(inside[(inside["cycle_id"] == cycle) & (inside["code_id"] == row[code])])
                for when, cycle, code in (("before", BEFORE, "code_before"), ("after", AFTER, "code_after"))
            }

        check(out, k, expected, ["n_before", "n_after"], f"compare_cycles by {by}")
