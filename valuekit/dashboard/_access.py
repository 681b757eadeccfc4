"""Who may see what: a page's query string, checked against its token, decides what the dashboard shows.

The rules, in one place:

* A page whose query string names a relationship (``?relationship=ID&token=…``) is **locked** to it: the
  relationship picker is not built at all, so nothing in the page (nor any widget message sent to its kernel)
  can reach another relationship. The token must be that relationship's (:func:`~._tokens.sign`); a missing or
  wrong token — an edited relationship id, a dropped or shortened token — refuses the page with a plain message,
  and nothing of any relationship is loaded.
* A page without a query string is the **analyst's view**: every relationship in the store, with a picker.
  It is offered only when the server is in *open* mode — bound to a loopback address and started without
  ``--require-token`` (:mod:`._server` decides and passes ``VALUEKIT_DASHBOARD_ACCESS=open`` to its kernels);
  otherwise it is refused too. A kernel that Voila serves without that variable is in *token* mode: the safe
  default when someone runs ``voila`` on the folder by hand.
* The portfolio compares relationships, so it is for the Value Management team: open mode, or its own token
  (scope ``portfolio``; ``valuekit dashboard link --portfolio``). A relationship's token never opens it.
* Outside Voila (JupyterLab, nbval, papermill) the notebook belongs to an analyst who can read the store
  anyway: it runs in open mode, so the dashboards execute headless on their defaults.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from urllib.parse import parse_qs

from ._errors import DashboardError
from ._tokens import verify

__all__ = [
    "ACCESS_ENV",
    "OPEN",
    "TOKEN",
    "Access",
    "served_by_voila",
    "access_mode",
    "query_string",
    "relationship_access",
    "portfolio_access",
    "REFUSALS",
]

#: The environment variable the server sets in its kernels: ``open`` or ``token``.
ACCESS_ENV = "VALUEKIT_DASHBOARD_ACCESS"
OPEN, TOKEN = "open", "token"
#: Environment variables Voila sets in every kernel it starts (preheated or not).
_VOILA_ENV = ("VOILA_BASE_URL", "VOILA_SERVER_URL", "VOILA_PREHEAT")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")

#: The plain messages a refused page shows (never which part was wrong beyond what the reader can fix).
REFUSALS = {
    "no_link": (
        "This dashboard opens from the link you were sent, which names your relationship. "
        "Please use that link, or ask your Value Management team for one."
    ),
    "no_token": (
        "This link is incomplete: it names a relationship but carries no token. "
        "Please use the whole link exactly as you were sent it."
    ),
    "invalid": (
        "This link is not valid: it may have been changed, shortened or mistyped. "
        "Please use the link exactly as you were sent it, or ask your Value Management team for a new one."
    ),
    "portfolio": (
        "The portfolio dashboard is for the Value Management team and opens from its own link. "
        "Please ask your Value Management team for access."
    ),
    "unavailable": (
        "Links cannot be checked on this server just now. Please try again later, "
        "or tell your Value Management team."
    ),
}


@dataclass(frozen=True)
class Access:
    """What one page may show.

    Attributes
    ----------
    page
        ``"relationship"`` or ``"portfolio"``.
    mode
        ``"open"`` (the analyst's view is allowed) or ``"token"``.
    relationship
        The relationship the page is locked to (``locked``), or the one asked for; ``None`` for none.
    cycle
        The cycle asked for in the query string (checked against the relationship's later), or ``None``.
    locked
        The page shows this relationship only: no relationship picker.
    refused
        The plain message to show instead of any data, or ``None`` when the page may be shown.
    """

    page: str
    mode: str
    relationship: str | None = None
    cycle: str | None = None
    locked: bool = False
    refused: str | None = None

    @property
    def allowed(self) -> bool:
        return self.refused is None


def served_by_voila() -> bool:
    """Whether this kernel was started by a Voila server (which sets ``VOILA_*`` variables in its kernels)."""
    return any(name in os.environ for name in _VOILA_ENV)


def access_mode() -> str:
    """``"open"`` outside Voila or when the server says so; ``"token"`` otherwise (the safe default)."""
    if not served_by_voila():
        return OPEN
    return OPEN if os.environ.get(ACCESS_ENV, TOKEN).strip().lower() == OPEN else TOKEN


def query_string() -> str:
    """The page's query string (without ``?``); empty outside Voila.

    In a preheated kernel (Voila's ``preheat_kernel``) the notebook runs before anyone asks for the page;
    :func:`voila.utils.get_query_string` waits here until the request arrives and hands over its query string,
    so everything before this call (imports, warming caches) is already done when a stakeholder opens the page.
    """
    if not served_by_voila():
        return ""
    from voila.utils import get_query_string

    return get_query_string() or ""


def _params(query: str) -> dict[str, list[str]] | None:
    """The query's parameters, or ``None`` when it cannot be read as one."""
    try:
        return parse_qs(query.lstrip("?"), keep_blank_values=True, strict_parsing=False, max_num_fields=20)
    except ValueError:
        return None


def _one(params: dict[str, list[str]], name: str) -> str | None:
    """The parameter's single value; ``None`` when absent; raises when repeated (a link never repeats one)."""
    values = params.get(name)
    if values is None:
        return None
    if len(values) != 1:
        raise ValueError(name)
    return values[0]


def relationship_access(query: str | None, *, mode: str | None = None, secret: bytes | None = None) -> Access:
    """Decide what the relationship dashboard may show for this query string.

    Parameters
    ----------
    query
        The page's query string (``relationship=…&token=…[&cycle=…]``), with or without ``?``.
    mode
        ``"open"`` or ``"token"``; default :func:`access_mode`.
    secret
        The signing secret; default :func:`~._tokens.load_secret`.

    Examples
    --------
    >>> from valuekit.dashboard._tokens import sign
    >>> key = b"k" * 32
    >>> ok = relationship_access(f"relationship=rel-a&token={sign('rel-a', secret=key)}", mode="token", secret=key)
    >>> ok.allowed, ok.locked, ok.relationship
    (True, True, 'rel-a')
    >>> relationship_access("relationship=rel-b&token=" + sign("rel-a", secret=key), secret=key).allowed
    False
    >>> relationship_access("", mode="token").refused == REFUSALS["no_link"]
    True
    """
    mode = mode or access_mode()
    params = _params(query or "")
    page = "relationship"
    if params is None:
        return Access(page, mode, refused=REFUSALS["invalid"])
    try:
        relationship, token, cycle = (_one(params, n) for n in ("relationship", "token", "cycle"))
    except ValueError:
        return Access(page, mode, refused=REFUSALS["invalid"])
    if relationship is None and token is None:
        if mode == OPEN:
            return Access(page, mode, cycle=cycle if cycle and _ID.match(cycle) else None)
        return Access(page, mode, refused=REFUSALS["no_link"])
    if relationship is None or not _ID.match(relationship):
        return Access(page, mode, refused=REFUSALS["invalid"])
    if not token:
        return Access(page, mode, refused=REFUSALS["no_token"])
    if cycle is not None and not _ID.match(cycle):
        return Access(page, mode, refused=REFUSALS["invalid"])
    checked = _check(relationship, token, "relationship", secret)
    if checked is not None:
        return Access(page, mode, refused=checked)
    return Access(page, mode, relationship=relationship, cycle=cycle, locked=True)


def portfolio_access(query: str | None, *, mode: str | None = None, secret: bytes | None = None) -> Access:
    """Decide whether the portfolio dashboard may be shown: open mode, or the portfolio's own token.

    Examples
    --------
    >>> from valuekit.dashboard._tokens import sign
    >>> key = b"k" * 32
    >>> portfolio_access("token=" + sign("portfolio", "portfolio", secret=key), mode="token", secret=key).allowed
    True
    >>> portfolio_access("token=" + sign("rel-a", secret=key), mode="token", secret=key).allowed
    False
    """
    mode = mode or access_mode()
    params = _params(query or "")
    page = "portfolio"
    if params is None:
        return Access(page, mode, refused=REFUSALS["invalid"])
    try:
        token = _one(params, "token")
    except ValueError:
        return Access(page, mode, refused=REFUSALS["invalid"])
    if "relationship" in params:
        return Access(page, mode, refused=REFUSALS["invalid"])
    if token is None:
        return Access(page, mode) if mode == OPEN else Access(page, mode, refused=REFUSALS["portfolio"])
    checked = _check("portfolio", token, "portfolio", secret)
    return Access(page, mode, refused=checked)


def _check(value: str, token: str, scope: str, secret: bytes | None) -> str | None:
    """``None`` when the token is right; else the refusal to show (the detail of a server fault goes to its log)."""
    try:
        ok = verify(value, token, scope, secret=secret)
    except DashboardError as exc:  # no usable secret on this server: the viewer cannot fix that
        print(f"valuekit dashboard: cannot check a link's token: {exc}", file=sys.__stderr__, flush=True)
        return REFUSALS["unavailable"]
    return None if ok else REFUSALS["invalid"]
