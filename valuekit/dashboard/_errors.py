"""The dashboards' errors: what went wrong, where, and what to do, in words a stakeholder can read."""

from __future__ import annotations

import sys
import traceback

from ..errors import ValuekitError

__all__ = ["DashboardError", "AccessRefused", "log_error"]


class DashboardError(ValuekitError):
    """A dashboard cannot be served or shown as asked (secret, server options, store)."""


class AccessRefused(DashboardError):
    """A page's link does not open what it names (missing or wrong token): shown as its plain message."""


def log_error(what: str) -> None:
    """Write the current exception to the server's log (the kernel's own stderr), never to the page."""
    print(f"valuekit dashboard: {what}\n{traceback.format_exc()}", file=sys.__stderr__, flush=True)
