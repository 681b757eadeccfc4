"""The privacy gate, checked from outside, for every analysis that takes a ``where=`` filter.

Over random small relationships (test_privacy_properties' strategies), each analysis is run for a filter —
none, a single value, or a multi-value one such as "the client, without the front line" — at several
perspectives, and unfiltered at the perspectives of the lattice. Every shown count is checked against a count
worked out here with plain pandas (so the group it is about is known exactly) and must be at least k; hidden
rows show no number. Then, per measure (one cycle's ratings of a Value Code, of a Thing That Matters, the
importance answers …), the groups shown by *all* the analyses together are checked for subtraction: no union
of cells with fewer than k respondents may lie in the span of their cell vectors (the independent check of
test_privacy, by scipy's null space and brute-force enumeration). The gate audits one multi-value filter at a
time with the lattice (its module docstring says so), and so does this test.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from valuekit.analysis.change import action_effects, compare_cycles, compare_things
from valuekit.analysis.fragmentation import agreement_by_perspective, fragmentation_index
from valuekit.analysis.gaps import level_gaps, mirror_gaps
from valuekit.analysis.perspectives import ALL, PERSPECTIVE_COLUMNS
from valuekit.analysis.priorities import neglected_things, priorities
from valuekit.analysis.privacy import visible_comments
from valuekit.analysis.scores import distribution, score_codes, score_things
from valuekit.config import Privacy

from .test_privacy import LEVELS, _assert_nothing_small_derivable
from .test_privacy_properties import (
    AFTER,
    BEFORE,
    CODES,
    FULL,
    THING_CODES,
    ks,
    relationships,
    responses_frame,
)

SENIOR, MIDDLE, FRONT = LEVELS
#: Filters: none, single values (groups of the lattice) and multi-value ones (audited with the lattice).
FILTERS = [
    None,
    {"side": "client"},
    {"common_level": MIDDLE},
    {"common_level": [SENIOR, MIDDLE]},
    {"side": "client", "common_level": [SENIOR, MIDDLE]},
    {"common_function": "ops", "common_level": [MIDDLE, FRONT]},
]
filters = st.sampled_from(FILTERS)
#: Perspectives every analysis is shown at, unfiltered (the lattice every table of a measure shares).
LATTICE_BYS = [None, "side", "common_level", ["side", "common_level"], ["common_level", "common_function"]]
MIRROR_BYS = [None, "common_level", "common_function"]
#: Things That Matter of each cycle and the Value Codes they roll up (test_privacy_properties' CODES)
THINGS = {BEFORE: THING_CODES, AFTER: {"trust": ["D-X", "Y"]}}
#: The Value Codes that ask importance, per Thing That Matters, and the one that asks the desired level too
IMPORTANCE_CODES, DESIRED_CODES = {"trust": ["X", "Y"]}, ["X"]
ACTIONS = pd.DataFrame(
    {"action_id": ["a1", "a2", "a3"], "title": ["Candour", "Promises", "Pace"], "status": "done",
     "raised_cycle": [BEFORE, BEFORE, AFTER], "code_ids": ["X", "Y", "M-C"]}
)  # fmt: skip
SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _by(by) -> list[str]:
    return [] if by is None else [by] if isinstance(by, str) else list(by)


def _scope(where) -> str:
    """Which audit a filter's groups belong to: the lattice (no filter, single values) or the filter's own."""
    if not where or all(isinstance(v, str) for v in where.values()):
        return "lattice"
    return repr(sorted(where.items()))


def _present(raw: pd.DataFrame, where) -> bool:
    """Whether the data holds every value the filter names (a missing one is a typo, tested elsewhere)."""
    return not where or all(set([v] if isinstance(v, str) else v) <= set(raw[c]) for c, v in where.items())


def _bys_within(bys, where) -> list:
    """The perspectives a filtered table is shown at: those not grouping by a filtered column."""
    return [by for by in bys if not set(_by(by)) & set(where or {})]


class Ledger:
    """The groups the analyses showed, per measure, checked against plain pandas counts as they come in."""

    def __init__(self, raw: pd.DataFrame, k: int):
        self.raw, self.k = raw, k
        self.cells: dict[tuple, pd.DataFrame] = {}
        self.shown: dict[tuple, list[np.ndarray]] = defaultdict(list)

    def measure(self, cycle: str, codes, field: str = "rating") -> pd.DataFrame:
        """Per cell (party × side × level × function): people asked any of ``codes`` in ``cycle`` (the cells
        the gate protects) and ``n``, those of them who gave ``field``."""
        key = (cycle, tuple(codes), field)
        if key not in self.cells:
            rows = self.raw[(self.raw["cycle_id"] == cycle) & self.raw["code_id"].isin(list(codes))]
            given = {
                "rating": rows["rating"].notna(),
                "importance": rows["importance"].notna(),
                "desired": rows["rating"].notna() & rows["desired"].notna(),
            }[field]
            cols = list(PERSPECTIVE_COLUMNS)
            people = rows.assign(w=given).groupby(["participant_id", *cols])["w"].any().reset_index()
            self.cells[key] = people.groupby(cols, as_index=False)["w"].sum().rename(columns={"w": "n"})
        return self.cells[key]

    def show(self, measure: tuple, values: dict, where, count, what: str) -> None:
        """A shown count: it must be the count of its group, and at least k."""
        measure = (measure[0], tuple(measure[1]), *measure[2:])
        cells = self.measure(*measure)
        mask = np.ones(len(cells), bool)
        for col, v in (where or {}).items():
            mask &= cells[col].isin([v] if isinstance(v, str) else list(v)).to_numpy()
        for col, v in values.items():
            if v != ALL:
                mask &= (cells[col] == v).to_numpy()
        true_n = int(mask @ cells["n"].to_numpy())
        assert int(count) == true_n, f"{what}: shows {count}, counted {true_n} ({measure}, {values}, {where})"
        assert true_n >= self.k, (
            f"{what}: a shown group has {true_n} < {self.k} ({measure}, {values}, {where})"
        )
        self.shown[(measure, _scope(where))].append(mask)

    def check(self) -> None:
        """Nothing below k derivable, per measure: from the lattice, and from the lattice with each filter."""
        for (measure, scope), masks in self.shown.items():
            lattice = self.shown.get((measure, "lattice"), []) if scope != "lattice" else []
            n = self.measure(*measure)["n"].to_numpy()
            _assert_nothing_small_derivable(lattice + masks, n, n, self.k, f"{measure} {scope}")


def blank_when_hidden(out: pd.DataFrame, what: str, keep=()) -> None:
    """A hidden row shows no number (labels and identifiers aside)."""
    hidden = out["suppressed"].to_numpy(bool)
    numbers = [
        c for c in out.columns
        if c not in ("suppressed", *keep, *PERSPECTIVE_COLUMNS)
        and (pd.api.types.is_numeric_dtype(out[c]) or pd.api.types.is_bool_dtype(out[c]))
    ]  # fmt: skip
    leaked = out.loc[hidden, numbers].notna()
    assert not leaked.any().any(), f"{what}: a hidden row shows {list(leaked.columns[leaked.any()])}"


def _shown(out: pd.DataFrame) -> pd.DataFrame:
    return out[~out["suppressed"].to_numpy(bool)]


def _runs(raw: pd.DataFrame, where, bys=LATTICE_BYS):
    """(by, where) pairs to show: every lattice perspective unfiltered, and the filter's own perspectives."""
    runs = [(by, None) for by in bys]
    if where:
        runs += [(by, where) for by in _bys_within(bys, where)]
    return runs


# -- Value Codes: agreement, distribution, fragmentation, mirror and level gaps, priorities ----------------------
@SETTINGS
@given(people=relationships, k=ks, where=filters)
@example(people=FULL, k=3, where={"side": "client", "common_level": [SENIOR, MIDDLE]})
@example(people=FULL[:23], k=5, where={"common_level": [SENIOR, MIDDLE]})
def test_per_code_tables_with_filters_show_nothing_below_k(people, k, where):
    raw = responses_frame(people)
    if not _present(raw, where):
        return
    ledger, privacy, kw = Ledger(raw, k), Privacy(k=k), {"cycle": BEFORE, "codes": CODES}
    for by, w in _runs(raw, where):
        agreed = agreement_by_perspective(raw, by, where=w, privacy=privacy, **kw)
        blank_when_hidden(agreed, f"agreement by {by} where {w}")
        for _, row in _shown(agreed).iterrows():
            values = {c: row[c] for c in _by(by)}
            ledger.show((BEFORE, [row["code_id"]]), values, w, row["n"], f"agreement by {by} where {w}")
        _, detail = fragmentation_index(raw, by=by, where=w, privacy=privacy, **kw)
        shown_groups = set(_shown(agreed)["group"])
        named = set(detail[["low_group", "high_group", "divided_groups"]].stack().dropna())
        named = {g for text in named for g in str(text).split("; ") if g}
        assert named <= shown_groups, f"fragmentation by {by} where {w} names {named - shown_groups}"

        scores = score_codes(raw, by, where=w, privacy=privacy, **kw)
        blank_when_hidden(scores, f"score_codes by {by} where {w}")
        for _, row in _shown(scores).iterrows():
            values = {c: row[c] for c in _by(by)}
            ledger.show((BEFORE, [row["code_id"]]), values, w, row["n"], f"score_codes by {by} where {w}")

        dist = distribution(raw, by, where=w, privacy=privacy, **kw)
        blank_when_hidden(dist, f"distribution by {by} where {w}", keep=("level",))
        for key, rows in _shown(dist).groupby([*_by(by), "code_id"], sort=False):
            values = dict(zip(_by(by), key[:-1], strict=True))
            ledger.show((BEFORE, [key[-1]]), values, w, rows["count"].sum(), f"distribution by {by}")

        prio = priorities(raw, by, where=w, privacy=privacy, **kw)
        blank_when_hidden(prio, f"priorities by {by} where {w}", keep=("rank",))
        for _, row in _shown(prio).iterrows():
            values, what = {c: row[c] for c in _by(by)}, f"priorities by {by} where {w}"
            ledger.show((BEFORE, [row["code_id"]]), values, w, row["n"], what)
            ledger.show((BEFORE, [row["code_id"]], "importance"), values, w, row["n_importance"], what)
            if row["code_id"] in DESIRED_CODES:
                ledger.show((BEFORE, [row["code_id"]], "desired"), values, w, row["n_desired"], what)

    for by, w in _runs(raw, where, MIRROR_BYS):
        mirror = mirror_gaps(raw, by, where=w, privacy=privacy, **kw)
        blank_when_hidden(mirror, f"mirror_gaps by {by} where {w}")
        for _, row in _shown(mirror).iterrows():
            values = {c: row[c] for c in _by(by)}
            for half in ("client", "supplier"):
                measure = (BEFORE, [row[f"code_{half}"]])
                ledger.show(measure, values, w, row[f"n_{half}"], f"mirror_gaps by {by} where {w}")

    for w in (None, where) if where else (None,):
        for by_side in (False, True):
            gaps = level_gaps(raw, between=(SENIOR, FRONT), by_side=by_side, where=w, privacy=privacy, **kw)
            blank_when_hidden(gaps, f"level_gaps by_side={by_side} where {w}")
            for _, row in _shown(gaps).iterrows():
                side = {"side": row["side"]} if by_side else {}
                for s in ("a", "b"):
                    values = {**side, "common_level": row[f"level_{s}"]}
                    ledger.show((BEFORE, [row["code_id"]]), values, w, row[f"n_{s}"], "level_gaps")
    ledger.check()


# -- Things That Matter: scores, neglected things, level gaps ------------------------------------------------------
@SETTINGS
@given(people=relationships, k=ks, where=filters)
@example(people=FULL, k=3, where={"common_function": "ops", "common_level": [MIDDLE, FRONT]})
@example(people=FULL[:23], k=5, where={"side": "client", "common_level": [SENIOR, MIDDLE]})
def test_per_thing_tables_with_filters_show_nothing_below_k(people, k, where):
    raw = responses_frame(people)
    if not _present(raw, where):
        return
    ledger, privacy, kw = Ledger(raw, k), Privacy(k=k), {"cycle": BEFORE, "codes": CODES}
    for by, w in _runs(raw, where):
        things = score_things(raw, by, where=w, privacy=privacy, **kw)
        blank_when_hidden(things, f"score_things by {by} where {w}", keep=("n_codes",))
        for _, row in _shown(things).iterrows():
            measure = (BEFORE, THINGS[BEFORE][row["thing_that_matters"]])
            ledger.show(measure, {c: row[c] for c in _by(by)}, w, row["n"], f"score_things by {by} where {w}")

        neglected = neglected_things(raw, by, where=w, privacy=privacy, **kw)
        blank_when_hidden(neglected, f"neglected_things by {by} where {w}", keep=("n_codes", "rank"))
        for _, row in _shown(neglected).iterrows():
            values, what = {c: row[c] for c in _by(by)}, f"neglected_things by {by} where {w}"
            codes = IMPORTANCE_CODES[row["thing_that_matters"]]
            ledger.show((BEFORE, codes), values, w, row["n"], what)
            ledger.show((BEFORE, codes, "importance"), values, w, row["n_importance"], what)

    for w in (None, where) if where else (None,):
        for by_side in (False, True):
            gaps = level_gaps(
                raw, between=(SENIOR, FRONT), by_side=by_side, per="thing_that_matters", where=w,
                privacy=privacy, **kw,
            )  # fmt: skip
            blank_when_hidden(gaps, f"level_gaps per thing by_side={by_side} where {w}")
            for _, row in _shown(gaps).iterrows():
                side = {"side": row["side"]} if by_side else {}
                measure = (BEFORE, THINGS[BEFORE][row["thing_that_matters"]])
                for s in ("a", "b"):
                    values = {**side, "common_level": row[f"level_{s}"]}
                    ledger.show(measure, values, w, row[f"n_{s}"], "level_gaps per thing")
    ledger.check()


# -- change between cycles and improvement actions ----------------------------------------------------------------
@SETTINGS
@given(people=relationships, k=ks, where=filters)
@example(people=FULL, k=3, where={"side": "client", "common_level": [SENIOR, MIDDLE]})
@example(people=FULL[:23], k=2, where={"common_level": [SENIOR, MIDDLE]})
# nobody of the filter answered the second cycle: action_effects' bootstrap once crashed on it
@example(people=[p for p in FULL if p[0][1] != MIDDLE or not p[0][3]], k=5, where={"common_level": MIDDLE})
def test_change_and_action_tables_with_filters_show_nothing_below_k(people, k, where):
    raw = responses_frame(people)
    if not set(raw["cycle_id"]) >= {BEFORE, AFTER} or not _present(raw, where):
        return
    ledger, privacy = Ledger(raw, k), Privacy(k=k)
    for by, w in _runs(raw, where):
        change = compare_cycles(raw, BEFORE, AFTER, by=by, where=w, codes=CODES, privacy=privacy)
        blank_when_hidden(change, f"compare_cycles by {by} where {w}")
        for _, row in _shown(change).iterrows():
            values, what = {c: row[c] for c in _by(by)}, f"compare_cycles by {by} where {w}"
            ledger.show((BEFORE, [row["code_before"]]), values, w, row["n_before"], what)
            ledger.show((AFTER, [row["code_after"]]), values, w, row["n_after"], what)

        things = compare_things(raw, BEFORE, AFTER, by=by, where=w, codes=CODES, privacy=privacy)
        blank_when_hidden(things, f"compare_things by {by} where {w}", keep=("n_codes",))
        for _, row in _shown(things).iterrows():
            values, what = {c: row[c] for c in _by(by)}, f"compare_things by {by} where {w}"
            # only Value Codes whose lineage spans both cycles count: X → D-X and Y → Y
            ledger.show((BEFORE, ["X", "Y"]), values, w, row["n_before"], what)
            ledger.show((AFTER, THINGS[AFTER]["trust"]), values, w, row["n_after"], what)

    for w in (None, where) if where else (None,):
        per_code = compare_cycles(raw, BEFORE, AFTER, where=w, codes=CODES, privacy=privacy)
        shown_after = set(_shown(per_code)["code_after"])
        effects = action_effects(
            raw, before=BEFORE, after=AFTER, where=w, actions=ACTIONS, codes=CODES, privacy=privacy
        )
        blank_when_hidden(effects, f"action_effects where {w}")
        for _, row in effects.iterrows():
            if pd.notna(row["effect"]):  # read from shown Value Codes only: its targets and a control
                targets = set(str(row["codes_after"]).split("|"))
                assert targets <= shown_after, f"action {row['action_id']} where {w} reads a hidden code"
                assert shown_after - targets, f"action {row['action_id']} where {w} has no shown control"
    ledger.check()


# -- comments --------------------------------------------------------------------------------------------------
COMMENT_BYS = [None, "side", "common_level", ["side", "common_level"], "common_function"]


def comments_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """One comment per person on "trust" (everyone who rated X) and on "speed" (everyone who rated a half)."""
    rows = raw[(raw["cycle_id"] == BEFORE) & raw["rating"].notna() & raw["code_id"].isin(["X", "M-C", "M-S"])]
    subject = np.where(rows["code_id"] == "X", "trust", "speed")
    cols = ["participant_id", *PERSPECTIVE_COLUMNS]
    return rows[cols].assign(subject_id=subject, text="a comment").reset_index(drop=True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=relationships, k_comments=st.sampled_from([2, 3, 5]), where=filters)
@example(people=FULL, k_comments=5, where={"side": "client", "common_level": [SENIOR, MIDDLE]})
def test_visible_comments_with_filters_show_no_group_below_k_comments(people, k_comments, where):
    raw = responses_frame(people)
    comments = comments_frame(raw)
    if comments.empty or not _present(comments, where):
        return
    # the comment "measure": people commenting on a subject, as "ratings" of a pseudo Value Code
    as_rows = comments.assign(cycle_id=BEFORE, code_id=comments["subject_id"], rating=1)
    for c in ("importance", "desired"):
        as_rows[c] = pd.NA
    ledger, privacy = Ledger(as_rows, k_comments), Privacy(k_comments=k_comments)
    for by, w in _runs(comments, where, COMMENT_BYS):
        seen = visible_comments(comments, by=by, where=w, keys=["subject_id"], privacy=privacy)
        every = comments
        for col, v in (w or {}).items():
            every = every[every[col].isin([v] if isinstance(v, str) else v)]
        for key, rows in seen.groupby([*_by(by), "subject_id"], sort=False):
            values = dict(zip(_by(by), key[:-1], strict=True))
            inside = every[every["subject_id"] == key[-1]]
            for col, v in values.items():
                inside = inside[inside[col] == v]
            assert len(rows) == len(inside), f"comments by {by} where {w}: a group is shown only in part"
            people_seen = rows["participant_id"].nunique()
            ledger.show((BEFORE, [key[-1]]), values, w, people_seen, f"comments by {by} where {w}")
    ledger.check()
