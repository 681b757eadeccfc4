"""Paths and settings from one place: notebooks and scripts never type a path.

Environment variables override the defaults:

``VALUEKIT_STORE``      the store file (default ``.valuekit/valuekit.duckdb`` under the project root)
``VALUEKIT_TEMPLATES``  extra folders of diagnostic templates, ``:``-separated, searched first
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PROJECT_ROOT", "SAMPLES_DIR", "TEMPLATES_DIR", "default_store_path", "template_dirs", "Privacy"]

#: The source tree this package was installed from (an editable install, as ``make`` does).
PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = PROJECT_ROOT / "data" / "samples"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def default_store_path() -> Path:
    """The store file: ``$VALUEKIT_STORE`` or ``.valuekit/valuekit.duckdb`` in the project root."""
    env = os.environ.get("VALUEKIT_STORE")
    return Path(env) if env else PROJECT_ROOT / ".valuekit" / "valuekit.duckdb"


def template_dirs() -> list[Path]:
    """Folders searched for diagnostic templates, in order."""
    extra = [Path(p) for p in os.environ.get("VALUEKIT_TEMPLATES", "").split(os.pathsep) if p]
    return [*extra, TEMPLATES_DIR / "diagnostics"]


@dataclass(frozen=True)
class Privacy:
    """Anonymity thresholds (DESIGN.md, "Rules that hold everywhere").

    k: fewest respondents for any number, chart or finding about a group.
    k_comments: fewest respondents for any comment, quote or theme about a group.
    """

    k: int = 5
    k_comments: int = 10

    def __post_init__(self):
        from .errors import ValuekitError

        for name in ("k", "k_comments"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValuekitError(f"Privacy.{name} must be a whole number ≥ 1; got {value!r}")
