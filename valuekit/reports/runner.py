"""Run many parameterised notebooks, each in a fresh process forked from one that imported everything once.

A *zygote* process (:mod:`valuekit.reports._zygote`) starts once per call, imports pandas, numpy,
matplotlib, seaborn, IPython, papermill, nbformat and valuekit, then forks one child per job; the child
runs the notebook through papermill with the ``"valuekit"`` engine (cells in-process, see
:mod:`valuekit.reports.engine`) and exits. A job's failure stays in its own result.

This module is the parent side: it checks the jobs, starts the zygote, hands it the jobs and collects
one :class:`JobResult` per job. It imports nothing heavy.

What isolation means here: every job runs in its own process, forked from a zygote that never runs a
notebook cell, so no Python state of one job (globals, module attributes, ``sys.modules``, matplotlib
rcParams, ``os.environ``, random generators) is visible to another, and a crash or ``os._exit`` ends one
job only. Not isolated: the file system, databases and other services the notebooks use, and anything
of the calling process's environment variables and working directory (which all jobs inherit). It is
protection against accidental leaks between relationships, not a sandbox against hostile notebooks
(children run as the same user).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from valuekit.errors import ValuekitError

__all__ = ["JobResult", "ReportError", "Zygote", "run_notebooks", "STATUSES"]

#: ``ok``: ran to the end. ``failed``: a cell raised (or papermill refused the notebook).
#: ``died``: the process ended without reporting (a signal, ``os._exit``). ``timeout``: killed after ``timeout`` s.
STATUSES = ("ok", "failed", "died", "timeout")


#: Set for the zygote unless already set: no thread may run when it forks. One BLAS thread per process
#: also suits the parallelism, which is across reports; jemalloc (pyarrow's allocator, loaded by pandas)
#: otherwise starts a background thread at import.
_SINGLE_THREADED = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
}


class ReportError(ValuekitError):
    """The jobs given to :func:`run_notebooks` cannot be run (missing notebook, clashing outputs…)."""


@dataclass(frozen=True)
class JobResult:
    """What happened to one job.

    Attributes
    ----------
    input, output, parameters
        the job as given (paths absolute).
    status
        one of :data:`STATUSES`.
    seconds
        wall time from fork to exit of the job's process.
    error
        one line saying what went wrong and where; ``None`` when ``status == "ok"``.
    cell_index, ename, evalue
        the failing cell (index in the *executed* notebook, so counting papermill's injected-parameters
        cell) and its exception; for ``died``/``timeout`` the cell that was running.
    signal, exit_code
        how a ``died`` process ended.
    pid
        the process that ran the notebook.
    extra
        what the ``after`` hook returned (see :func:`run_notebooks`), e.g. the files it wrote.
    """

    input: Path
    output: Path
    parameters: dict = field(default_factory=dict)
    status: str = "ok"
    seconds: float = 0.0
    error: str | None = None
    cell_index: int | None = None
    ename: str | None = None
    evalue: str | None = None
    signal: int | None = None
    exit_code: int | None = None
    pid: int | None = None
    extra: dict | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


Job = (
    tuple[str | os.PathLike, str | os.PathLike]
    | tuple[str | os.PathLike, str | os.PathLike, Mapping]
    | tuple[str | os.PathLike, str | os.PathLike, Mapping, Mapping]
)


def run_notebooks(
    jobs: Iterable[Job],
    *,
    workers: int | None = None,
    timeout: float | None = None,
    cell_timeout: float | None = None,
    kernel_name: str = "python3",
    after: str | None = None,
    on_result: Callable[[int, JobResult], None] | None = None,
    zygote: Zygote | None = None,
) -> list[JobResult]:
    """Execute notebooks with papermill, each in its own fresh process, at most *workers* at a time.

    Parameters
    ----------
    jobs
        ``(input_path, output_path, parameters[, context])`` (parameters may be left out). Paths are
        taken literally (papermill's ``{parameter}`` path templating is not applied). Output
        folders are created; an output is written atomically and always holds a whole notebook —
        the executed one, or for ``died``/``timeout`` the last saved state (else the parameterised
        input) with an error output on the cell that was running, so a reader sees why.
    workers
        processes running at once; default :func:`os.cpu_count`.
    timeout
        seconds a whole job may take before its process is killed (``status == "timeout"``).
    cell_timeout
        seconds one cell may take; past it the cell fails with ``CellTimeoutError`` (``"failed"``).
    kernel_name
        recorded by papermill; cells run in the zygote's interpreter (this one, ``sys.executable``).
    after
        ``"module:function"`` called in the job's own process once its notebook ran without error and
        was written, as ``function(output_path, parameters, context)`` with the job's ``context`` dict
        (empty if the job has none); what it returns (a JSON-able dict, or None) becomes
        :attr:`JobResult.extra`. If it raises, the job is ``failed`` with the error. Runs inside the
        job's timeout. The module is imported by the zygote, once, before any fork.
    on_result
        called in this process as ``on_result(index, result)`` as each job ends (in finishing order),
        e.g. to record it or move a progress bar; an exception from it stops the run.
    zygote
        a :class:`Zygote` started earlier (best with the same *after*), used up by this call; by default
        one is started here.

    Returns
    -------
    list of JobResult
        in the order of *jobs*. Failures of a job never stop the others and are not raised.

    Raises
    ------
    ReportError
        before anything runs, if an input notebook is missing, two jobs share an output, or an
        option is out of range.

    Examples
    --------
    >>> results = run_notebooks(
    ...     [("report.ipynb", f"out/{rel}.ipynb", {"relationship": rel}) for rel in ("acme", "beta")],
    ...     workers=2, timeout=600,
    ... )  # doctest: +SKIP
    >>> [r.status for r in results]  # doctest: +SKIP
    ['ok', 'ok']
    """
    checked = _check_jobs(jobs)
    if after is not None and (not isinstance(after, str) or after.count(":") != 1):
        raise ReportError(f"after must be 'module:function', got {after!r}")
    workers = (os.cpu_count() or 1) if workers is None else workers
    for name, value in (("workers", workers), ("timeout", timeout), ("cell_timeout", cell_timeout)):
        if value is not None and (isinstance(value, bool) or not value > 0):
            raise ReportError(f"{name} must be a positive number (or None), got {value!r}")
    if not isinstance(workers, int):
        raise ReportError(f"workers must be a whole number, got {workers!r}")
    if not checked:
        if zygote is not None:
            zygote.close()
        return []
    for _, output, _, _ in checked:
        output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "jobs": [(str(i), str(o), p) for i, o, p, _ in checked],
        "contexts": [c for *_, c in checked],
        "after": after,
        "workers": workers,
        "timeout": timeout,
        "cell_timeout": cell_timeout,
        "kernel_name": kernel_name,
    }

    def result(index: int, report: dict) -> JobResult:
        input_path, output, parameters, _ = checked[index]
        report = {k: v for k, v in report.items() if k != "index"}
        return JobResult(input=input_path, output=output, parameters=parameters, **report)

    def record(report: dict) -> None:
        if on_result is not None:
            on_result(report["index"], result(report["index"], report))

    reports, returncode = _run_zygote(payload, record, zygote)
    results = []
    for index in range(len(checked)):
        if index in reports:
            results.append(result(index, reports[index]))
            continue
        lost = {
            "status": "died",
            "error": f"the zygote process exited (code {returncode}) before reporting this job",
        }
        results.append(result(index, lost))
        if on_result is not None:
            on_result(index, results[-1])
    return results


def _check_jobs(jobs: Iterable[Job]) -> list[tuple[Path, Path, dict, dict]]:
    checked, missing, outputs = [], [], {}
    for number, job in enumerate(jobs):
        if not isinstance(job, tuple | list) or len(job) not in (2, 3, 4):
            raise ReportError(
                f"job {number}: expected (input_path, output_path[, parameters[, context]]), got {job!r}"
            )
        input_path, output = Path(job[0]).resolve(), Path(job[1]).resolve()
        parameters = dict(job[2]) if len(job) >= 3 and job[2] is not None else {}
        context = dict(job[3]) if len(job) == 4 and job[3] is not None else {}
        if not input_path.is_file():
            missing.append(str(input_path))
        if output in outputs:
            raise ReportError(f"jobs {outputs[output]} and {number} both write {output}; outputs must differ")
        if output == input_path:
            raise ReportError(f"job {number} would overwrite its input notebook {input_path}")
        outputs[output] = number
        checked.append((input_path, output, parameters, context))
    if missing:
        raise ReportError(f"{len(missing)} input notebook(s) not found: {', '.join(missing)}")
    return checked


class Zygote:
    """A zygote process started before its jobs are known: it imports everything while the caller plans.

    Pass it to :func:`run_notebooks` (once); the *after* hook named here is imported and warmed up before any
    job arrives. A zygote that is never given jobs exits when :meth:`close` is called (or this object is
    used as a context manager and left). Without one, :func:`run_notebooks` starts its own.
    """

    def __init__(self, after: str | None = None) -> None:
        if after is not None and (not isinstance(after, str) or after.count(":") != 1):
            raise ReportError(f"after must be 'module:function', got {after!r}")
        self.after = after
        read_fd, write_fd = os.pipe()
        env = {**_SINGLE_THREADED, **os.environ}
        root = str(Path(__file__).resolve().parents[2])  # the folder holding the valuekit package
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "valuekit.reports._zygote",
                    str(write_fd),
                    *([after] if after else []),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,  # cells' prints are captured by the engine; fd noise is dropped
                pass_fds=(write_fd,),
                env=env,
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        self._read_fd: int | None = read_fd

    def run(self, payload: dict, record: Callable[[dict], None]) -> tuple[dict[int, dict], int]:
        """Send the jobs, read one JSON line per finished job until the zygote exits."""
        if self._read_fd is None:
            raise ReportError("this zygote has already run its jobs, or was closed")
        read_fd, self._read_fd = self._read_fd, None
        proc = self.proc
        reports: dict[int, dict] = {}
        try:
            with os.fdopen(read_fd, encoding="utf-8") as lines:
                proc.stdin.write(pickle.dumps(payload))
                proc.stdin.close()
                for line in lines:
                    report = json.loads(line)
                    reports[report["index"]] = report
                    record(report)
        except BaseException:
            proc.terminate()  # the zygote kills its children on SIGTERM
            raise
        finally:
            proc.wait()
        return reports, proc.returncode

    def close(self) -> None:
        """Stop the zygote if it was never given jobs (it holds no job, so nothing is lost)."""
        if self._read_fd is not None:
            os.close(self._read_fd)
            self._read_fd = None
            if self.proc.poll() is None:
                self.proc.terminate()
            self.proc.wait()
            if self.proc.stdin is not None:
                self.proc.stdin.close()

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _run_zygote(payload: dict, record: Callable[[dict], None], zygote: Zygote | None = None):
    """Run the jobs on *zygote*, or on a zygote started now."""
    zygote = zygote or Zygote(payload.get("after"))
    try:
        return zygote.run(payload, record)
    finally:
        zygote.close()
