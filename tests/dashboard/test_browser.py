"""The dashboards in a real browser: Debian's Chromium driven by Playwright, against a Voila server on 127.0.0.1.

One server (open mode, as ``valuekit dashboard`` starts on localhost) serves every test here; a second one with
``--require-token`` checks what a stakeholders' server refuses. Expected numbers are computed independently from
the raw store with plain pandas (whether a group may be shown at all is the analysis API's privacy gate). Every
page records its requests and fails if one leaves the machine. Screenshots go to ``artifacts/dashboards/``.

Playwright's own browser download is never used (``executable_path="/usr/bin/chromium"``); the tests are skipped
where Chromium is not installed (``make test`` installs it).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest

from valuekit.analysis.data import load_relationship
from valuekit.analysis.portfolio import portfolio_scores
from valuekit.analysis.privacy import public_reason
from valuekit.analysis.scores import score_codes
from valuekit.config import PROJECT_ROOT
from valuekit.dashboard._access import REFUSALS
from valuekit.dashboard._tokens import SECRET_ENV, portfolio_link, relationship_link, sign
from valuekit.store import Store
from valuekit.templates import find_template

from .conftest import SECRET

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
SHOTS = PROJECT_ROOT / "artifacts" / "dashboards"
K = 5
pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make chromium)"
    ),
    pytest.mark.xdist_group("dashboard-browser"),  # one server for all, with pytest -n … --dist loadgroup
]
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect


# -- the servers ----------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m valuekit.dashboard`` in its own process group, stopped (by its id) when done."""

    def __init__(self, store_path: Path, cache_dir: Path, log: Path, *extra: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, SECRET_ENV: SECRET, "VALUEKIT_DASHBOARD_CACHE": str(cache_dir)}
        cmd = [sys.executable, "-m", "valuekit.dashboard", "--port", str(self.port), "--no-warm",
               "--store", str(store_path), *extra]  # fmt: skip
        self.log = log
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the dashboard server stopped:\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the dashboard server did not start:\n{log.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def warm(store_path: Path, cache_dir: Path) -> None:
    """Fill the view cache with what these tests open, as the server does in the background at start."""
    cmd = [sys.executable, "-m", "valuekit.dashboard", "warm", "--store", str(store_path), "--quiet",
           "--relationship", "harbourside-northwind", "--relationship", "quarry-lane-brightfm",
           "--relationship", "ashby-corelink", "--cycle", "solve", "--cycle", "dissolve-2"]  # fmt: skip
    env = {**os.environ, SECRET_ENV: SECRET, "VALUEKIT_DASHBOARD_CACHE": str(cache_dir)}
    subprocess.run(cmd, env=env, check=True, timeout=600)


@pytest.fixture(scope="module")
def server(store_path, cache_dir, tmp_path_factory):
    started = Server(store_path, cache_dir, tmp_path_factory.mktemp("voila") / "server.log")
    try:
        warm(store_path, cache_dir)  # while the server preheats its kernels
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class Page:
    """A page that records every request and console message, and checks none left the machine."""

    def __init__(self, browser, server: Server, height: int = 1000):
        self.server = server
        self.requests: list[str] = []
        self.console: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": height})
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.set_default_timeout(90_000)

    def open(self, url: str, ready: str = ".vk-dash .vk-tile, .vk-message, .vk-error") -> None:
        self.page.goto(url, wait_until="commit")
        self.page.wait_for_selector(ready)

    def text(self, selector: str) -> str:
        return self.page.locator(selector).first.inner_text().strip()

    def body(self) -> str:
        return self.page.locator("body").inner_text()

    def pick(self, name: str, label: str) -> None:
        self.page.select_option(f".vk-filter-{name} select", label=label)

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        height = self.page.evaluate(
            "(document.querySelector('#rendered_cells') || document.body).scrollHeight"
        )
        self.page.set_viewport_size({"width": 1400, "height": max(600, height + 24)})
        self.page.wait_for_timeout(300)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size({"width": 1400, "height": 1000})
        return path

    def close(self) -> None:
        self.context.close()  # the page unloads: Voila shuts its kernel down
        hosts = {urlsplit(u).netloc for u in self.requests if not u.startswith(("data:", "blob:"))}
        assert hosts <= {f"127.0.0.1:{self.server.port}"}, f"requests left the machine: {sorted(hosts)}"
        blocked = [c for c in self.console if "Content Security Policy" in c or "ERR_" in c]
        assert not blocked, blocked


@pytest.fixture
def page(browser, server):
    p = Page(browser, server)
    yield p
    p.close()


# -- independent expectations from the raw store -----------------------------------------------------------
class Raw:
    """One relationship × cycle from the store, with plain pandas: who is in which group, and their ratings."""

    def __init__(self, store_path: Path, relationship: str, cycle: str):
        with Store(store_path, read_only=True) as s:
            people = s.read("participants", relationship)
            eq = s.read("equivalences", relationship)
            self.invitations = s.read("invitations", relationship, cycle)
            self.responses = s.read("responses", relationship, cycle)
            rel = s.read("relationships", relationship).iloc[0]
        for dim in ("level", "function"):
            table = eq[eq["dimension"] == dim][["party_id", "local", "common"]]
            people = people.merge(
                table.rename(columns={"local": f"local_{dim}", "common": f"common_{dim}"}),
                on=["party_id", f"local_{dim}"],
            )
        self.people = people[["participant_id", "party_id", "common_level", "common_function"]]
        self.invitations = self.invitations.merge(self.people, on="participant_id")
        self.responses = self.responses.merge(self.people, on="participant_id")
        tpl = find_template(rel["template_id"], rel["template_version"])
        self.thing_of = {c.id: c.thing_that_matters for c in tpl.value_codes}

    def _in(self, frame: pd.DataFrame, **group: str) -> pd.DataFrame:
        for col, value in group.items():
            frame = frame[frame[col] == value]
        return frame

    def responded(self, **group: str) -> int:
        return int(self._in(self.invitations, **group)["responded"].sum())

    def mean(self, code: str, **group: str) -> float:
        r = self._in(self.responses, **group)
        return float(r.loc[r["code_id"] == code, "rating"].dropna().astype(float).mean())

    def thing_mean(self, thing: str, **group: str) -> float:
        r = self._in(self.responses, **group)
        r = r[r["code_id"].map(self.thing_of) == thing].dropna(subset=["rating"])
        return float(r.groupby("participant_id")["rating"].mean().mean())


def shown(store_path, relationship, cycle, by, code, **group) -> bool:
    """Whether the privacy gate shows this group's score on this code (the analysis API decides)."""
    with Store(store_path, read_only=True) as s:
        table = score_codes(load_relationship(s, relationship, cycle), by)
    for col, value in group.items():
        table = table[table[col] == value]
    return not bool(table.loc[table["code_id"] == code, "suppressed"].iloc[0])


def cell(page: Page, code: str, group: str) -> str:
    return page.text(f'.vk-heatmap tr[data-code="{code}"] td[data-group="{group}"]')


# -- the relationship dashboard ---------------------------------------------------------------------------
def test_filters_change_the_numbers_to_the_right_values(page, server, store_path):
    rel, cycle = "harbourside-northwind", "solve"
    raw = Raw(store_path, rel, cycle)
    page.open(relationship_link(rel, server.base, cycle=cycle, secret=SECRET.encode()))
    assert page.text('[data-vk="took-part"]') == f"{raw.responded():,}"
    assert cell(page, "TRU-01", "Whole community") == f"{raw.mean('TRU-01'):.2f}"
    page.page.evaluate("""() => { window.__vkMark = 1;
        document.querySelector('.vk-themes').__vkMark = 1; document.querySelector('.vk-header').__vkMark = 1; }""")
    page.shot("relationship-whole-community")

    page.pick("party", "Harbourside Borough Council")
    expect(page.page.locator('[data-vk="took-part"]')).to_have_text(
        f"{raw.responded(party_id='harbourside'):,}"
    )
    group = "Harbourside Borough Council senior leadership"
    assert shown(store_path, rel, cycle, ["party_id", "common_level"], "RSP-01",
                 party_id="harbourside", common_level="senior_leadership")  # fmt: skip
    expected = raw.mean("RSP-01", party_id="harbourside", common_level="senior_leadership")
    expect(page.page.locator(f'.vk-heatmap tr[data-code="RSP-01"] td[data-group="{group}"]')).to_have_text(
        f"{expected:.2f}"
    )
    assert (
        cell(page, "RSP-01", "Harbourside Borough Council")
        == f"{raw.mean('RSP-01', party_id='harbourside'):.2f}"
    )
    assert not page.page.locator(
        '.vk-heatmap td[data-group^="Northwind"]'
    ).count()  # the other party's groups left

    page.pick("level", "Middle management")
    mm = {"party_id": "harbourside", "common_level": "middle_management"}
    expect(page.page.locator('[data-vk="took-part"]')).to_have_text(f"{raw.responded(**mm):,}")
    page.pick("thing", "Trust and openness")
    expect(page.page.locator('[data-vk="score"]')).to_contain_text(f"{raw.thing_mean('trust', **mm):.2f}")
    trust = sorted({c for c in raw.responses["code_id"] if raw.thing_of[c] == "trust"})
    rows = page.page.locator(".vk-heatmap tr[data-code]")
    expect(rows).to_have_count(len(trust))
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.code)")) == trust
    assert page.page.evaluate("window.__vkMark === 1")  # no reload
    assert page.page.evaluate("document.querySelector('.vk-themes').__vkMark === 1")  # untouched tiles stay
    assert page.page.evaluate("document.querySelector('.vk-header').__vkMark === 1")
    page.shot("relationship-filtered")

    page.pick("party", "Both parties")
    page.pick("level", "All levels")
    page.pick("thing", "All Things That Matter")
    page.pick("function", "Commercial")
    com = {"common_function": "commercial"}
    expect(page.page.locator('[data-vk="took-part"]')).to_have_text(f"{raw.responded(**com):,}")
    assert cell(page, "COM-01", "Both parties – commercial") == f"{raw.mean('COM-01', **com):.2f}"


def test_no_code_is_visible(page, server):
    page.open(relationship_link("harbourside-northwind", server.base, cycle="solve", secret=SECRET.encode()))
    text = page.body()
    for fragment in ("import ", "relationship_dashboard", "query_string", "store_path", "def ", "Traceback"):
        assert fragment not in text
    for selector in (
        ".jp-InputArea",
        ".jp-CodeMirrorEditor",
        ".cm-editor",
        ".jp-InputPrompt",
        ".jp-OutputPrompt",
    ):
        assert not page.page.locator(f"{selector}:visible").count(), selector


def test_a_small_group_reads_the_suppression_text(page, server, store_path):
    """quarry-lane-brightfm: BrightFM's 3 responding senior leaders are below k = 5 (data/samples/README.md)."""
    page.open(relationship_link("quarry-lane-brightfm", server.base, cycle="solve", secret=SECRET.encode()))
    page.pick("party", "BrightFM Facilities Management")
    page.pick("level", "Senior leadership")
    took = page.page.locator('[data-vk="took-part"]')
    expect(took).to_have_text(public_reason(K, "engagement"))
    assert public_reason(K) in page.text('[data-vk="hidden-groups"]')
    assert "BrightFM Facilities Management senior leadership" in page.text('[data-vk="hidden-groups"]')
    # not one number about them (waits: the heat map tile may be redrawn after the summary tile)
    expect(page.page.locator(".vk-heatmap td.vk-cell")).to_have_count(0)
    page.shot("relationship-small-group-hidden")


def test_cycle_change_shows_a_spinner_and_reloads(page, server):
    page.open(relationship_link("harbourside-northwind", server.base, cycle="solve", secret=SECRET.encode()))
    page.page.evaluate("""() => { window.__vkSpun = false;
        new MutationObserver(() => { if (document.querySelector('.vk-status .vk-spinner')) window.__vkSpun = true; })
          .observe(document.querySelector('.vk-status'), {subtree: true, childList: true, characterData: true}); }""")
    page.pick("cycle", "Dissolve 2 (4 of 4)")
    expect(page.page.locator(".vk-header")).to_contain_text("Dissolve 2")
    assert page.page.evaluate("window.__vkSpun")
    expect(page.page.locator(".vk-change")).to_contain_text("Improvement actions")
    assert not page.page.locator(".vk-filter-relationship").count()  # locked: no way to another relationship


@pytest.mark.parametrize(
    "name, query, why",
    [
        ("wrong-token", f"relationship=harbourside-northwind&token={'A' * 43}", "invalid"),
        (
            "edited-relationship",
            f"relationship=kestrel-ironbridge&token={sign('harbourside-northwind', secret=SECRET.encode())}",
            "invalid",
        ),
        ("dropped-token", "relationship=harbourside-northwind", "no_token"),
    ],
)
def test_links_that_are_not_valid_are_refused(page, server, name, query, why):
    page.open(f"{server.base}voila/render/relationship.ipynb?{query}", ready=".vk-message")
    text = page.body()
    assert REFUSALS[why] in text
    for words in (
        "Harbourside",
        "Northwind",
        "Kestrel",
        "Ironbridge",
        "harbourside",
        "Took part",
        "Value Code",
    ):
        assert words not in text
    assert not page.page.locator(".vk-tile, select").count()
    if name == "edited-relationship":
        page.shot("refused-link")


def test_the_analysts_view_picks_any_relationship(page, server):
    page.open(f"{server.base}voila/render/relationship.ipynb")
    options = [
        o.replace("\xa0", " ")
        for o in page.page.locator(".vk-filter-relationship select option").all_inner_texts()
    ]
    assert len(options) == 14
    page.pick("relationship", next(o for o in options if o.startswith("Quarry Lane")))
    expect(page.page.locator(".vk-header h1")).to_contain_text("Quarry Lane University and BrightFM")


# -- the portfolio dashboard ------------------------------------------------------------------------------
def test_portfolio_numbers_filters_and_links(page, server, store_path):
    with Store(store_path, read_only=True) as s:
        scores = portfolio_scores(s)
    page.open(f"{server.base}voila/render/portfolio.ipynb")
    trust = scores[scores["thing_that_matters"] == "trust"].set_index("relationship_id")
    row = trust.loc["harbourside-northwind"]
    bench = page.text('.vk-benchmark tr[data-relationship="harbourside-northwind"] td[data-thing="trust"]')
    assert bench.startswith(f"{row['mean']:.2f}") and f"p{row['benchmark']:.0f}" in bench
    page.shot("portfolio")

    page.pick("thing", "Trust and openness")
    top = trust.sort_values("mean", ascending=False).iloc[0]
    first = page.page.locator(".vk-benchmark tbody tr").first
    expect(first).to_have_attribute("data-relationship", top.name)
    assert f"{top['mean']:.2f}" in first.inner_text() and str(int(top["rank"])) in first.inner_text()
    page.shot("portfolio-trust")

    page.pick("pick", "Kestrel Rail Infrastructure and Ironbridge Civil Engineering: track renewal framework")
    link = page.page.locator('[data-vk="open"]')
    expect(link).to_have_attribute("href", re.compile(r"relationship=kestrel-ironbridge&token="))
    href = link.get_attribute("href")
    assert href.endswith(sign("kestrel-ironbridge", secret=SECRET.encode()))
    page.page.locator('.vk-benchmark a[data-relationship="harbourside-northwind"]').first.click()
    page.page.wait_for_selector(".vk-heatmap table")
    assert "Harbourside Borough Council and Northwind" in page.text(".vk-header h1")
    assert not page.page.locator(".vk-filter-relationship").count()  # opened locked to it


# -- what is served, and what is not -------------------------------------------------------------------------
def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:  # noqa: S310 - our own local server
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


FORBIDDEN = [
    "api/contents", "api/contents/relationship.ipynb", "voila/api/contents", "voila/api/contents/relationship.ipynb",
    "files/relationship.ipynb", "voila/files/relationship.ipynb", "voila/files/relationship.py",
    "voila/files/portfolio.ipynb", "tree", "voila/tree", "voila/tree/", "notebooks/relationship.ipynb",
    "voila/render/relationship.py", "voila/render/01_resolve.ipynb", "voila/render/..%2F01_resolve.ipynb",
    "voila/render/%2E%2E/02_solve.ipynb", "voila/files/..%2F..%2F.valuekit%2Fvaluekit.duckdb",
    "voila/files/%2E%2E/%2E%2E/data/samples/responses.csv", ".valuekit/valuekit.duckdb", "data/samples/responses.csv",
    "voila/static/..%2F..%2F..%2F..%2Fpyproject.toml", "voila/templates/valuekit/index.html.j2",
    "voila/templates/valuekit/conf.json", "voila/templates/lab/static/..%2F..%2F..%2F..%2F..%2F..%2Fpyproject.toml",
    "voila/labextensions/..%2F..%2F..%2Fpyproject.toml", "README.md", "pyproject.toml", "relationship.ipynb", "lab", "login",
]  # fmt: skip


@pytest.mark.parametrize("path", FORBIDDEN)
def test_only_the_dashboards_are_served(server, path):
    assert status(server.base + path) in (403, 404)


def test_query_string_cannot_switch_the_template_or_show_sources(server):
    url = relationship_link("quarry-lane-brightfm", server.base, cycle="solve", secret=SECRET.encode())
    with urllib.request.urlopen(url + "&template=lab&theme=dark", timeout=120) as r:  # noqa: S310
        html = r.read().decode()
        csp = r.headers["Content-Security-Policy"]
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "theme-dark" not in html
    assert "relationship_dashboard(" not in html and "query_string()" not in html  # sources stripped
    assert "default-src 'self'" in csp


def test_a_stakeholders_server_opens_nothing_without_a_link(browser, store_path, cache_dir, tmp_path):
    locked = Server(store_path, cache_dir, tmp_path / "server.log", "--require-token", "--pool-size", "0")
    try:
        assert status(locked.base) == 404
        for target, why in (("relationship.ipynb", "no_link"), ("portfolio.ipynb", "portfolio")):
            p = Page(browser, locked)
            try:
                p.open(f"{locked.base}voila/render/{target}", ready=".vk-message")
                assert REFUSALS[why] in p.body()
            finally:
                p.close()
        p = Page(browser, locked)
        try:
            p.open(portfolio_link(locked.base, secret=SECRET.encode()))
            assert "The portfolio" in p.text(".vk-header h1")
        finally:
            p.close()
    finally:
        locked.stop()
