"""Support for the fragmentation and portfolio tests: the sample portfolio imported once per session.

Importing ``data/samples`` takes a few seconds, so the store is built on first use and cached here; each test
module declares its own session fixture that calls :func:`sample_store`. The planted truths the tests look for
are those of ``data/samples/README.md`` (and :data:`valuekit.sample.PLANTED`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from valuekit.config import SAMPLES_DIR
from valuekit.importers import import_path
from valuekit.store import Store

_CACHE: dict[str, Store] = {}

#: Vacant change roles per relationship, from the sample's README (planted truth 7); others have none.
VACANT_ROLES = {
    "fenwick-crossway": 3,
    "halden-vantage": 2,
    "ashby-corelink": 2,
    "bramley-keystone": 2,
    "wexford-polaris": 2,
    "kestrel-ironbridge": 1,
    "pinecrest-clearview": 1,
    "quarry-lane-brightfm": 1,
}


def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store holding the whole sample portfolio (built once per session)."""
    if "store" not in _CACHE:
        folder: Path = tmp_path_factory.mktemp("portfolio-sample")
        store = Store(folder / "s.duckdb")
        import_path(SAMPLES_DIR, store)
        _CACHE["store"] = store
    return _CACHE["store"]
