"""The cache on disk of suppression patterns: read back identically, robust to damage, off when asked, shared
safely between processes, bounded, and holding nothing but bits."""

from __future__ import annotations

import multiprocessing
import os
import time

import numpy as np
import pandas as pd
import pytest

from valuekit.analysis import _gate_cache as gc
from valuekit.analysis import privacy
from valuekit.analysis.engagement import engagement
from valuekit.analysis.overview import analyse
from valuekit.analysis.scores import score_codes
from valuekit.store import Store

from .conftest import REL
from .test_privacy import people_frame, ratings_frame

#: Small cells on both sides, so complementary suppression has work to do
CELLS = {
    ("acme", "senior_leadership", "ops"): 3,
    ("acme", "middle_management", "ops"): 8,
    ("acme", "front_line", "ops"): 9,
    ("bolt", "senior_leadership", "ops"): 2,
    ("bolt", "middle_management", "fin"): 11,
    ("bolt", "front_line", "ops"): 12,
}
WHERE = {"side": "client", "common_level": ["senior_leadership", "middle_management"]}


def forget() -> None:
    """Empty the gate's memory in this process, so the next call reads the disk or solves again."""
    privacy._lattice.cache_clear()
    privacy._patterns.cache_clear()


def tables() -> list[pd.DataFrame]:
    """Tables whose patterns need solving: engagement, and scores unfiltered and through a multi-value filter."""
    inv = people_frame(CELLS)
    responses = ratings_frame(inv)
    return [
        engagement(inv, ("party_id", "common_level")),
        score_codes(responses, ["side", "common_level"]),
        score_codes(responses, "common_level", where=WHERE),
    ]


def entries(folder) -> list:
    return sorted(p for p in folder.iterdir() if p.suffix == ".gate") if folder.exists() else []


@pytest.fixture
def fresh():
    forget()
    yield
    forget()


def test_patterns_are_kept_and_read_back_identically(tmp_path, fresh):
    with gc.gate_cache(None):
        solved = tables()
    forget()
    before = gc.stats()
    with gc.gate_cache(tmp_path):
        first = tables()
    assert gc.stats()["writes"] > before["writes"] and entries(tmp_path)
    forget()
    with gc.gate_cache(tmp_path):
        again = tables()
    after = gc.stats()
    assert after["hits"] - before["hits"] == after["writes"] - before["writes"] == len(entries(tmp_path))
    for a, b, c in zip(solved, first, again, strict=True):
        assert a["suppressed"].any(), "the example must need suppression"
        pd.testing.assert_frame_equal(a, b)
        pd.testing.assert_frame_equal(a, c)


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: b"",
        lambda blob: blob[:-3],
        lambda blob: blob[:-9] + bytes([blob[-9] ^ 1]) + blob[-8:],  # one flipped bit of the pattern
        lambda blob: b"not a gate entry at all",
        lambda blob: blob + b"x",
    ],
    ids=["empty", "truncated", "bit-flipped", "foreign", "trailing"],
)
def test_damaged_entries_are_ignored_and_replaced(tmp_path, fresh, damage):
    with gc.gate_cache(tmp_path):
        expected = tables()
    for path in entries(tmp_path):
        path.write_bytes(damage(path.read_bytes()))
    forget()
    errors = gc.stats()["errors"]
    with gc.gate_cache(tmp_path):
        for want, got in zip(expected, tables(), strict=True):
            pd.testing.assert_frame_equal(want, got)
    assert gc.stats()["errors"] - errors == len(entries(tmp_path))
    forget()
    hits = gc.stats()["hits"]
    with gc.gate_cache(tmp_path):
        tables()
    assert gc.stats()["hits"] - hits == len(entries(tmp_path)), "every damaged entry was written anew"


def test_an_entry_with_another_problems_key_is_not_used(tmp_path, fresh):
    with gc.gate_cache(tmp_path):
        expected = tables()
    paths = entries(tmp_path)
    assert len(paths) >= 2
    swapped = paths[0].read_bytes()
    paths[0].write_bytes(paths[1].read_bytes())  # a right-looking entry under the wrong name
    forget()
    with gc.gate_cache(tmp_path):
        for want, got in zip(expected, tables(), strict=True):
            pd.testing.assert_frame_equal(want, got)
    assert paths[0].read_bytes() == swapped


def test_entries_hold_one_bit_per_group_and_nothing_else(tmp_path, fresh):
    folder = tmp_path / "gate"
    with gc.gate_cache(folder):
        tables()
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700), "the folder is private to its owner"
    for path in entries(folder):
        blob = path.read_bytes()
        assert blob.startswith(b"VKGATE\x01\n")
        for word in (b"acme", b"bolt", b"client", b"senior", b"ops", b"C1"):
            assert word not in blob
        assert len(blob) < 200
        assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch, fresh):
    with gc.gate_cache(None):
        tables()
    monkeypatch.setenv(gc.GATE_CACHE_ENV, "off")
    assert gc.cache_folder() is None
    with gc.store_gate_cache(tmp_path / "s.duckdb"):
        assert gc.cache_folder() is None
        tables()
    assert not list(tmp_path.iterdir())
    monkeypatch.setenv(gc.GATE_CACHE_ENV, str(tmp_path / "named"))
    with gc.store_gate_cache(tmp_path / "s.duckdb"):
        assert gc.cache_folder() == tmp_path / "named", (
            "the environment variable wins over the store's folder"
        )
        with gc.gate_cache(None):
            assert gc.cache_folder() is None, "and gate_cache() over both"


def test_analyse_keeps_patterns_beside_its_store(store, tmp_path, monkeypatch, fresh):
    monkeypatch.delenv(gc.GATE_CACHE_ENV)
    first = analyse(store, REL, "solve", themes=False)
    folder = tmp_path / "cache" / "gate"
    assert store.path.parent == tmp_path and entries(folder)
    forget()
    hits = gc.stats()["hits"]
    again = analyse(store, REL, "solve", themes=False)
    assert gc.stats()["hits"] - hits == len(entries(folder))
    for name, table in first.tables().items():
        pd.testing.assert_frame_equal(table, again.tables()[name], obj=name)
    with gc.store_gate_cache(Store(":memory:").path):
        assert gc.cache_folder() is None, "a store in memory has no folder beside it"


def _solve_in_child(folder: str, queue) -> None:
    forget()
    with gc.gate_cache(folder):
        out = tables()
    queue.put([t["suppressed"].tolist() for t in out])


def test_processes_share_the_folder_safely(tmp_path, fresh):
    with gc.gate_cache(None):
        expected = [t["suppressed"].tolist() for t in tables()]
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    children = [ctx.Process(target=_solve_in_child, args=(str(tmp_path), queue)) for _ in range(4)]
    for child in children:
        child.start()
    results = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=120)
        assert child.exitcode == 0
    assert results == [expected] * len(children)
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"], "no temporary file left behind"
    forget()
    hits = gc.stats()["hits"]
    with gc.gate_cache(tmp_path):
        assert [t["suppressed"].tolist() for t in tables()] == expected
    assert gc.stats()["hits"] - hits == len(entries(tmp_path))


def test_a_solve_that_hit_its_time_limit_is_not_kept(tmp_path):
    masks = np.eye(3, dtype=bool)
    inputs = (masks, np.ones(3), np.zeros(3, bool), np.ones(3, bool), np.zeros(3))
    with gc.gate_cache(tmp_path):
        out = gc.cached_pattern(inputs, 5, lambda: np.array([True, False, True]), lambda: False)
        assert out.tolist() == [True, False, True] and not entries(tmp_path)
        gc.cached_pattern(inputs, 5, lambda: np.array([True, False, True]), lambda: True)
        assert len(entries(tmp_path)) == 1
        kept = gc.cached_pattern(inputs, 5, lambda: pytest.fail("should be read back"), lambda: True)
        assert kept.tolist() == [True, False, True]
        other_k = gc.cached_pattern(inputs, 4, lambda: np.zeros(3, bool), lambda: True)
        assert not other_k.any(), "k is part of the problem"


def test_an_unwritable_folder_costs_time_not_the_analysis(tmp_path, fresh):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    with gc.gate_cache(blocked / "gate"):
        errors = gc.stats()["errors"]
        assert tables()[0]["suppressed"].any()
    assert gc.stats()["errors"] > errors


def test_prune_keeps_the_most_recently_used(tmp_path):
    now = time.time()
    for i in range(30):
        path = tmp_path / f"{i:064x}.gate"
        path.write_bytes(b"x")
        os.utime(path, (now - 1000 + i, now - 1000 + i))
    stale, fresh_tmp = tmp_path / ".old.tmp", tmp_path / ".new.tmp"
    for path, age in ((stale, 7200), (fresh_tmp, 10)):
        path.write_bytes(b"x")
        os.utime(path, (now - age, now - age))
    assert gc.prune(tmp_path, max_entries=10) == 22 + 1
    assert [p.name for p in entries(tmp_path)] == [f"{i:064x}.gate" for i in range(22, 30)]
    assert fresh_tmp.exists() and not stale.exists(), "a writer may still be writing a recent temporary file"
    assert gc.prune(tmp_path / "missing") == 0
