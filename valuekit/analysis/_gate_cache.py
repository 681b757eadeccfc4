"""A cache on disk of the privacy gate's complementary suppression patterns, shared between processes.

Complementary suppression (:mod:`valuekit.analysis.privacy`) solves a small integer programme per measure; on a
mid-size relationship that is most of an analysis's time. The answer depends only on the problem — the groups as
masks over the cells, the cells' counts, which groups start hidden or may be hidden, their costs, and k — so it
is kept on disk under a digest of exactly that (and of the gate's code, :data:`ALGORITHM`, numpy's and scipy's
versions), and any process that meets the same problem again reads it back: a batch report, which runs each
relationship in a fresh process, or a notebook reopened tomorrow.

What an entry holds: one bit per group, hidden or not — a suppression pattern, never a name, a label, a count or
a rating. Entries are small binary files (``<digest>.gate``) checked on reading (format, digest, length,
checksum); one that does not check out is ignored and recomputed. Writes go to a temporary file renamed into
place (``os.replace``), so concurrent processes never see half an entry; two that solve the same problem write
the same bits. A problem whose solver hit its time limit is not kept.

Where (first that applies):

1. ``with gate_cache(folder):`` around the calls — ``gate_cache(None)`` turns the cache off;
2. ``$VALUEKIT_GATE_CACHE``: a folder, or ``off`` to turn it off everywhere;
3. for :func:`~valuekit.analysis.overview.analyse` and the portfolio functions given a store file, the folder
   ``cache/gate/`` beside it (``.valuekit/cache/gate/`` for the default store);
4. otherwise none: patterns are kept in the process's memory only.

The folder is private to its owner (mode 0700, files 0600). It holds at most :data:`MAX_ENTRIES` entries (some
60 bytes each, a disk block on most file systems: the whole sample portfolio analysed makes 941 entries, 3.8 MB);
past that the least recently used fifth is removed (:func:`prune`). Deleting the folder at any time is safe: it
only costs the time to solve the problems again.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["GATE_CACHE_ENV", "ALGORITHM", "MAX_ENTRIES", "gate_cache", "store_gate_cache", "cache_folder",
           "cached_pattern", "prune", "stats"]  # fmt: skip

#: The environment variable naming the cache folder (``off`` turns the cache off).
GATE_CACHE_ENV = "VALUEKIT_GATE_CACHE"
#: Bump when the gate may give another pattern for the same problem in a way its source digest cannot see.
ALGORITHM = 2
#: Most entries kept; past it the least recently used fifth are removed.
MAX_ENTRIES = 20_000
_OFF = {"off", "0", "no", "false", "none"}
_MAGIC = b"VKGATE\x01\n"
_SUFFIX = ".gate"
_PRUNE_EVERY = 64  # writes between two looks at the folder's size
_STALE_TMP = 3600.0  # seconds after which a temporary file is a crashed writer's
_UNSET = object()
_FOLDER: ContextVar[object] = ContextVar("valuekit_gate_cache", default=_UNSET)
_STATS = {"hits": 0, "misses": 0, "writes": 0, "errors": 0}


@contextmanager
def gate_cache(folder: str | os.PathLike | None) -> Iterator[None]:
    """Keep suppression patterns in ``folder`` for the calls inside the block (``None``: keep none on disk).

    Examples
    --------
    >>> with gate_cache(None):  # doctest: +SKIP
    ...     result = analyse(store, "harbourside-northwind", "solve")  # solves every pattern afresh
    """
    token = _FOLDER.set(None if folder is None else Path(folder))
    try:
        yield
    finally:
        _FOLDER.reset(token)


@contextmanager
def store_gate_cache(store_path: str | os.PathLike | None) -> Iterator[None]:
    """The default for calls given a store: ``cache/gate/`` beside the store file, unless a folder is already
    chosen (:func:`gate_cache`, ``$VALUEKIT_GATE_CACHE``) or the store is in memory (``None``, ``":memory:"``)."""
    if _FOLDER.get() is not _UNSET or os.environ.get(GATE_CACHE_ENV) or store_path in (None, ":memory:"):
        yield
        return
    with gate_cache(Path(store_path).resolve().parent / "cache" / "gate"):
        yield


def cache_folder() -> Path | None:
    """The folder patterns are kept in now, or ``None`` (module docstring, "Where")."""
    chosen = _FOLDER.get()
    if chosen is not _UNSET:
        return chosen  # type: ignore[return-value]
    named = os.environ.get(GATE_CACHE_ENV, "").strip()
    return None if not named or named.lower() in _OFF else Path(named)


def stats() -> dict[str, int]:
    """This process's cache reads found (``hits``) and not (``misses``), entries written, and errors ignored."""
    return dict(_STATS)


def cached_pattern(inputs: tuple[np.ndarray, ...], k: int, compute: Callable[[], np.ndarray],
                   complete: Callable[[], bool]) -> np.ndarray:  # fmt: skip
    """``compute()`` — a boolean vector, one entry per group — or the one kept for the same problem.

    ``inputs`` are every array the pattern depends on (the group masks first, so their shape is in the key);
    ``complete()``, asked after computing, says whether the answer may be kept (not when a solve timed out).
    """
    folder = cache_folder()
    if folder is None:
        return compute()
    key = _key(inputs, k)
    size = len(inputs[0])
    found = _read(folder / f"{key.hex()}{_SUFFIX}", key, size)
    if found is not None:
        _STATS["hits"] += 1
        return found
    _STATS["misses"] += 1
    pattern = np.asarray(compute(), bool)
    if complete() and len(pattern) == size:
        _write(folder, key, pattern)
    return pattern


# -- entries ------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _versions() -> bytes:
    """What, besides the problem, the pattern depends on: the gate's code and the numerical libraries."""
    import scipy

    from . import privacy

    source = hashlib.blake2b(Path(privacy.__file__).read_bytes(), digest_size=16).hexdigest()
    return f"valuekit-gate/{ALGORITHM}/{source}/numpy {np.__version__}/scipy {scipy.__version__}".encode()


def _key(inputs: tuple[np.ndarray, ...], k: int) -> bytes:
    h = hashlib.blake2b(_versions(), digest_size=32)
    h.update(struct.pack("<q", int(k)))
    for a in map(np.asarray, inputs):
        h.update(repr((a.dtype.kind, a.shape)).encode())
        if a.dtype.kind == "b":
            h.update(np.packbits(a, axis=None).tobytes())
        else:
            h.update(np.ascontiguousarray(a, dtype=np.float64 if a.dtype.kind == "f" else np.int64).tobytes())
    return h.digest()


def _read(path: Path, key: bytes, size: int) -> np.ndarray | None:
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        _STATS["errors"] += 1
        return None
    head = len(_MAGIC) + len(key) + 4
    body, check = blob[:-8], blob[-8:]
    ok = (
        len(blob) == head + (size + 7) // 8 + 8
        and blob.startswith(_MAGIC)
        and blob[len(_MAGIC) : len(_MAGIC) + len(key)] == key
        and struct.unpack("<I", blob[head - 4 : head])[0] == size
        and hashlib.blake2b(body, digest_size=8).digest() == check
    )
    if not ok:  # torn, foreign or stale: recompute (and the new entry replaces it)
        _STATS["errors"] += 1
        return None
    try:
        os.utime(path)  # recently used: kept longest when the folder is pruned
    except OSError:
        pass
    return np.unpackbits(np.frombuffer(body[head:], np.uint8), count=size).astype(bool)


def _write(folder: Path, key: bytes, pattern: np.ndarray) -> None:
    body = _MAGIC + key + struct.pack("<I", len(pattern)) + np.packbits(pattern).tobytes()
    blob = body + hashlib.blake2b(body, digest_size=8).digest()
    tmp = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")  # created with mode 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, folder / f"{key.hex()}{_SUFFIX}")
        tmp = None
        _STATS["writes"] += 1
    except OSError:  # a read-only or full disk costs time, never the analysis
        _STATS["errors"] += 1
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    if _STATS["writes"] % _PRUNE_EVERY == 1:
        prune(folder)


def prune(folder: str | os.PathLike, max_entries: int = MAX_ENTRIES) -> int:
    """Remove the least recently used entries past ``max_entries`` (down to four fifths of it) and temporary
    files left by writers that died; returns how many files were removed."""
    now, entries, removed = time.time(), [], 0
    try:
        with os.scandir(folder) as it:
            for e in it:
                try:
                    if e.name.endswith(_SUFFIX):
                        entries.append((e.stat().st_mtime, e.path))
                    elif e.name.endswith(".tmp") and now - e.stat().st_mtime > _STALE_TMP:
                        os.unlink(e.path)
                        removed += 1
                except OSError:  # removed meanwhile by another process
                    continue
    except OSError:
        return removed
    if len(entries) > max_entries:
        entries.sort()
        for _, path in entries[: len(entries) - max_entries * 4 // 5]:
            try:
                os.unlink(path)
                removed += 1
            except OSError:
                pass
    return removed
