"""Small helpers the methodology notebooks share: open the store, stop plainly, show tables, save outputs.

The notebooks (``notebooks/0*.ipynb``) stay thin: each code cell calls the analyses directly and uses these
helpers only for what is about notebooks, not about the method:

* :func:`open_for` opens the store for a relationship and cycle and checks both exist, or stops the notebook
  at its first cell with a plain message naming what does exist (:class:`NotebookStop`);
* :func:`ensure_sample_store` builds the default store from ``data/samples`` the first time it is needed, so
  every notebook runs as it is on a fresh clone;
* :func:`show`, :func:`describe`, :func:`findings_markdown`, :func:`hidden_groups`, :func:`stamp_markdown`
  turn tables into something pleasant to read, hidden groups as plain "hidden" rows without a number;
* :func:`pool_small_groups` offers documented pooling of equivalent levels where groups are too small;
* :func:`output_folder` and :func:`save` write tables and charts where the run's parameters say.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from ._version import __version__
from .analysis.data import RelationshipData
from .analysis.engagement import engagement
from .analysis.perspectives import Pooled, pool_levels
from .analysis.privacy import DEFAULT_PRIVACY, LOG_COLUMNS, suppression_log
from .config import PROJECT_ROOT, SAMPLES_DIR, Privacy, default_store_path
from .errors import NotFoundError, StoreError, ValuekitError
from .schemas import COMMON_LEVELS, cycle_kind
from .store import Store

__all__ = [
    "NotebookStop",
    "store_file",
    "ensure_sample_store",
    "open_for",
    "cycle_before",
    "design_for",
    "describe",
    "show",
    "findings_markdown",
    "hidden_groups",
    "themes_markdown",
    "pool_small_groups",
    "stamp_for",
    "stamp_markdown",
    "output_folder",
    "save",
    "files_markdown",
    "COLUMN_LABELS",
]

#: Headers :func:`show` gives the analyses' fixed column names (others: underscores become spaces).
COLUMN_LABELS = {
    "group": "group",
    "code_id": "Value Code",
    "title": "title",
    "thing_that_matters": "Thing That Matters",
    "thing_that_matters_name": "Thing That Matters",
    "n": "n",
    "dont_know": "don't know",
    "mean": "mean",
    "sd": "sd",
    "share_favourable": "favourable",
    "ci_low": "95 % CI from",
    "ci_high": "to",
    "response_rate": "response rate",
    "under_represented": "under-represented",
    "mean_importance": "importance",
    "mean_desired": "desired",
    "classification": "reading",
    "rwg": "r_wg",
    "agreement_a": "agreement A",
    "gap_ci_low": "95 % CI from",
    "gap_ci_high": "to",
    "relationship_id": "relationship",
    "cycle_id": "cycle",
    "hidden": "hidden",
}
#: Columns shown as percentages.
PERCENT = {"share_favourable", "response_rate", "share", "share_failing_struggling", "share_1", "share_2",
           "share_3", "share_4", "share_5"}  # fmt: skip
#: Columns :func:`show` never shows: bookkeeping, not findings.
_TECHNICAL = ("suppressed", "suppressed_reason", "position", "row_type", "_key")
_SAMPLE_DEFAULT = PROJECT_ROOT / ".valuekit" / "valuekit.duckdb"


def _show_figures_inline() -> None:
    """Let a chart be a cell's last expression in any kernel: register a PNG display for Figures.

    valuekit's charts are Figures made without ``pyplot`` (:mod:`valuekit.plots`), so a kernel whose inline
    backend was never switched on (nothing imported ``pyplot`` and drew) would show only ``<Figure …>``; a
    Figure display already registered (``%matplotlib inline``) is kept. valuekit's own charts are shown whole
    (:func:`valuekit.plots._style.show_charts_whole`). Does nothing outside IPython.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from functools import partial

    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    from .plots._style import show_charts_whole

    png = shell.display_formatter.formatters["image/png"]
    if Figure not in png.type_printers:
        png.for_type(Figure, partial(print_figure, fmt="png", base64=True))
    show_charts_whole(shell)


_show_figures_inline()


class NotebookStop(ValuekitError):
    """A notebook cannot run with these parameters: shown in the notebook as its plain message, no traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"Stopped: {self}"]


# -- the store --------------------------------------------------------------------------------------------
def store_file(store_path: str | os.PathLike | None = None) -> Path:
    """The store a notebook reads: ``store_path``, or the default (``$VALUEKIT_STORE`` or ``.valuekit/``)."""
    return Path(store_path) if store_path not in (None, "") else default_store_path()


def ensure_sample_store(store_path: str | os.PathLike | None = None) -> Path:
    """The store file, built from ``data/samples`` first if it is the project's default store and missing.

    Only the default store (``.valuekit/valuekit.duckdb`` under the project root, with ``VALUEKIT_STORE``
    unset) is ever built: a store named by a parameter or the environment is the analyst's, and a missing one
    is an error, not something to fill with sample data. Building takes a few seconds; it happens under a
    file lock into a temporary file that is moved into place whole, so notebooks run in parallel (nbval,
    papermill) build it once and never read half a store.
    """
    path = store_file(store_path)
    if path.exists() or path.resolve() != _SAMPLE_DEFAULT.resolve():
        return path
    from .importers import import_path

    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.with_name(path.name + ".lock")):
        if not path.exists():
            tmp = path.with_name(f".{path.name}.{os.getpid()}.building")
            tmp.unlink(missing_ok=True)
            try:
                with Store(tmp) as store:
                    result = import_path(SAMPLES_DIR, store)
                if result.exit_code != 0:
                    raise StoreError(
                        f"building the sample store from {SAMPLES_DIR} failed:\n{result.summary()}"
                    )
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
                tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    return path


@contextlib.contextmanager
def _locked(lock: Path):
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, a rare double build only costs time
        yield
        return
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def open_for(
    relationship_id: str | None,
    cycle_id: str | None = None,
    store_path: str | os.PathLike | None = None,
    *,
    kind: str | None = None,
) -> Store:
    """Open the store read-only for one relationship (and cycle), or stop with a plain message.

    Parameters
    ----------
    relationship_id, cycle_id
        What the notebook is run for; ``cycle_id`` None checks the relationship only, and
        ``relationship_id`` None nothing (a portfolio view of the whole store).
    store_path
        The store file; ``None`` is the default store, built from the sample portfolio on first use.
    kind
        The kind of cycle the notebook reads (``"resolve"``, ``"solve"`` or ``"dissolve"``).

    Raises
    ------
    NotebookStop
        No store there; no such relationship or cycle (the message lists those that exist); the cycle is of
        another kind (the message names this relationship's cycles of the right kind); or the cycle has no
        responses yet.
    """
    path = ensure_sample_store(store_path)
    try:
        store = Store(path, read_only=True)
    except StoreError as exc:
        raise NotebookStop(str(exc)) from None
    if relationship_id is None:
        return store
    try:
        store.require_relationship(relationship_id)
        if cycle_id is not None:
            store.require_cycle(relationship_id, cycle_id)
    except NotFoundError as exc:
        store.close()
        raise NotebookStop(str(exc)) from None
    if cycle_id is None:
        return store
    cycles = store.cycle_ids(relationship_id)
    if kind is not None and cycle_kind(cycle_id) != kind:
        store.close()
        fitting = [c for c in cycles if cycle_kind(c) == kind]
        hint = f"its {kind} cycles: {', '.join(fitting)}" if fitting else f"it has no {kind} cycle yet"
        raise NotebookStop(
            f"cycle {cycle_id!r} of relationship {relationship_id!r} is a {cycle_kind(cycle_id)} cycle; this "
            f"notebook reads a {kind} cycle ({hint})"
        )
    info = store.info()
    row = info[(info["relationship_id"] == relationship_id) & (info["cycle_id"] == cycle_id)]
    if row.empty or int(row["responses"].iloc[0]) == 0:
        store.close()
        raise NotebookStop(f"cycle {cycle_id!r} of relationship {relationship_id!r} has no responses yet")
    return store


def design_for(
    relationship_id: str,
    parties: Mapping[str, Mapping[str, str]] | None = None,
    equivalences: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None,
    store_path: str | os.PathLike | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The parties and equivalence maps a diagnostic is designed for: as given, or read from the store.

    Given ``parties`` (``{party_id: {"name": …, "side": …}}``) and ``equivalences`` (``{party_id: {"level":
    {title: common level}, "function": {…}}}``), a new relationship is described; left ``None``, both are read
    from the store for an existing ``relationship_id`` (stopping plainly if it is not there).

    Returns
    -------
    (parties, equivalences)
        Validated ``parties`` and ``equivalences`` tables (:func:`valuekit.questionnaire.parties_table`,
        :func:`~valuekit.questionnaire.equivalence_table`).
    """
    from .questionnaire import equivalence_table, parties_table

    if parties is not None and equivalences is not None:
        return parties_table(relationship_id, parties), equivalence_table(relationship_id, equivalences)
    store = open_for(relationship_id, None, store_path)
    try:
        stored_parties, stored_eq = (
            store.read("parties", relationship_id),
            store.read("equivalences", relationship_id),
        )
    finally:
        store.close()
    got_parties = parties_table(relationship_id, parties) if parties is not None else stored_parties
    got_eq = equivalence_table(relationship_id, equivalences) if equivalences is not None else stored_eq
    return got_parties, got_eq


def cycle_before(data: RelationshipData, cycle_id: str, previous: str | None = None) -> str:
    """The cycle to compare ``cycle_id`` with: ``previous`` if given, else the one before it in sequence."""
    order = list(data.cycles["cycle_id"])
    if cycle_id not in order:
        raise NotebookStop(
            str(NotFoundError("cycle", cycle_id, order, where=f"relationship {data.relationship_id!r}"))
        )
    earlier = order[: order.index(cycle_id)]
    if previous is None:
        if not earlier:
            raise NotebookStop(
                f"cycle {cycle_id!r} is the first of relationship {data.relationship_id!r}: nothing to compare with"
            )
        return earlier[-1]
    if previous not in earlier:
        raise NotebookStop(
            f"previous cycle {previous!r} does not come before {cycle_id!r} in relationship "
            f"{data.relationship_id!r}; earlier cycles: {', '.join(earlier) or 'none'}"
        )
    return previous


# -- showing --------------------------------------------------------------------------------------------------
class Markdown(str):
    """Markdown text that a notebook displays rendered when it is a cell's last expression."""

    def _repr_markdown_(self) -> str:
        return str(self)


def describe(data: RelationshipData) -> Markdown:
    """A paragraph saying what was loaded: the relationship, its parties, the cycle and the diagnostic."""
    r = data.relationship
    parties = " and ".join(f"{p.name} ({p.side})" for p in data.parties.itertuples())
    cycles = list(data.cycles["cycle_id"])
    where = ""
    if data.cycle_id is not None:
        where = (f" This is the **{data.cycle_id}** cycle, {cycles.index(data.cycle_id) + 1} of {len(cycles)} "
                 f"({', '.join(cycles)}).")  # fmt: skip
    else:
        where = f" Every cycle is loaded: {', '.join(cycles)}."
    oqs = data.template.open_questions_for(data.cycle_id) if data.cycle_id else []
    asked = f"{len(data.codes)} Value Codes" + (
        f" and {len(oqs)} open question{'s' if len(oqs) != 1 else ''}" if oqs else ""
    )
    text = (
        f"**{r['name']}** (`{data.relationship_id}`): {parties}; {r['sector']}, "
        f"{r['annual_value_m']:g} m a year, running {r['start_date']:%B %Y} to {r['end_date']:%B %Y}"
        f"{'; other change initiatives are in play' if r['other_initiatives'] else ''}.{where} "
        f"The diagnostic is `{data.template.label}`: {asked}."
    )
    return Markdown(text)


def _label(col: str) -> str:
    return COLUMN_LABELS.get(col, col.replace("_", " "))


def show(
    table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    caption: str | None = None,
    empty: str = "Nothing to show.",
):
    """A table for reading: chosen columns, plain headers, rounded numbers, hidden groups marked, no index.

    A row the privacy gate hid (``suppressed``) shows its group and what it is about, no number, and
    "hidden: fewer than k …" in a ``hidden`` column; bookkeeping columns (``suppressed``, ``position`` …) are
    left out. Shares are shown as percentages, other numbers to two decimals.

    Returns
    -------
    pandas.io.formats.style.Styler
        Displays as HTML when it is a cell's last expression; for an empty table, ``empty`` as Markdown.
    """
    if table.empty:
        return Markdown(f"*{empty}*")
    df = table.copy()
    hidden = df["suppressed"].fillna(False).astype(bool) if "suppressed" in df else pd.Series(False, df.index)
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise NotFoundError("column", missing[0], list(df.columns), where="the table given to show()")
        df = df[list(columns)]
    else:
        df = df[[c for c in df.columns if c not in _TECHNICAL]]
    if hidden.any():
        reason = (
            table["suppressed_reason"] if "suppressed_reason" in table else pd.Series("", index=table.index)
        )
        df["hidden"] = ["hidden: " + str(r) if h else "" for h, r in zip(hidden, reason, strict=True)]
    percent = [c for c in df.columns if c in PERCENT]
    names = {c: (labels or {}).get(c, _label(c)) for c in df.columns}
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            df[col] = df[col].dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_bool_dtype(df[col]) or str(df[col].dtype) == "boolean":
            df[col] = df[col].map(lambda v: "" if v is pd.NA or v is None else ("yes" if v else "no"))
    df = df.reset_index(drop=True)
    styler = df.style.hide(axis="index").format(precision=2, na_rep="", thousands=None)
    if percent:
        styler = styler.format("{:.0%}", subset=percent, na_rep="")
    styler = styler.format_index(lambda c: names.get(c, c), axis="columns")
    styler = styler.set_table_styles(
        [
            {"selector": "td", "props": "text-align: left; vertical-align: top; padding: 2px 8px"},
            {"selector": "th", "props": "text-align: left; padding: 2px 8px"},
        ]  # fmt: skip
    )
    grey = hidden.reset_index(drop=True)
    styler = styler.apply(
        lambda r: ["color: #8a8a8a; font-style: italic" if grey[r.name] else ""] * len(r), axis=1
    )
    return styler.set_caption(caption) if caption else styler


def findings_markdown(findings: pd.DataFrame, top: int | None = 10) -> Markdown:
    """The findings as a numbered list, most important first: the statement, then its kind in italics."""
    rows = findings.sort_values("rank").head(top) if top else findings.sort_values("rank")
    if rows.empty:
        return Markdown("*No finding passes the thresholds for this cycle.*")
    lines = [
        f"{int(r['rank'])}. {r['statement']} *({str(r['kind']).replace('_', ' ')})*"
        for _, r in rows.iterrows()
    ]
    more = len(findings) - len(rows)
    if more > 0:
        lines.append(f"\n*… and {more} more in the full table.*")
    return Markdown("\n".join(lines))


def themes_markdown(themes) -> Markdown:
    """The themes found in comments, largest first: label, counts, tone, its known Thing That Matters or
    *candidate new Thing That Matters*, and its representative (redacted) quotes. Hidden themes are counted,
    never described; ``None`` (a cycle without comments) says so."""
    if themes is None:
        return Markdown("*No comments in this cycle.*")
    table = themes.table
    shown = table[~table["suppressed"].astype(bool)]
    if shown.empty:
        return Markdown(
            "*No theme can be shown: " + "; ".join(themes.suppressed["reason"].astype(str)) + ".*"
        )
    lines = []
    for t in shown.itertuples(index=False):
        new = t.is_candidate_new is not None and not pd.isna(t.is_candidate_new) and bool(t.is_candidate_new)
        known = f"about *{t.matches_known}*" if isinstance(t.matches_known, str) else ""
        match = "**candidate new Thing That Matters**" if new else known
        lines.append(
            f"- **{t.label}** — {t.n_comments} comments from {t.n_respondents} people, {t.tone}"
            + (f"; {match}" if match else "")
        )
        for q in themes.quotes.loc[themes.quotes["theme_id"] == t.theme_id, "quote"]:
            lines.append(f"  - *“{_escape(q)}”*")
    hidden = int(table["suppressed"].astype(bool).sum())
    if hidden:
        lines.append(f"\n*{hidden} smaller theme(s) hidden: each from too few people to show.*")
    return Markdown("\n".join(lines))


def hidden_groups(*tables: pd.DataFrame, privacy: Privacy = DEFAULT_PRIVACY) -> pd.DataFrame:
    """Which groups the privacy gate hid in these tables, and where: for the record, without any number.

    ``tables`` are gated tables (their ``attrs`` carry the log) or suppression logs themselves
    (:func:`valuekit.analysis.privacy.suppression_log`, ``Analysis.suppression_log``). Primary and
    complementary suppression are not told apart here (that would say which hidden group is the small one);
    the suppression log has the detail for the analyst alone.

    Returns
    -------
    DataFrame
        ``group``, ``hidden_in`` (the analyses, ``"; "``-joined) and ``reason``; empty when nothing was hidden.
    """
    logs = [t for t in tables if set(LOG_COLUMNS) <= set(t.columns)]
    parts = [suppression_log(*[t for t in tables if not any(t is x for x in logs)]), *logs]
    parts = [p[LOG_COLUMNS] for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["group", "hidden_in", "reason"])
    log = pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)
    if log.empty:
        return pd.DataFrame(columns=["group", "hidden_in", "reason"])
    out = log.groupby("group", sort=False)["what"].agg(lambda w: "; ".join(dict.fromkeys(x for x in w if x)))
    out = out.rename("hidden_in").reset_index()
    out["reason"] = f"fewer than {privacy.k} respondents, or would reveal a group that small"
    return out


def pool_small_groups(data: RelationshipData, *, privacy: Privacy = DEFAULT_PRIVACY) -> Pooled:
    """Pool each party's levels that are too small to show with the adjacent level, and log why.

    For each party, the common levels whose engagement row (party × common level) the privacy gate hides are
    pooled with their neighbour: senior leadership with middle management, the front line with middle
    management, middle management with senior leadership; levels that are not adjacent pull in the level
    between them. Pooled groups are still gated on the original groups (:func:`~valuekit.analysis.
    perspectives.pool`), so pooling never shows what was hidden. Nothing to pool: ``data`` unchanged and an
    empty log.

    Returns
    -------
    Pooled
        ``(data, log)``, the log with ``pooled_group``, ``members`` and ``reason``.
    """
    table = engagement(data, ["party_id", "common_level"], cycle=data.cycle_id, privacy=privacy)
    rows = table[(table["row_type"] == "group") & table["suppressed"]]
    logs = []
    names = data.party_names
    for party_id in data.party_order:
        levels = [
            lv for lv in COMMON_LEVELS if lv in set(rows.loc[rows["party_id"] == party_id, "common_level"])
        ]
        if not levels:
            continue
        idx = [COMMON_LEVELS.index(lv) for lv in levels]
        lo, hi = min(idx), max(idx)
        if lo == hi:
            lo, hi = (lo, lo + 1) if lo == 0 else (lo - 1, lo)
        run = list(COMMON_LEVELS[lo : hi + 1])
        words = " and ".join(lv.replace("_", " ") for lv in run)
        reason = f"{names.get(party_id, party_id)}: too few respondents to show {words} apart; pooled as adjacent levels"
        data, log = pool_levels(data, run, party_id=party_id, reason=reason)
        logs.append(log)
    log = (
        pd.concat(logs, ignore_index=True)
        if logs
        else pd.DataFrame(columns=["pooled_group", "members", "reason"])
    )
    return Pooled(data, log)


def stamp_for(
    store: Store, data: RelationshipData | None = None, *, privacy: Privacy = DEFAULT_PRIVACY, **more: object
) -> dict:
    """What a notebook's results can be reproduced from: template, data fingerprint, cycle, thresholds, version.

    Without ``data``, the whole store's fingerprint (a portfolio view). ``more`` adds entries (e.g.
    ``compared_with="solve"``) before the thresholds.
    """
    if data is None:
        return {"data_fingerprint": store.fingerprint(), "relationships": len(store.relationship_ids()), **more,
                "k": privacy.k, "k_comments": privacy.k_comments, "valuekit": __version__}  # fmt: skip
    return {"template": data.template.label, "data_fingerprint": store.fingerprint(data.relationship_id),
            "relationship": data.relationship_id, "cycle": data.cycle_id or "all cycles", **more, "k": privacy.k,
            "k_comments": privacy.k_comments, "valuekit": __version__}  # fmt: skip


def stamp_markdown(stamp: Mapping | object) -> Markdown:
    """The reproducibility stamp as one line: template version, data fingerprint, valuekit version and more.

    ``stamp`` is a mapping (or an object with attributes, such as a dataclass) of name → value, e.g.
    ``{"template": "client-supplier@1.0.0", "data_fingerprint": "9f2c…", "valuekit": "0.1.0"}``.
    """
    if not isinstance(stamp, Mapping):
        if hasattr(stamp, "_asdict"):
            stamp = stamp._asdict()
        elif hasattr(stamp, "__dataclass_fields__"):
            stamp = {f: getattr(stamp, f) for f in stamp.__dataclass_fields__}
        else:
            stamp = dict(vars(stamp))
    parts = [f"{str(k).replace('_', ' ')} `{v}`" for k, v in stamp.items() if v is not None and v != ""]
    return Markdown("**Reproducible from:** " + " · ".join(parts))


# -- saving ---------------------------------------------------------------------------------------------------
def output_folder(output_dir: str | os.PathLike | None, *parts: str | None) -> Path:
    """Where a run writes its tables and charts, created if missing.

    ``None``: ``artifacts/notebooks/<parts…>`` under the project root (``artifacts/`` is not committed); a
    relative path is taken from the project root, so a notebook writes to the same place wherever it runs.
    """
    if output_dir in (None, ""):
        folder = PROJECT_ROOT / "artifacts" / "notebooks" / Path(*[p for p in parts if p])
    else:
        folder = Path(output_dir)
        folder = folder if folder.is_absolute() else PROJECT_ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def files_markdown(files: Mapping[str, os.PathLike] | Sequence[os.PathLike]) -> Markdown:
    """A list of written files (paths relative to the project where they are inside it)."""
    paths = list(files.values()) if isinstance(files, Mapping) else list(files)
    return Markdown("\n".join(f"- `{_relative(Path(p))}`" for p in paths))


def _relative(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def save(folder: str | os.PathLike, **items: object) -> Markdown:
    """Write each table as ``<name>.csv`` and each chart as ``<name>.png`` in ``folder``; list what was written."""
    from matplotlib.figure import Figure

    from .plots import savefig

    folder = Path(folder)
    written = []
    for name, item in items.items():
        if isinstance(item, pd.DataFrame):
            path = folder / f"{name}.csv"
            item.to_csv(path, index=False, lineterminator="\n")
        elif isinstance(item, Figure):
            path = folder / f"{name}.png"
            savefig(item, path)
        else:
            raise ValuekitError(f"save() writes DataFrames and Figures; {name}= is a {type(item).__name__}")
        written.append(path)
    return Markdown("Saved: " + ", ".join(f"`{_relative(p)}`" for p in written))


def _escape(text: str) -> str:
    """Text safe inside Markdown emphasis: the characters that would end or start it are escaped."""
    return str(text).replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
