"""How fast do the dashboards open, and answer a filter change, in a real browser?

    python benchmarks/dashboard.py [--loads 3] [--changes 16] [--respondents 5000] [--json results.json]

A store is built with the sample portfolio and a generated relationship of ``--respondents`` people
(:func:`valuekit.sample.generate_large`, one Solve cycle, 60 Value Codes), and ``valuekit dashboard`` serves it
on 127.0.0.1 as it would for real (preheated kernels, the ``valuekit`` template). Debian's Chromium, driven by
Playwright, opens the relationship dashboard of

* the largest sample relationship × cycle (the most responses: harbourside-northwind's Solve), and
* the generated one,

each through a signed link, and measures

*first render*: from asking for the page to the heat map drawn, ``--loads`` times with a preheated kernel
  waiting each time and the view in the cache (as after the server's own warm-up); median;
*interaction*: ``--changes`` filter changes (party, level, function, Thing That Matters in turn), each from the
  change event in the page to the heat map redrawn with the new values (timed inside the page); median;
*cold*: one more first render with the view not cached (the analysis computed in the page's kernel), and the
  time to compute and cache each view (``valuekit dashboard warm``).

Targets: first render ≤ 3 s, interaction ≤ 300 ms median. ``--json`` writes ``first_render_s``,
``interaction_median_s`` and ``respondents`` for the generated relationship (the harder case), and the same for
each relationship under ``relationships``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from valuekit.config import SAMPLES_DIR  # noqa: E402
from valuekit.dashboard._cache import code_digest  # noqa: E402
from valuekit.dashboard._tokens import SECRET_ENV, relationship_link  # noqa: E402
from valuekit.importers import import_path  # noqa: E402
from valuekit.sample import generate_large  # noqa: E402
from valuekit.store import Store  # noqa: E402

TARGETS = {"first_render_s": 3.0, "interaction_median_s": 0.3}
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
SECRET = "benchmark-" + "0123456789abcdef" * 3
LARGE = "large"
#: Seconds allowed for a started kernel to finish preheating (imports) before a page is asked for.
PREHEAT_S = 8.0
#: One change in the page, timed there: from the change event to the heat map's content changing.
TIMED_CHANGE = """async ([name, label]) => {
  const tile = document.querySelector('.vk-heatmap');
  const select = document.querySelector(`.vk-filter-${name} select`);
  const before = tile.innerHTML;
  const done = new Promise(resolve => {
    const seen = new MutationObserver(() => {
      if (tile.innerHTML !== before) { seen.disconnect(); resolve(performance.now()); }
    });
    seen.observe(tile, {subtree: true, childList: true, characterData: true});
  });
  const option = [...select.options].find(o => o.text.replace(/\u00a0/g, ' ') === label);
  const started = performance.now();
  select.value = option.value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
  return (await done) - started;
}"""


def build(folder: Path, respondents: int) -> tuple[Path, tuple[str, str], int]:
    """The store, the largest sample relationship × cycle (by responses) and its respondents."""
    path = folder / "bench.duckdb"
    with Store(path) as store:
        import_path(SAMPLES_DIR, store)
        store.write(generate_large(respondents, 60, relationship_id=LARGE), replace=True)
        info = store.info()
    sample = info[info["relationship_id"] != LARGE].sort_values("responses", ascending=False).iloc[0]
    return path, (sample["relationship_id"], sample["cycle_id"]), int(sample["responded"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


class Server:
    def __init__(self, store: Path, env: dict, log: Path):
        self.port, self.log = free_port(), log
        cmd = [
            sys.executable,
            "-m",
            "valuekit.dashboard",
            "--port",
            str(self.port),
            "--no-warm",
            "--store",
            str(store),
        ]
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        self.base = f"http://127.0.0.1:{self.port}/"

    def preheated(self, count: int, timeout: float = 120) -> None:
        """Wait until the relationship dashboard's pool has been filled ``count`` times (a kernel is waiting)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log.read_text().count("Kernel pool of relationship.ipynb is filled") >= count:
                # "filled" is logged when the kernel has started; it then runs the dashboard's imports and waits
                # at the query string: give it the time a real server has between visitors
                time.sleep(PREHEAT_S)
                return
            if self.proc.poll() is not None:
                raise SystemExit(f"the dashboard server stopped:\n{self.log.read_text()}")
            time.sleep(0.2)
        raise SystemExit("no preheated kernel in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)


def changes(n: int, party: str) -> list[tuple[str, str]]:
    """``n`` filter changes, each of which redraws the heat map."""
    cycle = [("party", party), ("level", "Front line"), ("function", "Operations"), ("thing", "Responsiveness"),
             ("function", "All functions"), ("level", "Middle management"), ("thing", "All Things That Matter"),
             ("party", "Both parties"), ("level", "All levels")]  # fmt: skip
    return [cycle[i % len(cycle)] for i in range(n)]


def measure(browser, server: Server, url: str, party: str, n_changes: int) -> tuple[float, list[float]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(180_000)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(".vk-heatmap table")
    first = time.perf_counter() - started
    times = [page.evaluate(TIMED_CHANGE, list(change)) / 1000 for change in changes(n_changes, party)]
    context.close()
    return first, times


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=3, help="first renders per relationship (default 3)")
    parser.add_argument("--changes", type=int, default=16, help="filter changes per page (default 16)")
    parser.add_argument("--respondents", type=int, default=5000, help="people in the generated relationship")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    digest = code_digest.__wrapped__()  # views cached under another code digest are computed again
    with tempfile.TemporaryDirectory(prefix="valuekit-dashboard-bench-") as tmp:
        folder = Path(tmp)
        store, (rel, cycle), sample_n = build(folder, args.respondents)
        env = {**os.environ, SECRET_ENV: SECRET, "VALUEKIT_DASHBOARD_CACHE": str(folder / "cache")}
        jobs = {
            rel: (cycle, sample_n, "Harbourside Borough Council"),
            LARGE: ("solve", args.respondents, "Client plc"),
        }
        server = Server(store, env, folder / "server.log")
        results, fills = {}, 1
        try:
            for rid, (cyc, n, _party) in jobs.items():
                warm = [sys.executable, "-m", "valuekit.dashboard", "warm", "--store", str(store), "--quiet",
                        "--relationship", rid, "--cycle", cyc, "--no-portfolio"]  # fmt: skip
                results[rid] = {"cycle": cyc, "respondents": n, "view_compute_s": run(warm, env)}
                print(
                    f"computed and cached the view of {rid} {cyc} in {results[rid]['view_compute_s']:.1f} s",
                    flush=True,
                )
            url = {
                rid: relationship_link(rid, server.base, cycle=c, secret=SECRET.encode())
                for rid, (c, _, _) in jobs.items()
            }
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                for rid, (_, _, party) in jobs.items():
                    firsts, times = [], []
                    for _ in range(args.loads):
                        server.preheated(fills)
                        first, ts = measure(browser, server, url[rid], party, args.changes)
                        firsts.append(first)
                        times += ts
                        fills += 1
                    for entry in (folder / "cache").glob(f"relationship~{rid}~*.pickle"):
                        entry.unlink()  # the cold case: the page's kernel computes the view
                    server.preheated(fills)
                    cold, _ = measure(browser, server, url[rid], party, 0)
                    fills += 1
                    results[rid].update(
                        first_render_s=statistics.median(firsts), first_renders_s=firsts, interaction_median_s=statistics.median(times),
                        interaction_max_s=max(times), interactions=len(times), cold_first_render_s=cold,
                    )  # fmt: skip
                browser.close()
        finally:
            server.stop()
    large = results[LARGE]
    figures = {
        "first_render_s": large["first_render_s"],
        "interaction_median_s": large["interaction_median_s"],
        "respondents": args.respondents,
        "relationships": results,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "code_changed_during_run": code_digest.__wrapped__() != digest,
    }
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


def report(f: dict) -> None:
    print(f"dashboard benchmark ({f['cpus']} CPUs, load average {f['load_average']:.1f})")
    head = f"  {'relationship':<24} {'cycle':<8} {'people':>7} {'first render':>13} {'interaction':>12} {'(max)':>7} {'cold render':>12} {'view compute':>13}"
    print(head)
    for rid, r in f["relationships"].items():
        print(
            f"  {rid:<24} {r['cycle']:<8} {r['respondents']:>7,} {r['first_render_s']:>12.2f}s "
            f"{1000 * r['interaction_median_s']:>10.0f}ms {1000 * r['interaction_max_s']:>5.0f}ms "
            f"{r['cold_first_render_s']:>11.2f}s {r['view_compute_s']:>12.1f}s"
        )
    print(
        "  first render: median with a preheated kernel and the view cached; interaction: median of filter changes"
    )
    for key, target in TARGETS.items():
        worst = max(r[key] for r in f["relationships"].values())
        verdict = "met" if worst <= target else "MISSED"
        print(f"target {key} ≤ {target:g} s: worst relationship {worst:.3f} s — {verdict}")


if __name__ == "__main__":
    main()
