"""How long does the whole analysis of one large relationship take, on one core?

    python benchmarks/analysis.py [--respondents 5000] [--codes 60] [--repeat 3] [--json results.json]

A relationship of ``--respondents`` people rating ``--codes`` Value Codes in one Solve cycle
(:func:`valuekit.sample.generate_large`: two parties, three levels, five functions, about 4 % "don't know", no
comments) is stored in a temporary store, then :func:`valuekit.analysis.overview.analyse` runs on it — every
table, the findings and the data fingerprint; no themes, as there are no comments. The target is under 2 s.

One core: the process is pinned to CPU 0 and the BLAS/OpenMP pools to one thread (set before numpy is imported).

Figures
    *cold*: the first ``analyse()`` in this fresh process, after every import (the store is built in another
    process, so the template is parsed and the privacy gate's caches are empty, as for the first report a
    process writes);
    *warm*: each of ``--repeat`` runs after it; **seconds** (in ``--json``) is the median of the warm runs.
    Then each step is timed on its own, outside ``analyse()``, so without the work the steps share there.
CPU seconds are printed beside wall seconds: other load on the machine inflates the second, not the first.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy (imported by everything below) starts its thread pools

import argparse  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threadpoolctl import threadpool_limits  # noqa: E402

from valuekit.analysis.change import action_effects, compare_cycles  # noqa: E402, F401 - imported before timing
from valuekit.analysis.data import load_relationship  # noqa: E402
from valuekit.analysis.engagement import engagement  # noqa: E402
from valuekit.analysis.fragmentation import agreement_by_perspective, fragmentation_index  # noqa: E402
from valuekit.analysis.gaps import level_gaps, mirror_gaps  # noqa: E402
from valuekit.analysis.overview import analyse  # noqa: E402
from valuekit.analysis.priorities import neglected_things, priorities  # noqa: E402
from valuekit.analysis.scores import distribution, score_codes, score_things  # noqa: E402
from valuekit.sample import generate_large  # noqa: E402
from valuekit.store import Store  # noqa: E402

try:
    from valuekit.analysis.findings import findings
except ImportError:  # a valuekit without findings
    findings = None

TARGET = 2.0
RELATIONSHIP, CYCLE = "large", "solve"


def one_core() -> str:
    """Pin this process to CPU 0 and every thread pool to one thread; say what was done."""
    threadpool_limits(1)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
        return "pinned to CPU 0"
    return "not pinned (no sched_setaffinity here)"


def timed(function, *args, **kwargs) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result)."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def build(path: Path, respondents: int, codes: int) -> None:
    """Store the generated relationship at ``path``."""
    with Store(path) as store:
        store.write(generate_large(respondents, codes, relationship_id=RELATIONSHIP), replace=True)


def run_analyse(store: Store) -> dict:
    steps: dict[str, float] = {}
    wall, cpu, _ = timed(analyse, store, RELATIONSHIP, CYCLE, themes=False, timings=steps)
    return {"wall": wall, "cpu": cpu, "steps": steps}


def each_step(store: Store) -> dict[str, float]:
    """Every step of ``analyse()`` on its own (wall seconds), without the work they share inside it."""
    out = {}
    out["load_relationship"], _, data = timed(load_relationship, store, RELATIONSHIP, CYCLE)
    out["fingerprint"], _, _ = timed(store.fingerprint, RELATIONSHIP)
    steps = {
        "engagement": (engagement, ()),
        "score_codes": (score_codes, ()),
        "score_codes by side × level": (score_codes, (["side", "common_level"],)),
        "score_things": (score_things, ()),
        "distribution": (distribution, ()),
        "agreement_by_perspective": (agreement_by_perspective, ()),
        "agreement_by_perspective by level": (agreement_by_perspective, ("common_level",)),
        "fragmentation_index": (fragmentation_index, ()),
        "mirror_gaps": (mirror_gaps, ()),
        "level_gaps": (level_gaps, ()),
        "priorities": (priorities, ()),
        "neglected_things": (neglected_things, ()),
    }
    if findings is not None:
        steps["findings"] = (findings, ())
    for name, (function, args) in steps.items():
        out[name], _, _ = timed(function, data, *args)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=5000, help="respondents (default 5000)")
    parser.add_argument("--codes", type=int, default=60, help="Value Codes each rates (default 60)")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs after the cold one (default 3)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1; got {args.repeat}")
    pinned = one_core()
    with tempfile.TemporaryDirectory(prefix="valuekit-bench-") as folder:
        path = Path(folder) / "bench.duckdb"
        # built in another process, so that nothing the analysis needs (the template) is loaded here yet
        builder = multiprocessing.get_context("spawn").Process(
            target=build, args=(path, args.respondents, args.codes)
        )
        builder.start()
        builder.join()
        if builder.exitcode != 0:
            raise SystemExit(f"building the benchmark store failed (exit code {builder.exitcode})")
        with Store(path, read_only=True) as store:
            cold = run_analyse(store)
            warm = [run_analyse(store) for _ in range(args.repeat)]
            alone = each_step(store)
    seconds = statistics.median(r["wall"] for r in warm)
    figures = {
        "seconds": seconds,
        "respondents": args.respondents,
        "codes": args.codes,
        "cold_seconds": cold["wall"],
        "warm_seconds": [r["wall"] for r in warm],
        "cpu_seconds": statistics.median(r["cpu"] for r in warm),
        "steps_cold": cold["steps"],
        "steps_warm": {k: statistics.median(r["steps"].get(k, 0.0) for r in warm) for k in cold["steps"]},
        "steps_alone": alone,
        "python": platform.python_version(),
        "load_average": os.getloadavg()[0],
    }
    report(figures, pinned, args.repeat)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


def report(f: dict, pinned: str, repeat: int) -> None:
    responses = f["respondents"] * f["codes"]
    print(
        f"analyse() of {f['respondents']:,} respondents × {f['codes']} Value Codes ({responses:,} responses), "
        f"one core ({pinned}), load average {f['load_average']:.1f}"
    )
    print(f"  {'step':<34} {'cold':>7} {'warm':>7}   (warm: median of {repeat})")
    for step, cold in f["steps_cold"].items():
        print(f"  {step:<34} {cold:6.2f}s {f['steps_warm'][step]:6.2f}s")
    print(
        f"  {'total':<34} {f['cold_seconds']:6.2f}s {f['seconds']:6.2f}s   (CPU {f['cpu_seconds']:.2f}s warm)"
    )
    print("each step on its own, outside analyse() (no shared work):")
    for step, seconds in f["steps_alone"].items():
        print(f"  {step:<34} {seconds:6.2f}s")
    print(f"  {'sum':<34} {sum(f['steps_alone'].values()):6.2f}s")
    verdict = "met" if f["seconds"] < TARGET else "MISSED"
    print(
        f"target: under {TARGET:.0f} s — warm median {f['seconds']:.2f} s, cold {f['cold_seconds']:.2f} s: {verdict}"
    )


if __name__ == "__main__":
    main()
