"""Batch reports: every relationship × cycle of a store turned into a client-ready report, resumably.

:func:`plan_reports` decides what to build (which notebook, with which parameters, where it goes) and
:func:`build_reports` builds it: each report's notebook runs in its own fresh process
(:func:`valuekit.reports.runner.run_notebooks`, or a Dask cluster), is exported to one self-contained
HTML file (and a PDF) by :mod:`valuekit.reports.export` in that same process, and leaves a *manifest*
beside it saying what it was built from and how it went. ``reports/index.html`` lists them all.

Layout of ``out`` (``reports/`` by default)::

    index.html                                   every report with its status
    portfolio/portfolio.html, .pdf, .ipynb        the portfolio (04_portfolio), with --all
    <relationship>/<relationship>_<cycle>.html    the client's report
    <relationship>/<relationship>_<cycle>.pdf     printed (--format pdf)
    <relationship>/<relationship>_<cycle>.ipynb   the executed notebook, for audit (errors included)
    <relationship>/<relationship>_<cycle>.manifest.json   inputs, their hash, status, timings
    <relationship>/<relationship>_<cycle>_files/  the tables and charts the notebook saved

A report is *up to date* when its manifest says it succeeded, its files exist, and the hash of its
inputs is unchanged: the notebook's bytes, its parameters, the data fingerprint of the relationship (the
whole store for the portfolio), the valuekit version, the report template and the formats asked for.
Up-to-date reports are skipped unless ``force``; failed ones are always retried.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import html
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from valuekit._files import write_atomic
from valuekit._version import __version__
from valuekit.config import NOTEBOOKS_DIR, TEMPLATES_DIR
from valuekit.errors import NotFoundError, ValuekitError
from valuekit.schemas import cycle_kind

from . import FINISH_HOOK
from .runner import JobResult, ReportError, Zygote, run_notebooks

__all__ = [
    "FORMATS",
    "NOTEBOOK_FOR_KIND",
    "ReportSpec",
    "ReportOutcome",
    "BatchResult",
    "plan_reports",
    "build_reports",
    "write_index",
]

#: What ``--format`` accepts. HTML is always written (the PDF is printed from it).
FORMATS = ("html", "pdf")
#: The notebook that reports on each kind of cycle.
NOTEBOOK_FOR_KIND = {
    "resolve": "01_resolve.ipynb",
    "solve": "02_solve.ipynb",
    "dissolve": "03_dissolve.ipynb",
}
PORTFOLIO_NOTEBOOK = "04_portfolio.ipynb"
PORTFOLIO = "portfolio"  # the folder and stem of the portfolio report
REPORT_TEMPLATES = TEMPLATES_DIR / "reports"
#: Statuses a report can end with: the runner's, plus ``skipped`` (up to date, not rebuilt).
OK_STATUSES = ("ok", "skipped")


@dataclass(frozen=True)
class ReportSpec:
    """One report to build: what runs, with what, and where its files go."""

    relationship_id: str | None  # None: the portfolio report
    cycle_id: str | None
    notebook: Path
    parameters: dict
    folder: Path
    stem: str
    cover: dict
    formats: tuple[str, ...]
    fingerprint: str
    work: int = 0  # how much there is to analyse (responses): the biggest reports start first

    @property
    def key(self) -> str:
        """``relationship/cycle`` (or ``portfolio``): how the summary and the index name it."""
        return PORTFOLIO if self.relationship_id is None else f"{self.relationship_id}/{self.cycle_id}"

    def path(self, suffix: str) -> Path:
        """The report's file with this suffix (``.html``, ``.pdf``, ``.ipynb``, ``.manifest.json``)."""
        return self.folder / f"{self.stem}{suffix}"

    @property
    def outputs(self) -> dict[str, Path]:
        files = {"notebook": self.path(".ipynb"), "html": self.path(".html")}
        if "pdf" in self.formats:
            files["pdf"] = self.path(".pdf")
        return files

    @cached_property
    def inputs(self) -> dict:
        """Everything the report is built from, as recorded in its manifest and hashed for resuming."""
        parameters = {k: v for k, v in self.parameters.items() if k != "output_dir"}
        return {
            "notebook": self.notebook.name,
            "notebook_sha256": _sha256_file(self.notebook),
            "parameters": parameters,
            "data_fingerprint": self.fingerprint,
            "valuekit": __version__,
            "report_template_sha256": _template_hash(),
            "formats": sorted(self.formats),
        }

    @cached_property
    def inputs_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.inputs, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class ReportOutcome:
    """How one report went: ``ok``, ``skipped`` (up to date), ``failed``, ``died`` or ``timeout``."""

    spec: ReportSpec
    status: str
    seconds: float = 0.0
    error: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES


@dataclass
class BatchResult:
    """Every report's outcome, in plan order, and where the index was written."""

    outcomes: list[ReportOutcome]
    index: Path
    seconds: float

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts

    @property
    def exit_code(self) -> int:
        """0 when every report succeeded (or was up to date), else 1."""
        return 0 if self.ok else 1


# -- planning ------------------------------------------------------------------------------------------------
def plan_reports(
    store_path: str | os.PathLike,
    out: str | os.PathLike,
    *,
    relationships: Sequence[str] | None = None,
    cycles: Sequence[str] | None = None,
    formats: Iterable[str] = ("html",),
    k: int = 5,
    k_comments: int = 10,
    portfolio: bool | None = None,
    notebooks_dir: str | os.PathLike = NOTEBOOKS_DIR,
    today: dt.date | None = None,
) -> list[ReportSpec]:
    """The reports to build for the store: one per relationship × cycle with responses, and the portfolio.

    Parameters
    ----------
    store_path
        the store (opened read-only here, and by every report).
    out
        the folder the reports go to.
    relationships
        relationship ids; ``None`` means every relationship in the store.
    cycles
        cycle ids (``"solve"``, ``"dissolve-1"``) or kinds (``"dissolve"`` matches every Dissolve cycle);
        ``None`` means every cycle. Cycles with no responses yet are left out.
    formats
        ``"html"`` and/or ``"pdf"``.
    portfolio
        add the portfolio report (04_portfolio); default: only when every relationship is asked for and no
        cycle filter is given.

    Raises
    ------
    NotFoundError
        a relationship that is not in the store, or a cycle that none of the relationships asked for has
        (the message lists what exists).
    ReportError
        an unknown format, or a notebook missing from ``notebooks_dir``.
    """
    from valuekit.store import Store

    formats = _check_formats(formats)
    out, notebooks_dir = Path(out).resolve(), Path(notebooks_dir).resolve()
    store_path = Path(store_path).resolve()
    today = today or dt.date.today()
    if portfolio is None:
        portfolio = relationships is None and not cycles
    with Store(store_path, read_only=True) as store:
        known = store.relationship_ids()
        chosen = list(dict.fromkeys(relationships)) if relationships is not None else known
        for rid in chosen:
            if rid not in known:
                raise NotFoundError("relationship", rid, known, where=str(store_path))
        table = store.read("relationships").set_index("relationship_id")
        info = store.info()
        responses = {
            (r, c): int(n)
            for r, c, n in zip(info["relationship_id"], info["cycle_id"], info["responses"], strict=True)
            if n
        }
        specs, matched = [], set()
        all_cycles: list[str] = []
        for rid in chosen:
            row = table.loc[rid]
            fingerprint = store.fingerprint(rid)
            for cid in store.cycle_ids(rid):
                all_cycles.append(cid)
                kind = cycle_kind(cid)
                wanted = [c for c in cycles or [] if c in (cid, kind)]
                if cycles and not wanted:
                    continue
                matched.update(wanted)
                if (rid, cid) not in responses:
                    continue
                parameters = {"relationship": rid, "cycle": cid, "store_path": str(store_path), "k": k,
                              "k_comments": k_comments}  # fmt: skip
                folder = out / rid
                stem = f"{rid}_{cid}"
                parameters["output_dir"] = str(folder / f"{stem}_files")
                cover = {
                    "title": f"{row['name']} — {_cycle_label(cid)}",
                    "relationship": row["name"],
                    "relationship_id": rid,
                    "cycle": cid,
                    "cycle_label": _cycle_label(cid),
                    "date": today.isoformat(),
                    "stamp": {
                        "template": f"{row['template_id']}@{row['template_version']}",
                        "data_fingerprint": fingerprint,
                        "valuekit": __version__,
                        "k": k,
                        "k_comments": k_comments,
                    },
                }
                notebook = _notebook(notebooks_dir, NOTEBOOK_FOR_KIND[kind])
                specs.append(
                    ReportSpec(
                        rid,
                        cid,
                        notebook,
                        parameters,
                        folder,
                        stem,
                        cover,
                        formats,
                        fingerprint,
                        responses[rid, cid],
                    )  # fmt: skip
                )
        unmatched = [c for c in cycles or [] if c not in matched]
        if unmatched:
            raise NotFoundError(
                "cycle", unmatched[0], sorted(set(all_cycles)), where="the relationships asked for"
            )
        if portfolio:
            fingerprint = store.fingerprint()
            folder = out / PORTFOLIO
            parameters = {"relationship": None, "store_path": str(store_path), "k": k, "k_comments": k_comments,
                          "output_dir": str(folder / f"{PORTFOLIO}_files")}  # fmt: skip
            cover = {
                "title": "Portfolio of relationships",
                "relationship": f"Portfolio — {len(known)} relationships",
                "relationship_id": PORTFOLIO,
                "cycle": "latest",
                "cycle_label": "Each relationship's latest cycle",
                "date": today.isoformat(),
                "stamp": {
                    "data_fingerprint": fingerprint,
                    "relationships": len(known),
                    "valuekit": __version__,
                    "k": k,
                    "k_comments": k_comments,
                },  # fmt: skip
            }
            notebook = _notebook(notebooks_dir, PORTFOLIO_NOTEBOOK)
            specs.append(
                ReportSpec(
                    None,
                    None,
                    notebook,
                    parameters,
                    folder,
                    PORTFOLIO,
                    cover,
                    formats,
                    fingerprint,
                    sum(responses.values()),
                )  # fmt: skip
            )
    return specs


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = formats.split(",")
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ReportError(
            f"unknown report format {', '.join(unknown) or '(none)'}: choose from {', '.join(FORMATS)}"
        )
    return tuple(f for f in FORMATS if f in chosen or f == "html")


def _notebook(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise ReportError(f"the report notebook {path} does not exist (reports are built from {folder})")
    return path


def _cycle_label(cycle_id: str) -> str:
    kind = cycle_kind(cycle_id)
    if kind == "dissolve" and "-" in cycle_id:
        return f"Dissolve {cycle_id.split('-', 1)[1]}"
    return kind.capitalize()


def _sha256_file(path: Path) -> str:
    stat = path.stat()
    return _sha256_of(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _sha256_of(path: Path, mtime_ns: int, size: int) -> str:
    """Hashed once per version of the file (the notebook and template files are shared by many reports)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _template_hash() -> str:
    h = hashlib.sha256()
    if REPORT_TEMPLATES.is_dir():
        for path in sorted(p for p in REPORT_TEMPLATES.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(REPORT_TEMPLATES)).encode())
            h.update(_sha256_file(path).encode())
    return h.hexdigest()


# -- manifests -----------------------------------------------------------------------------------------------
def read_manifest(spec: ReportSpec) -> dict | None:
    """The report's manifest, or None if it has none (or an unreadable one)."""
    try:
        return json.loads(spec.path(".manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def up_to_date_manifest(spec: ReportSpec) -> dict | None:
    """The manifest of the last build of this report if it succeeded, from the same inputs, and its files are
    all there; else None."""
    manifest = read_manifest(spec)
    if (
        manifest
        and manifest.get("status") == "ok"
        and manifest.get("inputs_hash") == spec.inputs_hash
        and all(path.is_file() for path in spec.outputs.values())
    ):
        return manifest
    return None


def is_up_to_date(spec: ReportSpec) -> bool:
    """The last build of this report succeeded, from the same inputs, and its files are all there."""
    return up_to_date_manifest(spec) is not None


def _write_manifest(spec: ReportSpec, outcome: ReportOutcome, started: str) -> None:
    manifest = {
        "report": spec.key,
        "title": spec.cover.get("title"),
        "relationship_id": spec.relationship_id,
        "relationship": spec.cover.get("relationship"),
        "cycle_id": spec.cycle_id,
        "cycle_label": spec.cover.get("cycle_label"),
        "status": outcome.status,
        "error": outcome.error,
        "seconds": outcome.seconds,
        "started": started,
        "finished": _now(),
        "files": {name: path.name for name, path in spec.outputs.items() if path.is_file()},
        "inputs": spec.inputs,
        "inputs_hash": spec.inputs_hash,
    }
    write_atomic(spec.path(".manifest.json"), json.dumps(manifest, indent=2, default=str) + "\n")


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


# -- building ------------------------------------------------------------------------------------------------
def build_reports(
    specs: Sequence[ReportSpec],
    out: str | os.PathLike,
    *,
    workers: int | None = None,
    timeout: float | None = 900,
    force: bool = False,
    scheduler: str | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_report: Callable[[ReportOutcome], None] | None = None,
    zygote: Zygote | None = None,
) -> BatchResult:
    """Build the planned reports (skipping those up to date), write their manifests and the index.

    Parameters
    ----------
    specs
        from :func:`plan_reports`.
    out
        the reports folder; its ``index.html`` lists every report found there, not only these.
    workers
        reports built at once on this machine (default: the number of cores).
    timeout
        seconds one report may take before its process is killed.
    force
        rebuild reports that are up to date.
    scheduler
        a Dask distributed scheduler address (``tcp://host:8786``): the reports are built on its workers
        (which must see the store and the notebooks at the same paths) and their files written here.
    on_start
        called once as ``on_start(to_build, up_to_date)`` before anything runs.
    on_report
        called as each report ends (skipped ones first), e.g. to move a progress bar.
    zygote
        a :class:`~valuekit.reports.runner.Zygote` started earlier with ``after=`` :data:`FINISH_HOOK` (it
        imports while the caller plans); used for a local run, closed otherwise.

    Returns
    -------
    BatchResult
        never raises for a report that fails: its outcome says why.
    """
    began = time.monotonic()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        with _exclusive(out):
            _remove_leftovers(out)
            return _build(specs, out, began, workers, timeout, force, scheduler, on_start, on_report, zygote)
    finally:
        if zygote is not None:
            zygote.close()  # unused (a cluster run, nothing to build, an error): stop it


def _build(specs, out, began, workers, timeout, force, scheduler, on_start, on_report, zygote) -> BatchResult:
    outcomes: dict[int, ReportOutcome] = {}
    todo: list[int] = []
    for i, spec in enumerate(specs):
        manifest = None if force else up_to_date_manifest(spec)
        if manifest is not None:
            files = {name: str(spec.folder / name_) for name, name_ in manifest.get("files", {}).items()}
            outcomes[i] = ReportOutcome(spec, "skipped", 0.0, None, files)
        else:
            todo.append(i)
    if on_start is not None:
        on_start(len(todo), len(specs) - len(todo))
    if on_report is not None:
        for outcome in outcomes.values():
            on_report(outcome)
    started = _now()

    def finished(i: int, result: JobResult) -> None:
        spec = specs[i]
        if result.ok:
            files = {name: str(path) for name, path in spec.outputs.items() if path.is_file()}
            outcome = ReportOutcome(spec, "ok", result.seconds, None, files)
        else:
            for name in ("html", "pdf"):  # a stale report must not sit beside a failed rebuild
                spec.path(f".{name}").unlink(missing_ok=True)
            error = result.error or result.status
            outcome = ReportOutcome(
                spec, result.status, result.seconds, error, {"notebook": str(spec.path(".ipynb"))}
            )
        _write_manifest(spec, outcome, started)
        outcomes[i] = outcome
        if on_report is not None:
            on_report(outcome)

    # the longest first: the run ends when its last report does, so a big one must not start last
    todo.sort(key=lambda i: -specs[i].work)
    jobs = [_job(specs[i]) for i in todo]
    if jobs and scheduler:
        from ._dask import run_on_cluster

        run_on_cluster(scheduler, jobs, timeout=timeout, on_result=lambda j, r: finished(todo[j], r))
    elif jobs:
        run_notebooks(
            jobs,
            workers=workers,
            timeout=timeout,
            after=FINISH_HOOK,
            on_result=lambda j, r: finished(todo[j], r),
            zygote=zygote,
        )
    index = write_index(out)
    return BatchResult([outcomes[i] for i in range(len(specs))], index, round(time.monotonic() - began, 3))


@contextlib.contextmanager
def _exclusive(out: Path):
    """Hold ``out/.valuekit-report.lock`` for the run: two runs never write the same reports at once."""
    lock = out / ".valuekit-report.lock"
    with open(lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ReportError(
                f"another valuekit report ({holder}) is writing to {out}; wait for it to finish, or use another --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(out: Path) -> None:
    """Temporary files of a run that was killed (hidden; never at a report's final path) are removed."""
    for pattern in ("*/.*.partial.ipynb", "*/.*.failed.ipynb", "*/.*.tmp", ".*.tmp"):
        for path in out.glob(pattern):
            path.unlink(missing_ok=True)


def _job(spec: ReportSpec) -> tuple:
    context = {"cover": spec.cover, "html": spec.path(".html").name}
    if "pdf" in spec.formats:
        context["pdf"] = spec.path(".pdf").name
    return (spec.notebook, spec.path(".ipynb"), spec.parameters, context)


def warm_up() -> None:
    """Called by the report zygote before it forks: the exporter's first-use costs are paid once."""
    from .export import warm_up as warm_exporter

    warm_exporter()


def finish_report(notebook: Path, parameters: dict, context: dict) -> dict:
    """The runner's ``after`` hook, run in the report's own process: export HTML (and PDF) beside the notebook."""
    from .export import export_html, print_pdf

    files = {"notebook": str(notebook)}
    html_path = notebook.with_name(context["html"])
    export_html(notebook, html_path, cover=context.get("cover") or {})
    files["html"] = str(html_path)
    if context.get("pdf"):
        pdf = notebook.with_name(context["pdf"])
        print_pdf(html_path, pdf)
        files["pdf"] = str(pdf)
    return files


# -- the index -----------------------------------------------------------------------------------------------
_STATUS_TEXT = {
    "ok": "ready",
    "skipped": "ready",
    "failed": "failed",
    "died": "failed (process died)",
    "timeout": "failed (timed out)",
}


def write_index(out: str | os.PathLike) -> Path:
    """Write ``out/index.html``: every report in ``out`` (from its manifest), its status and its files.

    One self-contained file (styles inline, nothing loaded from elsewhere); links are relative, so the
    folder can be moved or zipped whole.
    """
    out = Path(out).resolve()
    manifests = []
    for path in sorted(out.glob("*/*.manifest.json")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {"report": path.name, "status": "failed", "error": f"unreadable manifest {path.name}"}
        manifest["_folder"] = path.parent.name
        manifests.append(manifest)
    manifests.sort(
        key=lambda m: (m.get("relationship_id") is not None, m.get("relationship_id") or "", _cycle_key(m))
    )
    ok = sum(m.get("status") in OK_STATUSES for m in manifests)
    rows, group = [], object()
    for m in manifests:
        if m.get("relationship_id", "") != group:
            group = m.get("relationship_id", "")
            name = m.get("relationship") or m.get("title") or m.get("report", "")
            ident = f" <code>{html.escape(group)}</code>" if group else ""
            rows.append(f'<tr class="group"><th colspan="6">{html.escape(name)}{ident}</th></tr>')
        rows.append(_index_row(m))
    rows = "\n".join(rows)
    failed = len(manifests) - ok
    summary = f"{ok} of {len(manifests)} reports ready" + (
        f", <strong>{failed} failed</strong>" if failed else ""
    )
    page = _INDEX.format(
        summary=summary,
        rows=rows or _EMPTY_ROW,
        when=html.escape(_now().replace("T", " ")[:16]),
        version=__version__,
    )
    path = out / "index.html"
    write_atomic(path, page)
    return path


def _cycle_key(manifest: dict) -> tuple:
    cid = manifest.get("cycle_id") or ""
    order = {"resolve": 0, "solve": 1, "dissolve": 2}
    try:
        kind = cycle_kind(cid)
    except ValuekitError:
        return (9, cid)
    number = cid.split("-", 1)[1] if "-" in cid else "0"
    return (order[kind], int(number) if number.isdigit() else 0, cid)


def _index_row(m: dict) -> str:
    esc = html.escape
    status = m.get("status", "failed")
    folder = m.get("_folder", "")
    links = []
    for name, label in (("html", "Report"), ("pdf", "PDF"), ("notebook", "Notebook")):
        file = (m.get("files") or {}).get(name)
        if file:
            links.append(f'<a href="{esc(folder)}/{esc(file)}">{label}</a>')
    cycle = m.get("cycle_label") or m.get("cycle_id") or m.get("title") or m.get("report", "")
    detail = esc(m.get("error") or "")
    finished = esc(str(m.get("finished", "")).replace("T", " ")[:16])
    seconds = m.get("seconds")
    took = f"{seconds:.1f} s" if isinstance(seconds, int | float) and status != "skipped" else ""
    fingerprint = esc(str((m.get("inputs") or {}).get("data_fingerprint", "")))
    css = "ok" if status in OK_STATUSES else "bad"
    return (
        f'<tr class="{css}"><td class="cycle">{esc(cycle)}</td>'
        f'<td><span class="status {css}">{esc(_STATUS_TEXT.get(status, status))}</span>'
        f"{f'<div class=why>{detail}</div>' if detail else ''}</td>"
        f"<td>{' · '.join(links)}</td><td>{finished}</td><td>{took}</td><td><code>{fingerprint}</code></td></tr>"
    )


_EMPTY_ROW = '<tr><td colspan="6">No reports yet: run <code>valuekit report --all</code>.</td></tr>'

_INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>valuekit reports</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1.5rem; color: #1f2933; }}
h1 {{ font-weight: 600; margin-bottom: .2rem; }}
p.summary {{ color: #52606d; margin-top: 0; }}
table {{ border-collapse: collapse; width: 100%; font-size: .92rem; }}
th, td {{ text-align: left; padding: .55rem .6rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }}
th {{ font-weight: 600; color: #52606d; border-bottom: 2px solid #cbd2d9; }}
.status {{ display: inline-block; padding: .1rem .5rem; border-radius: 1rem; font-size: .82rem; font-weight: 600; }}
.status.ok {{ background: #e3f9e5; color: #207227; }}
.status.bad {{ background: #ffe3e3; color: #a61b1b; }}
.why {{ color: #a61b1b; font-size: .82rem; margin-top: .3rem; max-width: 28rem; word-break: break-word; }}
code {{ font-size: .8rem; color: #616e7c; }}
tr.group th {{ background: #f5f7fa; color: #1f2933; font-size: 1rem; padding-top: .8rem; border-bottom: 1px solid #cbd2d9; }}
tr.group code {{ margin-left: .5rem; font-weight: 400; }}
td.cycle {{ padding-left: 1.4rem; }}
td {{ white-space: nowrap; }}
td:has(.why) {{ white-space: normal; }}
a {{ color: #0b69a3; }}
footer {{ margin-top: 2rem; color: #7b8794; font-size: .8rem; }}
</style></head>
<body>
<h1>Value Management reports</h1>
<p class="summary">{summary}</p>
<table>
<thead><tr><th>Cycle</th><th>Status</th><th>Files</th><th>Built</th><th>Took</th>
<th>Data fingerprint</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<footer>Written {when} by valuekit {version}. Each report is one file that opens offline; the notebook beside it
is the executed analysis, kept for audit.</footer>
</body></html>
"""
