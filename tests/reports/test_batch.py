"""`valuekit report`: planning, resuming, failures that stay contained, isolation, the index, Dask.

The fault-injection tests use stand-in notebooks (written here, in a temporary notebooks folder) that
behave differently per relationship: one raises, one kills its own process, one outlives the timeout.
The isolation and end-to-end tests use the real methodology notebooks on the sample store.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from valuekit.cli import main
from valuekit.errors import NotFoundError
from valuekit.notebook import ensure_sample_store
from valuekit.reports.batch import build_reports, is_up_to_date, plan_reports, write_index
from valuekit.reports.runner import ReportError
from valuekit.store import Store

ROOT = Path(__file__).resolve().parents[2]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
SMALL = ["wexford-polaris", "quarry-lane-brightfm"]  # the two smallest sample relationships


@pytest.fixture(scope="module")
def store_path() -> Path:
    return ensure_sample_store()


# -- stand-in notebooks ------------------------------------------------------------------------------------------
BEHAVIOUR = """
import os, signal, time
plan = dict(item.split("=") for item in os.environ.get("VK_TEST_PLAN", "").split(",") if item)
what = plan.get(relationship, "ok")
if what == "raise":
    raise ValueError(f"planted failure in {relationship}")
if what == "die":
    os.kill(os.getpid(), signal.SIGKILL)
if what == "sleep":
    time.sleep(120)
"""


def stand_in(folder: Path) -> Path:
    """Notebooks named as the real ones, that print their relationship and behave as VK_TEST_PLAN says."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("01_resolve", "02_solve", "03_dissolve", "04_portfolio"):
        params = new_code_cell(
            'relationship = "x"\ncycle = "resolve"\nstore_path = None\nk = 5\nk_comments = 10\noutput_dir = None',
            metadata={"tags": ["parameters"]},
        )
        nb = new_notebook(
            cells=[
                new_markdown_cell(f"# {name}"),
                params,
                new_code_cell(BEHAVIOUR),
                new_code_cell(
                    'from IPython.display import Markdown\nMarkdown(f"Report for **{relationship}**")'
                ),
            ],
            metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        )
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


@pytest.fixture
def notebooks(tmp_path) -> Path:
    return stand_in(tmp_path / "notebooks")


# -- planning ----------------------------------------------------------------------------------------------------
def test_plan_covers_every_cycle_with_the_right_notebook_and_the_portfolio_once(store_path, tmp_path):
    specs = plan_reports(store_path, tmp_path / "reports")
    with Store(store_path, read_only=True) as store:
        info = store.info()
    expected = {
        f"{r}/{c}" for r, c, n in zip(info.relationship_id, info.cycle_id, info.responses, strict=True) if n
    }
    keys = [s.key for s in specs]
    assert set(keys) == expected | {"portfolio"} and len(keys) == len(set(keys))
    notebook = {s.key: s.notebook.name for s in specs}
    assert notebook["harbourside-northwind/resolve"] == "01_resolve.ipynb"
    assert notebook["harbourside-northwind/solve"] == "02_solve.ipynb"
    assert notebook["harbourside-northwind/dissolve-2"] == "03_dissolve.ipynb"
    assert notebook["portfolio"] == "04_portfolio.ipynb"
    spec = next(s for s in specs if s.key == "harbourside-northwind/dissolve-2")
    assert (
        spec.parameters["relationship"] == "harbourside-northwind"
        and spec.parameters["cycle"] == "dissolve-2"
    )
    assert spec.path(".html") == (
        tmp_path / "reports/harbourside-northwind/harbourside-northwind_dissolve-2.html"
    )
    assert spec.cover["cycle_label"] == "Dissolve 2"
    assert spec.cover["stamp"]["template"] == "client-supplier@1.0.0"


def test_plan_filters_by_relationship_and_cycle_or_kind(store_path, tmp_path):
    specs = plan_reports(store_path, tmp_path, relationships=["harbourside-northwind"], cycles=["dissolve"])
    assert [s.key for s in specs] == ["harbourside-northwind/dissolve-1", "harbourside-northwind/dissolve-2"]
    specs = plan_reports(store_path, tmp_path, relationships=SMALL, cycles=["solve"])
    assert [s.key for s in specs] == [f"{r}/solve" for r in SMALL]  # no portfolio when a subset is asked for


def test_plan_refuses_what_does_not_exist_and_says_what_does(store_path, tmp_path):
    with pytest.raises(NotFoundError, match="harbourside-northwnd.*harbourside-northwind"):
        plan_reports(store_path, tmp_path, relationships=["harbourside-northwnd"])
    with pytest.raises(NotFoundError, match="dissolve-9.*resolve"):
        plan_reports(store_path, tmp_path, relationships=["wexford-polaris"], cycles=["dissolve-9"])
    with pytest.raises(ReportError, match="docx.*html, pdf"):
        plan_reports(store_path, tmp_path, relationships=SMALL, formats="html,docx")


def test_inputs_hash_changes_with_parameters_data_and_notebook(store_path, tmp_path, notebooks):
    def spec(**kw):
        return plan_reports(
            store_path, tmp_path, relationships=["wexford-polaris"], cycles=["resolve"], **kw
        )[0]

    base = spec(notebooks_dir=notebooks)
    assert spec(notebooks_dir=notebooks).inputs_hash == base.inputs_hash
    assert spec(notebooks_dir=notebooks, k=6).inputs_hash != base.inputs_hash
    assert spec(notebooks_dir=notebooks, formats="html,pdf").inputs_hash != base.inputs_hash
    nb = notebooks / "01_resolve.ipynb"
    nb.write_text(nb.read_text().replace("# 01_resolve", "# 01_resolve, edited"))
    assert spec(notebooks_dir=notebooks).inputs_hash != base.inputs_hash
    with Store(store_path, read_only=True) as store:
        assert base.inputs["data_fingerprint"] == store.fingerprint("wexford-polaris")


# -- failures stay contained; reruns retry only what failed --------------------------------------------------
def test_failures_are_contained_named_and_retried_alone(store_path, tmp_path, notebooks, monkeypatch):
    out = tmp_path / "reports"
    plan = {"wexford-polaris": "raise", "thornbury-helix": "die", "quarry-lane-brightfm": "sleep"}
    monkeypatch.setenv("VK_TEST_PLAN", ",".join(f"{k}={v}" for k, v in plan.items()))
    chosen = [*plan, "redwater-stratus", "lindenfield-oakmont"]
    specs = plan_reports(store_path, out, relationships=chosen, cycles=["resolve"], notebooks_dir=notebooks)
    result = build_reports(specs, out, workers=2, timeout=15)
    status = {o.spec.relationship_id: o.status for o in result.outcomes}
    assert status == {
        "wexford-polaris": "failed",
        "thornbury-helix": "died",
        "quarry-lane-brightfm": "timeout",
        "redwater-stratus": "ok",
        "lindenfield-oakmont": "ok",
    }
    assert result.exit_code == 1
    by_rel = {o.spec.relationship_id: o for o in result.outcomes}
    assert "ValueError: planted failure in wexford-polaris" in by_rel["wexford-polaris"].error
    assert "signal 9" in by_rel["thornbury-helix"].error
    assert "15 s" in by_rel["quarry-lane-brightfm"].error
    for rid, outcome in by_rel.items():
        executed = outcome.spec.path(".ipynb")
        assert executed.is_file(), f"the executed notebook of {rid} is kept"
        assert outcome.spec.path(".html").is_file() == (outcome.status == "ok")
        manifest = json.loads(outcome.spec.path(".manifest.json").read_text())
        assert manifest["status"] == outcome.status
    failed_nb = nbformat.read(by_rel["wexford-polaris"].spec.path(".ipynb"), as_version=4)
    errors = [
        o for c in failed_nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors and errors[0]["evalue"] == "planted failure in wexford-polaris"
    index = (out / "index.html").read_text()
    assert "2 of 5 reports ready" in index and "3 failed" in index
    assert "planted failure in wexford-polaris" in index and "failed (timed out)" in index

    # fixed: the rerun builds only the three that failed
    monkeypatch.setenv("VK_TEST_PLAN", "")
    again = build_reports(specs, out, workers=2, timeout=15)
    status = {o.spec.relationship_id: o.status for o in again.outcomes}
    assert status == {
        **dict.fromkeys(plan, "ok"),
        "redwater-stratus": "skipped",
        "lindenfield-oakmont": "skipped",
    }
    assert again.exit_code == 0
    assert "5 of 5 reports ready" in (out / "index.html").read_text()
    assert all(is_up_to_date(s) for s in specs)


def test_the_biggest_reports_start_first(store_path, tmp_path, notebooks, monkeypatch):
    """A run lasts as long as its last report: the reports with the most responses start first (here, one at a
    time, so they end in the order they start), the portfolio, which reads everything, before all."""
    monkeypatch.setenv("VK_TEST_PLAN", "")
    out = tmp_path / "reports"
    chosen = ["wexford-polaris", "quarry-lane-brightfm", "thornbury-helix"]
    specs = plan_reports(store_path, out, relationships=chosen, portfolio=True, notebooks_dir=notebooks)
    from valuekit.store import Store

    with Store(store_path, read_only=True) as store:
        counts = store.info().set_index(["relationship_id", "cycle_id"])["responses"]
    assert {s.key: s.work for s in specs if s.relationship_id} == {
        f"{r}/{c}": counts[r, c] for r, c in counts.index if r in chosen and counts[r, c]
    }
    order = []
    build_reports(specs, out, workers=1, on_report=lambda o: order.append(o.spec.key))
    sizes = [counts.sum() if key == "portfolio" else counts[tuple(key.split("/"))] for key in order]
    assert order[0] == "portfolio" and sizes == sorted(sizes, reverse=True)


def test_force_rebuilds_and_a_changed_input_is_rebuilt(store_path, tmp_path, notebooks):
    out = tmp_path / "reports"
    specs = plan_reports(store_path, out, relationships=SMALL, cycles=["resolve"], notebooks_dir=notebooks)
    assert [o.status for o in build_reports(specs, out, workers=2).outcomes] == ["ok", "ok"]
    assert [o.status for o in build_reports(specs, out, workers=2).outcomes] == ["skipped", "skipped"]
    assert [o.status for o in build_reports(specs, out, workers=2, force=True).outcomes] == ["ok", "ok"]
    changed = plan_reports(
        store_path, out, relationships=SMALL, cycles=["resolve"], notebooks_dir=notebooks, k=7
    )
    assert [o.status for o in build_reports(changed, out, workers=2).outcomes] == ["ok", "ok"]
    specs[0].path(".html").unlink()  # a report deleted by hand is rebuilt
    assert [o.status for o in build_reports(changed, out, workers=2).outcomes] == ["ok", "skipped"]


def test_a_killed_batch_leaves_no_half_written_report_and_resumes(store_path, tmp_path, notebooks):
    out = tmp_path / "reports"
    chosen = ["wexford-polaris", "quarry-lane-brightfm", "thornbury-helix", "redwater-stratus"]
    args = ["report", "--store", str(store_path), "--out", str(out)]
    args += [a for r in chosen for a in ("--relationship", r)] + ["--cycle", "resolve", "--workers", "1"]
    code = (
        "import sys; from valuekit.reports import batch; from pathlib import Path;"
        f"batch.NOTEBOOKS_DIR = Path({str(notebooks)!r});"
        "orig = batch.plan_reports;"
        f"batch.plan_reports = lambda *a, **k: orig(*a, notebooks_dir=Path({str(notebooks)!r}), **k);"
        "from valuekit.cli import main; main(sys.argv[1:])"
    )
    env = {**os.environ, "VK_TEST_PLAN": "wexford-polaris=sleep"}  # the smallest: it runs last
    proc = subprocess.Popen([sys.executable, "-c", code, *args], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*/*.manifest.json"))) < 2:
        time.sleep(0.2)
    assert len(list(out.glob("*/*.manifest.json"))) >= 2, proc.communicate(timeout=5)[0]
    time.sleep(1.0)  # wexford-polaris is now running (sleeping)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for path in out.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            if path.suffix == ".html":
                assert path.read_text().rstrip().endswith("</html>"), path
            if path.suffix == ".ipynb":
                nbformat.read(path, as_version=4)  # a whole notebook
    assert not (out / "wexford-polaris" / "wexford-polaris_resolve.html").exists()
    done = {p.parent.name for p in out.glob("*/*.manifest.json")}

    resumed = subprocess.run([sys.executable, "-c", code, *args], env={**os.environ, "VK_TEST_PLAN": ""},
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    for rid in done:
        assert re.search(rf"up to date\s+{rid}/resolve", resumed.stdout), resumed.stdout
    assert re.search(r"ok\s+wexford-polaris/resolve", resumed.stdout), resumed.stdout
    assert f"{len(chosen) - len(done)} built, {len(done)} up to date, 0 failed" in resumed.stdout
    assert not [p.name for p in out.rglob(".*") if p.name != ".valuekit-report.lock"], (
        "leftovers were removed"
    )


def test_two_runs_never_write_the_same_reports_at_once(store_path, tmp_path, notebooks):
    import fcntl

    out = tmp_path / "reports"
    out.mkdir()
    specs = plan_reports(
        store_path, out, relationships=SMALL[:1], cycles=["resolve"], notebooks_dir=notebooks
    )
    with open(out / ".valuekit-report.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("pid 4242")
        held.flush()
        with pytest.raises(ReportError, match=r"another valuekit report \(pid 4242\) is writing to"):
            build_reports(specs, out)
    assert [o.status for o in build_reports(specs, out).outcomes] == ["ok"]  # free again


# -- the real notebooks ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(store_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    specs = plan_reports(store_path, out, relationships=SMALL, cycles=["resolve"])
    result = build_reports(specs, out, workers=2)
    return out, result


def test_real_reports_are_built_with_their_files_and_index(built):
    out, result = built
    assert result.exit_code == 0, [o.error for o in result.outcomes]
    for outcome in result.outcomes:
        html = outcome.spec.path(".html").read_text()
        assert outcome.spec.cover["relationship"] in html
        assert outcome.spec.fingerprint in html
        nb = nbformat.read(outcome.spec.path(".ipynb"), as_version=4)
        assert nb.metadata.papermill.parameters["relationship"] == outcome.spec.relationship_id
    index = (out / "index.html").read_text()
    assert "2 of 2 reports ready" in index
    for rid in SMALL:
        assert f'href="{rid}/{rid}_resolve.html"' in index
    assert not re.search(r'(src|href)="(https?:)?//', index)


def _identifying(store: Store, rid: str) -> set[str]:
    """What would identify relationship *rid*: its id, name, parties' names, fingerprint, pseudonyms."""
    marks = {rid, store.fingerprint(rid)}
    marks |= set(store.read("relationships", rid)["name"]) | set(store.read("parties", rid)["name"])
    marks |= set(store.read("participants", rid)["participant_id"])
    return {m for m in marks if len(m) >= 6}


def test_two_reports_contain_nothing_of_each_other(built, store_path):
    out, result = built
    with Store(store_path, read_only=True) as store:
        marks = {rid: _identifying(store, rid) for rid in SMALL}
    for outcome in result.outcomes:
        mine = outcome.spec.relationship_id
        (other,) = [r for r in SMALL if r != mine]
        for suffix in (".html", ".ipynb"):
            text = outcome.spec.path(suffix).read_text()
            leaked = sorted(m for m in marks[other] - marks[mine] if m in text)
            assert not leaked, f"{mine}'s {suffix} mentions {other}: {leaked[:5]}"


def test_index_lists_every_report_in_the_folder_even_from_earlier_runs(built):
    out, _ = built
    path = write_index(out)
    assert path == out / "index.html"
    assert "2 of 2 reports ready" in path.read_text()


# -- the command -------------------------------------------------------------------------------------------------
def test_cli_needs_to_be_told_which_reports(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--out", str(tmp_path)])
    assert exit_.value.code == 2
    assert "--relationship ID (repeatable) or --all" in capsys.readouterr().err


def test_cli_exit_code_and_summary(store_path, tmp_path, notebooks, monkeypatch, capsys):
    from valuekit.reports import batch

    original = batch.plan_reports
    monkeypatch.setattr(batch, "plan_reports", lambda *a, **k: original(*a, notebooks_dir=notebooks, **k))
    monkeypatch.setenv("VK_TEST_PLAN", "wexford-polaris=raise")
    out = tmp_path / "reports"
    argv = ["report", "--store", str(store_path), "--out", str(out), "--cycle", "resolve", "--workers", "2"]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--relationship", "wexford-polaris", "--relationship", "redwater-stratus"])
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert "2 reports: 1 built, 0 up to date, 1 failed" in captured.out
    assert "FAILED wexford-polaris/resolve: cell" in captured.err and "planted failure" in captured.err
    assert f"index: {out / 'index.html'}" in captured.out
    monkeypatch.setenv("VK_TEST_PLAN", "")
    main(
        [*argv, "--relationship", "wexford-polaris", "--relationship", "redwater-stratus"]
    )  # no SystemExit: 0
    assert "1 built, 1 up to date, 0 failed" in capsys.readouterr().out


# -- a Dask cluster ------------------------------------------------------------------------------------------------
def test_reports_built_on_a_dask_cluster_come_back_to_out(store_path, tmp_path, notebooks, monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setenv("VK_TEST_PLAN", "wexford-polaris=raise")
    out = tmp_path / "reports"
    specs = plan_reports(store_path, out, relationships=SMALL, cycles=["resolve"], notebooks_dir=notebooks)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = build_reports(specs, out, scheduler=cluster.scheduler_address, timeout=120)
    status = {o.spec.relationship_id: o.status for o in result.outcomes}
    assert status == {"wexford-polaris": "failed", "quarry-lane-brightfm": "ok"}
    ok = next(o for o in result.outcomes if o.ok)
    assert "Report for <strong>quarry-lane-brightfm</strong>" in ok.spec.path(".html").read_text()
    failed = next(o for o in result.outcomes if not o.ok)
    assert "planted failure in wexford-polaris" in failed.error
    assert failed.spec.path(".ipynb").is_file() and not failed.spec.path(".html").exists()
    assert "1 of 2 reports ready" in (out / "index.html").read_text()


def test_pdf_is_printed_beside_the_report_and_listed(store_path, tmp_path, notebooks):
    out = tmp_path / "reports"
    specs = plan_reports(
        store_path, out, relationships=SMALL[:1], cycles=["resolve"], formats="pdf", notebooks_dir=notebooks
    )
    assert specs[0].formats == ("html", "pdf")  # the PDF is printed from the HTML, so both are written
    [outcome] = build_reports(specs, out).outcomes
    assert outcome.status == "ok", outcome.error
    pdf = specs[0].path(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert json.loads(specs[0].path(".manifest.json").read_text())["files"]["pdf"] == pdf.name
    assert f'href="{SMALL[0]}/{pdf.name}"' in (out / "index.html").read_text()
