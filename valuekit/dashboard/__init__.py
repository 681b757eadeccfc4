"""Voila dashboards for stakeholders: one relationship's view, and the portfolio (DESIGN.md, "Stakeholders").

The notebooks in ``notebooks/dashboards/`` only call :func:`relationship_dashboard` and
:func:`portfolio_dashboard` with the page's query string (:func:`query_string`); everything else lives here:

* :mod:`._access` — who may see what (a link's token, the server's mode), and :mod:`._tokens` — signing links;
* :mod:`._view` — every gated table a page shows, computed once per relationship × cycle and cached on disk;
* :mod:`._select`, :mod:`._tiles` and :mod:`._html` — filters as row selections, tiles as HTML;
* :mod:`._relationship` and :mod:`._portfolio` — the widgets;
* :mod:`._server` and :mod:`.cli` — ``valuekit dashboard``: Voila over the dashboards folder only.
"""

from ._access import Access, portfolio_access, query_string, relationship_access
from ._errors import AccessRefused, DashboardError
from ._portfolio import PortfolioDashboard, portfolio_dashboard
from ._relationship import RelationshipDashboard, relationship_dashboard
from ._tokens import portfolio_link, relationship_link, sign, verify
from ._view import portfolio_view, relationship_view

__all__ = [
    "Access",
    "AccessRefused",
    "DashboardError",
    "PortfolioDashboard",
    "RelationshipDashboard",
    "portfolio_access",
    "portfolio_dashboard",
    "portfolio_link",
    "query_string",
    "relationship_access",
    "relationship_dashboard",
    "relationship_link",
    "relationship_view",
    "portfolio_view",
    "sign",
    "verify",
]
