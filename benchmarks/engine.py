"""How much faster is run_notebooks than running papermill's CLI once per report?

    python benchmarks/engine.py [--n 12] [--workers 2] [--json results.json]

(a) *naive*: a loop of ``papermill`` CLI calls, one at a time, each starting a ``python3`` kernel that
    imports pandas, seaborn and matplotlib again;
(b) *runner*: :func:`valuekit.reports.run_notebooks` with ``workers`` processes forked from a zygote
    that imported everything once (zygote start-up included in the time);
(c) *runner, 1 worker*: the same on one worker, to separate the gain of forking from that of parallelism.

Every run executes ``tests/reports/notebooks/simple.ipynb`` (pandas DataFrame, one seaborn chart,
Markdown) with a different ``relationship`` parameter. All three write executed notebooks; none exports HTML.
Besides wall time it reports the CPU seconds of all processes each method started, which other load
on the machine does not inflate.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from valuekit.reports import run_notebooks  # noqa: E402

NOTEBOOK = ROOT / "tests" / "reports" / "notebooks" / "simple.ipynb"


def papermill_cli() -> list[str]:
    exe = Path(sys.executable).with_name("papermill")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "papermill"]


def children_cpu() -> float:
    """CPU seconds of finished child processes (with the descendants they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(function, *args) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the processes it started)."""
    cpu, started = children_cpu(), time.perf_counter()
    function(*args)
    return time.perf_counter() - started, children_cpu() - cpu


def naive(n: int, out: Path) -> None:
    """One ``papermill`` process (and one kernel) per report, one after the other."""
    for i in range(n):
        subprocess.run(
            [*papermill_cli(), str(NOTEBOOK), str(out / f"naive_{i}.ipynb"), "-p", "relationship", f"rel-{i}"]
            + ["-k", "python3", "--no-progress-bar"],
            check=True,
            capture_output=True,
        )


def runner(n: int, out: Path, workers: int) -> None:
    jobs = [(NOTEBOOK, out / f"runner{workers}_{i}.ipynb", {"relationship": f"rel-{i}"}) for i in range(n)]
    failed = [r for r in run_notebooks(jobs, workers=workers) if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} runner job(s) failed, first: {failed[0].error}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12, help="reports per method (default 12)")
    parser.add_argument("--workers", type=int, default=2, help="runner processes at once (default 2)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    n = args.n
    figures: dict = {
        "n": n,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    methods = {
        "naive": ("(a) papermill CLI loop", naive, ()),
        "runner": (f"(b) run_notebooks, {args.workers} workers", runner, (args.workers,)),
        "runner_1_worker": ("(c) run_notebooks, 1 worker", runner, (1,)),
    }
    out = Path(tempfile.mkdtemp(prefix="valuekit-bench-"))
    try:
        for key, (_, function, extra) in methods.items():
            figures[f"{key}_s"], figures[f"{key}_cpu_s"] = timed(function, n, out, *extra)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    figures["load_average"] = os.getloadavg()[0]
    figures["speedup"] = figures["naive_s"] / figures["runner_s"]
    figures["speedup_1_worker"] = figures["naive_s"] / figures["runner_1_worker_s"]
    figures["cpu_ratio"] = figures["naive_cpu_s"] / figures["runner_cpu_s"]
    print(
        f"{n} reports of {NOTEBOOK.name} on {figures['cpus']} CPUs (load average {figures['load_average']:.1f})"
    )
    print(f"  {'':<30} {'wall':>8} {'a report':>9} {'CPU':>8}")
    for key, (label, _, _) in methods.items():
        wall, cpu = figures[f"{key}_s"], figures[f"{key}_cpu_s"]
        print(f"  {label:<30} {wall:7.2f}s {wall / n:8.2f}s {cpu:7.2f}s")
    print(
        f"  speed-up in wall time (a)/(b) {figures['speedup']:.1f}x, (a)/(c) {figures['speedup_1_worker']:.1f}x;"
        f" in CPU time (a)/(b) {figures['cpu_ratio']:.1f}x"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main()
