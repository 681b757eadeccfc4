"""Shared fixtures for the dashboard tests: a test secret, the sample store, an isolated view cache.

Every test here signs links with :data:`SECRET` (never a file under the real home folder), reads a copy of the
sample portfolio built once per session, and caches views in a session folder of its own.
"""

from __future__ import annotations

import os

import pytest

from valuekit.config import SAMPLES_DIR
from valuekit.dashboard._cache import CACHE_ENV
from valuekit.dashboard._tokens import SECRET_ENV, SECRET_FILE_ENV
from valuekit.importers import import_path
from valuekit.store import Store

SECRET = "test-secret-" + "0123456789abcdef" * 3


@pytest.fixture(autouse=True)
def _test_secret(monkeypatch, tmp_path):
    """Links are signed with the test secret; a secret file, if any test makes one, lands in tmp_path."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    monkeypatch.delenv(SECRET_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("VOILA_BASE_URL", "VOILA_SERVER_URL", "VOILA_PREHEAT", "VALUEKIT_DASHBOARD_ACCESS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def store_path(tmp_path_factory):
    """The sample portfolio in a store of its own (built once per session)."""
    path = tmp_path_factory.mktemp("dashboard-store") / "valuekit.duckdb"
    with Store(path) as store:
        result = import_path(SAMPLES_DIR, store)
    assert result.exit_code == 0, result.summary()
    return path


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """A view cache for this session only (set for this process and the servers it starts)."""
    folder = tmp_path_factory.mktemp("dashboard-cache")
    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture(scope="session")
def quarry(store_path, cache_dir):
    """quarry-lane-brightfm's Solve view: BrightFM's 3 senior leaders are below k (data/samples/README.md)."""
    from valuekit.dashboard import relationship_view

    return relationship_view("quarry-lane-brightfm", "solve", store_path=store_path)
