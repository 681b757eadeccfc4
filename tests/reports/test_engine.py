"""The report runner and its papermill engine, tested with one fixture notebook per behaviour.

Two batches run once per module (each starts one zygote): a mixed batch on two workers where one job
fails, one dies, one times out and the others must still succeed, and a sequential batch (one worker)
for isolation and the per-cell timeout. The engine's outputs are compared with a real kernel's.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import papermill
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbconvert import HTMLExporter
from papermill.engines import papermill_engines

from valuekit.reports import JobResult, ReportError, run_notebooks
from valuekit.reports._shell import CellOutputs
from valuekit.reports.engine import ValuekitEngine, write_notebook_atomic

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
TIMEOUT = 5.0  # seconds a job of the mixed batch may take
PARAMS = {"relationship": "beta", "n": 4}
ERROR_TAG = "papermill-error-cell-tag"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    out = tmp_path_factory.mktemp("mixed")
    jobs = {  # the long one first, so it holds one worker while the other runs the rest
        "sleeps": (NOTEBOOKS / "sleeps.ipynb", out / "sleeps.ipynb", {"seconds": 60}),
        "simple": (NOTEBOOKS / "simple.ipynb", out / "simple.ipynb", PARAMS),
        "raises": (NOTEBOOKS / "raises.ipynb", out / "raises.ipynb", {"x": 2}),
        "dies": (NOTEBOOKS / "dies.ipynb", out / "dies.ipynb"),
        # braces stay literal: papermill's {parameter} path templating does not apply
        "quick": (NOTEBOOKS / "sleeps.ipynb", out / "sub" / "{seconds}.ipynb", {"seconds": 0.1}),
    }
    results = run_notebooks(list(jobs.values()), workers=2, timeout=TIMEOUT)
    return out, dict(zip(jobs, results, strict=True))


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    out = tmp_path_factory.mktemp("sequential")
    jobs = [
        (NOTEBOOKS / "leak.ipynb", out / "leak_a.ipynb", {"value": "a"}),
        (NOTEBOOKS / "leak.ipynb", out / "leak_b.ipynb", {"value": "b"}),
        (NOTEBOOKS / "sleeps.ipynb", out / "sleeps.ipynb", {"seconds": 60}),
    ]
    return out, run_notebooks(jobs, workers=1, timeout=30, cell_timeout=1)


def read(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def stream(cell, name="stdout") -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == name)


def errors(nb):
    return [
        (i, o) for i, cell in enumerate(nb.cells) for o in cell.get("outputs", []) if o.output_type == "error"
    ]


def test_importing_the_engine_registers_it_with_papermill():
    assert papermill_engines.get_engine("valuekit") is ValuekitEngine


def test_each_job_gets_its_status_and_one_failure_does_not_stop_the_others(mixed):
    _, results = mixed
    assert {name: r.status for name, r in results.items()} == {
        "sleeps": "timeout",
        "simple": "ok",
        "raises": "failed",
        "dies": "died",
        "quick": "ok",
    }
    assert all(isinstance(r, JobResult) and r.output.is_file() for r in results.values())
    assert results["simple"].parameters == PARAMS and results["simple"].error is None
    assert TIMEOUT <= results["sleeps"].seconds < TIMEOUT + 2
    assert len({r.pid for r in results.values()}) == len(results)


def test_outputs_are_what_a_kernel_sends(mixed):
    out, _ = mixed
    nb = read(out / "simple.ipynb")
    cells = code_cells(nb)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    injected = cells[1]
    assert injected.metadata.tags == ["injected-parameters"] and 'relationship = "beta"' in injected.source
    printed, frame, chart, markdown = cells[3:]
    assert stream(printed) == "relationship: beta\nn = 4\n"
    assert stream(printed, "stderr") == "a note on stderr\n"
    (result,) = frame.outputs
    assert result.output_type == "execute_result" and result.execution_count == frame.execution_count
    assert "<table" in result.data["text/html"] and "value_code" in result.data["text/plain"]
    (figure,) = chart.outputs
    assert figure.output_type == "display_data"
    assert base64.b64decode(figure.data["image/png"]).startswith(b"\x89PNG")
    (shown,) = markdown.outputs
    assert (
        shown.output_type == "display_data"
        and shown.data["text/markdown"] == "**beta**: 4 Value Codes scored"
    )


def test_papermill_metadata_is_kept(mixed):
    out, _ = mixed
    nb = read(out / "simple.ipynb")
    meta = nb.metadata.papermill
    assert meta.parameters == PARAMS
    assert meta.output_path == str(out / "simple.ipynb")  # the final path, not the temporary one
    assert meta.exception is None and meta.duration > 0
    assert nb.metadata.language_info.name == "python"
    for cell in nb.cells:
        assert cell.metadata.papermill.status == "completed"
        assert cell.metadata.papermill.duration >= 0 and cell.metadata.papermill.end_time


def test_a_cell_error_is_reported_and_shown_like_papermill(mixed):
    out, results = mixed
    failed = results["raises"]
    # cell 2 of the input is cell 3 of the executed notebook: papermill injects the parameters after cell 1
    assert (failed.cell_index, failed.ename, failed.evalue) == (3, "ValueError", "x must be positive, got -2")
    assert "cell 3" in failed.error and "ValueError" in failed.error
    nb = read(out / "raises.ipynb")
    assert nb.cells[0].metadata.tags == [ERROR_TAG]  # papermill's banner
    ((index, error),) = errors(nb)
    assert (error.ename, error.evalue) == ("ValueError", "x must be positive, got -2")
    assert any("ValueError" in line for line in error.traceback)
    cell = nb.cells[index]
    assert stream(cell) == "before the error\n"
    assert cell.metadata.papermill.status == "failed" and cell.metadata.papermill.exception is True
    after = nb.cells[index + 1]
    assert (
        after.outputs == [] and after.execution_count is None and after.metadata.papermill.status == "pending"
    )
    assert nb.metadata.papermill.exception is True


def test_a_killed_process_leaves_a_whole_notebook_that_says_why(mixed):
    out, results = mixed
    died = results["dies"]
    assert died.signal == signal.SIGKILL and died.cell_index == 3 and "SIGKILL" in died.error
    nb = read(out / "dies.ipynb")
    ((index, error),) = errors(nb)
    assert error.ename == "DeadKernelError" and "SIGKILL" in error.evalue
    assert "os.kill" in nb.cells[index].source
    assert stream(code_cells(nb)[1]) == "before dying\n"  # what ran before is kept
    assert nb.cells[0].metadata.tags == [ERROR_TAG]


def test_a_timed_out_job_keeps_its_partial_output(mixed):
    out, results = mixed
    timed_out = results["sleeps"]
    assert timed_out.cell_index == 4 and "within 5 s" in timed_out.error
    nb = read(out / "sleeps.ipynb")
    ((index, error),) = errors(nb)
    assert error.ename == "TimeoutError" and "time.sleep" in nb.cells[index].source
    assert stream(code_cells(nb)[2]) == "going to sleep\n"


def test_outputs_are_written_atomically_with_no_leftovers(mixed):
    out, _ = mixed
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    assert names == [
        "dies.ipynb",
        "raises.ipynb",
        "simple.ipynb",
        "sleeps.ipynb",
        "sub",
        "sub/{seconds}.ipynb",
    ]


def test_write_notebook_atomic_keeps_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "report.ipynb"
    write_notebook_atomic(nbformat.v4.new_notebook(), path)
    before = path.read_text()
    broken = nbformat.v4.new_notebook(metadata={"unserialisable": object()})
    with pytest.raises(TypeError):
        write_notebook_atomic(broken, path)
    assert path.read_text() == before and [p.name for p in tmp_path.iterdir()] == ["report.ipynb"]


def test_the_executed_notebook_exports_to_html_with_the_figure(mixed):
    out, _ = mixed
    body, _ = HTMLExporter(exclude_input=True).from_filename(str(out / "simple.ipynb"))
    assert "data:image/png;base64," in body
    assert "<table" in body and "<strong>beta</strong>" in body
    assert "sns.barplot" not in body  # inputs excluded


def test_each_job_starts_from_a_clean_process(sequential):
    _, results = sequential
    leak_a, leak_b, _ = results
    assert leak_a.ok and leak_b.ok and leak_a.pid != leak_b.pid
    printed = [stream(code_cells(read(result.output))[2]) for result in (leak_a, leak_b)]
    for result, text in zip((leak_a, leak_b), printed, strict=True):
        assert f"pid {result.pid}\n" in text
        for what in ("module global", "notebook global", "builtins", "environ"):
            assert f"{what} before: None\n" in text
        assert "rcParams before: 1.5\n" in text

    def draws(text):
        return [line for line in text.splitlines() if "random:" in line]

    # a fresh process draws fresh random numbers: forks do not share the zygote's generator state
    assert len(draws(printed[0])) == 2 and set(draws(printed[0])).isdisjoint(draws(printed[1]))


def test_a_cell_timeout_fails_the_cell(sequential):
    _, results = sequential
    slow = results[2]
    assert (slow.status, slow.ename, slow.cell_index) == ("failed", "CellTimeoutError", 4)
    assert "after 1 seconds" in slow.evalue and slow.seconds < 10
    nb = read(slow.output)
    ((index, error),) = errors(nb)
    assert error.ename == "CellTimeoutError" and nb.cells[index + 1].execution_count is None


def test_clear_output_and_update_display_behave_as_in_nbclient():
    outputs = []
    sink = CellOutputs()
    sink.start(outputs)
    sink.stream("stdout", "a")
    sink.stream("stdout", "b")
    assert [o.text for o in outputs] == ["ab"]  # one stream output, as ipykernel buffers it
    sink.display({"text/plain": "v1"}, None, {"display_id": "d"}, update=False)
    sink.display({"text/plain": "v2"}, None, {"display_id": "d"}, update=True)
    assert outputs[-1].data == {"text/plain": "v2"} and len(outputs) == 2
    sink.clear(wait=True)
    assert len(outputs) == 2  # cleared only when the next output arrives
    sink.display({"image/png": b"\x89PNG"}, None, None, update=False)
    assert [o.output_type for o in outputs] == ["display_data"]
    assert outputs[0].data["image/png"] == base64.b64encode(b"\x89PNG").decode()
    sink.display({"text/plain": "v3"}, None, {"display_id": "d"}, update=True)  # its output was cleared
    assert len(outputs) == 1


STANDALONE = """
import builtins, sys
import papermill
from IPython.core.interactiveshell import InteractiveShell
import valuekit.reports.engine

stdout = sys.stdout
nb = papermill.execute_notebook(sys.argv[1], sys.argv[2], {"n": 2}, engine_name="valuekit", progress_bar=False)
assert sys.stdout is stdout and not InteractiveShell.initialized() and "display" not in vars(builtins)
print([o.output_type for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs])
"""


def test_the_engine_runs_without_the_runner_and_puts_the_process_back(tmp_path):
    output = tmp_path / "simple.ipynb"
    done = subprocess.run(
        [sys.executable, "-c", STANDALONE, str(NOTEBOOKS / "simple.ipynb"), str(output)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    kinds = "['stream', 'stream', 'execute_result', 'display_data', 'display_data']"
    assert done.stdout.strip() == kinds
    assert read(output).metadata.papermill.parameters == {"n": 2}


def test_the_zygote_is_single_threaded_when_it_forks():
    from valuekit.reports.runner import _SINGLE_THREADED

    code = "from valuekit.reports import _zygote as z; z.preload(); print(len(z._thread_names()))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**_SINGLE_THREADED, **os.environ},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "1", "")


def _has_python3_kernel() -> bool:
    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return False
    return True


@pytest.mark.skipif(not _has_python3_kernel(), reason="needs the python3 kernelspec")
def test_same_outputs_as_papermill_with_a_kernel(mixed, tmp_path):
    out, _ = mixed
    kernel_run = tmp_path / "kernel.ipynb"
    papermill.execute_notebook(
        NOTEBOOKS / "simple.ipynb", kernel_run, PARAMS, kernel_name="python3", progress_bar=False
    )

    def shape(nb):
        return [
            (
                cell.execution_count,
                [
                    (
                        o.output_type,
                        o.get("name"),
                        o.get("text"),
                        sorted(o.get("data", {})),
                        o.get("metadata"),
                    )
                    for o in cell.outputs
                ],
            )
            for cell in code_cells(nb)
        ]

    ours, theirs = read(out / "simple.ipynb"), read(kernel_run)
    assert shape(ours) == shape(theirs)
    assert ours.metadata.language_info == theirs.metadata.language_info
    frame = json.dumps(code_cells(ours)[4].outputs[0].data)
    assert frame == json.dumps(code_cells(theirs)[4].outputs[0].data)  # the DataFrame's reprs, verbatim


@pytest.mark.parametrize(
    ("jobs", "options", "message"),
    [
        ([("missing.ipynb", "out.ipynb")], {}, "not found"),
        (
            [(NOTEBOOKS / "simple.ipynb", "a.ipynb"), (NOTEBOOKS / "raises.ipynb", "a.ipynb")],
            {},
            "both write",
        ),
        ([(NOTEBOOKS / "simple.ipynb", NOTEBOOKS / "simple.ipynb")], {}, "overwrite its input"),
        ([(NOTEBOOKS / "simple.ipynb",)], {}, "expected (input_path, output_path"),
        ([], {"workers": 0}, "workers must be a positive number"),
        ([], {"timeout": -1}, "timeout must be a positive number"),
    ],
)
def test_bad_jobs_are_refused_before_anything_runs(jobs, options, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    with pytest.raises(ReportError, match=message.replace("(", r"\(")):
        run_notebooks(jobs, **options)
    assert time.monotonic() - started < 1  # no zygote was started
    assert list(tmp_path.iterdir()) == []


def test_no_jobs_no_process():
    assert run_notebooks([]) == []


def test_a_zygote_started_early_runs_the_jobs_and_an_unused_one_leaves_no_process(tmp_path):
    """``valuekit report`` starts its zygote before planning: given jobs it runs them like one started by
    run_notebooks; never given any (everything up to date) it is stopped and leaves no process behind."""
    from valuekit.reports import Zygote

    zygote = Zygote()
    jobs = [(NOTEBOOKS / "simple.ipynb", tmp_path / "a.ipynb", PARAMS)]
    [result] = run_notebooks(jobs, workers=1, timeout=TIMEOUT, zygote=zygote)
    assert result.ok and zygote.proc.poll() == 0
    with pytest.raises(ReportError, match="already run"):
        run_notebooks(jobs, workers=1, zygote=zygote)

    idle = Zygote()
    assert run_notebooks([], zygote=idle) == []
    assert idle.proc.poll() is not None  # closed by run_notebooks, nothing left running
    with Zygote() as unused:
        pid = unused.proc.pid
    assert unused.proc.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
