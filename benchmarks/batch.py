"""How much faster is `valuekit report` than the way a user would batch notebooks today, and how near the floor?

    python benchmarks/batch.py [--relationships 6] [--workers 2] [--json results.json]

The same N relationship-cycles (the Resolve and Solve cycles of ``--relationships`` sample relationships,
N = 2 × that, 12 by default) are built three ways, in one run, each against its own copy of the sample store (so none finds a cache another filled):

(a) **naive**: a shell loop, one report at a time, of ``papermill`` (CLI) with the report's parameters, then
    ``jupyter nbconvert --to html --no-input`` on the executed notebook: a kernel started, and everything
    imported, twice per report;
(b) **valuekit**: ``valuekit report --force`` for the same reports (``--workers`` processes, each report in
    its own process forked from one that imported everything once; HTML export in that process);
(c) **floor**: the same analyses with no notebook at all, in a pool of ``--workers`` forked processes that
    imported everything first: per report, :func:`valuekit.analysis.overview.analyse` and the charts the
    notebooks draw, rendered to PNG.

Targets: (a)/(b) ≥ 6 on a 2-core machine, and (b)/(c) ≤ 1.5. Wall seconds are printed for each, with the
ratios; ``--json PATH`` writes ``{"n", "naive_s", "valuekit_s", "floor_s", ...}``. The machines here are
shared: compare the ratios of one run rather than seconds across runs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
RELATIONSHIPS = [  # sample relationships with Resolve and Solve cycles, small to large
    "wexford-polaris",
    "thornbury-helix",
    "quarry-lane-brightfm",
    "lindenfield-oakmont",
    "redwater-stratus",
    "pinecrest-clearview",
    "ashby-corelink",
    "st-aldric-medserve",
    "meridian-atlas",
    "kestrel-ironbridge",
    "harbourside-northwind",
]
CYCLES = ("resolve", "solve")


def naive(specs, work: Path) -> float:
    """(a): a bash loop of papermill then nbconvert, one report at a time."""
    lines = ["set -e"]
    for spec in specs:
        out = work / "naive" / f"{spec.stem}.ipynb"
        params = " ".join(
            f"-p {name} {shlex.quote(str(value))}" if value is not None else f"-p {name} None"
            for name, value in {
                **spec.parameters,
                "output_dir": str(work / "naive" / f"{spec.stem}_files"),
            }.items()
        )
        lines.append(
            f"{BIN}/papermill -k python3 --no-progress-bar {spec.notebook} {out} {params} 2> /dev/null"
        )
        lines.append(f"{BIN}/jupyter nbconvert --to html --no-input {out} 2> /dev/null")
    (work / "naive").mkdir(parents=True)
    script = work / "naive.sh"
    script.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    subprocess.run(["bash", str(script)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def valuekit_report(store: Path, relationships: list[str], work: Path, workers: int) -> float:
    """(b): the command, as a user runs it."""
    args = [
        str(BIN / "valuekit"),
        "report",
        "--store",
        str(store),
        "--out",
        str(work / "valuekit"),
        "--force",
    ]
    args += [a for r in relationships for a in ("--relationship", r)]
    args += [a for c in CYCLES for a in ("--cycle", c)] + ["--workers", str(workers)]
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _floor_one(job: tuple[str, str, str]) -> None:
    from valuekit.analysis.overview import analyse
    from valuekit.plots import (
        plot_agreement,
        plot_engagement,
        plot_heatmap,
        plot_heatmap_parts,
        plot_levels,
        plot_mirror_gaps,
        plot_priorities,
    )
    from valuekit.plots._style import chart_png
    from valuekit.store import Store

    store_path, rid, cid = job
    with Store(store_path, read_only=True) as store:
        result = analyse(store, rid, cid)
    figures = [plot_engagement(result.engagement), plot_agreement(result.agreement)]
    if cid == "resolve":  # what 01_resolve draws
        figures += [plot_levels(result.scores), plot_heatmap(result.scores_by_side_level)]
    else:  # what 02_solve draws
        figures += [
            *plot_heatmap_parts(result.scores_by_side_level),
            plot_mirror_gaps(result.mirror_gaps),
            plot_priorities(result.priorities, top=5),
        ]
    for fig in figures:  # rendered as the notebooks show them (valuekit.plots._style.chart_png)
        chart_png(fig)


def floor(store: Path, jobs: list[tuple[str, str]], workers: int) -> float:
    """(c): the analyses and charts with no notebook, in a pool forked after the imports."""
    import valuekit.analysis.overview  # noqa: F401 - imported before the fork, as the report zygote does
    import valuekit.plots  # noqa: F401

    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_floor_one, [(str(store), r, c) for r, c in jobs], chunksize=1)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--relationships", type=int, default=6, help="sample relationships (N = 2 × this ≥ 12)"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

    from valuekit.notebook import ensure_sample_store
    from valuekit.reports.batch import plan_reports

    relationships = RELATIONSHIPS[: args.relationships]
    with tempfile.TemporaryDirectory(prefix="valuekit-batch-") as tmp:
        work = Path(tmp)

        def fresh_store(name: str) -> Path:
            """A copy of the sample store in a folder of its own: every way starts with no cache beside it."""
            (work / name).mkdir()
            shutil.copy(ensure_sample_store(), work / name / "store.duckdb")
            return work / name / "store.duckdb"

        specs = plan_reports(
            fresh_store("a"), work / "plan", relationships=relationships, cycles=list(CYCLES)
        )
        jobs = [(s.relationship_id, s.cycle_id) for s in specs]
        print(f"{len(specs)} reports: {', '.join(s.key for s in specs)}; {args.workers} workers", flush=True)
        floor_s = floor(fresh_store("c"), jobs, args.workers)
        print(f"(c) floor, analyses and charts without notebooks: {floor_s:7.1f} s", flush=True)
        valuekit_s = valuekit_report(fresh_store("b"), relationships, work, args.workers)
        print(f"(b) valuekit report:                              {valuekit_s:7.1f} s", flush=True)
        naive_s = naive(specs, work)
        print(f"(a) papermill + nbconvert loop:                   {naive_s:7.1f} s", flush=True)
    speedup, overhead = naive_s / valuekit_s, valuekit_s / floor_s
    print(f"\n(a)/(b) = {speedup:.1f}×  (target ≥ 6)   {'met' if speedup >= 6 else 'MISSED'}")
    print(f"(b)/(c) = {overhead:.2f}×  (target ≤ 1.5) {'met' if overhead <= 1.5 else 'MISSED'}")
    print(f"per report: naive {naive_s / len(specs):.2f} s, valuekit {valuekit_s / len(specs):.2f} s, "
          f"floor {floor_s / len(specs):.2f} s")  # fmt: skip
    if args.json:
        figures = {"n": len(specs), "naive_s": round(naive_s, 3), "valuekit_s": round(valuekit_s, 3),
                   "floor_s": round(floor_s, 3), "workers": args.workers, "speedup": round(speedup, 2),
                   "overhead": round(overhead, 3)}  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
