"""A disk cache of dashboard views, so that a page opens without re-running the analysis.

An analysis of one relationship × cycle takes seconds (mostly the privacy gate's complementary suppression);
a dashboard page must open in about one. Each view is therefore computed once and kept as a pickle beside the
store (``<store folder>/cache/dashboard/``, or ``$VALUEKIT_DASHBOARD_CACHE``), under a key made of everything
it depends on: the relationship's data fingerprint, the thresholds, the options, the template files and the
valuekit code itself (each file's size and modification time). Change any of them and the view is recomputed;
an unreadable entry is recomputed too. ``valuekit dashboard`` fills the cache in the background when it starts.

A view holds only tables that passed the privacy gate, never responses or comments, and the cache folder is
private to its owner (mode 0700, files 0600). It is outside what the server serves.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .._version import __version__
from ..config import template_dirs

__all__ = ["CACHE_ENV", "cache_dir", "code_digest", "cached"]

#: The environment variable naming the cache folder.
CACHE_ENV = "VALUEKIT_DASHBOARD_CACHE"
#: Bump when what a cached view holds changes shape in a way the code digest cannot see.
FORMAT = 1
T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parents[1]


def cache_dir(store_path: str | os.PathLike) -> Path:
    """The cache folder for views of the store at ``store_path``."""
    named = os.environ.get(CACHE_ENV)
    return Path(named) if named else Path(store_path).resolve().parent / "cache" / "dashboard"


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the valuekit code a view depends on and the diagnostic templates (paths, sizes, times).

    Computed once per process: a kernel or server started after an edit sees the new code and recomputes.
    """
    h = hashlib.sha256(f"{__version__}/{FORMAT}".encode())
    files = sorted(p for p in _PACKAGE.rglob("*.py") if _shapes_views(p.relative_to(_PACKAGE)))
    for folder in template_dirs():
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".yaml", ".yml"))
    for path in files:
        st = path.stat()
        h.update(f"{path}\x1f{st.st_size}\x1f{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def _shapes_views(path: Path) -> bool:
    """Whether a module of valuekit can change what a view holds (presentation and delivery cannot)."""
    top = path.parts[0]
    if top == "dashboard":
        return path.name in ("_view.py", "_cache.py")
    return top not in ("plots", "reports", "questionnaire", "cli.py")


def cached(
    folder: Path | None, kind: str, subject: tuple[str, ...], key: dict[str, Any], compute: Callable[[], T]
) -> T:
    """``compute()``, or the value kept for the same ``key`` in ``folder``; ``folder`` None: no cache.

    ``kind`` and ``subject`` (e.g. ``"relationship"``, ``("harbourside-northwind", "solve")``) name the entry;
    a new value for the same subject replaces the old file, so the folder holds one entry per view.
    """
    if folder is None:
        return compute()
    digest = hashlib.sha256(
        json.dumps({**key, "_code": code_digest()}, sort_keys=True, default=str).encode()
    ).hexdigest()[:32]
    stem = "~".join([kind, *map(_safe, subject)])  # "~" is in no id, so one stem never prefixes another
    path = folder / f"{stem}~~{digest}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own files, in a folder only the owner can write
    except FileNotFoundError:
        pass
    except Exception as exc:  # a torn or stale entry: compute again, and say so in the server's log
        print(f"valuekit dashboard: ignoring unreadable cache entry {path}: {exc}", file=sys.__stderr__)
    value = compute()
    try:
        _write(folder, path, stem, value)
    except OSError as exc:  # a read-only or full disk costs time, never the page
        print(f"valuekit dashboard: cannot write cache entry {path}: {exc}", file=sys.__stderr__)
    return value


def _write(folder: Path, path: Path, stem: str, value: Any) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{stem}~", suffix=".tmp")  # created with mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for old in folder.glob(f"{stem}~~*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", text)
