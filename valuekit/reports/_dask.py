"""Build reports on a Dask distributed cluster; their files come back to this machine.

Each report is one Dask task. On the worker it runs exactly as it would here — its notebook in a fresh
process forked by :func:`valuekit.reports.runner.run_notebooks`, exported to HTML (and PDF) in that
process — but into a temporary folder; the task returns the files' bytes and the outcome, and this side
writes them (atomically) where a local build would have. Workers need valuekit installed and must see
the store and the notebooks at the same paths as this machine (a shared file system, or the same
checkout and a copy of the store at the same place).
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from .._files import write_atomic
from .runner import JobResult, ReportError

_RESULT_FIELDS = ("status", "seconds", "error", "cell_index", "ename", "evalue", "signal", "exit_code", "pid")


def run_on_cluster(
    address: str,
    jobs: Sequence[tuple],
    *,
    timeout: float | None,
    on_result: Callable[[int, JobResult], None],
) -> list[JobResult]:
    """Run ``(input, output, parameters, context)`` jobs on the cluster at *address*; see the module doc."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - a dependency of valuekit
        raise ReportError(f"--scheduler needs dask.distributed ({exc}); pip install distributed") from None
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise ReportError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    results: dict[int, JobResult] = {}
    batch = uuid.uuid4().hex[:8]
    try:
        futures = {}
        for i, (input_path, output, parameters, context) in enumerate(jobs):
            future = client.submit(
                run_remote,
                str(input_path),
                Path(output).name,
                dict(parameters),
                dict(context),
                timeout,
                key=f"valuekit-report-{batch}-{i}",
                pure=False,
                retries=0,
            )
            futures[future] = i
        for future in as_completed(futures):
            i = futures[future]
            input_path, output, parameters, _ = jobs[i]
            try:
                payload = future.result()
            except Exception as exc:  # the worker died or the task could not run there
                result = JobResult(
                    Path(input_path),
                    Path(output),
                    dict(parameters),
                    status="died",
                    error=f"the Dask task failed on the cluster: {type(exc).__name__}: {exc}",
                )
            else:
                _write_back(Path(output).parent, payload["files"])
                result = JobResult(Path(input_path), Path(output), dict(parameters), **payload["result"])
            results[i] = result
            on_result(i, result)
    finally:
        client.close()
    return [results[i] for i in range(len(jobs))]


def run_remote(
    input_path: str, output_name: str, parameters: dict, context: dict, timeout: float | None
) -> dict:
    """The task run on a Dask worker: build one report in a temporary folder, return its files and outcome."""
    from .runner import run_notebooks

    with tempfile.TemporaryDirectory(prefix="valuekit-report-") as tmp:
        folder = Path(tmp)
        parameters = dict(parameters)
        if parameters.get("output_dir"):  # the notebook's saved tables and charts go beside it, as here
            parameters["output_dir"] = str(folder / Path(parameters["output_dir"]).name)
        [result] = run_notebooks(
            [(input_path, folder / output_name, parameters, context)],
            workers=1,
            timeout=timeout,
            after="valuekit.reports.batch:finish_report",
        )
        files = {
            str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.name.startswith(".")
        }
    return {"result": {name: getattr(result, name) for name in _RESULT_FIELDS}, "files": files}


def _write_back(folder: Path, files: dict[str, bytes]) -> None:
    """Write the returned files under *folder*, each atomically; refuse paths that would leave it."""
    folder = folder.resolve()
    for name, data in files.items():
        path = (folder / name).resolve()
        if not path.is_relative_to(folder):
            raise ReportError(f"a Dask worker returned a file outside {folder}: {name}")
        write_atomic(path, data)
