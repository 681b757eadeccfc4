"""The client-ready export: an executed notebook as one self-contained HTML file, printed to PDF by Chromium.

Two notebooks are exported: a small one crafted here with one of everything a client must not see (code,
parameters, stderr, a script, off-file links and images) next to what it must (markdown, a table, a chart,
stdout), and ``02_solve`` run once for the module on the sample portfolio the way batch reports run it.
The real report is printed by the real Chromium; the failure modes of printing use a stand-in script.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image

from valuekit import __version__
from valuekit import notebook as vk
from valuekit.analysis.data import load_relationship
from valuekit.config import PROJECT_ROOT
from valuekit.errors import ValuekitError
from valuekit.reports import export, run_notebooks
from valuekit.reports.export import ExportError, export_html, print_pdf
from valuekit.store import Store

RELATIONSHIP = "harbourside-northwind"
SECRET = "SOURCE_NEVER_SHOWN"  # in every code cell's source of the crafted notebook
#: Any reference to another resource that is not an anchor or a data: URI.
OFF_FILE = re.compile(
    r"""(?:\b(?:src|href|srcset|poster|action|background|xlink:href)\s*=\s*["']?\s*(?!#|data:)[^\s"'>]"""
    r"""|url\(\s*["']?\s*(?!data:|#)|@import)""",
    re.I,
)


def png(width: int = 40, height: int = 20, colour: str = "#1f4e79") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["style", "script"]):
        element.decompose()
    return soup.get_text(" ")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


# -- the crafted notebook ------------------------------------------------------------------------------------
@pytest.fixture
def crafted(tmp_path) -> Path:
    """An executed notebook with one of each kind of cell and output, and a local image beside it."""
    (tmp_path / "logo.png").write_bytes(png(8, 8, "#c0392b"))
    chart = base64.b64encode(png()).decode()
    cells = [
        new_markdown_cell(
            "# How is the crafted relationship doing?\n\n"
            "Read the [method guide](https://example.org/guide) or write to "
            "<a href='mailto:team@example.org'>the team</a>; see also https://example.org/plain.\n\n"
            "![our logo](logo.png) ![remote logo](https://example.org/logo.png) ![outside](../secret.png)"
        ),
        new_code_cell(f"{SECRET}_parameters = 1", metadata={"tags": ["parameters"]}),
        new_code_cell(f"# Parameters\n{SECRET}_injected = 2", metadata={"tags": ["injected-parameters"]}),
        new_markdown_cell("## Scores\n\nThe table, then the chart."),
        new_code_cell(
            f"print({SECRET})",
            execution_count=3,
            outputs=[
                new_output("stream", name="stdout", text="printed for the reader\n"),
                new_output("stream", name="stderr", text="DeprecationWarning: noise for the analyst\n"),
                new_output(
                    "execute_result",
                    execution_count=3,
                    data={
                        "text/html": (
                            "<style>#T_1 td {background: url(https://tracker.example/x.gif)}"
                            "@import 'https://fonts.example/css';</style>"
                            "<table id='T_1'><thead><tr><th>Value Code</th><th>title</th><th>mean</th>"
                            "<th>favourable</th></tr></thead><tbody>"
                            "<tr><td>TRU-01</td><td>Openness about problems</td><td>2.01</td><td>4%</td></tr>"
                            "<tr><td>RSP-02</td><td>Quick answers</td><td>3.10</td><td>49%</td></tr>"
                            "</tbody></table>"
                            "<script src='https://cdn.example/require.js'></script>"
                            "<img src='https://tracker.example/pixel.gif' srcset='https://a.example/x.png 2x'"
                            " onerror='alert(1)' alt='tracker'>"
                        ),
                        "text/plain": f"<Styler {SECRET}>",
                    },
                ),
            ],
        ),
        new_code_cell(
            f"plot({SECRET})",
            execution_count=4,
            outputs=[new_output("display_data", data={"image/png": chart, "text/plain": "<Figure>"})],
        ),
        new_code_cell(
            f"widget({SECRET})",
            execution_count=5,
            outputs=[new_output("display_data", data={"application/javascript": "alert('x')"})],
        ),
        new_code_cell(
            f"save({SECRET})",
            execution_count=6,
            metadata={"tags": ["remove-output"]},
            outputs=[new_output("execute_result", execution_count=6, data={"text/plain": "Saved: /home/x"})],
        ),
        new_markdown_cell("Only for the analyst.", metadata={"tags": ["remove-cell"]}),
        new_markdown_cell("## For the record\n\nThe end."),
    ]
    nb = new_notebook(cells=cells, metadata={"papermill": {"parameters": {"relationship": "crafted-rel"}}})
    path = tmp_path / "crafted.ipynb"
    nbformat.write(nb, path)
    return path


COVER = {
    "title": "Crafted Council × Example Services — Solve",
    "relationship": "Crafted Council × Example Services",
    "relationship_id": "crafted-rel",
    "cycle": "solve",
    "cycle_label": "Solve",
    "date": "2025-11-25",
    "stamp": {
        "relationship": "crafted-rel",
        "cycle": "solve",
        "previous_cycle": "resolve",
        "template": "client-supplier@1.0.0",
        "fingerprint": "9f2c00d1e2f3a4b5",
        "valuekit_version": "0.1.0",
        "k": 5,
        "k_comments": 10,
    },
}


@pytest.fixture
def crafted_html(crafted, tmp_path) -> str:
    out = export_html(crafted, tmp_path / "out" / "crafted.html", cover=COVER)
    assert out == tmp_path / "out" / "crafted.html"
    return out.read_text(encoding="utf-8")


def test_no_code_prompts_parameters_or_noise(crafted_html):
    assert SECRET not in crafted_html
    text = visible_text(crafted_html)
    assert not re.search(r"\b(In|Out)\s*\[", text)
    for noise in ("DeprecationWarning", "noise for the analyst", "alert(", "Only for the analyst", "Saved:"):
        assert noise not in crafted_html, noise
    assert "<script" not in crafted_html.lower() and "onerror" not in crafted_html.lower()


def test_markdown_and_outputs_kept(crafted_html):
    soup = BeautifulSoup(crafted_html, "html.parser")
    main = soup.find("main")
    assert main.find("h1").get_text(strip=True) == "How is the crafted relationship doing?"
    assert [h.get_text(strip=True) for h in main.find_all("h2")] == ["Scores", "For the record"]
    assert "printed for the reader" in main.get_text()
    rows = [[c.get_text(strip=True) for c in r.find_all(["th", "td"])] for r in main.find_all("tr")]
    assert rows[1] == ["TRU-01", "Openness about problems", "2.01", "4%"]
    # numbers align right; identifiers are kept whole
    first = main.find("tbody").find("tr").find_all("td")
    assert "num" in first[2]["class"] and "num" in first[3]["class"] and "nowrap" in first[0]["class"]
    assert "num" not in first[1].get("class", [])


def test_images_are_embedded(crafted_html):
    soup = BeautifulSoup(crafted_html, "html.parser")
    sources = [img["src"] for img in soup.find_all("img")]
    assert len(sources) == 2  # the chart and the local logo; the remote ones are gone
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert "data:image/png;base64," + base64.b64encode(png()).decode() in sources
    assert "data:image/png;base64," + base64.b64encode(png(8, 8, "#c0392b")).decode() in sources
    text = visible_text(crafted_html)
    # a remote image, or one outside the notebook's folder, is its alt text, never fetched
    assert "[image: remote logo]" in text and "[image: outside]" in text and "[image: tracker]" in text


def test_nothing_points_off_the_file(crafted_html):
    assert not OFF_FILE.findall(crafted_html)
    soup = BeautifulSoup(crafted_html, "html.parser")
    assert not soup.find_all(["script", "link", "iframe", "object", "embed", "base"])
    assert soup.find_all("a")  # the cover's contents still link within the file
    assert all(a["href"].startswith("#") for a in soup.find_all("a", href=True))
    assert all(soup.find(id=a["href"][1:]) is not None for a in soup.find_all("a", href=True))


def test_pattern_catches_off_file_references():
    """The check above can fail: it sees each kind of reference the exporter must remove."""
    for bad in ('<img src="https://x/a.png">', "<a href='mailto:a@b.c'>", "<link href=style.css>",
                "<style>p{background:url(x.png)}</style>", "<style>@import 'x.css';</style>",
                '<img srcset="a.png 2x">', "<script src=//cdn/x.js></script>"):  # fmt: skip
        assert OFF_FILE.search(bad), bad
    for good in ('<a href="#scores">', '<img src="data:image/png;base64,AAA">', "url(data:x)"):
        assert not OFF_FILE.search(good), good


def test_external_links_become_text(crafted_html):
    text = " ".join(visible_text(crafted_html).split())
    assert "method guide (https://example.org/guide)" in text
    assert "the team (team@example.org)" in text
    assert "https://example.org/plain" in text


def test_cover(crafted_html):
    cover = BeautifulSoup(crafted_html, "html.parser").find("section", class_="cover")
    text = " ".join(cover.get_text(" ").split())
    for expected in ("Crafted Council × Example Services — Solve", "Crafted Council × Example Services",
                     "crafted-rel", "Solve", "25 November 2025", "client-supplier@1.0.0", "9f2c00d1e2f3a4b5",
                     "valuekit version 0.1.0", "Compared with cycle resolve"):  # fmt: skip
        assert expected in text, expected
    assert cover.find("time")["datetime"] == "2025-11-25"
    contents = [a.get_text() for a in cover.find_all("a")]
    assert contents == ["Scores", "For the record"]
    head = BeautifulSoup(crafted_html, "html.parser").find("title").get_text()
    assert head == COVER["title"]


def test_header_and_footer_name_the_relationship(crafted_html):
    css = BeautifulSoup(crafted_html, "html.parser").find("style").get_text()
    assert '@top-left { content: "Crafted Council × Example Services"; }' in css
    assert 'counter(page) " of " counter(pages)' in css
    assert "@page :first" in css and "size: A4" in css


def test_cover_defaults_from_the_notebook(crafted, tmp_path):
    html = export_html(crafted, tmp_path / "bare.html", cover={}).read_text(encoding="utf-8")
    cover = " ".join(BeautifulSoup(html, "html.parser").find("section", class_="cover").get_text(" ").split())
    assert "crafted-rel" in cover  # from papermill's parameters
    assert dt.date.today().strftime("%-d %B %Y") in cover
    assert "Data fingerprint not recorded" in cover and f"valuekit version {__version__}" in cover


def test_cover_text_is_escaped(crafted, tmp_path):
    hostile = {**COVER, "relationship": 'A "quoted" </style><script>x</script> name', "title": "<b>T</b>"}
    html = export_html(crafted, tmp_path / "hostile.html", cover=hostile).read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("script") and soup.find("h1", class_="cover-title").get_text() == "<b>T</b>"
    assert len(soup.find("head").find_all("style")) == 1
    assert "A \\22 quoted\\22  \\3c /style\\3e \\3c script\\3e x\\3c /script\\3e  name" in html


def test_cover_stamp_from_stamp_for_keys(crafted, tmp_path):
    stamp = {"data_fingerprint": "abc123", "relationships": 14, "k": 5, "k_comments": 10, "valuekit": "9.9"}
    html = export_html(crafted, tmp_path / "p.html", cover={"stamp": stamp}).read_text(encoding="utf-8")
    rows = {
        r.th.get_text(): r.td.get_text()
        for r in BeautifulSoup(html, "html.parser").find("div", class_="cover-stamp").find_all("tr")
    }
    assert rows["Data fingerprint"] == "abc123" and rows["valuekit version"] == "9.9"
    assert rows["Diagnostic template"] == "not recorded" and rows["Relationships in the portfolio"] == "14"


def test_notebook_node_is_left_unchanged(crafted, tmp_path):
    nb = nbformat.read(crafted, as_version=4)
    before = json.dumps(nb, sort_keys=True)
    export_html(nb, tmp_path / "node.html", cover=COVER)
    assert json.dumps(nb, sort_keys=True) == before
    assert SECRET not in (tmp_path / "node.html").read_text(encoding="utf-8")


def test_warm_up_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    export.warm_up()
    assert list(tmp_path.iterdir()) == []


# -- bad input ------------------------------------------------------------------------------------------------
def test_missing_notebook(tmp_path):
    with pytest.raises(ExportError, match=r"nowhere\.ipynb: no such notebook file"):
        export_html(tmp_path / "nowhere.ipynb", tmp_path / "x.html", cover=COVER)
    assert not (tmp_path / "x.html").exists()


def test_invalid_json(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(ExportError, match=r"broken\.ipynb: not a readable notebook") as info:
        export_html(bad, tmp_path / "x.html", cover=COVER)
    assert isinstance(info.value, ValuekitError)
    assert not (tmp_path / "x.html").exists()


def test_failed_run_is_refused(crafted, tmp_path):
    nb = nbformat.read(crafted, as_version=4)
    nb.cells[4].outputs.append(new_output("error", ename="NotebookStop", evalue="no cycle 'x'", traceback=[]))
    with pytest.raises(ExportError, match=r"cell 4 failed \(NotebookStop: no cycle 'x'\)"):
        export_html(nb, tmp_path / "x.html", cover=COVER)
    assert not (tmp_path / "x.html").exists()


def test_cover_must_be_a_mapping(crafted, tmp_path):
    with pytest.raises(ExportError, match="cover must be a mapping"):
        export_html(crafted, tmp_path / "x.html", cover="Harbourside")
    with pytest.raises(ExportError, match="ISO date"):
        export_html(crafted, tmp_path / "x.html", cover={"date": "25/11/2025"})


# -- atomic writes --------------------------------------------------------------------------------------------
def test_html_written_atomically(crafted, tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    target = export_html(crafted, folder / "r.html", cover=COVER)
    assert leftovers(folder) == [] and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    old = target.read_bytes()

    def fails(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", fails)
    with pytest.raises(ExportError, match=r"r\.html: cannot write the report \(No space left on device\)"):
        export_html(crafted, folder / "r.html", cover=COVER)
    with pytest.raises(ExportError, match="cannot write"):
        export_html(crafted, folder / "new.html", cover=COVER)
    assert leftovers(folder) == []
    assert target.read_bytes() == old  # the previous report is still whole
    assert not (folder / "new.html").exists()


# -- printing, with a stand-in for Chromium -------------------------------------------------------------------
def fake_chromium(tmp_path: Path, body: str) -> str:
    """A shell script standing in for Chromium; it records its arguments in ``args.json``."""
    script = tmp_path / "fake-chromium"
    record = tmp_path / "args.json"
    script.write_text(
        "#!/bin/sh\n"
        f'"{sys.executable}" -c \'import json, sys; json.dump(sys.argv[1:], open("{record}", "w"))\' "$@"\n'
        'for a in "$@"; do case "$a" in --print-to-pdf=*) OUT="${a#--print-to-pdf=}";; esac; done\n' + body,
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.fixture
def page(tmp_path) -> Path:
    html = tmp_path / "page.html"
    html.write_text("<!DOCTYPE html><p>hello</p>", encoding="utf-8")
    return html


def test_pdf_flags_and_atomic_write(tmp_path, page):
    chromium = fake_chromium(tmp_path, 'printf "%%PDF-1.4 fake" > "$OUT"\n')
    out = print_pdf(page, tmp_path / "pdf" / "page.pdf", chromium=chromium)
    assert out.read_bytes() == b"%PDF-1.4 fake" and leftovers(out.parent) == []
    args = json.loads((tmp_path / "args.json").read_text())
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"):  # fmt: skip
        assert flag in args
    assert args[-1] == page.resolve().as_uri()
    profile = next(a.split("=", 1)[1] for a in args if a.startswith("--user-data-dir="))
    written = next(a.split("=", 1)[1] for a in args if a.startswith("--print-to-pdf="))
    assert not Path(profile).exists()  # a fresh profile, removed afterwards
    assert Path(written).parent == out.parent and Path(written) != out  # printed beside, then moved


def test_pdf_failure_leaves_nothing(tmp_path, page):
    chromium = fake_chromium(tmp_path, 'printf "%%PDF-half" > "$OUT"\necho "renderer crashed" >&2\nexit 3\n')
    with pytest.raises(
        ExportError, match=r"page\.html to .*page\.pdf: Chromium exited with code 3.*renderer crashed"
    ):
        print_pdf(page, tmp_path / "out" / "page.pdf", chromium=chromium)
    assert list((tmp_path / "out").iterdir()) == []
    nothing = fake_chromium(tmp_path, "exit 0\n")
    with pytest.raises(ExportError, match="without writing a PDF"):
        print_pdf(page, tmp_path / "out" / "page.pdf", chromium=nothing)
    assert list((tmp_path / "out").iterdir()) == []


def test_pdf_timeout_stops_chromium_and_its_children(tmp_path, page):
    chromium = fake_chromium(tmp_path, f'sleep 60 &\necho $! > "{tmp_path}/child"\nwait\n')
    start = time.monotonic()
    with pytest.raises(ExportError, match=r"Chromium did not finish within 1 s and was stopped"):
        print_pdf(page, tmp_path / "out" / "page.pdf", timeout=1, chromium=chromium)
    assert time.monotonic() - start < 15
    child = int((tmp_path / "child").read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)
    assert list((tmp_path / "out").iterdir()) == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def test_chromium_missing(tmp_path, page, monkeypatch):
    with pytest.raises(ExportError, match=r"Chromium not found at .*make chromium.*apt-get install chromium"):
        print_pdf(page, tmp_path / "x.pdf", chromium=str(tmp_path / "no-such-browser"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ExportError, match=r"Chromium not found on PATH.*make chromium"):
        print_pdf(page, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_pdf_bad_input(tmp_path):
    with pytest.raises(ExportError, match=r"missing\.html: no such HTML report"):
        print_pdf(tmp_path / "missing.html", tmp_path / "x.pdf")
    (tmp_path / "p.html").write_text("<p>x</p>")
    with pytest.raises(ExportError, match="timeout must be a positive number"):
        print_pdf(tmp_path / "p.html", tmp_path / "x.pdf", timeout=0)


# -- the real thing: 02_solve on the sample portfolio, printed by Chromium -------------------------------------
@pytest.fixture(scope="module")
def solve(tmp_path_factory):
    """02_solve for one relationship, run as batch reports run it, exported to HTML and printed to PDF."""
    out = tmp_path_factory.mktemp("solve")
    store_path = out / "valuekit.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(vk, "_SAMPLE_DEFAULT", store_path)
        vk.ensure_sample_store(store_path)
    params = {"relationship": RELATIONSHIP, "cycle": "solve", "store_path": str(store_path),
              "output_dir": str(out / "artifacts")}  # fmt: skip
    [result] = run_notebooks([(PROJECT_ROOT / "notebooks" / "02_solve.ipynb", out / "02_solve.ipynb", params)],
                             workers=1, timeout=300)  # fmt: skip
    assert result.ok, result.error
    with Store(store_path, read_only=True) as store:
        data = load_relationship(store, RELATIONSHIP, "solve")
        stamp = vk.stamp_for(store, data)
        name = data.relationship["name"]
    cover = {"title": f"{name} — Solve", "relationship": name, "relationship_id": RELATIONSHIP, "cycle": "solve",
             "cycle_label": "Solve", "date": "2025-11-25", "stamp": stamp}  # fmt: skip
    timings = {}
    start = time.perf_counter()
    html = export_html(result.output, out / "report" / "02_solve.html", cover=cover)
    timings["html"] = time.perf_counter() - start
    start = time.perf_counter()
    pdf = print_pdf(html, out / "report" / "02_solve.pdf")
    timings["pdf"] = time.perf_counter() - start
    nb = nbformat.read(result.output, as_version=4)
    return {"nb": nb, "html": html, "pdf": pdf, "cover": cover, "stamp": stamp, "timings": timings}


def test_real_report_shows_no_code(solve):
    html = solve["html"].read_text(encoding="utf-8")
    text = visible_text(html)
    for cell in solve["nb"].cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                line = line.split("#")[0].strip()
                if len(line) > 12:  # long enough not to occur in prose by chance
                    assert line not in text, line
    assert "# Parameters" not in html and "store_path" not in text
    assert not re.search(r"\b(In|Out)\s*\[\s*\d*\s*\]", text)
    assert "Traceback" not in text and "Warning" not in text


def test_real_report_keeps_the_content(solve):
    soup = BeautifulSoup(solve["html"].read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main")
    headings = [h.get_text(strip=True) for h in main.find_all("h2")]
    assert {"Findings", "Proposed improvement actions", "For the record"} <= set(headings)
    charts = main.find_all("img")
    png_outputs = [
        o for c in solve["nb"].cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(charts) == len(png_outputs) >= 5
    assert all(img["src"].startswith("data:image/png;base64,") for img in charts)
    assert len(main.find_all("table")) >= 4
    assert re.search(r"n = \d+", main.get_text())  # the findings, with their evidence


def test_real_report_is_self_contained(solve):
    html = solve["html"].read_text(encoding="utf-8")
    assert not OFF_FILE.findall(html)
    assert leftovers(solve["html"].parent) == []


def test_real_report_cover(solve):
    cover = BeautifulSoup(solve["html"].read_text(encoding="utf-8"), "html.parser").find(
        "section", class_="cover"
    )
    text = " ".join(cover.get_text(" ").split())
    stamp = solve["stamp"]
    for expected in (solve["cover"]["relationship"], RELATIONSHIP, "Solve", "25 November 2025",
                     stamp["template"], stamp["data_fingerprint"], stamp["valuekit"]):  # fmt: skip
        assert expected in text, expected
    # the fingerprint on the cover is the one the notebook computed its numbers from
    last = solve["nb"].cells[-1].outputs[0]["data"]["text/markdown"]
    assert stamp["data_fingerprint"] in last


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_text(pdf: Path, page: int) -> str:
    args = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_real_pdf(solve, tmp_path):
    pdf = solve["pdf"]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pages = pdf_pages(pdf)
    assert pages >= 2
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
    )
    [image] = tmp_path.glob("p*.png")
    with Image.open(image) as im:
        assert im.format == "PNG" and im.size[1] > im.size[0] > 200  # an A4 portrait page
        assert len(im.convert("L").getcolors(maxcolors=256 * 256) or []) > 10  # something is drawn on it
    cover = " ".join(pdf_text(pdf, 1).split())
    assert solve["cover"]["relationship"] in cover and solve["stamp"]["data_fingerprint"] in cover
    assert "Page 1" not in cover  # no header or footer on the cover
    second = " ".join(pdf_text(pdf, 2).split())
    assert solve["cover"]["relationship"] in second and f"Page 2 of {pages}" in second
    assert "file://" not in " ".join(pdf_text(pdf, p) for p in (1, 2))  # not Chromium's own header and footer
    assert leftovers(pdf.parent) == []


def test_timings(solve):
    """One report costs well under the notebook's own run: export and print must not dominate a batch."""
    print(f"\nexport_html {solve['timings']['html']:.2f} s, print_pdf {solve['timings']['pdf']:.2f} s")
    assert solve["timings"]["html"] < 10 and solve["timings"]["pdf"] < 60


def test_template_refers_to_nothing_remote():
    """Nothing in the template asks for a CDN, a web font or an imported stylesheet."""
    folder = export.REPORT_TEMPLATES_DIR / export.REPORT_TEMPLATE
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://|//cdn|@import|url\(", text), path.name
    assert os.path.isfile(folder / "conf.json") and json.loads((folder / "conf.json").read_text())
