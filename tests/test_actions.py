"""Improvement actions: proposals for the top priorities, and each action read from the cycle it was raised in.

Runs on the sample portfolio, whose planted truths (data/samples/README.md, "Improvement actions that worked
and that did not") are the expected values for :func:`action_progress`.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.analysis.sample_store import sample_data, sample_store
from valuekit.actions import EXPLAIN_COLUMNS, OWNER_ROLES, action_progress, propose_actions
from valuekit.analysis.change import ACTION_COLUMNS, action_effects
from valuekit.analysis.priorities import priorities
from valuekit.errors import NotFoundError, ValuekitError
from valuekit.schemas import LEVEL_LABELS, columns, validate_table

HN = "harbourside-northwind"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return sample_store(tmp_path_factory)


@pytest.fixture(scope="module")
def solve(store):
    data = sample_data(store, HN, "solve")
    return data, priorities(data)


def ranked_codes(table: pd.DataFrame) -> list[str]:
    shown = table[~table["suppressed"]]
    return shown.sort_values("rank")["code_id"].tolist()


def test_proposals_are_actions_rows(solve):
    data, prios = solve
    out = propose_actions(prios, data, top=3)
    assert list(out.columns) == columns("actions")
    validate_table("actions", out)
    assert out["action_id"].tolist() == ["solve-P01", "solve-P02", "solve-P03"]
    assert set(out["status"]) == {"proposed"} and set(out["raised_cycle"]) == {"solve"}
    assert out["due"].isna().all()
    # no open action owns any of the first three priorities here, so they are the targets, in rank order
    assert out["code_ids"].tolist() == ranked_codes(prios)[:3]


def test_explain_says_where_from_and_where_to(solve):
    data, prios = solve
    out = propose_actions(prios, data, top=1, explain=True, due="2025-06-30")
    assert list(out.columns) == [*columns("actions"), *EXPLAIN_COLUMNS]
    row = out.iloc[0]
    first = prios[~prios["suppressed"]].sort_values("rank").iloc[0]
    now = int(round(first["mean"]))
    assert row["from_level"] == LEVEL_LABELS[now] and row["to_level"] == LEVEL_LABELS[now + 1]
    assert row["aim"] == data.template.code(first["code_id"]).statements[now]  # the next level's statement
    assert row["why"].startswith("priority 1: importance ")
    assert f"(n = {int(first['n'])})" in row["why"]
    assert row["due"] == pd.Timestamp("2025-06-30")


def test_owner_follows_whom_the_code_is_about(store):
    data = sample_data(store, HN, "dissolve-2")
    out = propose_actions(priorities(data), data, top=4, explain=True)
    about = {c: data.template.code(c.split("|")[0]).about for c in out["code_ids"]}
    sides = dict(zip(data.parties["party_id"], data.parties["side"], strict=True))
    for row in out.itertuples():
        kind = about[row.code_ids]
        assert row.owner_role == OWNER_ROLES[kind]
        assert sides[row.owner_party_id] == ("supplier" if kind == "supplier" else "client")


def test_mirror_halves_go_together_client_first(store):
    data = sample_data(store, HN, "dissolve-2")
    out = propose_actions(priorities(data), data, top=5)
    pairs = [c for c in out["code_ids"] if "|" in c]
    assert pairs, "the planted perception gaps make a mirror pair a top priority"
    for pair in pairs:
        client, supplier = pair.split("|")
        assert (
            data.template.code(client).mirror == supplier and "client" in data.template.code(client).rated_by
        )
    targets = [c for pair in out["code_ids"] for c in pair.split("|")]
    assert len(targets) == len(set(targets))


def test_open_actions_keep_their_codes_through_lineage(store):
    data = sample_data(store, HN, "dissolve-2")
    prios = priorities(data)
    first = ranked_codes(prios)[0]
    ancestor = data.template.lineage(first)[-1]
    existing = pd.DataFrame([{"relationship_id": HN, "action_id": "X1", "title": "t", "code_ids": ancestor,
                              "owner_role": "r", "owner_party_id": "northwind", "raised_cycle": "solve",
                              "due": pd.NaT, "status": "in_progress"}])  # fmt: skip
    out = propose_actions(prios, data, top=3, existing=existing)
    assert not any(first in c.split("|") for c in out["code_ids"])


def test_finished_actions_are_mentioned_not_blocking(solve):
    data, prios = solve
    first = ranked_codes(prios)[0]
    existing = pd.DataFrame([{"relationship_id": HN, "action_id": "solve-P01", "title": "t", "code_ids": first,
                              "owner_role": "r", "owner_party_id": "harbourside", "raised_cycle": "resolve",
                              "due": pd.NaT, "status": "done"}])  # fmt: skip
    out = propose_actions(prios, data, top=1, existing=existing, explain=True)
    assert out["code_ids"].iloc[0] == first
    assert "earlier action solve-P01 (done)" in out["why"].iloc[0]
    assert out["action_id"].iloc[0] == "solve-P02"  # ids never clash with those stored


def test_hidden_rows_are_never_proposed(solve):
    data, prios = solve
    hidden = prios.copy()
    top = hidden["rank"] == 1
    hidden.loc[top, "suppressed"] = True
    out = propose_actions(hidden, data, top=1)
    assert out["code_ids"].iloc[0] == ranked_codes(prios)[1]


def test_things_narrows_the_proposals(solve):
    data, prios = solve
    out = propose_actions(prios, data, top=2, things=["trust"], explain=True)
    assert set(out["thing_that_matters"]) == {"trust"} and len(out) == 2


def test_plain_errors(store, solve):
    data, prios = solve
    with pytest.raises(ValuekitError, match="several groups"):
        propose_actions(priorities(data, "side"), data)
    with pytest.raises(ValuekitError, match="needs one cycle"):
        propose_actions(prios, sample_data(store, HN))
    with pytest.raises(ValuekitError, match="no column 'mean_importance'"):
        propose_actions(prios.drop(columns="mean_importance"), data)
    with pytest.raises(ValuekitError, match="top must be a whole number"):
        propose_actions(prios, data, top=-1)
    with pytest.raises(NotFoundError, match="no Thing That Matters 'speed'"):
        propose_actions(prios, data, things=["speed"])


# -- reading what actions did -----------------------------------------------------------------------------------
def test_action_progress_finds_the_planted_effects(store):
    out = action_progress(sample_data(store, HN), "dissolve-2")
    assert list(out.columns) == ACTION_COLUMNS
    verdict = dict(zip(out["action_id"], out["verdict"], strict=True))
    assert [verdict[a] for a in ("A01", "A02", "A03")] == ["moved"] * 3
    assert verdict["A04"] == "did not move" and verdict["A05"] == "did not move"
    assert out.set_index("action_id").loc["A06", "raised_cycle"] == "dissolve-1"


def test_each_action_is_read_from_its_own_cycle(store):
    history = sample_data(store, HN)
    out = action_progress(history, "dissolve-2").set_index("action_id")
    direct = action_effects(history, before="solve", after="dissolve-2").set_index("action_id")
    assert out.loc["A01", "effect"] == pytest.approx(direct.loc["A01", "effect"])
    later = action_effects(history, before="dissolve-1", after="dissolve-2").set_index("action_id")
    assert out.loc["A06", "effect"] == pytest.approx(later.loc["A06", "effect"])


def test_actions_raised_too_late_have_nothing_to_read(store):
    out = action_progress(sample_data(store, HN), "dissolve-1").set_index("action_id")
    assert out.loc["A06", "verdict"] == "raised in dissolve-1: read it in a later cycle"
    assert pd.isna(out.loc["A06", "effect"]) and not out.loc["A06", "suppressed"]


def test_action_progress_errors(store):
    with pytest.raises(ValuekitError, match="reads across cycles"):
        action_progress(sample_data(store, HN, "solve"), "dissolve-1")
    with pytest.raises(NotFoundError, match="no cycle 'dissolve-9'"):
        action_progress(sample_data(store, HN), "dissolve-9")
