"""The overview: one call runs every analysis of a relationship × cycle, gated, stamped and shared.

Checked on the sample portfolio: every part is there; each table is exactly what the function behind it returns
when called on its own (so sharing work between tables changes no number); nothing below k is shown; the
stamp says where the numbers come from; unknown relationships and cycles are named with what exists.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from valuekit.analysis import _shared
from valuekit.analysis.change import compare_cycles
from valuekit.analysis.data import load_relationship, select_cycle
from valuekit.analysis.fragmentation import agreement_by_perspective, fragmentation_index
from valuekit.analysis.gaps import level_gaps, mirror_gaps
from valuekit.analysis.overview import Analysis, analyse
from valuekit.analysis.priorities import neglected_things
from valuekit.analysis.scores import distribution, score_codes
from valuekit.config import Privacy
from valuekit.errors import NotFoundError, ValuekitError

from .sample_store import sample_data, sample_store

REL = "harbourside-northwind"
#: Columns that count the people behind a shown number (engagement's sensitive count is ``responded``).
COUNTS = ("n", "n_a", "n_b", "n_client", "n_supplier", "n_before", "n_after", "responded")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return sample_store(tmp_path_factory)


@pytest.fixture(scope="module")
def results(store) -> dict[str, Analysis]:
    return {cycle: analyse(store, REL, cycle) for cycle in ("solve", "dissolve-1")}


@pytest.mark.parametrize("cycle", ["solve", "dissolve-1"])
def test_every_part_is_there(results, cycle):
    result = results[cycle]
    for name in ("engagement", "scores", "scores_by_side_level", "things", "distribution", "agreement",
                 "agreement_by_level", "fragmentation", "fragmentation_detail", "mirror_gaps", "level_gaps",
                 "priorities", "neglected", "change", "action_effects", "suppression_log"):  # fmt: skip
        assert isinstance(getattr(result, name), pd.DataFrame), name
    assert len(result.scores) and len(result.agreement) and len(result.fragmentation) == 1
    assert result.findings is not None and len(result.findings)
    assert result.themes is not None  # the cycle has comments
    assert set(result.tables()) >= {"scores", "agreement", "findings"}
    assert set(result.scores_by_side_level["side"]) == {"client", "supplier"}
    assert set(result.agreement_by_level.columns) >= {"common_level", "classification"}


def test_change_is_read_from_the_cycle_before(results):
    assert results["solve"].stamp["previous_cycle"] == "resolve"
    assert results["solve"].change.empty  # no Value Code of Solve has an ancestor in Resolve
    after = results["dissolve-1"]
    assert after.stamp["previous_cycle"] == "solve" and len(after.change)
    assert set(after.change["code_before"]) <= set(sample_data_codes(after, "solve"))


def sample_data_codes(result: Analysis, cycle: str) -> list[str]:
    return list(result.data.codes_in(cycle)["code_id"])


def test_stamp_says_where_the_numbers_come_from(results, store):
    stamp = results["dissolve-1"].stamp
    assert stamp["relationship"] == REL and stamp["cycle"] == "dissolve-1"
    assert stamp["template"] == "client-supplier@1.0.0"
    assert re.fullmatch(r"[0-9a-f]{16}", stamp["fingerprint"])
    assert stamp["fingerprint"] == store.fingerprint(REL)
    assert stamp["valuekit_version"] and (stamp["k"], stamp["k_comments"]) == (5, 10)


@pytest.mark.parametrize("cycle", ["solve", "dissolve-1"])
def test_nothing_below_k_is_shown(results, cycle):
    result = results[cycle]
    k = result.stamp["k"]
    checked = 0
    for name, table in result.tables().items():
        if "suppressed" not in table:
            continue
        shown = table[~table["suppressed"].astype(bool)]
        for col in (c for c in COUNTS if c in table):
            values = pd.to_numeric(shown[col], errors="coerce")
            assert values.notna().all() and (values >= k).all(), (name, col)
            checked += 1
    assert checked >= 10


def test_tables_equal_the_functions_called_on_their_own(results, store):
    result = results["dissolve-1"]
    data = sample_data(store, REL, "dissolve-1")
    full = sample_data(store, REL)
    same = pd.testing.assert_frame_equal
    same(result.scores, score_codes(data))
    same(result.scores_by_side_level, score_codes(data, ["side", "common_level"]))
    same(result.distribution, distribution(data))
    same(result.agreement_by_level, agreement_by_perspective(data, "common_level"))
    same(result.fragmentation_detail, fragmentation_index(data)[1])
    same(result.mirror_gaps, mirror_gaps(data))
    same(result.level_gaps, level_gaps(data))
    same(result.neglected, neglected_things(data))
    same(result.change, compare_cycles(full, "solve", "dissolve-1"))
    assert result.scores.attrs["suppression_log"] == score_codes(data).attrs["suppression_log"]


def test_select_cycle_is_loading_that_cycle(store):
    full = sample_data(store, REL)
    one = select_cycle(full, "solve")
    direct = load_relationship(store, REL, "solve")
    for name in ("codes", "invitations", "responses", "comments", "participants"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(direct, name))
    with pytest.raises(NotFoundError, match="dissolve-1"):
        select_cycle(full, "dissolve-9")


def test_unknown_relationship_or_cycle_names_what_exists(store):
    with pytest.raises(NotFoundError, match="no relationship 'nowhere'.*harbourside-northwind"):
        analyse(store, "nowhere")
    with pytest.raises(NotFoundError, match="no cycle 'dissolve-9'.*dissolve-2"):
        analyse(store, REL, "dissolve-9")
    with pytest.raises(ValuekitError, match="name the relationship"):
        analyse(store)


def test_previous_cycle_choices(store):
    data = sample_data(store, REL, "dissolve-1")
    alone = analyse(data, themes=False, previous_cycle="auto")
    assert (
        alone.change is None and alone.stamp["fingerprint"] is None and alone.stamp["cycle"] == "dissolve-1"
    )
    with pytest.raises(ValuekitError, match="needs every cycle"):
        analyse(data, themes=False, previous_cycle="solve")
    full = sample_data(store, REL)
    timings: dict[str, float] = {}
    none = analyse(full, cycle_id="dissolve-1", previous_cycle=None, themes=False, timings=timings)
    assert none.change is None and none.action_effects is None and none.themes is None
    assert {"load", "scores", "findings"} <= set(timings) and all(t >= 0 for t in timings.values())
    with pytest.raises(ValuekitError, match="does not come before"):
        analyse(full, cycle_id="solve", previous_cycle="dissolve-1", themes=False)
    latest = analyse(full, themes=False, previous_cycle=None, privacy=Privacy(k=7))
    assert latest.stamp["cycle"] == "dissolve-2" and latest.stamp["k"] == 7


def test_shared_results_are_copies_and_only_inside_a_session(store):
    data = sample_data(store, REL, "solve")
    with _shared.sharing():
        first = score_codes(data, ["side", "common_level"])
        first.loc[:, "mean"] = -1.0
        log = first.attrs["suppression_log"]
        assert log, "the sample hides some side × level groups"
        with pytest.raises((AttributeError, TypeError)):
            log.append({"what": "tampered"})  # the log is shared between copies, so it cannot change
        with pytest.raises(TypeError, match="read-only"):
            log[0]["what"] = "tampered"
        again = score_codes(data, ["side", "common_level"])
    assert (again["mean"].dropna() >= 1).all()
    assert all(e["what"] != "tampered" for e in again.attrs["suppression_log"])
    pd.testing.assert_frame_equal(again, score_codes(data, ["side", "common_level"]))
    assert not _shared.active()
