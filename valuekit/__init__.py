"""valuekit — a Python workbook for Value Management.

The public API is re-exported here; the modules behind it may change freely. Names are imported on first
use, so that ``import valuekit`` (and the command line) start without loading pandas and the analysis.
"""

from __future__ import annotations

import importlib

from ._version import __version__
from .config import Privacy
from .errors import NotFoundError, SchemaError, StoreError, TemplateError, ValuekitError

#: Where each lazily imported name lives.
_LAZY = {
    **dict.fromkeys(
        ["agreement_a", "agreement_table", "bimodality", "classify_agreement", "consensus", "rwg"],
        "valuekit.analysis.agreement",
    ),
    **dict.fromkeys(["LEVEL_COLOURS", "LEVEL_LABELS", "LEVELS"], "valuekit.schemas"),
    **dict.fromkeys(["Store", "open_store"], "valuekit.store"),
    **dict.fromkeys(["Template", "find_template", "load_template"], "valuekit.templates"),
}

__all__ = [
    "__version__",
    "Privacy",
    "ValuekitError",
    "NotFoundError",
    "SchemaError",
    "StoreError",
    "TemplateError",
    "LEVELS",
    "LEVEL_LABELS",
    "LEVEL_COLOURS",
    "Store",
    "open_store",
    "Template",
    "load_template",
    "find_template",
    "consensus",
    "rwg",
    "agreement_a",
    "bimodality",
    "classify_agreement",
    "agreement_table",
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
