"""The ``valuekit`` command line. Errors print as one plain message, never a traceback."""

from __future__ import annotations

import contextlib
import importlib
import sys
from pathlib import Path

import click

from ._version import __version__
from .config import SAMPLES_DIR, default_store_path
from .errors import ValuekitError

_STORE_HELP = "The store file (default: $VALUEKIT_STORE or .valuekit/valuekit.duckdb in the project)."


def _store_option(f):
    return click.option(
        "--store",
        "store_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        envvar="VALUEKIT_STORE",
        help=_STORE_HELP,
    )(f)


class _Commands(click.Group):
    """The commands, with the heavier ones imported only when used (``valuekit dashboard`` loads widgets)."""

    lazy = {"dashboard": "valuekit.dashboard.cli:dashboard"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module, attr = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(
    cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="valuekit")
def cli() -> None:
    """valuekit — a workbook for Value Management.

    Run diagnostics across a client–supplier relationship, surface the Things That Matter, measure them as
    Value Codes, and turn the results into improvement actions.

    \b
    Typical first steps:
      valuekit import data/samples      build the store from the sample portfolio
      valuekit info                     see what the store holds
    """


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=SAMPLES_DIR,
    show_default=True,
    help="Folder to write the sample tables into (one CSV per table).",
)
@click.option(
    "--seed",
    type=int,
    default=2026,
    show_default=True,
    help="Random seed; the same seed gives the same files.",
)
def sample(out: Path, seed: int) -> None:
    """Generate the sample portfolio: a dozen fictional relationships with planted findings.

    The files are exactly what data/samples/ holds; data/samples/README.md says what the analyses should find.
    """
    from .sample import write_sample

    paths = write_sample(out, seed=seed)
    click.echo(f"wrote {len(paths)} tables to {out}")


@cli.command(name="import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@_store_option
@click.option(
    "--relationship",
    "relationship_id",
    help="Relationship the survey export belongs to (survey exports only).",
)
@click.option(
    "--cycle",
    "cycle_id",
    help="Cycle of the survey export: resolve, solve, dissolve-1, … (survey exports only).",
)
@click.option(
    "--format",
    "fmt",
    help="canonical, qualtrics, qualtrics-legacy, surveymonkey, google-forms or "
    "microsoft-forms. Detected from the file when left out.",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML mapping of question columns to Value Codes and answers to levels.",
)
@click.option(
    "--rejects",
    "rejects_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write rejected rows with their reasons (default: beside the input).",
)
@click.option(
    "--replace", is_flag=True, help="Replace the relationships in the input instead of refusing conflicts."
)
@click.option("--dry-run", is_flag=True, help="Check everything, store nothing.")
def import_(
    path, store_path, relationship_id, cycle_id, fmt, mapping, rejects_path, replace, dry_run
) -> None:
    """Import PATH into the store: a folder of canonical tables, or a survey tool's export.

    Names, e-mails and IP addresses are dropped; respondent ids are replaced by salted pseudonyms. Good rows are
    stored, bad rows go to a rejects file with the reason, and importing the same file twice changes nothing.
    Exit code: 0 all stored, 1 some rows rejected, 2 nothing stored.
    """
    from .store import Store

    _run_import(
        Store(store_path or default_store_path()),
        path,
        relationship_id=relationship_id,
        cycle_id=cycle_id,
        fmt=fmt,
        mapping=mapping,
        rejects_path=rejects_path,
        replace=replace,
        dry_run=dry_run,
    )


def _run_import(store, path: Path, **options) -> None:
    """Import PATH into ``store`` (or only check it, with ``dry_run``), print the summary, exit with its code."""
    from .importers import import_path

    with store:
        result = import_path(path, store, **options)
    click.echo(result.summary())
    sys.exit(result.exit_code)


@cli.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@_store_option
@click.option("--relationship", "relationship_id", help="For a survey export: its relationship.")
@click.option("--cycle", "cycle_id", help="For a survey export: its cycle.")
@click.option("--format", "fmt", help="Input format, as for import.")
@click.option(
    "--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="As for import."
)
def validate(path: Path, store_path, relationship_id, cycle_id, fmt, mapping) -> None:
    """Check a diagnostic template (.yaml) or an input file without storing anything.

    A template is checked for duplicate ids, missing evaluation statements, broken lineage and mirror pairs.
    An input is read exactly as import would, and every problem is listed with file, row and column.
    """
    if path.suffix.lower() in (".yaml", ".yml"):
        from .templates import load_template

        tpl = load_template(path)
        kinds = ", ".join(f"{k} {len(v.value_codes)}" for k, v in tpl.cycles.items())
        click.echo(
            f"{path}: valid template {tpl.label}: {len(tpl.things_that_matter)} Things That Matter, "
            f"{len(tpl.value_codes)} Value Codes, {len(tpl.mirror_pairs())} mirror pairs; codes per cycle: {kinds}"
        )
        return
    from .store import Store

    store_file = store_path or default_store_path()
    store = Store(store_file) if Path(store_file).exists() else Store(":memory:")
    _run_import(
        store,
        path,
        relationship_id=relationship_id,
        cycle_id=cycle_id,
        fmt=fmt,
        mapping=mapping,
        dry_run=True,
    )


@cli.command()
@_store_option
def info(store_path) -> None:
    """What the store holds: relationships, cycles, invited and responded, response and comment counts."""
    from .store import Store

    path = store_path or default_store_path()
    with Store(path, read_only=True) as store:
        table = store.info()
        counts = store.tables()
        n_rel = len(store.relationship_ids())
        store_relationships = store.read("relationships")[
            ["relationship_id", "sector", "annual_value_m", "start_date", "end_date", "other_initiatives"]
        ]
    click.echo(f"store: {path}")
    if table.empty:
        click.echo("the store is empty: import data with 'valuekit import data/samples'")
        return
    rels = store_relationships
    click.echo(f"{n_rel} relationships, {len(table)} relationship-cycles\n")
    click.echo(rels.to_string(index=False))
    click.echo("")
    table["response_rate"] = (100 * table["responded"] / table["invited"].where(table["invited"] > 0)).map(
        lambda v: "" if v != v else f"{v:.0f}%"
    )
    click.echo(table.to_string(index=False))
    click.echo("\nrows per table: " + ", ".join(f"{t} {n}" for t, n in counts.itertuples(index=False)))


@cli.command()
@_store_option
@click.option("--reference-date", help="Date to measure time left to run from (YYYY-MM-DD; default today).")
@click.option(
    "--k", type=click.IntRange(1), default=5, show_default=True, help="Anonymity threshold for numbers."
)
def summary(store_path, reference_date, k) -> None:
    """Summarise the portfolio: segments, where to start next, and change roles at risk.

    Every figure passes the privacy gate: nothing is shown for a group of fewer than K respondents.
    """
    import textwrap

    from .analysis.portfolio import change_role_risks, portfolio_scores, segment_relationships, where_to_start
    from .config import Privacy
    from .store import Store

    privacy = Privacy(k=k, k_comments=max(k, 10))
    with Store(store_path or default_store_path(), read_only=True) as store:
        if not store.relationship_ids():
            click.echo("the store is empty: import data with 'valuekit import data/samples'")
            return
        segments = segment_relationships(portfolio_scores(store, privacy=privacy))
        start = where_to_start(store, reference_date=reference_date, fragmentation=False, privacy=privacy)
        risks = change_role_risks(store)

    def wrap(text: str, indent: str = "      ") -> str:
        return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)

    click.echo(f"Portfolio of {len(segments)} relationships\n")
    click.echo("Segments (by the mean rating of each Thing That Matters at the latest cycle):")
    for seg, grp in segments.groupby("segment", sort=False):
        click.echo(f"  {seg}: " + ", ".join(grp["relationship_id"]))
    click.echo(
        "\nWhere to start next (value to both parties, time left, no other initiative, visibly struggling):"
    )
    for row in start.head(5).itertuples():
        click.echo(f"  {row.rank}. {row.relationship_id} (score {row.score:.2f})")
        click.echo(wrap(row.why))
    at_risk = (
        risks[risks["at_risk"]].drop_duplicates("relationship_id") if "at_risk" in risks else risks.iloc[0:0]
    )
    if len(at_risk):
        click.echo("\nChange roles at risk (a vacant role means the work will likely stall):")
        for row in at_risk.itertuples():
            click.echo(f"  {row.relationship_id}: {row.risk}")


@cli.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@_store_option
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option("--relationship", "relationship_id", help="Only this relationship.")
def export(out: Path, store_path, fmt: str, relationship_id) -> None:
    """Write the store's tables to OUT in the canonical form that import reads back."""
    from .store import Store

    with Store(store_path or default_store_path(), read_only=True) as store:
        if relationship_id:
            store.require_relationship(relationship_id)
        paths = store.export(out, fmt=fmt, relationship_id=relationship_id)
    click.echo(f"wrote {len(paths)} tables to {out}")


@cli.command()
@click.option(
    "--relationship",
    "relationships",
    multiple=True,
    metavar="ID",
    help="A relationship to report on (repeat for more).",
)
@click.option(
    "--all", "all_", is_flag=True, help="Every relationship in the store, and the portfolio report."
)
@click.option(
    "--cycle",
    "cycles",
    multiple=True,
    metavar="CYCLE",
    help="Only this cycle (an id such as solve or dissolve-1, or a kind: dissolve); repeat for more.",
)
@_store_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for the reports and index.html.",
)
@click.option(
    "--format",
    "formats",
    default="html",
    show_default=True,
    help="html, pdf or html,pdf (the PDF is printed from the HTML with Debian's chromium).",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="Reports built at once on this machine (default: the number of cores).",
)
@click.option(
    "--scheduler", metavar="ADDRESS", help="Build on a Dask distributed cluster instead (tcp://host:8786)."
)
@click.option("--force", is_flag=True, help="Rebuild reports that are up to date.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=900,
    show_default=True,
    help="Seconds one report may take before it is stopped.",
)
@click.option(
    "--k", type=click.IntRange(1), default=5, show_default=True, help="Anonymity threshold for numbers."
)
@click.option(
    "--k-comments",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    help="Anonymity threshold for comments and themes.",
)
def report(
    relationships, all_, cycles, store_path, out, formats, workers, scheduler, force, timeout, k, k_comments
):
    """Build a client-ready report for each relationship × cycle, and reports/index.html listing them.

    Each report runs its cycle's notebook (01_resolve, 02_solve or 03_dissolve; with --all also
    04_portfolio once) in a fresh process, then becomes one self-contained HTML file with no code in sight
    (and a PDF with --format pdf), with the executed notebook kept beside it for audit. Reports whose
    inputs (notebook, parameters, data, valuekit version) are unchanged are skipped unless --force; a
    failed report does not stop the others. Exit code 0 only if every report is ready.

    \b
    Examples:
      valuekit report --all
      valuekit report --relationship harbourside-northwind --cycle solve --format html,pdf
    """
    if bool(relationships) == all_:
        raise click.UsageError("say which reports: --relationship ID (repeatable) or --all")
    from .reports import FINISH_HOOK, Zygote

    # the process that will fork the reports starts now and imports everything while this one plans
    with Zygote(FINISH_HOOK) if not scheduler else contextlib.nullcontext() as zygote:
        from .reports.batch import plan_reports

        path = store_path or default_store_path()
        specs = plan_reports(
            path,
            out,
            relationships=list(relationships) or None,
            cycles=list(cycles) or None,
            formats=formats,
            k=k,
            k_comments=k_comments,
        )
        if not specs:
            click.echo("nothing to report: no cycle asked for has responses yet")
            return
        result = _build_with_progress(
            specs, out, workers=workers, timeout=timeout, force=force, scheduler=scheduler, zygote=zygote
        )
    counts = result.counts()
    built, skipped = counts.get("ok", 0), counts.get("skipped", 0)
    failed = [o for o in result.outcomes if not o.ok]
    click.echo(
        f"\n{len(specs)} reports: {built} built, {skipped} up to date, {len(failed)} failed "
        f"({result.seconds:.0f} s)"
    )
    for outcome in failed:
        click.echo(f"  FAILED {outcome.spec.key}: {outcome.error}", err=True)
        click.echo(f"         see {outcome.spec.path('.ipynb')}", err=True)
    click.echo(f"index: {result.index}")
    if failed:
        sys.exit(result.exit_code)


def _build_with_progress(specs, out, **options):
    """build_reports with a progress bar on a terminal, one line per report either way."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .reports.batch import build_reports

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("reports", total=len(specs))

        def started(to_build: int, up_to_date: int) -> None:
            note = f" ({up_to_date} up to date)" if up_to_date else ""
            click.echo(f"building {to_build} of {len(specs)} reports{note}")

        def done(outcome) -> None:
            took = "" if outcome.status == "skipped" else f"  {outcome.seconds:.1f} s"
            status = "up to date" if outcome.status == "skipped" else outcome.status
            click.echo(f"  {status:<10} {outcome.spec.key}{took}")
            progress.advance(task)

        return build_reports(specs, out, on_start=started, on_report=done, **options)


def main(
    argv: list[str] | None = None, command: click.Command | None = None, prog_name: str = "valuekit"
) -> None:
    """Entry point: run the CLI (or one ``command`` of it on its own), turning valuekit's errors into one plain
    line on stderr and exit code 2."""
    try:
        (command or cli).main(args=argv, prog_name=prog_name, standalone_mode=False)
    except ValuekitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
