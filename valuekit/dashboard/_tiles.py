"""The relationship dashboard's tiles: one function per tile, from the view and the filters to its HTML.

Nothing here computes a statistic: each tile shows rows :mod:`._select` picks from the gated tables, through the
pieces of :mod:`._html`; a group the gate hid reads the gate's reason and no number.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..schemas import LEVELS
from ._html import (
    all_hidden,
    bar,
    count,
    cycle_name,
    esc,
    hidden,
    hidden_cell,
    human,
    level_legend,
    mean_cell,
    missing,
    num,
    pct,
    pill,
    reason_of,
    signed,
    table_html,
    tile,
)
from ._select import (
    ALL,
    Filters,
    action_rows,
    agreement_rows,
    change_rows,
    columns_of,
    engagement_rows,
    finding_rows,
    heat_scores,
    mirror_rows,
    priority_rows,
    selected_engagement,
    selected_label,
    thing_rows,
)
from ._style import CLIENT, SUPPLIER, level_colour
from ._view import RelationshipView

__all__ = [
    "in_words",
    "header_html",
    "summary_html",
    "engagement_html",
    "things_html",
    "heatmap_html",
    "agreement_html",
    "mirror_html",
    "priorities_html",
    "findings_html",
    "themes_html",
    "change_html",
    "footer_html",
    "TILES",
]


def in_words(view: RelationshipView, f: Filters) -> str:
    """The selected group inside a sentence: "the whole community", "Harbourside Borough Council front line"."""
    label = selected_label(view, f)
    return "the whole community" if label == "Whole community" else label


def nothing_for(view: RelationshipView, f: Filters, rows: pd.DataFrame) -> str:
    """One sentence instead of a column of hidden rows."""
    return (
        f'<p class="vk-why" data-vk="all-hidden">Nothing here can be shown for {esc(in_words(view, f))}: '
        f"{esc(reason_of(rows))}.</p>"
    )


def header_html(view: RelationshipView) -> str:
    r = view.relationship
    parties = " and ".join(f"{esc(p.name)} ({esc(p.side)})" for p in view.parties.itertuples())
    n, i = len(view.cycles), view.cycles.index(view.cycle_id) + 1
    others = "; other change initiatives are in play" if r["other_initiatives"] else ""
    return (
        '<div class="vk-header"><div class="vk-kicker">Value Management · relationship dashboard</div>'
        f"<h1>{esc(r['name'])}</h1>"
        f'<div class="vk-sub">{parties} · {esc(r["sector"])} · {r["annual_value_m"]:g} m a year, '
        f"running to {r['end_date']:%B %Y}{esc(others)} · <b>{esc(cycle_name(view.cycle_id))}</b> cycle, "
        f"{i} of {n}</div></div>"
    )


def summary_html(view: RelationshipView, f: Filters) -> str:
    """Headline cards for the selected group: who took part, its score, who is divided, perception gaps."""
    label = selected_label(view, f)
    things = view.things.set_index("thing_that_matters")["thing_that_matters_name"]
    about = f" · on {esc(things.get(f.thing, f.thing))}" if f.thing != ALL else ""
    cards = [
        f'<div class="vk-card vk-group"><div class="vk-label">Showing</div>'
        f'<div class="vk-big" data-vk="group">{esc(label)}{about}</div>'
        f'<div class="vk-small">{esc(cycle_name(view.cycle_id))} cycle</div></div>'
    ]
    row = selected_engagement(view, f)
    if row is None:
        took = '<div class="vk-big">–</div><div class="vk-small">nobody in this group was invited</div>'
    elif hidden(row):
        took = f'<div class="vk-why" data-vk="took-part">{esc(row["suppressed_reason"])}</div>'
    else:
        took = (
            f'<div class="vk-big" data-vk="took-part">{count(row["responded"])}</div>'
            f'<div class="vk-small">of {count(row["invited"])} invited responded ({pct(row["response_rate"])})</div>'
        )
    cards.append(f'<div class="vk-card"><div class="vk-label">Took part</div>{took}</div>')
    rows = thing_rows(view, f)
    shown = rows[~rows["suppressed"].fillna(False).astype(bool)] if len(rows) else rows
    if f.thing != ALL:
        pick = rows[rows["thing_that_matters"] == f.thing]
        if pick.empty:
            body = '<div class="vk-big">–</div><div class="vk-small">not asked in this cycle</div>'
        elif hidden(pick.iloc[0]):
            body = f'<div class="vk-why" data-vk="score">{esc(pick.iloc[0]["suppressed_reason"])}</div>'
        else:
            p = pick.iloc[0]
            body = (
                f'<div class="vk-big" data-vk="score">{num(p["mean"])}<span class="vk-small"> of 5</span></div>'
                f'<div class="vk-small">{pct(p["share_favourable"])} favourable · n = {count(p["n"])}</div>'
            )
        cards.append(f'<div class="vk-card"><div class="vk-label">Mean rating</div>{body}</div>')
    elif len(shown):
        low = shown.loc[shown["mean"].astype(float).idxmin()]
        cards.append(
            '<div class="vk-card"><div class="vk-label">Weakest Thing That Matters</div>'
            f'<div class="vk-big" data-vk="score">{num(low["mean"])}<span class="vk-small"> of 5</span></div>'
            f'<div class="vk-small">{esc(low["thing_that_matters_name"])}</div></div>'
        )
    every = agreement_rows(view, f)
    agree = every[~every["suppressed"].fillna(False).astype(bool)] if len(every) else every
    divided = int((agree["classification"] == "divided").sum()) if len(agree) else 0
    cards.append(_count_card("Divided groups", "divided", divided, f"of {len(agree)} group × Value Code readings shown",
                             len(agree), len(every), "no Value Code to read here"))  # fmt: skip
    pairs = mirror_rows(view, f)
    gaps = pairs[~pairs["suppressed"].fillna(False).astype(bool)] if len(pairs) else pairs
    meaningful = int(gaps["meaningful"].fillna(False).astype(bool).sum()) if len(gaps) else 0
    cards.append(_count_card("Perception gaps", "gaps", meaningful, f"meaningful, of {len(gaps)} mirror pairs shown",
                             len(gaps), len(pairs), "no mirror pair here"))  # fmt: skip
    return f'<div class="vk-cards">{"".join(cards)}</div>'


def _count_card(label: str, key: str, value: int, of: str, shown: int, rows: int, no_rows: str) -> str:
    """A card counting among the ``shown`` of ``rows`` readings; a dash and why when none is shown."""
    if shown:
        body = f'<div class="vk-big" data-vk="{key}">{value}</div><div class="vk-small">{of}</div>'
    else:
        why = "none can be shown for this group" if rows else no_rows
        body = f'<div class="vk-big" data-vk="{key}">–</div><div class="vk-small">{why}</div>'
    return f'<div class="vk-card"><div class="vk-label">{label}</div>{body}</div>'


def engagement_html(view: RelationshipView, f: Filters) -> str:
    rows = engagement_rows(view, f)
    top = (
        rows.loc[~rows["suppressed"].fillna(False).astype(bool), "invited"].astype(float).max()
        if len(rows)
        else 0
    )
    body = []
    for _, r in rows.iterrows():
        if hidden(r):
            body.append(f"<tr><td>{esc(r['group'])}</td>{hidden_cell(r['suppressed_reason'], 4)}</tr>")
            continue
        flag = (
            " " + pill("under-represented", "yes")
            if not missing(r["under_represented"]) and r["under_represented"]
            else ""
        )
        body.append(
            f'<tr><td>{esc(r["group"])}{flag}</td><td class="vk-num">{count(r["invited"])}</td>'
            f'<td class="vk-num">{count(r["responded"])}</td><td class="vk-num">{pct(r["response_rate"])}</td>'
            f"<td>{bar(r['responded'], top or 1, CLIENT)}</td></tr>"
        )
    table = table_html(
        [("group", ""), ("invited", "vk-num"), ("responded", "vk-num"), ("rate", "vk-num"), ("", "")], body
    )
    if rows.empty:
        table = '<p class="vk-note">Nobody in this selection was invited to this cycle.</p>'
    return tile(
        "Who took part",
        "Invited and responded, by party and level. Read everything else with this in mind: findings speak "
        "for those who answered.",
        table,
        "Bars: respondents. Under-represented: responded well below the community's rate.",
    )


def things_html(view: RelationshipView, f: Filters) -> str:
    rows = thing_rows(view, f)
    body = []
    for _, r in rows.iterrows():
        sel = ' class="vk-selected"' if r["thing_that_matters"] == f.thing else ""
        name = esc(r["thing_that_matters_name"])
        if hidden(r):
            body.append(f"<tr{sel}><td>{name}</td>{hidden_cell(r['suppressed_reason'], 4)}</tr>")
            continue
        colour = level_colour(float(r["mean"]))
        body.append(
            f"<tr{sel}><td>{name}</td>{mean_cell(r['mean'], r['n'], 'vk-num vk-cell')}"
            f"<td>{bar(float(r['mean']) - 1, 4, colour)}</td>"
            f'<td class="vk-num">{pct(r["share_favourable"])}</td><td class="vk-num">{count(r["n"])}</td></tr>'
        )
    table = table_html([("Thing That Matters", ""), ("mean", "vk-num"), ("1 → 5", ""), ("favourable", "vk-num"),
                    ("n", "vk-num")], body)  # fmt: skip
    return tile(
        "Things That Matter",
        f"How {esc(in_words(view, f))} rates each Thing That Matters: each person's mean over its Value "
        "Codes, then the mean over people (1 Failing … 5 Best practice).",
        nothing_for(view, f, rows)
        if all_hidden(rows)
        else table
        if len(rows)
        else '<p class="vk-note">Nothing to show for this selection.</p>',
        "Favourable: the share of ratings at Exceeding or Best practice.",
    )


def heatmap_html(view: RelationshipView, f: Filters) -> str:
    cells, groups = heat_scores(view, f)
    codes = view.codes if f.thing == ALL else view.codes[view.codes["thing_that_matters"] == f.thing]
    lead = (
        "Each Value Code (rows, in questionnaire order) from each perspective (columns): the group's mean rating, "
        "coloured from red (1 Failing) through yellow (3 Performing) to green (5 Best practice). Read down a "
        "column for one group's view; across a row for whether the perspectives agree."
    )
    if cells.empty or codes.empty:
        return tile(
            "Every Value Code from every perspective", lead, '<p class="vk-note">Nothing to show.</p>'
        )
    by_group = {g: part.set_index("code_id") for g, part in cells.groupby("group", sort=False)}
    gone = [g for g in groups if by_group[g]["suppressed"].fillna(False).astype(bool).all()]
    shown = [g for g in groups if g not in gone]
    reason = reason_of(cells)
    notes = ""
    if gone:
        items = "".join(f"<li><b>{esc(g)}</b>: {esc(reason_of(by_group[g]))}</li>" for g in gone)
        notes = (
            f'<div class="vk-note" data-vk="hidden-groups">Not shown:<ul class="vk-list">{items}</ul></div>'
        )
    if not shown:
        return tile("Every Value Code from every perspective", lead, notes)
    first = groups[0] in shown and len(shown) > 1 and set(f.by()) != set(columns_of(f))
    head = ['<th class="vk-rowhead">Value Code</th>']
    for i, g in enumerate(shown):
        n = pd.to_numeric(by_group[g]["n"], errors="coerce").dropna()
        span = (
            ""
            if n.empty
            else (f"n = {int(n.min())}" if n.min() == n.max() else f"n = {int(n.min())}–{int(n.max())}")
        )
        cls = ' class="vk-first"' if first and i == 0 else ""
        head.append(f'<th{cls} data-group="{esc(g)}">{esc(g)}<span class="vk-n">{span}</span></th>')
    body, section = [], None
    for c in codes.itertuples(index=False):
        if f.thing == ALL and c.thing_that_matters != section:
            section = c.thing_that_matters
            body.append(
                f'<tr class="vk-section"><td colspan="{len(shown) + 1}">{esc(c.thing_that_matters_name)}</td></tr>'
            )
        tds = [f'<td class="vk-item"><span class="vk-code">{esc(c.code_id)}</span> {esc(c.title)}</td>']
        for i, g in enumerate(shown):
            extra = " vk-first" if first and i == 0 else ""
            at = f'data-group="{esc(g)}"'
            part = by_group[g]
            if c.code_id not in part.index:
                tds.append(f'<td class="vk-cell vk-empty{extra}" {at} title="not asked of this group">–</td>')
                continue
            r = part.loc[c.code_id]
            if hidden(r):
                tds.append(
                    f'<td class="vk-cell vk-hidden{extra}" {at} title="{esc(r["suppressed_reason"])}">hidden</td>'
                )
            else:
                tds.append(mean_cell(r["mean"], r["n"], "vk-cell" + extra, at))
        body.append(f'<tr data-code="{esc(c.code_id)}">{"".join(tds)}</tr>')
    legend = level_legend(
        f'<span><span class="vk-swatch vk-hidden"></span>hidden: {esc(reason)}</span>'
        if reason and shown
        else ""
    )
    table = f'<table class="vk-heat"><thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    return tile("Every Value Code from every perspective", lead, table + legend + notes)


def agreement_html(view: RelationshipView, f: Filters) -> str:
    rows = agreement_rows(view, f)
    shown = rows[~rows["suppressed"].fillna(False).astype(bool)] if len(rows) else rows
    divided = shown[shown["classification"] == "divided"].sort_values("consensus")
    agreed = shown[shown["classification"] == "agreed"].sort_values("consensus", ascending=False)

    def items(frame: pd.DataFrame, kind: str, limit: int = 6) -> str:
        if frame.empty:
            return f'<p class="vk-note">No group is {kind} on these Value Codes.</p>'
        lis = "".join(
            f'<li>{pill(kind, kind)} <b>{esc(r.group)}</b> on <span class="vk-code">{esc(r.code_id)}</span> '
            f'{esc(r.title)}<div class="vk-note">consensus {num(r.consensus)} · mean {num(r.mean, 1)} of 5 · '
            f"n = {count(r.n)}</div></li>"
            for r in frame.head(limit).itertuples(index=False)
        )
        more = f'<p class="vk-note">… and {len(frame) - limit} more.</p>' if len(frame) > limit else ""
        return f'<ul class="vk-list" data-vk="{kind}">{lis}</ul>{more}'

    frag = view.fragmentation.iloc[0] if len(view.fragmentation) else None
    note = (
        f"Across the relationship, perspectives diverge on {pct(frag['fragmentation_index'])} of the Value Codes "
        f"assessed (fragmentation index, side × level)."
        if frag is not None and not missing(frag["fragmentation_index"])
        else ""
    )
    counts = (
        f"Of {len(shown)} group × Value Code readings shown: {len(divided)} divided, {len(agreed)} agreed, "
        f"{len(shown) - len(divided) - len(agreed)} mixed."
    )
    body = f'<p class="vk-note">{counts}</p><h3 class="vk-kicker">Divided</h3>{items(divided, "divided")}'
    body += f'<h3 class="vk-kicker">Agreed</h3>{items(agreed, "agreed")}'
    if all_hidden(rows):
        body = nothing_for(view, f, rows)
    return tile(
        "Who agrees, who is divided",
        "<i>Agreed</i>: most of the group picked the same or neighbouring statements; <i>divided</i>: it split "
        "into camps at both ends of the scale (Tastle–Wierman consensus, r_wg, van der Eijk's A, bimodality).",
        body,
        note,
    )


def _dumbbell(a: object, b: object) -> str:
    """A 1–5 scale with the client's (blue) and the supplier's (orange) mean."""
    w, pad = 130, 6

    def x(v: float) -> float:
        return pad + (w - 2 * pad) * (float(v) - 1) / 4

    ticks = "".join(
        f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="5" y2="13" stroke="#d9d9d9"/>' for v in LEVELS
    )
    dots = ""
    if not missing(a) and not missing(b):
        dots = (
            f'<line x1="{x(a):.1f}" x2="{x(b):.1f}" y1="9" y2="9" stroke="#9aa5b1" stroke-width="2"/>'
            f'<circle cx="{x(a):.1f}" cy="9" r="5" fill="{CLIENT}"/><circle cx="{x(b):.1f}" cy="9" r="5" fill="{SUPPLIER}"/>'
        )
    return (
        f'<svg width="{w}" height="18" role="img" aria-label="client and supplier means">{ticks}{dots}</svg>'
    )


def mirror_html(view: RelationshipView, f: Filters) -> str:
    rows = mirror_rows(view, f)
    names = dict(zip(view.parties["side"], view.parties["name"], strict=False))
    client, supplier = names.get("client", "Client"), names.get("supplier", "Supplier")
    lead = (
        f"A mirror pair asks both parties the same thing: <b style='color:{CLIENT}'>{esc(client)}</b> (client) and "
        f"<b style='color:{SUPPLIER}'>{esc(supplier)}</b> (supplier). A <i>meaningful</i> gap — half a level or "
        "more, its 95 % interval clear of zero — is a perception gap worth a conversation."
    )
    if rows.empty:
        return tile(
            "How each party sees the other", lead, '<p class="vk-note">No mirror pairs in this cycle.</p>'
        )
    body = []
    for _, r in rows.iterrows():
        item = f'<td class="vk-item"><span class="vk-code">{esc(r["pair"])}</span> {esc(r["title"])}</td>'
        if hidden(r):
            body.append(f"<tr>{item}{hidden_cell(r['suppressed_reason'], 3)}</tr>")
            continue
        flag = pill("meaningful", "divided") if not missing(r["meaningful"]) and r["meaningful"] else ""
        body.append(
            f"<tr>{item}<td>{_dumbbell(r['mean_client'], r['mean_supplier'])}"
            f'<div class="vk-note">{num(r["mean_client"])} / {num(r["mean_supplier"])}</div></td>'
            f'<td class="vk-num">{signed(r["gap"])}<div class="vk-note">{num(r["gap_ci_low"])} to '
            f"{num(r['gap_ci_high'])}</div>{flag}</td></tr>"
        )
    table = table_html([("mirror pair", ""), ("client / supplier, 1 … 5", ""), ("gap", "vk-num")], body)
    return tile(
        "How each party sees the other",
        lead,
        nothing_for(view, dataclasses.replace(f, party=ALL), rows) if all_hidden(rows) else table,
        "Gap: client's mean minus supplier's, with its 95 % interval. The party filter does not apply here: "
        "a mirror pair compares the two parties.",
    )


def priorities_html(view: RelationshipView, f: Filters, top: int = 8) -> str:
    rows = priority_rows(view, f)
    lead = (
        "Importance against performance: the Value Codes that matter most to "
        f"{esc(in_words(view, f))} and are furthest below the level wanted. "
        "<i>Concentrate here</i>: more important than average, performing below average."
    )
    if rows.empty:
        return tile("What matters most and is most neglected", lead,
                    '<p class="vk-note">These Value Codes do not ask how important they are.</p>')  # fmt: skip
    shown = rows[~rows["suppressed"].fillna(False).astype(bool)].head(top)
    body = []
    for _, r in shown.iterrows():
        quad = str(r["quadrant"]) if not missing(r["quadrant"]) else ""
        tag = pill(quad, "divided" if quad == "concentrate here" else "mixed") if quad else ""
        body.append(
            f'<tr><td class="vk-num">{count(r["rank"])}</td><td class="vk-item"><span class="vk-code">'
            f"{esc(r['code_id'])}</span> {esc(r['title'])}<div>{tag}</div></td>"
            f'<td class="vk-num">{num(r["mean_importance"])}</td><td class="vk-num">{num(r["mean"])}</td>'
            f'<td class="vk-num">{num(r["shortfall"])}</td></tr>'
        )
    n_hidden = int(rows["suppressed"].fillna(False).astype(bool).sum())
    if not body:
        return tile("What matters most and is most neglected", lead,
                    f'<p class="vk-why">{esc(reason_of(rows))}</p>')  # fmt: skip
    note = f"{n_hidden} Value Code(s) hidden: {esc(reason_of(rows))}." if n_hidden else ""
    table = table_html([("rank", "vk-num"), ("Value Code", ""), ("importance", "vk-num"), ("performance", "vk-num"),
                    ("shortfall", "vk-num")], body)  # fmt: skip
    return tile("What matters most and is most neglected", lead, table, note or None)


def findings_html(view: RelationshipView, f: Filters, top: int = 10) -> str:
    rows = finding_rows(view, f)
    lead = (
        "The analysis in words, most telling first; each states its evidence. About the whole relationship."
    )
    if rows is None or rows.empty:
        return tile(
            "Findings", lead, '<p class="vk-note">No finding passes the thresholds for this selection.</p>'
        )
    lis = "".join(
        f"<li>{esc(r.statement)} {pill(human(r.kind), 'mixed')}</li>"
        for r in rows.head(top).itertuples(index=False)
    )
    more = f"… and {len(rows) - top} more." if len(rows) > top else None
    return tile("Findings", lead, f'<ol class="vk-list" data-vk="findings">{lis}</ol>', more)


def themes_html(view: RelationshipView) -> str:
    lead = (
        "What people wrote, grouped into themes; a theme that matches no Thing That Matters is a candidate new "
        f"one. Quotes are redacted; no theme rests on fewer than {view.k_comments} people. About the whole "
        "relationship."
    )
    themes = view.themes
    if themes is None:
        return tile("Themes from comments", lead, '<p class="vk-note">No comments in this cycle.</p>')
    table = themes.table
    flags = table["suppressed"].fillna(False).astype(bool)
    parts = []
    for t in table[~flags].itertuples(index=False):
        new = not missing(t.is_candidate_new) and bool(t.is_candidate_new)
        tag = pill("candidate new Thing That Matters", "new") if new else (
            f'<span class="vk-note">about {esc(human(t.matches_known))}</span>' if isinstance(t.matches_known, str) else "")  # fmt: skip
        quotes = "".join(
            f'<p class="vk-quote">“{esc(q)}”</p>'
            for q in themes.quotes.loc[themes.quotes["theme_id"] == t.theme_id, "quote"]
        )
        parts.append(
            f'<div class="vk-theme"><b>{esc(t.label)}</b> {tag}<div class="vk-note">{count(t.n_comments)} comments '
            f"from {count(t.n_respondents)} people · {esc(t.tone)}</div>{quotes}</div>"
        )
    note = f"{int(flags.sum())} smaller theme(s) not shown: {esc(reason_of(table))}." if flags.any() else None
    if not parts:
        return tile("Themes from comments", lead, f'<p class="vk-why">{esc(reason_of(table) or "")}</p>')
    return tile("Themes from comments", lead, "".join(parts), note)


def change_html(view: RelationshipView, f: Filters, top: int = 12) -> str:
    title = "What changed since the last cycle, and the actions behind it"
    if view.previous_cycle is None:
        return tile(title, "", '<p class="vk-note">This is the relationship\'s first cycle with responses: there '
                    "is nothing earlier to compare with yet.</p>")  # fmt: skip
    rows = change_rows(view, f)
    lead = (
        f"Each Value Code's mean in {esc(cycle_name(view.previous_cycle))} and now, for "
        f"{esc(in_words(view, f))}, following Value Codes as they evolve. <i>Significant</i>: the 95 % "
        "interval of the change excludes zero."
    )
    body = []
    shown = rows[~rows["suppressed"].fillna(False).astype(bool)] if rows is not None and len(rows) else rows
    if shown is not None and len(shown):
        ordered = shown.assign(_abs=shown["change"].astype(float).abs()).sort_values("_abs", ascending=False)
        for _, r in ordered.head(top).iterrows():
            sig = (
                pill("significant", "agreed" if float(r["change"]) > 0 else "divided")
                if r["significant"]
                else ""
            )
            body.append(
                f'<tr><td class="vk-item"><span class="vk-code">{esc(r["code_before"])} → {esc(r["code_after"])}</span> '
                f'{esc(r["title"])}</td><td class="vk-num">{num(r["mean_before"])} → {num(r["mean_after"])}</td>'
                f'<td class="vk-num">{signed(r["change"])}<div class="vk-note">{num(r["ci_low"])} to '
                f"{num(r['ci_high'])}</div></td><td>{sig}</td></tr>"
            )
    if body:
        table = table_html(
            [("Value Code", ""), ("before → now", "vk-num"), ("change", "vk-num"), ("", "")], body
        )
        if len(shown) > top:
            table += f'<p class="vk-note">The {top} largest moves of {len(shown)}.</p>'
    elif rows is not None and len(rows):
        table = f'<p class="vk-why">{esc(reason_of(rows))}</p>'
    else:
        table = '<p class="vk-note">No Value Code here was asked in both cycles.</p>'
    acts = action_rows(view, f)
    readable = (
        acts is not None
        and len(acts)
        and bool((~acts["effect"].isna() | acts["suppressed"].fillna(False)).any())
    )
    if acts is not None and len(acts):
        items, later = [], []
        for _, a in acts.iterrows():
            if hidden(a):
                items.append(f'<tr><td class="vk-item">{esc(a["title"])}</td><td>{esc(human(a["status"]))}</td>'
                             f'{hidden_cell(a["suppressed_reason"], 2)}</tr>')  # fmt: skip
            elif missing(a["effect"]):
                later.append(f'<li>{esc(a["title"])} <span class="vk-note">({esc(a["verdict"])})</span></li>')
            else:
                moved = a["moved"]
                tag = (
                    ""
                    if missing(moved)
                    else pill("moved" if moved else "did not move", "agreed" if moved else "mixed")
                )
                items.append(
                    f'<tr><td class="vk-item">{esc(a["title"])}<div class="vk-note">targets '
                    f"{esc(str(a['code_ids']).replace('|', ', '))} · raised in {esc(cycle_name(a['raised_cycle']))}</div></td>"
                    f'<td>{esc(human(a["status"]))}</td><td class="vk-num">{signed(a["effect"])}</td>'
                    f'<td>{tag}<div class="vk-note">{esc(a["verdict"])}</div></td></tr>'
                )
        table += '<h3 class="vk-kicker">Improvement actions</h3>'
        if items:
            since = f"effect since {cycle_name(view.previous_cycle)}"
            table += table_html([("action", ""), ("status", ""), (since, "vk-num"), ("reading", "")], items)
        if later:
            table += f'<p class="vk-note">Nothing to read yet:</p><ul class="vk-list" data-vk="actions-later">{"".join(later)}</ul>'
    note = (
        f"Effect: how much more an action's Value Codes moved since {esc(cycle_name(view.previous_cycle))} than the "
        "codes no action targeted (whole community); the findings read each action over every cycle since it was raised."
    )
    return tile(title, lead, table, note if readable else None)


def footer_html(view: RelationshipView) -> str:
    s = view.stamp
    return (
        f'<div class="vk-footer">No number is shown for a group of fewer than {view.k} people, and no comment or '
        f"theme for fewer than {view.k_comments}; nor for a group that could be worked out from others. "
        f"Reproducible from: template <code>{esc(s.get('template'))}</code> · data "
        f"<code>{esc(s.get('fingerprint'))}</code> · valuekit <code>{esc(s.get('valuekit_version'))}</code>.</div>"
    )


#: Each tile's renderer, by the name :data:`~._select.DEPENDS` uses.
TILES = {
    "summary": summary_html,
    "engagement": engagement_html,
    "things": things_html,
    "heatmap": heatmap_html,
    "agreement": agreement_html,
    "mirror": mirror_html,
    "priorities": priorities_html,
    "findings": findings_html,
    "themes": lambda view, f: themes_html(view),
    "change": change_html,
}
