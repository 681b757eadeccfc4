"""What the server serves: the two dashboards, committed clean, with a template that fetches nothing."""

from __future__ import annotations

import ast
import re
import signal

import jupytext
import nbformat
import pytest

from valuekit.dashboard import _server
from valuekit.dashboard._errors import DashboardError
from valuekit.dashboard._server import (
    CSP,
    DASHBOARDS_DIR,
    TEMPLATE_ROOT,
    is_loopback,
    make_app_class,
    voila_argv,
)
from valuekit.dashboard._style import CSS

NAMES = ["relationship", "portfolio"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "10.1.2.3", "192.168.0.10", "no-such-host.invalid"])
def test_not_loopback(host):
    assert not is_loopback(host)


def test_the_served_folder_holds_only_the_dashboards():
    names = {p.name for p in DASHBOARDS_DIR.iterdir() if p.name != ".ipynb_checkpoints"}
    assert names == {f"{n}.{ext}" for n in NAMES for ext in ("ipynb", "py")}
    _server._check_folder()


def test_anything_else_in_the_served_folder_stops_the_server(tmp_path, monkeypatch):
    (tmp_path / "relationship.ipynb").write_text("{}")
    (tmp_path / "notes.ipynb").write_text("{}")
    monkeypatch.setattr(_server, "DASHBOARDS_DIR", tmp_path)
    with pytest.raises(DashboardError, match="notes.ipynb"):
        _server._check_folder()


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs_paired_and_thin(name):
    nb = nbformat.read(DASHBOARDS_DIR / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    script = jupytext.read(DASHBOARDS_DIR / f"{name}.py")
    assert [(c.cell_type, c.source) for c in script.cells] == [(c.cell_type, c.source) for c in nb.cells]
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for cell in code:
        tree = ast.parse(cell.source)
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)]
    assert f"{name}_dashboard(" in code[-1].source and "query_string()" in code[-2].source


def test_nothing_the_page_needs_comes_from_off_the_machine():
    for path in TEMPLATE_ROOT.rglob("*"):
        if path.is_file() and path.suffix != ".md":
            assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", path.read_text()), path
    assert "url(" not in CSS and "@import" not in CSS
    assert "default-src 'self'" in CSP and "connect-src 'self'" in CSP


def test_voila_is_told_the_template_preheating_and_no_retries():
    argv = voila_argv(host="127.0.0.1", port=9999, pool_size=2)
    assert argv[0] == str(DASHBOARDS_DIR)
    for option in ("--VoilaConfiguration.template=valuekit", "--VoilaConfiguration.preheat_kernel=True",
                   "--VoilaConfiguration.default_pool_size=2", "--Voila.port_retries=0", "--Voila.port=9999"):  # fmt: skip
        assert option in argv


def test_the_app_forces_its_settings_and_routes_no_listing(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_PATH", str(TEMPLATE_ROOT))
    monkeypatch.setattr(signal, "signal", lambda *a: None)  # Voila would take this process's SIGTERM
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    app = make_app_class()()
    app.initialize([*voila_argv(host="127.0.0.1", port=9998, pool_size=0),
                    "--VoilaConfiguration.show_tracebacks=True", "--VoilaConfiguration.strip_sources=False"])  # fmt: skip
    vc = app.voila_configuration
    assert vc.strip_sources and not vc.show_tracebacks  # whatever the command line or a config file says
    assert vc.allow_template_override == "NO" and vc.allow_theme_override == "NO"
    assert vc.file_allowlist == [] and vc.template == "valuekit"
    assert str(TEMPLATE_ROOT / "voila" / "templates" / "valuekit") in app.template_paths
    assert app.tornado_settings["headers"]["Content-Security-Policy"] == CSP
    app.connection_dir = str(tmp_path)
    app.app_settings = app.init_settings()
    handlers = app.init_handlers()
    classes = [h[1] for h in handlers]
    assert TornadoVoilaTreeHandler not in classes and VoilaContentsHandler not in classes
    assert classes[0].__name__ == "RootHandler"
