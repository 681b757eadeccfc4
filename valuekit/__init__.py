"""valuekit — a Python workbook for Value Management.

The public API is re-exported here; the modules behind it may change freely.
"""

from ._version import __version__
from .analysis.agreement import agreement_a, agreement_table, bimodality, classify_agreement, consensus, rwg
from .config import Privacy
from .errors import NotFoundError, SchemaError, StoreError, TemplateError, ValuekitError
from .schemas import LEVEL_COLOURS, LEVEL_LABELS, LEVELS
from .store import Store, open_store
from .templates import Template, find_template, load_template

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
