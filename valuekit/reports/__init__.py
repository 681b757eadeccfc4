"""Batch reports: run parameterised notebooks, each in its own fresh process.

``run_notebooks`` and ``JobResult`` come from :mod:`valuekit.reports.runner`; ``ValuekitEngine`` (the
papermill engine, registered as ``"valuekit"`` when :mod:`valuekit.reports.engine` is imported) is loaded
on first use, since it imports IPython and papermill.
"""

from __future__ import annotations

from .runner import JobResult, ReportError, run_notebooks

__all__ = ["JobResult", "ReportError", "run_notebooks", "ValuekitEngine"]


def __getattr__(name: str):
    if name == "ValuekitEngine":
        from .engine import ValuekitEngine

        return ValuekitEngine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
