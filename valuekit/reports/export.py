"""Client-ready reports: an executed notebook as one self-contained HTML file, and that file printed to PDF.

:func:`export_html` renders an executed methodology notebook with the report template in
``templates/reports/valuekit/`` (an nbconvert template): a cover with the relationship, the cycle, the date,
the sections and the reproducibility stamp, then the notebook's prose and outputs — tables, charts, findings.
A client never sees code: code cells show their outputs only; the ``parameters`` and papermill's
``injected-parameters`` cells, cells tagged ``remove-cell``, stderr (where warnings go), scripts and widgets
are left out, and a notebook with an error output is refused (:class:`ExportError`), since a report missing
a section must not go out looking whole. Outputs of cells tagged ``remove-output`` are dropped.

The file opens offline, mailed as it is: the stylesheet is inlined, charts are ``data:`` URIs (local images
a markdown cell refers to are inlined too; remote images become their alt text), and after rendering every
``src``, ``href``, ``srcset`` and CSS ``url()`` is checked — anything pointing off the file is removed. A
hyperlink an author wrote in markdown becomes plain text: its words, then the address in brackets when it
differs from them (``mailto:`` shown as the address), so nothing is lost on paper and nothing is fetched.

:func:`print_pdf` prints that HTML to an A4 PDF with Debian's headless Chromium (header with the
relationship, footer with the page number, from the template's ``@page`` rules). Both write atomically: a
temporary file in the target folder, then :func:`os.replace`, so the final path only ever holds a whole file.

The exporter is built once per process; :func:`warm_up` also compiles what the first export would, for a
process that forks report workers.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import functools
import logging
import mimetypes
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import nbformat

from .._files import write_atomic
from .._version import __version__
from ..config import TEMPLATES_DIR
from ..errors import ValuekitError

__all__ = ["ExportError", "export_html", "print_pdf", "warm_up", "REPORT_TEMPLATE", "REPORT_TEMPLATES_DIR"]

#: Folder of report templates (nbconvert template directories) and the one :func:`export_html` uses.
REPORT_TEMPLATES_DIR = TEMPLATES_DIR / "reports"
REPORT_TEMPLATE = "valuekit"

#: Cells never shown to a client: the notebook's parameters, papermill's copy of them, and opt-outs.
HIDDEN_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell", "remove_cell"})
#: Cells whose outputs are never shown (their markdown, if any, is).
HIDDEN_OUTPUT_TAGS = frozenset({"remove-output", "remove_output"})

#: Attributes through which HTML refers to another resource; only ``#…`` and ``data:`` survive in them.
_URL_ATTRIBUTES = ("src", "href", "xlink:href", "srcset", "poster", "data", "action", "formaction",
                   "background", "cite", "longdesc", "ping", "manifest", "codebase", "usemap")  # fmt: skip
#: Elements that only fetch or run things: dropped whole.
_DROPPED_ELEMENTS = ("script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "link",
                     "base", "portal", "template")  # fmt: skip
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:|#)[^)]*?\1\s*\)", re.I)
_CSS_IMPORT = re.compile(r"@import\b[^;]*;?", re.I)
_NUMBER = re.compile(r"^[−\-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*%?$")
_SHORT = 24  # characters: a longer single word in a table cell may wrap

_CHROMIUM_NAMES = ("chromium", "chromium-browser")
_CHROMIUM_FLAGS = (  # --headless is the new headless mode (the old one is a separate binary since Chromium 132)
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--disable-breakpad", "--mute-audio", "--hide-scrollbars", "--no-pdf-header-footer",
)  # fmt: skip


class ExportError(ValuekitError):
    """A report cannot be exported: the notebook, the cover, the output path or Chromium; the message says which."""


# -- HTML ---------------------------------------------------------------------------------------------------
def export_html(
    notebook: str | os.PathLike | nbformat.NotebookNode,
    html_path: str | os.PathLike,
    *,
    cover: Mapping[str, Any],
) -> Path:
    """Write an executed notebook as a client-ready, self-contained HTML report.

    Parameters
    ----------
    notebook
        The executed notebook: a path to an ``.ipynb`` file, or a :class:`nbformat.NotebookNode` (not changed).
    html_path
        Where to write the report; its folder is created. Written atomically.
    cover
        What the cover says. Keys, all optional: ``title``; ``relationship`` (display name) and
        ``relationship_id``; ``cycle`` (id) and ``cycle_label``; ``date`` (ISO date string, a
        :class:`datetime.date`; default today); ``stamp``, the mapping
        :attr:`valuekit.analysis.overview.Analysis.stamp` or :func:`valuekit.notebook.stamp_for` returns
        (template, data fingerprint, valuekit version, thresholds…). Missing ids are taken from the
        notebook's papermill parameters (``relationship``, ``cycle``); a missing title is made from the
        relationship and cycle; a stamp without a data fingerprint or template says "not recorded".

    Returns
    -------
    pathlib.Path
        ``html_path``.

    Raises
    ------
    ExportError
        The notebook file is missing or not a notebook; a cell's output is an error (the run failed); ``cover``
        is not a mapping; the file cannot be written.

    Examples
    --------
    >>> export_html(
    ...     "out/02_solve.ipynb", "out/02_solve.html",
    ...     cover={"relationship": "Harbourside × Northwind", "relationship_id": "harbourside-northwind",
    ...            "cycle": "solve", "cycle_label": "Solve", "date": "2025-11-25", "stamp": result.stamp},
    ... )  # doctest: +SKIP
    PosixPath('out/02_solve.html')
    """
    nb, source, folder = _read_notebook(notebook)
    if not isinstance(cover, Mapping):
        raise ExportError(
            f"cover must be a mapping (title, relationship, cycle, date, stamp…); got {cover!r}"
        )
    shown = _client_view(nb, source)
    report = _cover_context(cover, nb)
    resources = {"report": report, "metadata": {"name": report["title"], "path": str(folder or "")}}
    with _EXPORT_LOCK:
        exporter = _exporter()
        try:
            body, _ = exporter.from_notebook_node(shown, resources=resources)
        except ValuekitError:
            raise
        except Exception as exc:  # nbconvert and jinja errors: say which notebook
            raise ExportError(f"{source}: cannot render the report ({type(exc).__name__}: {exc})") from exc
    html = _finish(body, folder)
    return _write_atomic(Path(html_path), html.encode("utf-8"))


def warm_up() -> None:
    """Load the template and compile what the first export would (about 0.4 s), so later exports cost ~0.1 s.

    Call it once in a process that forks report workers (the zygote), before forking: each child then
    inherits a ready exporter. Writes nothing.
    """
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    table = "<style>#T td {padding: 2px}</style><table id='T'><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    outputs = [
        new_output("execute_result", data={"text/html": table, "text/markdown": "*x*", "text/plain": "x"}),
        new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
        new_output("stream", name="stdout", text="x"),
    ]
    cells = [
        new_markdown_cell("# Warm-up\n\n## Section\n\n[a](https://example.org)"),
        new_code_cell("", outputs=outputs),
    ]
    nb = new_notebook(cells=cells)
    with _EXPORT_LOCK:
        body, _ = _exporter().from_notebook_node(
            _client_view(nb, "warm-up"), resources={"report": _cover_context({}, nb)}
        )
    _finish(body)


_EXPORT_LOCK = threading.Lock()  # the exporter re-registers filters per call: one conversion at a time


@functools.cache
def _exporter():
    """The HTML exporter with the report template, built once per process (it caches the loaded template)."""
    from nbconvert import HTMLExporter

    template = REPORT_TEMPLATES_DIR / REPORT_TEMPLATE
    if not (template / "index.html.j2").is_file():
        raise ExportError(f"report template not found: {template / 'index.html.j2'}")
    exporter = HTMLExporter(
        extra_template_basedirs=[str(REPORT_TEMPLATES_DIR)],
        template_name=REPORT_TEMPLATE,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_raw=True,
        exclude_unknown=True,
        exclude_anchor_links=True,
        log=logging.getLogger(__name__),  # its own logger: the shared "traitlets" one is left as it is
    )
    exporter.template  # noqa: B018  load and compile the template now, once
    return exporter


def _read_notebook(notebook) -> tuple[nbformat.NotebookNode, str, Path | None]:
    """(a copy of the notebook, how to name it in errors, its folder or None)."""
    if isinstance(notebook, nbformat.NotebookNode):
        return copy.deepcopy(notebook), "the notebook given", None
    if not isinstance(notebook, str | os.PathLike):
        raise ExportError(
            f"notebook must be a path or an nbformat.NotebookNode; got {type(notebook).__name__}"
        )
    path = Path(notebook)
    if not path.is_file():
        raise ExportError(f"{path}: no such notebook file" + (" (it is a folder)" if path.is_dir() else ""))
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # NotJSONError, UnicodeDecodeError, OSError, validation: all "not readable"
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExportError(f"{path}: not a readable notebook ({type(exc).__name__}: {reason[:200]})") from exc
    if not isinstance(nb.get("cells"), list):
        raise ExportError(f"{path}: not a notebook (no list of cells)")
    return nb, str(path), path.resolve().parent


def _client_view(nb: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    """The notebook as a client may see it: no hidden cells, no stderr, no scripts; refuse errors."""
    if nb.metadata.get("papermill", {}).get("exception"):
        raise ExportError(
            f"{source}: papermill recorded an exception; a failed run is not made into a report"
        )
    cells = []
    for index, cell in enumerate(nb.cells):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_CELL_TAGS or cell.get("cell_type") not in ("markdown", "code"):
            continue
        if cell.cell_type == "code":
            outputs = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    raise ExportError(
                        f"{source}: cell {index} failed ({output.get('ename')}: {output.get('evalue')}); "
                        "a client report is only made from a notebook that ran to the end"
                    )
                if output.get("output_type") == "stream" and output.get("name") != "stdout":
                    continue
                if tags & HIDDEN_OUTPUT_TAGS:
                    continue
                outputs.append(output)
            if not outputs:
                continue
            cell = nbformat.from_dict({**cell, "source": "", "outputs": outputs})
        cells.append(cell)
    return nbformat.from_dict({**nb, "cells": cells})


def _cover_context(cover: Mapping[str, Any], nb: nbformat.NotebookNode) -> dict[str, Any]:
    """What the template's cover, header and footer show, with defaults for what ``cover`` leaves out."""
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    text = {k: (str(v).strip() if v is not None else "") for k, v in cover.items() if k != "stamp"}
    relationship_id = text.get("relationship_id") or str(params.get("relationship") or "")
    relationship = text.get("relationship") or relationship_id
    cycle = text.get("cycle") or str(params.get("cycle") or "")
    cycle_label = text.get("cycle_label") or cycle.replace("-", " ").capitalize()
    title = (
        text.get("title")
        or " — ".join(p for p in (relationship, cycle_label) if p)
        or "Value Management report"
    )
    day = _report_date(cover.get("date"))
    stamp = _stamp_rows(cover.get("stamp"), relationship_id, cycle)
    header_right = " · ".join(p for p in (cycle_label, day.strftime("%-d %B %Y")) if p)
    # the page's header and footer (@page margin boxes in the template) take CSS strings, not HTML
    page = {
        "top_left": relationship,
        "top_right": header_right,
        "bottom_left": f"Value Management report · valuekit {__version__}",
    }
    return {
        "title": title,
        "relationship": relationship,
        "relationship_id": relationship_id,
        "cycle": cycle,
        "cycle_label": cycle_label,
        "date": day.strftime("%-d %B %Y"),
        "date_iso": day.isoformat(),
        "stamp": stamp,
        "page": {name: _css_string(value) for name, value in page.items()},
        "exporter_version": __version__,
    }


def _report_date(value: object) -> dt.date:
    if value in (None, ""):
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ExportError(f"cover['date'] must be an ISO date such as 2025-11-25; got {value!r}") from None


#: Stamp entries by the names :func:`valuekit.analysis.overview.analyse` and :func:`valuekit.notebook.stamp_for`
#: use → the label a reader sees. The first three are always shown.
_STAMP_LABELS = {
    "template": "Diagnostic template",
    "fingerprint": "Data fingerprint",
    "valuekit_version": "valuekit version",
    "previous_cycle": "Compared with cycle",
    "relationships": "Relationships in the portfolio",
    "k": "Fewest respondents behind a number",
    "k_comments": "Fewest respondents behind a comment",
}
_STAMP_ALIASES = {
    "data_fingerprint": "fingerprint",
    "valuekit": "valuekit_version",
    "version": "valuekit_version",
}


def _stamp_rows(stamp: object, relationship_id: str, cycle: str) -> list[tuple[str, str]]:
    if stamp is None:
        stamp = {}
    elif not isinstance(stamp, Mapping):
        if hasattr(stamp, "_asdict"):
            stamp = stamp._asdict()
        elif hasattr(stamp, "__dataclass_fields__"):
            stamp = {f: getattr(stamp, f) for f in stamp.__dataclass_fields__}
        else:
            raise ExportError(f"cover['stamp'] must be a mapping such as Analysis.stamp; got {stamp!r}")
    values = {_STAMP_ALIASES.get(str(k), str(k)): v for k, v in stamp.items()}
    values.setdefault("valuekit_version", __version__)
    rows = []
    for key in ("template", "fingerprint", "valuekit_version"):
        value = values.pop(key, None)
        rows.append((_STAMP_LABELS[key], "not recorded" if value in (None, "") else str(value)))
    if values.get("relationship") in (relationship_id, None, ""):
        values.pop("relationship", None)
    if values.get("cycle") in (cycle, None, ""):
        values.pop("cycle", None)
    for key, value in values.items():
        if value not in (None, ""):
            rows.append((_STAMP_LABELS.get(key, key.replace("_", " ").capitalize()), str(value)))
    return rows


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    out = []
    for ch in text:
        if ch in '"\\' or ch in "<>&" or ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _finish(html: str, folder: Path | None = None) -> str:
    """Make the rendered page self-contained and readable: see the module docstring for what is changed.

    ``folder`` is the notebook's: a relative image path inside it is inlined (nbconvert's own ``embed_images``
    parses inline HTML a tag at a time, which breaks raw ``<a>`` links, so it is not used).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for name in _DROPPED_ELEMENTS:
        for element in soup.find_all(name):
            element.decompose()
    for meta in soup.find_all("meta", attrs={"http-equiv": True}):
        meta.decompose()
    for link in soup.find_all("a"):
        _unlink(soup, link)
    for element in soup.find_all(True):
        for attr in list(element.attrs):
            if attr.lower().startswith("on"):  # event handlers: no scripts in a report
                del element[attr]
            elif attr.lower() in _URL_ATTRIBUTES and not _on_file(element[attr]):
                if element.name == "img" and attr.lower() == "src":
                    inlined = _inline_image(str(element[attr]), folder)
                    if inlined is not None:
                        element[attr] = inlined
                        continue
                    missing = soup.new_tag("span", attrs={"class": "missing-image"})
                    missing.string = f"[image: {element.get('alt') or 'not included'}]"
                    element.replace_with(missing)
                    break
                del element[attr]
        if element.has_attr("style"):
            element["style"] = _CSS_IMPORT.sub("", _CSS_URL.sub("none", element["style"]))
    for style in soup.find_all("style"):
        style.string = _CSS_IMPORT.sub("", _CSS_URL.sub("none", style.get_text()))
    main = soup.find("main")
    if main is not None:
        _sections(soup, main)
        _contents(soup, main)
        for table in main.find_all("table"):
            _align_numbers(table)
        for code in main.find_all("code"):
            text = code.get_text()
            if code.parent.name != "pre" and len(text) <= _SHORT and not any(ch.isspace() for ch in text):
                code["class"] = [*code.get("class", []), "nowrap"]  # D-RSP-01 is not broken at its hyphen
    return "<!DOCTYPE html>\n" + str(soup).removeprefix("<!DOCTYPE html>").lstrip("\n")


def _inline_image(src: str, folder: Path | None) -> str | None:
    """A local image inside the notebook's folder as a ``data:`` URI; None for anything else."""
    if folder is None or re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I):
        return None
    path = (folder / unquote(src.split("#")[0].split("?")[0])).resolve()
    kind = mimetypes.guess_type(path.name)[0] or ""
    if not path.is_relative_to(folder) or not path.is_file() or not kind.startswith("image/"):
        return None
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _on_file(value: object) -> bool:
    values = value if isinstance(value, list) else [value]
    return all(str(v).strip().lower().startswith(("#", "data:")) or not str(v).strip() for v in values)


def _unlink(soup, link) -> None:
    """An off-file hyperlink as text: its words, then the address in brackets if the words don't show it."""
    href = str(link.get("href", "")).strip()
    if not href or href.startswith("#"):
        return
    words = link.get_text().strip()
    address = href.removeprefix("mailto:") if href.lower().startswith("mailto:") else href
    replacement = [*link.contents]
    if address and address.rstrip("/") != words.rstrip("/") and not href.lower().startswith("javascript:"):
        shown = soup.new_tag("span", attrs={"class": "link-url"})
        shown.string = f" ({address})" if words else address
        replacement.append(shown)
    if replacement:
        link.replace_with(*replacement)
    else:
        link.decompose()


def _sections(soup, main) -> None:
    """Group ``<main>``'s children into sections at each h1/h2; a section with a chart or table breaks the page."""
    children = list(main.children)
    current = None
    for child in children:
        if getattr(child, "name", None) in ("h1", "h2"):
            current = soup.new_tag("section")
            child.insert_before(current)
        if current is None:
            if not str(child).strip():
                continue
            current = soup.new_tag("section")
            child.insert_before(current)
        current.append(child.extract())
    for section in main.find_all("section", recursive=False):
        if section.find(["img", "table"]) is not None and section.find("h2", recursive=False) is not None:
            section["class"] = [*section.get("class", []), "breaks"]


def _contents(soup, main) -> None:
    """The cover's list of sections: the h2 headings, linked to their ids."""
    nav = soup.find("nav", class_="cover-contents")
    headings = main.find_all("h2")
    if nav is None or not headings:
        return
    taken = {str(e["id"]) for e in soup.find_all(id=True)}
    for heading in headings:
        if not heading.get("id"):
            slug = re.sub(r"[^\w]+", "-", heading.get_text(" ", strip=True).lower()).strip("-") or "section"
            anchor, n = slug, 1
            while anchor in taken:
                n += 1
                anchor = f"{slug}-{n}"
            heading["id"] = anchor
            taken.add(anchor)
    title = soup.new_tag("h2")
    title.string = "In this report"
    listing = soup.new_tag("ol")
    for heading in headings:
        item = soup.new_tag("li")
        anchor = soup.new_tag("a", href=f"#{heading['id']}")
        anchor.string = heading.get_text(" ", strip=True)
        item.append(anchor)
        listing.append(item)
    nav.append(title)
    nav.append(listing)


def _align_numbers(table) -> None:
    """Mark columns of numbers ``num`` (aligned right) and of short single words ``nowrap`` (kept whole)."""
    rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
    body = [r for r in rows if r.find_parent("thead") is None and r.find("td") is not None]
    if not body or any(c.get("colspan") or c.get("rowspan") for r in rows for c in r.find_all(["td", "th"])):
        return
    grid = [r.find_all(["td", "th"], recursive=False) for r in body]
    width = max(len(r) for r in grid)
    marks: dict[int, str] = {}
    for col in range(width):
        texts = [r[col].get_text(strip=True) for r in grid if col < len(r)]
        filled = [t for t in texts if t not in ("", "–", "—", "-", "nan", "NaN", "None", "<NA>")]
        if filled and all(_NUMBER.match(t) for t in filled):
            marks[col] = "num"
        elif filled and all(len(t) <= _SHORT and not any(ch.isspace() for ch in t) for t in filled):
            marks[col] = "nowrap"  # identifiers such as TRU-01 or solve-P01: never broken at the hyphen
    for row in rows:
        cells = row.find_all(["td", "th"], recursive=False)
        if len(cells) != width:
            continue
        for col, mark in marks.items():
            if mark == "num" or cells[col].name == "td":
                cells[col]["class"] = [*cells[col].get("class", []), mark]


def _write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then move it into place in one step."""
    try:
        return write_atomic(path, data)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write the report ({exc.strerror or exc})") from exc


# -- PDF ----------------------------------------------------------------------------------------------------
def print_pdf(
    html_path: str | os.PathLike,
    pdf_path: str | os.PathLike,
    *,
    timeout: float = 120,
    chromium: str | None = None,
) -> Path:
    """Print an HTML report to PDF with headless Chromium (A4, the report's own header, footer and page numbers).

    Chromium runs with a fresh profile in a temporary folder, no sandbox, no GPU, no extensions, no
    background networking, and its own header and footer switched off (``--no-pdf-header-footer``); the page
    layout comes from the report's ``@page`` rules. Nothing is downloaded: a report from :func:`export_html`
    refers to nothing outside itself.

    Parameters
    ----------
    html_path
        The HTML report.
    pdf_path
        Where to write the PDF; its folder is created. Written atomically.
    timeout
        Seconds Chromium may take; past it, it is killed (with everything it started) and
        :class:`ExportError` raised.
    chromium
        The browser to run; default ``chromium`` (or ``chromium-browser``) on ``PATH``.

    Returns
    -------
    pathlib.Path
        ``pdf_path``.

    Raises
    ------
    ExportError
        No such HTML file; Chromium not installed; Chromium failed, timed out or wrote no PDF.
    """
    html = Path(html_path)
    if not html.is_file():
        raise ExportError(f"{html}: no such HTML report to print")
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ExportError(f"timeout must be a positive number of seconds; got {timeout!r}")
    browser = _find_chromium(chromium)
    pdf = Path(pdf_path)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    tmp = pdf.with_name(f".{pdf.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with tempfile.TemporaryDirectory(prefix="valuekit-chromium-") as profile:
            command = [browser, *_CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}",
                       html.resolve().as_uri()]  # fmt: skip
            env = {**os.environ, "HOME": profile, "XDG_CONFIG_HOME": profile, "XDG_CACHE_HOME": profile}
            _run_chromium(command, env, timeout, html, pdf)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise ExportError(f"printing {html} to {pdf}: Chromium exited without writing a PDF")
        with open(tmp, "rb") as fh:
            if fh.read(5) != b"%PDF-":
                raise ExportError(f"printing {html} to {pdf}: Chromium wrote something that is not a PDF")
        os.replace(tmp, pdf)
    finally:
        tmp.unlink(missing_ok=True)
    return pdf


def _find_chromium(chromium: str | None) -> str:
    hint = "install it with `make chromium` or `apt-get install chromium`"
    if chromium is not None:
        found = shutil.which(chromium)
        if found is None:
            raise ExportError(f"Chromium not found at {chromium!r}, needed to print PDFs; {hint}")
        return found
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    raise ExportError(
        f"Chromium not found on PATH ({', '.join(_CHROMIUM_NAMES)}), needed to print PDFs; {hint}"
    )


def _run_chromium(command: list[str], env: dict, timeout: float, html: Path, pdf: Path) -> None:
    """Run Chromium in its own process group, so a timeout kills the browser's helpers too, not just its launcher."""
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise ExportError(f"cannot start Chromium ({command[0]}): {exc}") from exc
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ExportError(
            f"printing {html} to {pdf}: Chromium did not finish within {timeout:g} s and was stopped"
        ) from None
    except BaseException:
        _kill_group(proc)
        raise
    finally:
        _kill_group(proc, only_leftovers=True)
    if proc.returncode != 0:
        last = [ln for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()][-3:]
        raise ExportError(
            f"printing {html} to {pdf}: Chromium exited with code {proc.returncode} after "
            f"{time.monotonic() - start:.1f} s" + (": " + " | ".join(last) if last else "")
        )


def _kill_group(proc: subprocess.Popen, *, only_leftovers: bool = False) -> None:
    """Kill the process group Chromium was started in (its renderers and helpers), then reap the launcher."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if not only_leftovers or proc.returncode is None:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
