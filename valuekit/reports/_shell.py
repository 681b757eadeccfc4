"""A fresh IPython shell whose display hooks record what a kernel would send, as nbformat outputs.

ipykernel turns stream writes, the displayhook (a cell's last expression), the display publisher
(``display()``, inline figures) and tracebacks into messages; nbclient turns the messages into outputs.
Here the same hooks write the outputs directly into the running cell. Used by :mod:`.engine`.
"""

from __future__ import annotations

import atexit
import base64
import builtins
import io
import sys
from contextlib import contextmanager

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type
from traitlets.config import Config

__all__ = ["CellOutputs", "fresh_shell"]

_BINARY_MIMETYPES = ("image/png", "image/jpeg", "application/pdf")


class CellOutputs:
    """Where the shell's hooks put what a kernel would have sent: outputs of the cell being run.

    Mirrors nbclient's handling: ``clear_output(wait=True)`` clears before the next output, outputs
    shown with a ``display_id`` are updated in place by ``update_display``, and consecutive writes to
    one stream are one output (as ipykernel's buffered streams send them).
    """

    def __init__(self, on_output=None, tee=None):
        self.outputs: list = []
        self._clear_pending = False
        self._by_display_id: dict[str, list] = {}
        self._on_output = on_output or (lambda: None)
        self._tee = tee or {}

    def start(self, outputs: list) -> None:
        self.outputs, self._clear_pending = outputs, False

    def _append(self, out, display_id=None) -> None:
        if self._clear_pending:
            self.clear(wait=False)
        if display_id is not None:
            self._by_display_id.setdefault(display_id, []).append(out)
        self.outputs.append(out)
        self._on_output()

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        if name in self._tee:
            self._tee[name](text)
        last = self.outputs[-1] if self.outputs and not self._clear_pending else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self._append(nbformat.v4.new_output("stream", name=name, text=text))

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self._append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=traceback))

    def result(self, data: dict, metadata: dict, execution_count: int) -> None:
        out = nbformat.v4.new_output(
            "execute_result", data=_encode(data), metadata=metadata or {}, execution_count=execution_count
        )
        self._append(out)

    def display(self, data: dict, metadata: dict | None, transient: dict | None, update: bool) -> None:
        display_id = (transient or {}).get("display_id")
        if update:
            for out in self._by_display_id.get(display_id, []):
                out.data, out.metadata = _encode(data), metadata or {}
            return
        out = nbformat.v4.new_output("display_data", data=_encode(data), metadata=metadata or {})
        self._append(out, display_id)

    def clear(self, wait: bool) -> None:
        if wait:
            self._clear_pending = True
            return
        cleared = {id(out) for out in self.outputs}
        for shown in self._by_display_id.values():
            shown[:] = [out for out in shown if id(out) not in cleared]
        self.outputs.clear()
        self._clear_pending = False


def _encode(data: dict) -> dict:
    """Binary reprs as base64 text, as jupyter_client's JSON packer sends them."""
    return {
        mime: base64.b64encode(value).decode("ascii")
        if isinstance(value, bytes) and mime in _BINARY_MIMETYPES
        else value
        for mime, value in data.items()
    }


class _Stream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` during a cell: text goes to the cell's outputs."""

    encoding, errors, newlines = "utf-8", "strict", None

    def __init__(self, name: str, sink: CellOutputs):
        self.name, self._sink = name, sink

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._sink.stream(self.name, text)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False


class _DisplayHook(DisplayHook):
    """The last expression of a cell becomes an ``execute_result`` (ipykernel's ZMQShellDisplayHook)."""

    def start_displayhook(self):
        self._format = None

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self._format = (format_dict, md_dict)

    def finish_displayhook(self):
        if self._format and self._format[0]:
            self.shell._cell_outputs.result(*self._format, execution_count=self.prompt_count)
        self._format = None


class _DisplayPublisher(DisplayPublisher):
    """``display()``, ``Markdown``, inline figures become ``display_data`` (ipykernel's ZMQDisplayPublisher)."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.shell._cell_outputs.display(data, metadata, transient, update)

    def clear_output(self, wait=False):
        self.shell._cell_outputs.clear(wait)


class _Shell(InteractiveShell):
    displayhook_class = Type(_DisplayHook)
    display_pub_class = Type(_DisplayPublisher)

    def _showtraceback(self, etype, evalue, stb):
        self._cell_outputs.error(etype.__name__, str(evalue), stb)

    def enable_gui(self, gui=None):
        if gui not in (None, "inline"):
            raise NotImplementedError(f"a batch report has no GUI event loop; got gui={gui!r}, use 'inline'")


@contextmanager
def fresh_shell(sink: CellOutputs):
    """A new shell as the IPython singleton, with stdout/stderr captured; the process is put back after."""
    saved_streams = sys.stdout, sys.stderr, sys.displayhook, sys.excepthook
    saved_main = sys.modules.get("__main__")
    saved_builtins = {k: builtins.__dict__[k] for k in ("display", "__IPYTHON__") if k in builtins.__dict__}
    saved_instance = InteractiveShell.__dict__.get("_instance")
    InteractiveShell._instance = _Shell._instance = None  # a new instance, never the caller's
    config = Config()
    config.HistoryManager.enabled = False  # no sqlite file, no history thread
    shell = _Shell.instance(config=config)
    shell._cell_outputs = sink
    sys.stdout, sys.stderr = _Stream("stdout", sink), _Stream("stderr", sink)
    try:
        _enable_inline_figures(shell)
        yield shell
    finally:
        atexit.unregister(shell.atexit_operations)
        _Shell._instance = None
        InteractiveShell._instance = saved_instance
        sys.stdout, sys.stderr, sys.displayhook, sys.excepthook = saved_streams
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
        for key in ("display", "__IPYTHON__"):
            builtins.__dict__.pop(key, None)
        builtins.__dict__.update(saved_builtins)


def _enable_inline_figures(shell: _Shell) -> None:
    """matplotlib's inline backend, as in a kernel: figures of a cell become image/png display_data."""
    if "matplotlib" not in sys.modules:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib_inline.backend_inline import InlineBackend

    shell.enable_matplotlib("inline")
    # configure_inline_support selects the formats once per process; this shell is new, so select again.
    cfg = InlineBackend.instance()
    select_figure_formats(shell, cfg.figure_formats, **cfg.print_figure_kwargs)
    charts = sys.modules.get("valuekit.plots._style")
    if charts is not None:  # imported before this shell existed (the zygote's preload): register it here too
        charts.show_charts_whole(shell)
