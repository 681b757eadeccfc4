"""The ``valuekit`` papermill engine: a notebook's cells run in this process, in a fresh IPython shell.

papermill's own engine starts a Jupyter kernel per notebook and pays for the kernel and for every import
(pandas, seaborn, matplotlib) each time. This engine runs the cells in the calling process with a new
:class:`~IPython.core.interactiveshell.InteractiveShell`, whose display hooks record what a kernel would
have sent — stream, ``execute_result``, ``display_data``, ``error`` — as nbformat outputs. Combined with
:func:`valuekit.reports.runner.run_notebooks`, which forks a fresh child per notebook from a process that
already imported everything, each report costs its analysis and nothing more, and still runs alone in
its own process.

Importing this module registers the engine with papermill under the name ``"valuekit"``::

    import papermill as pm
    import valuekit.reports.engine  # noqa: F401  (registers the engine)

    pm.execute_notebook("in.ipynb", "out.ipynb", {"cycle": 2}, engine_name="valuekit")

Run that way the cells run in *your* process and may change it (imports, matplotlib backend, ``__main__``);
use :func:`~valuekit.reports.runner.run_notebooks` to run each notebook in a throw-away process.
"""

from __future__ import annotations

import json
import os
import platform
import signal
from contextlib import contextmanager

import nbformat
from papermill.engines import Engine, NotebookExecutionManager, papermill_engines
from papermill.exceptions import PapermillException
from papermill.iorw import write_ipynb
from papermill.log import logger

from .._files import write_atomic
from ._shell import CellOutputs, fresh_shell
from .runner import JobResult, run_notebooks

# The runner is re-exported so that `from valuekit.reports.engine import run_notebooks` works too.
__all__ = [
    "ENGINE_NAME",
    "ValuekitEngine",
    "CellTimeoutError",
    "write_notebook_atomic",
    "JobResult",
    "run_notebooks",
]

ENGINE_NAME = "valuekit"

#: What ipykernel reports in ``kernel_info``; nbclient copies it into the notebook's metadata.
LANGUAGE_INFO = {
    "name": "python",
    "version": platform.python_version(),
    "mimetype": "text/x-python",
    "codemirror_mode": {"name": "ipython", "version": 3},
    "pygments_lexer": "ipython3",
    "nbconvert_exporter": "python",
    "file_extension": ".py",
}


class CellTimeoutError(TimeoutError):
    """A cell ran longer than the engine's ``execution_timeout`` (seconds per cell)."""


def write_notebook_atomic(nb: nbformat.NotebookNode, path: str | os.PathLike, *, draft: bool = False) -> None:
    """Write *nb* to *path* so that a reader only ever sees a whole notebook, old or new.

    The notebook goes to a temporary file in the same folder, then replaces *path* in one step
    (:func:`os.replace`), so a process killed mid-write leaves no truncated file at *path*. A *draft*
    (a run's notebook saved while it runs) is written as compact JSON without validating it first.
    """
    write_atomic(
        path, json.dumps(nb, ensure_ascii=False, separators=(",", ":")) if draft else nbformat.writes(nb)
    )


@contextmanager
def _deadline(seconds: float | None):
    """Raise :class:`CellTimeoutError` in the running cell after *seconds* (SIGALRM; main thread only)."""
    if not seconds:
        yield
        return

    def on_alarm(signum, frame):
        raise CellTimeoutError(f"A cell timed out while it was being executed, after {seconds:g} seconds.")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _run_cell(shell, sink: CellOutputs, source: str, timeout: float | None) -> bool:
    """Run one cell as a kernel's ``execute_request`` would; return whether it succeeded."""
    try:
        with _deadline(timeout):
            result = shell.run_cell(source, store_history=True)
    except CellTimeoutError as exc:  # raised outside the user's code, e.g. while drawing figures
        sink.error(type(exc).__name__, str(exc), [f"{type(exc).__name__}: {exc}"])
        return False
    return result.success


class _AtomicExecutionManager(NotebookExecutionManager):
    """papermill's bookkeeping, but every save of a local notebook is atomic (see write_notebook_atomic),
    and the notebook is saved only where a reader needs it: at the start, when a code cell starts (so a
    process killed mid-cell leaves every earlier output and that cell marked running), on papermill's
    autosave during a long cell, and at the end. papermill also saves when each cell ends and around every
    markdown cell: each save rewrites the whole notebook, images included — 0.4 s of a 2 s report."""

    _skip_save = False

    def cell_start(self, cell, cell_index=None, **kwargs):
        self._skip_save = cell.get("cell_type") != "code" or not cell.get("source", "").strip()
        try:
            return super().cell_start(cell, cell_index, **kwargs)
        finally:
            self._skip_save = False

    def cell_complete(self, cell, cell_index=None, **kwargs):
        self._skip_save = True  # the next code cell's start, or the notebook's end, saves it
        try:
            return super().cell_complete(cell, cell_index, **kwargs)
        finally:
            self._skip_save = False

    def save(self, **kwargs):
        if kwargs.get("nb"):
            self.nb = kwargs["nb"]
        if self._skip_save:
            return
        if self.output_path and "://" not in str(self.output_path):
            write_notebook_atomic(self.nb, self.output_path, draft=True)  # papermill writes the final one
        elif self.output_path:
            write_ipynb(self.nb, self.output_path)
        self.last_save_time = self.now()


class ValuekitEngine(Engine):
    """Run a notebook's cells in this process with a fresh IPython shell (registered as ``"valuekit"``).

    Keeps papermill's semantics: cells run in order and stop at the first error (unless the cell is
    tagged ``raises-exception``); each cell gets ``execution_count`` and ``metadata.papermill``
    (status, start_time, end_time, duration, exception); the notebook is saved as each code cell starts; a
    failed cell makes :func:`papermill.execute_notebook` write the notebook with the error shown and
    raise :class:`~papermill.exceptions.PapermillExecutionError`.

    Engine options (passed through :func:`papermill.execute_notebook`):

    ``execution_timeout``
        seconds a cell may run; past it the cell fails with ``CellTimeoutError``. Uses SIGALRM, so
        it needs the main thread and a cell that returns to Python now and then.
    ``log_output``, ``stdout_file``, ``stderr_file``
        as for papermill's nbclient engine.

    The kernel name is not used to start anything: cells run in this interpreter, which must be the
    one the notebook's ``python3`` kernel would run.
    """

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        """The kernel to record; ``python3`` when neither the caller nor the notebook names one."""
        return name or nb.metadata.get("kernelspec", {}).get("name") or "python3"

    @classmethod
    def execute_notebook(
        cls,
        nb,
        kernel_name,
        output_path=None,
        progress_bar=True,
        log_output=False,
        autosave_cell_every=30,
        **kwargs,
    ):
        nb_man = _AtomicExecutionManager(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        execution_timeout=None,
        **kwargs,
    ):
        nb = nb_man.nb
        language = nb.metadata.get("language_info", {}).get("name") or nb.metadata.get("kernelspec", {}).get(
            "language", "python"
        )
        if language != "python":
            raise PapermillException(
                f"the {ENGINE_NAME!r} engine runs Python notebooks only; this notebook's language is {language!r}"
            )
        sink = CellOutputs(on_output=nb_man.autosave_cell, tee=_tee(log_output, stdout_file, stderr_file))
        with fresh_shell(sink) as shell:
            for index, cell in enumerate(nb.cells):
                runs = cell.cell_type == "code" and cell.source.strip()
                if runs:  # known before the run, so a notebook saved mid-cell shows In [n]
                    cell.execution_count = shell.execution_count
                nb_man.cell_start(cell, index)
                try:
                    if not runs:
                        continue
                    sink.start(cell.outputs)
                    succeeded = _run_cell(shell, sink, cell.source, execution_timeout)
                    if not succeeded and "raises-exception" not in cell.metadata.get("tags", []):
                        nb_man.cell_exception(cell, cell_index=index)
                        break
                finally:
                    nb_man.cell_complete(cell, cell_index=index)
        nb.metadata["language_info"] = dict(LANGUAGE_INFO)
        return nb


def _tee(log_output, stdout_file, stderr_file) -> dict:
    """Copies of the streams, as papermill's client makes with --log-output / --stdout-file."""
    tee = {}
    for name, file, log in (("stdout", stdout_file, logger.info), ("stderr", stderr_file, logger.warning)):
        sinks = [s for s in (file and file.write, log_output and log) if s]
        if sinks:
            tee[name] = lambda text, sinks=sinks: [s(text) for s in sinks]
    return tee


papermill_engines.register(ENGINE_NAME, ValuekitEngine)
