"""The zygote: import the heavy modules once, then fork one fresh child per notebook job.

Started by :class:`valuekit.reports.runner.Zygote` as ``python -m valuekit.reports._zygote FD [AFTER]``.
It imports everything first, then reads the jobs (pickled) on stdin, forks at most ``workers`` children at a time and writes one JSON
line per finished job to file descriptor ``FD``. Each child runs one notebook through papermill with the
``"valuekit"`` engine and leaves with ``os._exit``: none of its Python state can reach the zygote or
another job (see :mod:`valuekit.reports.runner` for what is and is not isolated).

The zygote itself never runs a notebook cell, so every child starts from the same state: modules
imported, no user data. It must stay single-threaded for forking to be safe: the runner starts it with
environment variables that keep BLAS and pyarrow's jemalloc from starting threads, and it says so on
stderr if some thread runs anyway.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import NamedTuple

#: Imported once here, shared by every child (copy-on-write).
PRELOAD = (
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "seaborn",
    "IPython.core.interactiveshell",
    "IPython.core.magics",
    "IPython.core.completer",
    "IPython.core.magics.execution",
    "IPython.core.oinspect",
    "pandas.io.formats.style",  # notebooks show tables as Stylers
    "matplotlib_inline.backend_inline",
    "nbformat",
    "papermill",
    "valuekit",
    # what the methodology notebooks use; imported lazily by valuekit, so named here
    "valuekit.notebook",
    "valuekit.analysis.overview",
    "valuekit.analysis.findings",
    "valuekit.analysis.themes",
    "valuekit.analysis.redact",
    "valuekit.analysis.portfolio",
    "valuekit.actions",
    "valuekit.plots",
    "scipy.optimize",
    "sklearn.feature_extraction.text",
    "sklearn.decomposition",
    "sklearn.cluster",
)
#: Not imported by the zygote. jsonschema (imported by nbformat) loads rfc3987_syntax when it is
#: installed, only for its "iri" format checks, and that import compiles a grammar (~1.5 s). Blocked,
#: jsonschema skips those two checks; children may still import the module themselves.
SKIPPED = ("rfc3987_syntax",)
_MAX_TEXT = 4000  # evalue/error sent back per job; keeps each child's report far below a pipe's buffer


def preload(config: dict | None = None) -> None:
    """Import what reports use and pay the first-use costs (schema compile, fonts, HTML repr) once."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # None in sys.modules makes `import name` raise ImportError
    try:
        import matplotlib

        matplotlib.use("Agg")  # the engine switches each child to the inline backend
    except ImportError:
        pass
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
        except Exception as exc:  # a broken optional module must not stop the reports that don't use it
            print(f"valuekit zygote: importing {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    importlib.import_module("valuekit.reports.engine")  # registers the engine; required
    _warm_up()
    try:
        hook = _after_hook(config or {})  # import it once, here, not in every child
        warm = getattr(sys.modules[hook.__module__], "warm_up", None) if hook is not None else None
        if callable(warm):  # the hook's module may pay its own first-use costs once, before forking
            warm()
    except Exception as exc:  # each child will fail with the reason
        print(
            f"valuekit zygote: the after hook failed to import: {type(exc).__name__}: {exc}", file=sys.stderr
        )
    threads = _thread_names()
    if len(threads) > 1:  # the runner's environment variables should have prevented any
        print(
            f"valuekit zygote: threads running at fork ({', '.join(threads)}); may deadlock", file=sys.stderr
        )
    for name in SKIPPED:
        if sys.modules.get(name, ...) is None:
            del sys.modules[name]  # importable again, by a child that wants it
    gc.freeze()  # the imported modules' objects are never collected in children: fewer pages copied


def _thread_names() -> list[str]:
    """Every thread of this process, native ones (BLAS, jemalloc) included where /proc tells."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return [t.name for t in threading.enumerate()]
    names = []
    for task in tasks:
        try:
            names.append(Path(f"/proc/self/task/{task}/comm").read_text().strip())
        except OSError:  # the thread ended meanwhile
            pass
    return names


def _warm_up() -> None:
    import nbformat
    from IPython.core.ultratb import VerboseTB

    try:  # a first traceback imports stack_data and pygments and scans every module's file
        raise ValueError("warm-up")
    except ValueError:
        VerboseTB().structured_traceback(*sys.exc_info())

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", execution_count=1)])
    nb.cells[0].outputs = [
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)
    ]
    nbformat.validate(nb)
    try:
        import io

        import pandas as pd
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        frame = pd.DataFrame({"a": [1.5]})
        (
            repr(frame),
            frame._repr_html_(),
            frame.style.format(precision=1).to_html(),
        )  # compiles Styler's templates
        fig = Figure(figsize=(1, 1))
        FigureCanvasAgg(fig)
        fig.add_subplot().set_title("warm-up")
        fig.savefig(io.BytesIO(), format="png")
    except ImportError:
        pass
    try:  # pandera's first validation sets up its backends (~0.1 s); notebooks validate proposed actions
        from valuekit.schemas import empty_table, validate_table

        validate_table("actions", empty_table("actions"))
    except Exception:
        pass
    try:  # parse and validate the diagnostic templates once (valuekit caches them by file and mtime)
        from valuekit import templates
        from valuekit.config import template_dirs

        for folder in template_dirs():
            for path in sorted(folder.glob("*.yaml")):
                templates.load_template(path)
                templates._head(path)  # what find_template reads to pick a template: parsed once, here
    except Exception:  # a broken template is reported by the report that uses it
        pass


class _Running(NamedTuple):
    index: int
    job: tuple
    started: float
    report_fd: int
    deadline: float | None


def serve(config: dict, results) -> None:
    """Fork a child per job, at most ``workers`` at once; report each as it ends; kill on timeout."""
    pending = deque(enumerate(config["jobs"]))
    running: dict[int, _Running] = {}
    timed_out: set[int] = set()
    parent = os.getppid()
    try:
        while pending or running:
            while pending and len(running) < config["workers"]:
                others = [run.report_fd for run in running.values()]
                pid, run = _spawn(*pending.popleft(), config, results, others)
                running[pid] = run
            reaped = False
            while running:
                pid, status = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
                reaped = True
                run = running.pop(pid)
                try:
                    report = _outcome(pid, run, status, pid in timed_out, config)
                except Exception as exc:  # one unreadable outcome must not stop the other jobs
                    report = {
                        "status": "died",
                        "pid": pid,
                        "error": f"the job's outcome was unreadable: {exc!r}",
                    }
                results.write(json.dumps({"index": run.index, **report}) + "\n")
            now = time.monotonic()
            for pid, run in running.items():
                if run.deadline is not None and now >= run.deadline and pid not in timed_out:
                    os.kill(pid, signal.SIGKILL)
                    timed_out.add(pid)
            if os.getppid() != parent:
                raise SystemExit("valuekit zygote: the parent process is gone")
            if not reaped:
                time.sleep(0.005)
    finally:
        for pid in running:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _spawn(index: int, job: tuple, config: dict, results, others: list[int]) -> tuple[int, _Running]:
    """Fork the child for one job; *others* are the report pipes of running jobs, closed in the child."""
    read_fd, write_fd = os.pipe()
    for stream in (results, sys.stdout, sys.stderr):  # nothing buffered may be written twice
        stream.flush()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: run the job, never return into the zygote's loop
        code = 70
        try:
            for fd in (read_fd, results.fileno(), *others):  # no way to read another job's report
                os.close(fd)
            _fresh_randomness()
            _run_child(job, config, write_fd, index)
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    timeout = config["timeout"]
    return pid, _Running(index, job, started, read_fd, started + timeout if timeout else None)


def _fresh_randomness() -> None:
    """Seed numpy's global generator anew, as a new kernel would (``random`` reseeds itself after fork)."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _partial_path(output: str, pid: int) -> Path:
    """Where a child saves the notebook while it runs (same folder, so the final os.replace is atomic)."""
    output = Path(output)
    return output.with_name(f".{output.name}.{pid}.partial.ipynb")


def _after_hook(config: dict):
    """The ``after`` function named in the config (imported by the zygote before forking)."""
    if not config.get("after"):
        return None
    module, name = config["after"].split(":")
    return getattr(importlib.import_module(module), name)


def _run_child(job: tuple, config: dict, report_fd: int, index: int = 0) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    gc.enable()
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .engine import ENGINE_NAME, write_notebook_atomic

    input_path, output, parameters = job
    partial = _partial_path(output, os.getpid())
    report: dict = {"status": "ok", "pid": os.getpid()}
    executed = None
    try:
        executed = papermill.execute_notebook(
            _literal(input_path),
            _literal(str(partial)),
            parameters,
            engine_name=ENGINE_NAME,
            kernel_name=config["kernel_name"],
            progress_bar=False,
            execution_timeout=config["cell_timeout"],
        )
    except PapermillExecutionError as exc:
        where = f"cell {exc.cell_index} (In [{exc.exec_count}])"
        report.update(status="failed", cell_index=exc.cell_index, ename=exc.ename, evalue=exc.evalue)
        report["error"] = f"{where} raised {exc.ename}: {exc.evalue}"
    except Exception as exc:  # papermill refused the notebook: bad JSON, missing parameter…
        report.update(status="failed", ename=type(exc).__name__, evalue=str(exc))
        report["error"] = f"papermill could not run the notebook: {type(exc).__name__}: {exc}"
    try:
        if executed is not None or partial.exists():  # the run's notebook, else the one papermill saved
            nb = executed if executed is not None else nbformat.read(partial, as_version=4)
            nb.metadata.papermill["output_path"] = output
            write_notebook_atomic(nb, output)
            partial.unlink()
        elif report["status"] == "ok":
            report.update(status="failed", error=f"papermill ran but wrote no notebook at {partial}")
        else:
            write_failure(
                job, None, report.get("ename", "Error"), report.get("evalue", ""), config["kernel_name"]
            )
    except Exception as exc:
        report.update(
            status="failed", error=f"{report.get('error') or 'ran'}; writing {output} failed: {exc}"
        )
    if config.get("after") and report["status"] == "ok":
        contexts = config.get("contexts") or []
        try:
            hook = _after_hook(config)
            extra = hook(
                Path(output), dict(parameters), dict(contexts[index]) if index < len(contexts) else {}
            )
            if extra is not None:
                json.dumps(extra)  # must travel back as JSON
                report["extra"] = extra
        except Exception as exc:
            report.update(status="failed", ename=type(exc).__name__, evalue=str(exc))
            report["error"] = f"the notebook ran, then {config['after']} failed: {type(exc).__name__}: {exc}"
    for key in ("evalue", "error"):
        if isinstance(report.get(key), str):
            report[key] = report[key][:_MAX_TEXT]
    os.write(report_fd, json.dumps(report).encode())


def _literal(path: str) -> str:
    """A path papermill will not treat as a template (it formats paths with the parameters)."""
    return path.replace("{", "{{").replace("}", "}}")


def _outcome(pid: int, run: _Running, status: int, timed_out: bool, config: dict) -> dict:
    """The job's report: the child's own, or — if it was killed or vanished — what the zygote saw."""
    chunks = []
    while True:
        try:
            chunk = os.read(run.report_fd, 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(run.report_fd)
    seconds = round(time.monotonic() - run.started, 3)
    if chunks and not timed_out:
        return {**json.loads(b"".join(chunks)), "seconds": seconds}
    report: dict = {"pid": pid, "seconds": seconds}
    if timed_out:
        report.update(status="timeout", ename="TimeoutError")
        what = f"the report did not finish within {config['timeout']:g} s; its process was killed"
    elif os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        report.update(status="died", ename="DeadKernelError", signal=number)
        what = f"the report's process was killed by signal {number} ({signal.Signals(number).name})"
    else:
        report.update(status="died", ename="DeadKernelError", exit_code=os.waitstatus_to_exitcode(status))
        what = f"the report's process exited with code {report['exit_code']} before finishing"
    try:
        partial = _partial_path(run.job[1], pid)
        index = write_failure(run.job, partial, report["ename"], what, config["kernel_name"])
        report["cell_index"] = index
        what += f" at cell {index}" if index is not None else " before any cell ran"
    except Exception as exc:
        what += f"; the output notebook could not be written: {type(exc).__name__}: {exc}"
    report.update(evalue=what, error=what)
    return report


def write_failure(job: tuple, partial: Path | None, ename: str, evalue: str, kernel_name: str) -> int | None:
    """Write the last saved state (else the parameterised input) with the failure shown, atomically.

    The error becomes an ``error`` output of the cell that was running, and papermill's usual banner
    ("An Exception was encountered at …") is added, so the output reads like any failed papermill run.
    Returns the index of the marked cell (the one running, else the first not completed), ``None`` if
    no notebook had been saved yet (then the first code cell of the input is marked).
    """
    import nbformat
    from papermill.exceptions import PapermillExecutionError
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    input_path, output, parameters = job
    started = partial is not None and partial.exists()
    if started:
        nb = nbformat.read(partial, as_version=4)
    else:
        nb = load_notebook_node(input_path)
        if parameters:
            nb = parameterize_notebook(nb, parameters, kernel_name=kernel_name)
        nb = prepare_notebook_metadata(nb, input_path, output)
    statuses = [cell.metadata.get("papermill", {}).get("status") for cell in nb.cells]
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    if "running" in statuses:
        index = statuses.index("running")
    else:
        index = next((i for i in code if statuses[i] != "completed"), code[-1] if code else None)
    if index is None:
        nb.cells.append(nbformat.v4.new_code_cell("# (no code cell was run)"))
        index = len(nb.cells) - 1
    cell = nb.cells[index]
    cell.outputs.append(
        nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
    )
    cell.metadata.setdefault("papermill", {}).update(status="failed", exception=True)
    nb.metadata.setdefault("papermill", {}).update(exception=True, output_path=output)
    tmp = Path(output).with_name(f".{Path(output).name}.{os.getpid()}.failed.ipynb")
    try:
        raise_for_execution_errors(nb, str(tmp))  # adds papermill's banner and anchor, writes, raises
    except PapermillExecutionError:
        pass
    os.replace(tmp, output)
    if started:
        partial.unlink()
    return index if started else None


def main(argv: list[str]) -> int:
    """``python -m valuekit.reports._zygote FD [AFTER]``: import everything (and the *after* hook), then read
    the jobs on stdin; no jobs (stdin closed) means nothing to do."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    preload({"after": argv[2] if len(argv) > 2 else None})
    try:
        config = pickle.load(sys.stdin.buffer)
    except EOFError:  # the caller found nothing to run
        return 0
    with os.fdopen(int(argv[1]), "w", buffering=1, encoding="utf-8") as results:
        serve(config, results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
