"""Printable questionnaires (HTML, Markdown), a one-code preview, and the export of everything for a survey tool."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import yaml

from ..config import Privacy
from ..importers.mapping import load_mapping
from ..schemas import LEVEL_COLOURS, LEVEL_LABELS, LEVELS, cycle_kind
from ..templates import Template
from ._lists import _OPTION_SEP, DONT_KNOW, IMPORTANCE_OPTIONS, follow_up_list, import_mapping, question_list

_WHO = {"client": "the client", "supplier": "the supplier", "partner": "the partner"}


def _who(rated_by: Sequence[str], parties: pd.DataFrame | None) -> str:
    names = []
    for side in rated_by:
        mine = parties.loc[parties["side"] == side, "name"] if parties is not None else []
        names.append(" and ".join(mine) if len(mine) else _WHO.get(side, side))
    return " and ".join(names)


def _sections(template: Template, cycle: str):
    """(Thing That Matters, its Value Codes) in questionnaire order, each Thing That Matters once."""
    groups: dict[str, list] = {}
    for c in template.codes_for(cycle):
        groups.setdefault(c.thing_that_matters, []).append(c)
    return [(template.thing(t), codes) for t, codes in groups.items()]


def questionnaire_markdown(
    template: Template,
    cycle: str,
    *,
    title: str | None = None,
    parties: pd.DataFrame | None = None,
    equivalences: pd.DataFrame | None = None,
    privacy: Privacy = Privacy(),  # noqa: B008 - frozen, so safe as a default
) -> str:
    """The questionnaire as Markdown: each Value Code's five evaluation statements in red → green.

    ``privacy`` sets the anonymity promise in the introduction. Colour marks are inline HTML
    (``<span style="color:…">■</span>``), shown by Jupyter and most Markdown viewers; every statement also
    carries its level's number and name, so nothing depends on colour alone.
    """
    kind = cycle_kind(cycle)
    lines = [f"# {title or template.title}", "",
             f"*{kind.capitalize()} cycle · {template.label}*", "", _intro(privacy), ""]  # fmt: skip
    about = follow_up_list(template, cycle, parties=parties, equivalences=equivalences)
    lines += ["## About you", ""]
    for q in about[about["kind"] == "about_you"].itertuples():
        opts = q.options.split(_OPTION_SEP) if q.options else ["…"]
        lines += [f"**{q.question}**", "", *[f"- ○ {o}" for o in opts], ""]
    number = 0
    for thing, codes in _sections(template, cycle):
        lines += [f"## {thing.name}", "", *([f"*{thing.description}*", ""] if thing.description else [])]
        for c in codes:
            number += 1
            lines += [f"### {number}. {c.title}", "", f"**{c.description}**", ""]
            if c.help:
                lines += [f"*{c.help}*", ""]
            lines += [f"Answered by {_who(c.rated_by, parties)}. Pick the statement that fits best.", ""]
            for lv in LEVELS:
                mark = f'<span style="color:{LEVEL_COLOURS[lv]}">■</span>'
                lines.append(f"- ○ {mark} **{lv} {LEVEL_LABELS[lv]}** — {c.statement(lv)}")
            lines += [f"- ○ {DONT_KNOW}", ""]
            if "importance" in c.asks:
                lines += [
                    "*How important is this to you?* " + " · ".join(f"○ {o}" for o in IMPORTANCE_OPTIONS),
                    "",
                ]
            if "desired" in c.asks:
                wanted = " · ".join(f"○ {lv} {LEVEL_LABELS[lv]}" for lv in LEVELS)
                lines += [f"*Which level do you want to see?* {wanted} · ○ {DONT_KNOW}", ""]
    oqs = template.open_questions_for(cycle)
    if oqs:
        lines += ["## In your own words", ""]
        for q in oqs:
            lines += [f"**{q.text}**", "", "> &nbsp;", "> &nbsp;", ""]
    lines += [_CLOSE, ""]
    return "\n".join(lines)


def _intro(privacy: Privacy) -> str:
    return (
        "For each Value Code below, pick the statement that best describes how things are **today**, from "
        'Failing to Best practice, or "Don\'t know" if you cannot say. Answers are confidential: no result is '
        f"ever shown for a group of fewer than {privacy.k} people, and comments only in themes raised by at "
        f"least {privacy.k_comments} people."
    )


_CLOSE = "Thank you. Your answers, with everyone else's, decide what the improvement actions will be."

_CSS = """
body{font-family:"DejaVu Sans",system-ui,sans-serif;color:#222;max-width:50rem;margin:2rem auto;line-height:1.4;
     -webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{font-size:1.55rem;margin-bottom:.2rem} .sub{color:#595959;margin-top:0}
h2{font-size:1.2rem;border-bottom:2px solid #d9d9d9;margin-top:2rem;padding-bottom:.2rem;break-after:avoid}
.ttm{color:#595959;font-style:italic}
.code{break-inside:avoid;margin:1.3rem 0 1.6rem}
.code h3{font-size:1.02rem;margin:.1rem 0 .3rem} .q{font-weight:600} .help{color:#595959;font-style:italic}
.who{font-size:.85rem;color:#595959}
ul.opts{list-style:none;padding:0;margin:.4rem 0}
ul.opts li{border-left:.7rem solid var(--c);background:#fafafa;padding:.3rem .6rem;margin:.22rem 0}
ul.opts li.dk{border-left-color:#bdbdbd;color:#595959}
.lvl{display:inline-block;min-width:8.2rem;font-weight:600}
.o{display:inline-block;width:.85rem;height:.85rem;border:1.5px solid #444;border-radius:50%;margin-right:.45rem;
   vertical-align:-2px}
.scale{font-size:.92rem;margin:.35rem 0} .scale span{margin-right:1rem;white-space:nowrap}
.lines{border-bottom:1px solid #bbb;height:1.8rem}
@media print{body{margin:0 1.2cm} h2{break-before:auto}}
"""


def _code_html(c, number: int | None, parties: pd.DataFrame | None) -> str:
    e = html.escape
    head = f"{number}. {e(c.title)}" if number is not None else e(c.title)
    parts = [f'<div class="code" id="{e(c.id)}"><h3>{head}</h3>', f'<p class="q">{e(c.description)}</p>']
    if c.help:
        parts.append(f'<p class="help">{e(c.help)}</p>')
    parts.append(
        f'<p class="who">Answered by {e(_who(c.rated_by, parties))}. Pick the statement that fits best.</p>'
    )
    parts.append('<ul class="opts">')
    for lv in LEVELS:
        parts.append(
            f'<li style="--c:{LEVEL_COLOURS[lv]}"><span class="o"></span><span class="lvl">{lv} '
            f"{e(LEVEL_LABELS[lv])}</span>{e(c.statement(lv))}</li>"
        )
    parts.append(f'<li class="dk"><span class="o"></span>{e(DONT_KNOW)}</li></ul>')
    if "importance" in c.asks:
        opts = "".join(f'<span><span class="o"></span>{e(o)}</span>' for o in IMPORTANCE_OPTIONS)
        parts.append(f'<p class="scale"><em>How important is this to you?</em><br>{opts}</p>')
    if "desired" in c.asks:
        opts = "".join(f'<span><span class="o"></span>{lv} {e(LEVEL_LABELS[lv])}</span>' for lv in LEVELS)
        parts.append(
            f'<p class="scale"><em>Which level do you want to see?</em><br>{opts}'
            f'<span><span class="o"></span>{e(DONT_KNOW)}</span></p>'
        )
    return "".join(parts) + "</div>"


def questionnaire_html(
    template: Template,
    cycle: str,
    *,
    title: str | None = None,
    parties: pd.DataFrame | None = None,
    equivalences: pd.DataFrame | None = None,
    privacy: Privacy = Privacy(),  # noqa: B008 - frozen, so safe as a default
) -> str:
    """The questionnaire as one printable HTML page: each Value Code's statements banded red → green.

    Self-contained (no scripts, no fonts or images to fetch); prints with the colours kept and no Value Code
    split across pages.
    """
    e = html.escape
    kind = cycle_kind(cycle)
    name = title or template.title
    body = [f"<h1>{e(name)}</h1>", f'<p class="sub">{e(kind.capitalize())} cycle · {e(template.label)}</p>',
            f"<p>{_md_bold(e(_intro(privacy)))}</p>", "<h2>About you</h2>"]  # fmt: skip
    about = follow_up_list(template, cycle, parties=parties, equivalences=equivalences)
    for q in about[about["kind"] == "about_you"].itertuples():
        opts = q.options.split(_OPTION_SEP) if q.options else ["…"]
        items = "".join(f'<li class="dk"><span class="o"></span>{e(o)}</li>' for o in opts)
        body.append(f'<div class="code"><p class="q">{e(q.question)}</p><ul class="opts">{items}</ul></div>')
    number = 0
    for thing, codes in _sections(template, cycle):
        body.append(f"<h2>{e(thing.name)}</h2>")
        if thing.description:
            body.append(f'<p class="ttm">{e(thing.description)}</p>')
        for c in codes:
            number += 1
            body.append(_code_html(c, number, parties))
    oqs = template.open_questions_for(cycle)
    if oqs:
        body.append("<h2>In your own words</h2>")
        for q in oqs:
            body.append(
                f'<div class="code"><p class="q">{e(q.text)}</p>' + '<div class="lines"></div>' * 4 + "</div>"
            )
    body.append(f"<p><em>{e(_CLOSE)}</em></p>")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(name)}</title>'
        f"<style>{_CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _md_bold(text: str) -> str:
    """``**x**`` → ``<strong>x</strong>`` in already-escaped text."""
    parts = text.split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))


class _Html(str):
    """HTML that Jupyter displays as HTML when it is a cell's last expression."""

    def _repr_html_(self) -> str:
        return f"<style>{_scoped_css('.vk-q')}</style><div class='vk-q'>{self}</div>"


def _scoped_css(scope: str) -> str:
    """The page's style with every selector inside ``scope``, so a preview never restyles the notebook."""
    rules = re.findall(r"([^{}@]+)\{([^{}]*)\}", _CSS.split("@media")[0])
    out = []
    for selectors, body in rules:
        names = [sel.strip() for sel in selectors.split(",")]
        scoped = [scope if sel == "body" else f"{scope} {sel}" for sel in names]
        out.append(f"{', '.join(scoped)}{{{body}}}")
    return "\n".join(out)


def preview_code(template: Template, code_id: str, parties: pd.DataFrame | None = None) -> str:
    """One Value Code as respondents will see it (displays as HTML in a notebook)."""
    return _Html(_code_html(template.code(code_id), None, parties))


# -- export ---------------------------------------------------------------------------------------------------
def export_questionnaire(
    template: Template,
    folder: str | Path,
    cycle: str,
    *,
    title: str | None = None,
    parties: pd.DataFrame | None = None,
    equivalences: pd.DataFrame | None = None,
    privacy: Privacy = Privacy(),  # noqa: B008 - frozen, so safe as a default
) -> dict[str, Path]:
    """Write everything a survey tool and ``valuekit import`` need for one cycle (module docstring).

    Returns
    -------
    dict of str to Path
        What was written, by name (``"html"``, ``"markdown"``, ``"questions"``, ``"follow_ups"``,
        ``"mapping"``, ``"template"``, and ``"parties"``, ``"equivalences"`` when given).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kw = {"title": title, "parties": parties, "equivalences": equivalences, "privacy": privacy}
    out = {
        "html": folder / "questionnaire.html",
        "markdown": folder / "questionnaire.md",
        "questions": folder / "questions.csv",
        "follow_ups": folder / "follow_up_questions.csv",
        "mapping": folder / "mapping.yaml",
        "template": folder / "template.yaml",
    }
    out["html"].write_text(questionnaire_html(template, cycle, **kw), encoding="utf-8")
    out["markdown"].write_text(questionnaire_markdown(template, cycle, **kw), encoding="utf-8")
    question_list(template, cycle).to_csv(out["questions"], index=False, lineterminator="\n")
    follow_up_list(template, cycle, parties=parties, equivalences=equivalences).to_csv(
        out["follow_ups"], index=False, lineterminator="\n"
    )
    mapping = import_mapping(template, cycle)
    load_mapping(mapping)  # what the importer will read: fail here, not at import time
    header = (
        f"# valuekit import mapping for {template.label}, {cycle_kind(cycle)} cycle (see questions.csv).\n"
        "# Name each question in the survey tool by its column_name; the party, level and function columns\n"
        "# are found by those names. If your tool names columns otherwise, add a fields: section, e.g.\n"
        "#   fields: {party: Which organisation do you work for?}\n"
    )
    out["mapping"].write_text(header + _yaml(mapping), encoding="utf-8")
    out["template"].write_text(
        f"# {template.title}, adapted: {template.label}\n" + _yaml(template.model_dump()), encoding="utf-8"
    )
    for name, table in (("parties", parties), ("equivalences", equivalences)):
        if table is not None:
            out[name] = folder / f"{name}.csv"
            table.to_csv(out[name], index=False, lineterminator="\n")
    return out


def _yaml(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
