"""The methodology notebooks: how they are committed, the helpers they use, and runs on the sample portfolio.

One batch runs every notebook the way batch reports do — papermill with the in-process ``valuekit`` engine,
each run in its own process forked from one that imported everything, two at a time
(:func:`valuekit.reports.run_notebooks`) — for two relationships each (Resolve also for ``quarry-lane-brightfm``,
whose small groups must stay hidden), plus the runs that must stop at their first cell with a plain message.
The store is built once for the module by :func:`valuekit.notebook.ensure_sample_store`, which is tested so.

nbval runs the same notebooks with a real kernel on the default store: ``pytest --nbval-lax notebooks/``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import nbformat
import pandas as pd
import pytest

from valuekit import notebook as vk
from valuekit.analysis.data import load_relationship
from valuekit.analysis.engagement import engagement
from valuekit.analysis.perspectives import group_label
from valuekit.config import PROJECT_ROOT, Privacy
from valuekit.importers import load_mapping
from valuekit.reports import run_notebooks
from valuekit.schemas import columns, validate_table
from valuekit.store import Store
from valuekit.templates import load_template

NOTEBOOKS = PROJECT_ROOT / "notebooks"
NAMES = ["00_design", "01_resolve", "02_solve", "03_dissolve", "04_portfolio"]
K = Privacy().k
#: name → (notebook, parameters); the store and output folder are added per run.
RUNS = {
    "design": ("00_design", {}),
    "resolve-harbourside": ("01_resolve", {"relationship": "harbourside-northwind", "cycle": "resolve"}),
    "resolve-kestrel": ("01_resolve", {"relationship": "kestrel-ironbridge", "cycle": "resolve"}),
    "resolve-quarry": ("01_resolve", {"relationship": "quarry-lane-brightfm", "cycle": "resolve"}),
    "solve-harbourside": ("02_solve", {"relationship": "harbourside-northwind", "cycle": "solve"}),
    "solve-kestrel": ("02_solve", {"relationship": "kestrel-ironbridge", "cycle": "solve"}),
    "dissolve-harbourside": ("03_dissolve", {"relationship": "harbourside-northwind", "cycle": "dissolve-2"}),
    "dissolve-kestrel": ("03_dissolve", {"relationship": "kestrel-ironbridge", "cycle": "dissolve-1"}),
    "portfolio": ("04_portfolio", {"relationship": "harbourside-northwind"}),
    "portfolio-whole": ("04_portfolio", {"relationship": None}),  # as `valuekit report --all` runs it
    "no-such-relationship": ("01_resolve", {"relationship": "nowhere"}),
    "no-such-cycle": ("03_dissolve", {"relationship": "quarry-lane-brightfm", "cycle": "dissolve-1"}),
    "wrong-kind": ("02_solve", {"relationship": "kestrel-ironbridge", "cycle": "resolve"}),
}
STOPS = {"no-such-relationship", "no-such-cycle", "wrong-kind"}


# -- how the notebooks are committed ------------------------------------------------------------------------
def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs_and_paired(name):
    nb = read(name)
    nbformat.validate(nb)
    assert all(not c.outputs and c.execution_count is None for c in code_cells(nb))
    assert nb.metadata["kernelspec"]["name"] == "python3"
    script = jupytext.read(NOTEBOOKS / f"{name}.py")
    assert [(c.cell_type, c.source) for c in script.cells] == [(c.cell_type, c.source) for c in nb.cells]
    assert [c.metadata.get("tags", []) for c in script.cells] == [
        c.metadata.get("tags", []) for c in nb.cells
    ]


@pytest.mark.parametrize("name", NAMES)
def test_one_parameters_cell_of_literals(name):
    cells = [c for c in read(name).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    names = []
    for stmt in ast.parse(cells[0].source).body:
        assert isinstance(stmt, ast.Assign) and len(stmt.targets) == 1, ast.unparse(stmt)
        ast.literal_eval(stmt.value)  # a literal, so papermill can replace it
        names.append(stmt.targets[0].id)
    assert {"relationship", "store_path", "k", "k_comments", "output_dir"} <= set(names)
    assert {"cycle", "cycle_kind"} & set(names)


@pytest.mark.parametrize("name", NAMES)
def test_thin_no_definitions(name):
    nb = read(name)
    for cell in code_cells(nb):
        tree = ast.parse(cell.source)
        if "parameters" in cell.metadata.get("tags", []):
            continue
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)]
        assert len(cell.source.splitlines()) <= 15, cell.source
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert nb.cells[0].source.splitlines()[0].rstrip().endswith("?")  # the title states the question


# -- the helpers --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    """The sample store, built by ensure_sample_store as if it were the default store."""
    path = tmp_path_factory.mktemp("store") / "valuekit.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(vk, "_SAMPLE_DEFAULT", path)
        assert vk.ensure_sample_store(path) == path
    assert path.exists() and not list(path.parent.glob(".*.building*"))
    return path


@pytest.fixture(scope="module")
def store(store_path):
    with Store(store_path, read_only=True) as s:
        yield s


def test_ensure_sample_store_builds_only_the_default(tmp_path):
    mine = tmp_path / "mine.duckdb"
    assert vk.ensure_sample_store(mine) == mine and not mine.exists()
    with pytest.raises(vk.NotebookStop, match="no store at"):
        vk.open_for("harbourside-northwind", "resolve", mine)


def test_stop_is_one_plain_line():
    assert vk.NotebookStop("no cycle 'x'")._render_traceback_() == ["Stopped: no cycle 'x'"]


def test_open_for_stops_plainly(store_path):
    with pytest.raises(vk.NotebookStop, match=r"no relationship 'nowhere' .*; available: ashby-corelink"):
        vk.open_for("nowhere", None, store_path)
    with pytest.raises(vk.NotebookStop, match=r"no cycle 'dissolve-1' .*available: resolve, solve"):
        vk.open_for("quarry-lane-brightfm", "dissolve-1", store_path)
    with pytest.raises(
        vk.NotebookStop, match=r"a resolve cycle; this notebook reads a dissolve cycle \(its dissolve"
    ):
        vk.open_for("kestrel-ironbridge", "resolve", store_path, kind="dissolve")
    vk.open_for("kestrel-ironbridge", "dissolve-1", store_path, kind="dissolve").close()


def test_cycle_before(store):
    history = load_relationship(store, "harbourside-northwind")
    assert vk.cycle_before(history, "dissolve-2") == "dissolve-1"
    assert vk.cycle_before(history, "dissolve-2", "solve") == "solve"
    with pytest.raises(vk.NotebookStop, match="does not come before 'dissolve-1'"):
        vk.cycle_before(history, "dissolve-1", "dissolve-2")


def digits_left(row: str) -> list[str]:
    """Digits in a row once the thresholds' wording and Value Code ids are taken out."""
    row = re.sub(r"fewer than \d+", "", row)
    row = re.sub(r"\b[A-Z](?:[A-Z-])*-\d+[A-Z]?\b", "", row)
    return re.findall(r"\d", row)


def html_rows(html: str) -> list[str]:
    html = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    return [" | ".join(re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd].*?</t[hd]>", r, re.S))
            for r in re.findall(r"<tr.*?</tr>", html, re.S)]  # fmt: skip


def test_show_marks_hidden_rows_without_numbers(store):
    data = load_relationship(store, "quarry-lane-brightfm", "resolve")
    table = engagement(data, ["party_id", "common_level"])
    assert table["suppressed"].any()
    rows = html_rows(vk.show(table).to_html())
    hidden = [r for r in rows if "hidden:" in r]
    assert len(hidden) == int(table["suppressed"].sum())
    assert all(not digits_left(r) for r in hidden)
    assert vk.show(table.iloc[0:0], empty="Nothing here.") == "*Nothing here.*"


def test_pooling_shows_what_was_hidden_without_revealing_it(store):
    from valuekit.analysis.scores import score_things

    data = load_relationship(store, "quarry-lane-brightfm", "resolve")
    pooled, log = vk.pool_small_groups(data)
    assert len(log) == 2 and log["reason"].str.contains("pooled as adjacent levels").all()
    assert not digits_left(" ".join(log.astype(str).values.ravel()))
    by_group = score_things(pooled, ["party_id", "common_level"])
    assert "BrightFM Facilities Management senior leadership and middle management" in set(by_group["group"])
    assert not by_group["suppressed"].any()
    same, nothing = vk.pool_small_groups(load_relationship(store, "harbourside-northwind", "resolve"))
    assert nothing.empty


def test_hidden_groups_names_groups_only(store):
    data = load_relationship(store, "quarry-lane-brightfm", "resolve")
    hidden = vk.hidden_groups(engagement(data, ["party_id", "common_level"]))
    assert "BrightFM Facilities Management senior leadership" in set(hidden["group"])
    assert list(hidden.columns) == ["group", "hidden_in", "reason"]


def test_output_folder_is_under_the_project(tmp_path):
    assert vk.output_folder(tmp_path / "x", "ignored") == tmp_path / "x"
    default = vk.output_folder(None, "99_test", "rel", "cycle")
    assert (
        default == PROJECT_ROOT / "artifacts" / "notebooks" / "99_test" / "rel" / "cycle" and default.is_dir()
    )
    default.rmdir()


# -- the runs -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs(store_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    jobs, names = [], []
    for name, (notebook, params) in RUNS.items():
        params = {**params, "store_path": str(store_path), "output_dir": str(out / name)}
        jobs.append((NOTEBOOKS / f"{notebook}.ipynb", out / f"{name}.ipynb", params))
        names.append(name)
    results = run_notebooks(jobs, workers=2, timeout=300)
    return {n: (r, nbformat.read(r.output, as_version=4)) for n, r in zip(names, results, strict=True)}


def outputs(nb):
    """(cell index, kind, text) for every output: HTML tables row by row, Markdown and text line by line."""
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if "text/html" in data:
                yield from ((i, "row", r) for r in html_rows(data["text/html"]))
            for mime in ("text/markdown", "text/plain"):
                if mime in data and "text/html" not in data:
                    yield from ((i, "line", line) for line in data[mime].splitlines())
            if o.output_type == "stream":
                yield from ((i, "line", line) for line in o.text.splitlines())


def tagged(nb, tag: str):
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1
    return cells[0]


@pytest.mark.parametrize("name", [n for n in RUNS if n not in STOPS])
def test_runs_to_the_end(runs, name):
    result, nb = runs[name]
    assert result.ok, result.error
    assert not [o for c in code_cells(nb) for o in c.outputs if o.output_type == "error"]
    assert all(c.execution_count is not None for c in code_cells(nb) if c.source.strip())


@pytest.mark.parametrize(
    "name", [n for n in RUNS if n not in STOPS and RUNS[n][0] in ("01_resolve", "02_solve", "03_dissolve")]
)
def test_findings_are_shown(runs, name):
    result, nb = runs[name]
    shown = tagged(nb, "findings").outputs[0]["data"]["text/markdown"]
    statements = [line for line in shown.splitlines() if re.match(r"\d+\. ", line)]
    assert len(statements) >= 3
    assert all("n = " in s or "interval" in s or "fragmentation" in s for s in statements)
    assert (Path(result.parameters["output_dir"]) / "findings.csv").exists()


def test_portfolio_starts_where_the_sample_says(runs):
    result, nb = runs["portfolio"]
    rows = html_rows(tagged(nb, "findings").outputs[0]["data"]["text/html"])
    assert rows[1].startswith("1 | halden-vantage | yes")  # data/samples/README.md, planted truth 10
    start = pd.read_csv(Path(result.parameters["output_dir"]) / "where_to_start.csv")
    assert start.loc[start["rank"] == 1, "relationship_id"].item() == "halden-vantage"


def test_portfolio_without_a_highlight_shows_no_highlight_chart(runs):
    charts = {
        name: sum("image/png" in o.get("data", {}) for c in code_cells(runs[name][1]) for o in c.outputs)
        for name in ("portfolio", "portfolio-whole")
    }
    assert charts["portfolio-whole"] == charts["portfolio"] - 1
    start = pd.read_csv(Path(runs["portfolio-whole"][0].parameters["output_dir"]) / "where_to_start.csv")
    assert start.loc[start["rank"] == 1, "relationship_id"].item() == "halden-vantage"


def test_proposed_actions_are_actions(runs):
    for name in ("solve-harbourside", "solve-kestrel", "dissolve-harbourside", "dissolve-kestrel"):
        result, _ = runs[name]
        table = pd.read_csv(Path(result.parameters["output_dir"]) / "proposed_actions.csv")
        assert len(table) and set(table["status"]) == {"proposed"}
        validate_table("actions", table[columns("actions")])


def test_design_exports_what_imports_read(runs):
    result, nb = runs["design"]
    folder = Path(result.parameters["output_dir"])
    assert load_mapping(folder / "mapping.yaml").questions
    assert load_template(folder / "template.yaml").version == "1.0.0+acme-bolt"
    assert "<h1>" in (folder / "questionnaire.html").read_text()
    assert len(pd.read_csv(folder / "questions.csv")) == len(
        load_template(folder / "template.yaml").codes_for("solve")
    )


@pytest.mark.parametrize("name", [n for n in RUNS if n not in STOPS])
def test_hidden_rows_show_no_number(runs, name):
    _, nb = runs[name]
    hidden = [(i, r) for i, kind, r in outputs(nb) if kind == "row" and "hidden:" in r]
    assert all(not digits_left(r) for _, r in hidden), hidden


def small_groups(store, relationship: str, cycle: str) -> list[str]:
    """Labels of groups with fewer than k respondents, counted with plain pandas from the invitations."""
    data = load_relationship(store, relationship, cycle)
    inv = data.invitations
    labels = []
    for by in (["party_id", "common_level"], ["side", "common_level"]):
        counts = inv.groupby(by)["responded"].sum()
        for key, n in counts.items():
            if n < K:
                labels.append(group_label(dict(zip(by, key, strict=True)), party_names=data.party_names))
    return labels


@pytest.mark.parametrize("name", [n for n in RUNS if n not in STOPS and "cycle" in RUNS[n][1]])
def test_no_small_group_appears_with_a_number(runs, store, name):
    params = RUNS[name][1]
    labels = small_groups(store, params["relationship"], params["cycle"])
    if name == "resolve-quarry":
        assert "BrightFM Facilities Management senior leadership" in labels  # planted truth 8: 3 of 4 respond
    _, nb = runs[name]
    for label in labels:
        pattern = re.compile(re.escape(label) + r"(?! and )", re.IGNORECASE)
        near = [r for _, _, r in outputs(nb) if pattern.search(r)]
        assert all(not digits_left(r) for r in near), (label, near)


@pytest.mark.parametrize("name", sorted(STOPS))
def test_stops_at_the_first_cell_with_a_plain_message(runs, name):
    result, nb = runs[name]
    assert result.status == "failed" and result.ename == "NotebookStop"
    # papermill adds its own "an exception was encountered" Markdown cells to a failed notebook: not ours
    cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    injected = next(i for i, c in enumerate(cells) if "injected-parameters" in c.metadata.get("tags", []))
    first = next(i for i, c in enumerate(cells) if i > injected and c.cell_type == "code")
    assert result.cell_index == first
    error = [o for o in cells[first].outputs if o.output_type == "error"][0]
    assert error.traceback == [f"Stopped: {result.evalue}"]  # one plain line, no traceback
    assert all(c.execution_count is None for c in cells[first + 1 :] if c.cell_type == "code")
    expected = {
        "no-such-relationship": r"^no relationship 'nowhere' in the store .*; available: .*harbourside-northwind",
        "no-such-cycle": r"^no cycle 'dissolve-1' in relationship 'quarry-lane-brightfm'; available: resolve, solve$",
        "wrong-kind": r"^cycle 'resolve' of relationship 'kestrel-ironbridge' is a resolve cycle; this notebook reads a "
        r"solve cycle \(its solve cycles: solve\)$",
    }[name]
    assert re.search(expected, result.evalue), result.evalue


def test_charts_display_in_any_kernel():
    """A kernel that never switched on the inline backend still shows a chart left as a cell's last value."""
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure

    shell = InteractiveShell.instance()
    try:
        shell.display_formatter.formatters["image/png"].pop(Figure, None)
        vk._show_figures_inline()
        fig = Figure(figsize=(1, 1))
        fig.add_subplot().plot([1, 2])
        data, _ = shell.display_formatter.format(fig)
        assert "image/png" in data
    finally:
        InteractiveShell.clear_instance()
