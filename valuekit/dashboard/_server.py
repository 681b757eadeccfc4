"""Serving the dashboards: Voila over ``notebooks/dashboards/`` only, locked down for stakeholders.

What :func:`serve` sets up, and why:

* **Only the dashboards.** Voila opens and executes any notebook under the folder it serves, so it serves
  ``notebooks/dashboards/``, which holds the two dashboards and nothing else. Its file handler serves no file at
  all (``file_allowlist`` empty; notebooks and scripts are denied anyway), and the folder listing
  (``/voila/tree``) and contents API (``/voila/api/contents``) are not routed: ``/`` leads to the portfolio on an
  analyst's server and is a 404 otherwise. The store, ``data/`` and every other file of the repository are
  outside the served folder. Template and theme overrides from the query string are refused.
* **No code, no tracebacks.** Sources are stripped; a failing cell shows a plain sentence and the detail goes to
  the server's log (the dashboards also catch their own errors: see :func:`._relationship.log_error`).
* **Bound to localhost** unless told otherwise. The mode (:mod:`._access`) is *open* — a page without a query
  string shows every relationship — only on a loopback address without ``--require-token``; on any other
  address every page needs a signed link. Behind a reverse proxy, bind to 127.0.0.1 and pass
  ``--require-token``: the proxy's own address is loopback, so its visitors would otherwise get the open view.
* **Nothing from off the machine**: the ``valuekit`` template (``templates/dashboards/``) drops Voila's CDN links,
  and a Content-Security-Policy lets a page load only from this server.
* **Fast first render**: preheated kernels (Voila's ``preheat_kernel``) run each dashboard up to
  :func:`~._access.query_string` before anyone asks; the views themselves come from the disk cache
  (:mod:`._cache`), filled in the background by ``valuekit dashboard warm`` when the server starts.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
from pathlib import Path

from ..config import NOTEBOOKS_DIR, PROJECT_ROOT
from ._access import ACCESS_ENV, OPEN, TOKEN
from ._errors import DashboardError

__all__ = ["DASHBOARDS_DIR", "TEMPLATE_ROOT", "CSP", "is_loopback", "voila_argv", "serve", "make_app_class"]

#: The folder served: the two dashboards and nothing else.
DASHBOARDS_DIR = NOTEBOOKS_DIR / "dashboards"
#: Put on ``JUPYTER_PATH`` so Voila finds the ``valuekit`` template (``voila/templates/valuekit``).
TEMPLATE_ROOT = PROJECT_ROOT / "templates" / "dashboards"
#: Everything a page loads comes from this server (widgets need inline styles, ``eval`` and data/blob URLs).
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-ancestors 'self'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
#: The JupyterLab extensions a page loads: the widgets and Voila's widget manager, nothing else installed.
LAB_EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8")
#: What a viewer reads when a cell fails outside the dashboards' own error handling.
ERROR_TEXT = "This part of the dashboard could not be shown. The details are in the server's log."


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is only reachable from this machine."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - this is the check that refuses them
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0].split("%")[0]).is_loopback for i in infos)


def voila_argv(*, host: str, port: int, pool_size: int, base_url: str = "/") -> list[str]:
    """Voila's command line for the dashboards (the security settings are also forced in :func:`make_app_class`)."""
    return [
        str(DASHBOARDS_DIR),
        f"--Voila.ip={host}",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        "--Voila.open_browser=False",
        f"--Voila.base_url={base_url}",
        "--VoilaConfiguration.template=valuekit",
        "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaConfiguration.default_pool_size={pool_size}",
        "--KernelManager.transport=ipc",  # kernels on private sockets, not on TCP ports other local users can reach
        "--MappingKernelManager.cull_idle_timeout=1800",
        "--MappingKernelManager.cull_interval=300",
    ]


def make_app_class():
    """Voila's application, with the dashboards' handlers and settings fixed in code (no config file can undo them)."""
    import tornado.web
    from voila.app import Voila
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    class TemplateStatic(TemplateStaticFileHandler):
        """Voila's template assets (``<template>/static/<file>``); anything else is a 404, not a failed assertion."""

        def parse_url_path(self, path):
            parts = os.path.normpath(path).split(os.sep, 2)
            if len(parts) < 3 or parts[1] != "static" or ".." in parts or path.startswith("/"):
                raise tornado.web.HTTPError(404)
            return super().parse_url_path(path)

    class RootHandler(tornado.web.RequestHandler):
        """``/``: the portfolio on an analyst's (open) server; nothing to see on a stakeholders' one."""

        def initialize(self, target: str | None):
            self.target = target

        def get(self):
            if self.target is None:
                raise tornado.web.HTTPError(404)
            self.redirect(self.target)

    class DashboardVoila(Voila):
        name = "valuekit-dashboard"

        def initialize(self, argv=None):
            super().initialize(argv)
            vc = self.voila_configuration
            vc.strip_sources = True
            vc.show_tracebacks = False
            vc.allow_template_override = "NO"
            vc.allow_theme_override = "NO"
            vc.file_allowlist = []
            vc.file_denylist = [r".*"]
            vc.extension_language_mapping = {}
            vc.progressive_rendering = False
            vc.extension_allowlist = list(LAB_EXTENSIONS)  # the widgets only: nothing else loads in a page
            self.config.VoilaExecutor.show_tracebacks = False
            self.config.VoilaExecutor.cell_error_instruction = ERROR_TEXT
            self.tornado_settings = {
                **self.tornado_settings,
                "headers": {
                    "Content-Security-Policy": CSP,
                    "Referrer-Policy": "no-referrer",
                    "X-Content-Type-Options": "nosniff",
                },
            }
            self.setup_template_dirs()

        def init_handlers(self):
            hidden = (TornadoVoilaTreeHandler, VoilaContentsHandler)
            handlers = [h for h in super().init_handlers() if h[1] not in hidden]
            handlers = [
                (h[0], TemplateStatic, *h[2:]) if h[1] is TemplateStaticFileHandler else h for h in handlers
            ]
            open_mode = os.environ.get(ACCESS_ENV) == OPEN
            target = f"{self.base_url}voila/render/portfolio.ipynb" if open_mode else None
            return [(self.server_url or self.base_url, RootHandler, {"target": target}), *handlers]

    return DashboardVoila


def _check_folder() -> None:
    """The served folder must hold the two dashboards and nothing else (no data, no other notebooks)."""
    allowed = {
        "relationship.ipynb",
        "portfolio.ipynb",
        "relationship.py",
        "portfolio.py",
        ".ipynb_checkpoints",
    }
    extra = sorted(p.name for p in DASHBOARDS_DIR.iterdir() if p.name not in allowed)
    if extra:
        raise DashboardError(
            f"{DASHBOARDS_DIR} is served as it is, so it may hold only the two dashboards; it also holds: "
            f"{', '.join(extra)}. Move them elsewhere."
        )


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8866,
    require_token: bool = False,
    store_path: str | os.PathLike | None = None,
    pool_size: int = 1,
    warm: bool = True,
    base_url: str = "/",
    echo=print,
) -> None:
    """Start Voila over the dashboards and block until it stops (Ctrl-C).

    Raises
    ------
    DashboardError
        The served folder holds something else, or the secret that signs links is unusable.
    """
    from ..notebook import ensure_sample_store
    from ._tokens import SECRET_ENV, load_secret, secret_path

    _check_folder()
    load_secret()  # fail here, not in a viewer's page; creates the secret file on first use
    mode = OPEN if is_loopback(host) and not require_token else TOKEN
    store = ensure_sample_store(store_path)
    env = os.environ
    env[ACCESS_ENV] = mode
    env["VALUEKIT_STORE"] = str(Path(store).resolve())
    env["JUPYTER_PATH"] = os.pathsep.join(
        [str(TEMPLATE_ROOT), *[p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]]
    )
    if host not in ("", "0.0.0.0", "::"):  # noqa: S104 - preheated kernels call back to the address bound
        env["VOILA_APP_IP"] = host
    base = base_url if base_url.endswith("/") else base_url + "/"
    where = f"http://{host if ':' not in host else f'[{host}]'}:{port}{base}"
    echo(f"valuekit dashboards at {where} (serving {DASHBOARDS_DIR} only; store {store})")
    if mode == OPEN:
        echo(f"  open mode (localhost): {where} is the portfolio; every relationship can be picked")
    else:
        why = "--require-token" if require_token else f"{host} is not a loopback address"
        echo(
            f"  token mode ({why}): only signed links open a page — make them with 'valuekit dashboard link ID'"
        )
    secret_from = f"${SECRET_ENV}" if SECRET_ENV in env else str(secret_path())
    echo(f"  links are signed with the secret in {secret_from}")
    warming = _start_warming(store) if warm else None
    try:
        app = make_app_class()()
        app.initialize(voila_argv(host=host, port=port, pool_size=pool_size, base_url=base))
        app.start()
    finally:
        if warming is not None and warming.poll() is None:  # the server stopped first: so does the warm-up
            warming.terminate()
            warming.wait(10)


def _start_warming(store: Path) -> subprocess.Popen:
    """Fill the view cache in a background process at low priority (it ends on its own)."""
    cmd = [sys.executable, "-m", "valuekit.dashboard", "warm", "--store", str(store), "--quiet"]
    return subprocess.Popen(cmd, preexec_fn=lambda: os.nice(10) if hasattr(os, "nice") else None)  # noqa: S603, PLW1509
