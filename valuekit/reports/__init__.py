"""Batch reports: run parameterised notebooks, each in its own fresh process.

``run_notebooks`` and ``JobResult`` come from :mod:`valuekit.reports.runner`; ``ValuekitEngine`` (the
papermill engine, registered as ``"valuekit"`` when :mod:`valuekit.reports.engine` is imported) is loaded
on first use, since it imports IPython and papermill.
"""

from __future__ import annotations

from .runner import JobResult, ReportError, Zygote, run_notebooks

__all__ = ["FINISH_HOOK", "JobResult", "ReportError", "Zygote", "run_notebooks", "ValuekitEngine"]

#: The runner's ``after`` hook that turns an executed report notebook into HTML (and PDF): named here, in a
#: module that imports nothing heavy, so a zygote can be started with it before anything else is imported.
FINISH_HOOK = "valuekit.reports.batch:finish_report"


def __getattr__(name: str):
    if name == "ValuekitEngine":
        from .engine import ValuekitEngine

        return ValuekitEngine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
