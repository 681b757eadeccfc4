"""``valuekit dashboard``: serve the dashboards, print signed links, fill the view cache.

The group is registered in ``valuekit.cli``; ``python -m valuekit.dashboard`` runs it on its own.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..errors import ValuekitError

__all__ = ["dashboard", "main"]

_STORE = click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="VALUEKIT_STORE",
    help="The store file (default: $VALUEKIT_STORE or .valuekit/valuekit.duckdb in the project).",
)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (localhost only by default)."
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8866, show_default=True, help="Port to listen on."
)
@click.option(
    "--require-token",
    is_flag=True,
    help="Open no page without a signed link, even on localhost (use this behind a reverse proxy).",
)
@click.option(
    "--base-url",
    default="/",
    show_default=True,
    help="Path prefix the server answers under (behind a proxy).",
)
@click.option("--pool-size", type=click.IntRange(0, 8), default=1, show_default=True,
              help="Preheated kernels kept ready per dashboard.")  # fmt: skip
@click.option("--no-warm", is_flag=True, help="Do not fill the view cache in the background at start.")
@_STORE
@click.pass_context
def dashboard(ctx, host, port, require_token, base_url, pool_size, no_warm, store_path) -> None:
    """Serve the stakeholder dashboards (Voila over notebooks/dashboards/ only) until Ctrl-C.

    \b
    On 127.0.0.1 (the default) an analyst opens http://127.0.0.1:8866/ : the portfolio, and every
    relationship. Stakeholders get a link locked to their relationship:
      valuekit dashboard link harbourside-northwind --base-url https://dashboards.example.org/
    On any other address, or with --require-token, only such links open a page.
    """
    if ctx.invoked_subcommand is not None:
        return
    from ._server import serve

    serve(
        host=host, port=port, require_token=require_token, store_path=store_path, pool_size=pool_size,
        warm=not no_warm, base_url=base_url, echo=click.echo,
    )  # fmt: skip


@dashboard.command()
@click.argument("relationship", required=False)
@click.option(
    "--portfolio",
    is_flag=True,
    help="The portfolio dashboard's link instead (for the Value Management team).",
)
@click.option(
    "--cycle", help="Open at this cycle (the stakeholder can still pick the relationship's others)."
)
@click.option(
    "--base-url",
    default="http://127.0.0.1:8866/",
    envvar="VALUEKIT_DASHBOARD_URL",
    show_default=True,
    help="Where stakeholders reach the server (its public address behind a proxy); or $VALUEKIT_DASHBOARD_URL.",
)
@_STORE
def link(relationship, portfolio, cycle, base_url, store_path) -> None:
    """Print the link to RELATIONSHIP's dashboard, locked to it by a token signed with the server's secret.

    The secret is $VALUEKIT_DASHBOARD_SECRET, or the file ~/.config/valuekit/dashboard-secret (created on first
    use, mode 0600). Anyone with the link sees that relationship's dashboard and no other; replacing the secret
    revokes every link.
    """
    from ..notebook import ensure_sample_store
    from ..store import Store
    from ._errors import DashboardError
    from ._tokens import portfolio_link, relationship_link
    from ._view import cycles_with_responses

    if portfolio == bool(relationship):
        raise DashboardError("name one RELATIONSHIP, or pass --portfolio (not both)")
    if portfolio:
        click.echo(portfolio_link(base_url))
        return
    with Store(ensure_sample_store(store_path), read_only=True) as store:
        store.require_relationship(relationship)
        if cycle is not None:
            store.require_cycle(relationship, cycle)
            if cycle not in cycles_with_responses(store, relationship):
                raise DashboardError(f"cycle {cycle!r} of relationship {relationship!r} has no responses yet")
    click.echo(relationship_link(relationship, base_url, cycle=cycle))


@dashboard.command()
@click.option("--relationship", "relationships", multiple=True, metavar="ID",
              help="Only this relationship (repeat for more; default every one).")  # fmt: skip
@click.option("--cycle", "cycles", multiple=True, metavar="CYCLE", help="Only this cycle (repeat for more).")
@click.option("--portfolio/--no-portfolio", default=True, show_default=True, help="Also the portfolio view.")
@click.option("--reference-date", help="The portfolio's reference date (YYYY-MM-DD; default today).")
@click.option("--quiet", is_flag=True, help="Print only failures.")
@_STORE
def warm(relationships, cycles, portfolio, reference_date, quiet, store_path) -> None:
    """Compute and cache the dashboards' views, so that pages open at once (latest cycles first)."""
    from ..notebook import ensure_sample_store
    from ..store import Store
    from ._view import cycles_with_responses, portfolio_view, relationship_view

    path = ensure_sample_store(store_path)
    with Store(path, read_only=True) as store:
        ids = list(relationships) or store.relationship_ids()
        jobs = {rid: cycles_with_responses(store, rid) for rid in ids}
    latest = [(rid, cs[-1]) for rid, cs in jobs.items() if cs and (not cycles or cs[-1] in cycles)]
    rest = [(rid, c) for rid, cs in jobs.items() for c in cs[:-1] if not cycles or c in cycles]
    todo: list = latest + ([("portfolio", None)] if portfolio else []) + rest
    failed = 0
    for rid, cycle in todo:
        started = time.perf_counter()
        try:
            if rid == "portfolio" and cycle is None:
                portfolio_view(store_path=path, reference_date=reference_date)
            else:
                relationship_view(rid, cycle, store_path=path)
        except ValuekitError as exc:
            failed += 1
            click.echo(f"warm: {rid} {cycle or ''}: {exc}", err=True)
            continue
        if not quiet:
            click.echo(f"{rid} {cycle or ''}: {time.perf_counter() - started:.1f} s")
    if failed:
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    """``python -m valuekit.dashboard``: the group on its own, errors as one plain line."""
    from ..cli import main as run

    run(argv, command=dashboard, prog_name="valuekit dashboard")
