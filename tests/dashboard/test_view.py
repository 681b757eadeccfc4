"""The cached view: the analysis API's own gated tables, by every perspective, and nothing else."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pandas as pd
import pytest

from valuekit.analysis.data import load_relationship
from valuekit.analysis.engagement import engagement
from valuekit.analysis.privacy import public_reason
from valuekit.analysis.scores import score_codes
from valuekit.config import Privacy
from valuekit.dashboard import _view
from valuekit.dashboard._cache import cached, code_digest
from valuekit.dashboard._view import SUBSETS, relationship_view
from valuekit.store import Store

RAW_COLUMNS = {"participant_id", "text", "rating", "importance", "desired", "local_level", "local_function"}


def frames(view) -> list[tuple[str, pd.DataFrame]]:
    out = []
    for f in dataclasses.fields(view):
        value = getattr(view, f.name)
        items = value.items() if isinstance(value, dict) else [("", value)]
        for key, table in items:
            if isinstance(table, pd.DataFrame):
                out.append((f"{f.name}{key}", table))
    if view.themes is not None:
        out += [("themes.table", view.themes.table), ("themes.quotes", view.themes.quotes)]
    return out


def test_every_table_by_every_perspective(quarry):
    for name in ("engagement", "scores", "thing_scores", "agreement", "priorities", "change"):
        assert set(getattr(quarry, name)) == set(SUBSETS), name
    assert set(quarry.mirror_gaps) == {by for by in SUBSETS if "party_id" not in by}
    assert quarry.previous_cycle == "resolve" and quarry.cycles == ("resolve", "solve")


def test_tables_are_the_analysis_functions_own(quarry, store_path):
    with Store(store_path, read_only=True) as store:
        data = load_relationship(store, "quarry-lane-brightfm", "solve")
    for by in [(), ("party_id",), ("party_id", "common_level", "common_function")]:
        expected = score_codes(data, list(by))
        got = quarry.scores[by]
        cols = [*by, "group", "code_id", "n", "mean", "suppressed", "suppressed_reason"]
        pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), expected[cols].reset_index(drop=True))
    pd.testing.assert_frame_equal(
        quarry.engagement[("party_id", "common_level")].drop(columns=[]).reset_index(drop=True),
        engagement(data, ["party_id", "common_level"]).reset_index(drop=True),
        check_like=True,
    )


def test_no_raw_data_in_a_view(quarry):
    """Only gated tables: no participant, no response, no comment (quotes are redacted theme quotes)."""
    for name, table in frames(quarry):
        assert not RAW_COLUMNS & set(table.columns), name
    blob = pickle.dumps(quarry)
    assert b"quarry-lane-brightfm-0001" not in blob  # raw participant ids never travel


def test_hidden_rows_hold_no_number(quarry):
    for name, table in frames(quarry):
        if "suppressed" not in table:
            continue
        hidden = table[table["suppressed"].fillna(False).astype(bool)]
        numbers = [
            c for c in hidden.columns if c != "suppressed" and pd.api.types.is_numeric_dtype(hidden[c])
        ]
        assert hidden[numbers].isna().all().all(), name


def test_the_small_group_is_hidden_with_the_gates_reason(quarry):
    """BrightFM's senior leaders: 3 of them responded (below k = 5)."""
    eng = quarry.engagement[("party_id", "common_level")]
    row = eng[(eng["party_id"] == "brightfm") & (eng["common_level"] == "senior_leadership")].iloc[0]
    assert row["suppressed"] and row["suppressed_reason"] == public_reason(5, "engagement")
    assert np.isnan(row["response_rate"]) and pd.isna(row["responded"])
    scores = quarry.scores[("party_id", "common_level")]
    small = scores[(scores["party_id"] == "brightfm") & (scores["common_level"] == "senior_leadership")]
    assert small["suppressed"].all() and (small["suppressed_reason"] == public_reason(5)).all()


def test_view_is_cached_and_keyed_by_what_it_depends_on(store_path, cache_dir, monkeypatch, quarry):
    calls = []
    real = _view.build_relationship_view
    monkeypatch.setattr(_view, "build_relationship_view", lambda *a, **k: calls.append(k) or real(*a, **k))
    again = relationship_view("quarry-lane-brightfm", "solve", store_path=store_path)
    assert not calls  # from the cache
    assert again.stamp == quarry.stamp
    entries = list(cache_dir.glob("relationship~quarry-lane-brightfm~solve~~*.pickle"))
    assert len(entries) == 1 and (entries[0].stat().st_mode & 0o077) == 0
    other = relationship_view(
        "quarry-lane-brightfm", "solve", store_path=store_path, privacy=Privacy(k=6), cache=False
    )
    assert calls and other.k == 6


def test_cached_recomputes_a_torn_entry_and_keeps_one_per_subject(tmp_path, capfd):
    assert cached(tmp_path, "t", ("a",), {"x": 1}, lambda: 1) == 1
    assert cached(tmp_path, "t", ("a",), {"x": 1}, lambda: 2) == 1
    (entry,) = tmp_path.glob("t~a~~*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cached(tmp_path, "t", ("a",), {"x": 1}, lambda: 3) == 3
    assert "unreadable cache entry" in capfd.readouterr().err
    assert cached(tmp_path, "t", ("a",), {"x": 2}, lambda: 4) == 4
    assert cached(tmp_path, "t", ("a-b",), {"x": 2}, lambda: 5) == 5
    assert len(list(tmp_path.glob("t~a~~*.pickle"))) == 1  # the old key's entry replaced
    assert cached(None, "t", ("a",), {"x": 1}, lambda: 6) == 6  # no folder: no cache
    assert len(code_digest()) == 20


def test_unknown_relationship_or_cycle_names_what_exists(store_path, cache_dir):
    from valuekit.errors import NotFoundError

    with pytest.raises(NotFoundError, match="available"):
        relationship_view("nowhere", store_path=store_path)
    with pytest.raises(NotFoundError, match="resolve, solve"):
        relationship_view("quarry-lane-brightfm", "dissolve-1", store_path=store_path)
