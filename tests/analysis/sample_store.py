"""The sample portfolio (``data/samples``) imported once per test session, shared by the analysis tests.

Importing takes a few seconds, so the store is built on first use and cached here; each test module declares a
session fixture that calls :func:`sample_store`, and :func:`sample_data` caches each relationship loaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from valuekit.analysis.data import RelationshipData, load_relationship
from valuekit.config import SAMPLES_DIR
from valuekit.importers import import_path
from valuekit.store import Store

_CACHE: dict[str, object] = {}


def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store holding the whole sample portfolio (built once per session)."""
    if "store" not in _CACHE:
        folder: Path = tmp_path_factory.mktemp("sample-store")
        store = Store(folder / "s.duckdb")
        import_path(SAMPLES_DIR, store)
        _CACHE["store"] = store
    return _CACHE["store"]  # type: ignore[return-value]


def sample_data(store: Store, relationship_id: str, cycle_id: str | None = None) -> RelationshipData:
    """:func:`~valuekit.analysis.data.load_relationship`, cached."""
    key = f"{relationship_id}/{cycle_id}"
    if key not in _CACHE:
        _CACHE[key] = load_relationship(store, relationship_id, cycle_id)
    return _CACHE[key]  # type: ignore[return-value]
