"""Work shared between the analyses of one overview: each table is computed once, however often it is asked for.

An overview (:func:`valuekit.analysis.overview.analyse`) asks for the same tables several times: the findings
re-read agreement, gaps and priorities; :func:`~valuekit.analysis.fragmentation.fragmentation_index` re-runs
:func:`~valuekit.analysis.fragmentation.agreement_by_perspective`; :func:`~valuekit.analysis.scores.distribution`
re-runs :func:`~valuekit.analysis.scores.score_codes`. Inside :func:`sharing`, every function marked
:func:`shared` remembers its result per call (the data by identity, every other argument by value) and hands
out copies, so nothing a caller does to a result reaches another caller. Below the tables, :func:`remember` keeps
intermediate frames the analyses only read — a cycle's prepared rows, the privacy gate's atom counts — so that
different tables of the same rows start from one copy. Outside :func:`sharing`, nothing is remembered: a notebook
that edits its data and calls again always gets fresh numbers.

The functions are deterministic and their data is not modified during an overview, so a remembered result is
exactly what a fresh call would return; the privacy gate sees the same population either way.
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import pandas as pd

__all__ = ["sharing", "shared", "active", "remember", "frozen"]

F = TypeVar("F", bound=Callable[..., Any])
_MEMO: ContextVar[dict | None] = ContextVar("valuekit_shared_results", default=None)
_UNHASHABLE = object()


@contextmanager
def sharing() -> Iterator[None]:
    """Remember the results of :func:`shared` functions until the block ends (nested blocks share one memory)."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def shared(fn: F) -> F:
    """Mark an analysis whose result :func:`sharing` may remember."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        memo = _MEMO.get()
        if memo is None:
            return fn(*args, **kwargs)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return fn(*args, **kwargs)  # let the function raise its own error
        bound.apply_defaults()
        keep: list = []  # objects keyed by identity stay alive with the memory, so no id is reused
        named = dict(bound.arguments)
        if "by" in named:  # a perspective: "side", ["side"] and ("side",) are one; None, [] and () are one
            by = named["by"]
            named["by"] = (by,) if isinstance(by, str) else tuple(by) if by is not None else ()
        key = (fn.__qualname__, *(_frozen(v, keep) for v in named.values()))
        if any(k is _UNHASHABLE for k in key):
            return fn(*args, **kwargs)
        if key not in memo:
            memo[key] = (fn(*args, **kwargs), keep)
        return _copy(memo[key][0])

    return wrapper  # type: ignore[return-value]


def active() -> bool:
    """Whether results are being shared (inside :func:`sharing`)."""
    return _MEMO.get() is not None


def remember(key: tuple, compute: Callable[[], Any], keep: list | tuple = ()) -> Any:
    """``compute()``; inside :func:`sharing`, computed once per ``key`` (``keep``: objects the key names by id).

    The value itself is handed out, not a copy: for intermediate frames the analyses only read.
    """
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = (compute(), list(keep))
    return memo[key][0]


def frozen(value: Any, keep: list) -> Any:
    """A hashable stand-in for an argument: data and frames by identity (kept alive in ``keep``), everything
    else by value. Raises ``TypeError`` when there is none."""
    out = _frozen(value, keep)
    if out is _UNHASHABLE:
        raise TypeError(f"no stand-in for a {type(value).__name__}")
    return out


def _frozen(value: Any, keep: list) -> Any:
    """A hashable stand-in for an argument: data and frames by identity, everything else by value."""
    from .data import RelationshipData  # data.py uses this module

    if isinstance(value, pd.DataFrame | pd.Series | RelationshipData):
        keep.append(value)
        return ("id", type(value).__name__, id(value))
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        items = tuple(_frozen(v, keep) for v in value)
        return _UNHASHABLE if any(i is _UNHASHABLE for i in items) else ("seq", items)
    if isinstance(value, dict):
        items = tuple((k, _frozen(v, keep)) for k, v in sorted(value.items(), key=lambda kv: repr(kv[0])))
        return _UNHASHABLE if any(i is _UNHASHABLE for _, i in items) else ("map", items)
    try:
        hash(value)
    except TypeError:
        return _UNHASHABLE
    return value


def _copy(result: Any) -> Any:
    if isinstance(result, tuple):
        return tuple(_copy(r) for r in result)
    if isinstance(result, pd.DataFrame):
        out = result.copy()
        out.attrs = copy.deepcopy(result.attrs)
        return out
    return copy.deepcopy(result)
