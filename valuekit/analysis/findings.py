"""Findings: ranked plain-English statements, each with its evidence and the call that produced it (question 6).

:func:`findings` reads one relationship × cycle through the other analyses and says what they show in the
method's voice: *"Middle management on both sides agreed that …"*, *"Senior leaders on both sides were divided
about whether …"*. Every number comes from a row the privacy gate shows, so no hidden group is named or can be
worked out; each finding's ``query`` is the call that shows the table it came from.

Ranking. Each finding's ``score = severity × confidence × breadth``, each factor in [0, 1]:

* **severity**, how much it says: agreement and strength ``consensus × |mean − 3| / 2``; division
  ``1 − consensus``; mirror gap, level gap and change ``min(|difference| / 2, 1)``; an action that moved
  ``min(effect / 2, 1)``, one that did not :data:`NULL_SEVERITY` (half that if it moved less than half a level,
  0.1 if unclear); priority ``√(priority / 20)``, its :func:`neglected_things` priority over the largest
  possible; fragmentation the index; engagement ``1 − rate / overall rate``;
* **confidence**, how firm: ``n / (n + 10)``, ``n`` the harmonic mean of the two sizes for a comparison;
* **breadth**, how many it speaks for: ``√(n / the Value Code's respondents)``, 1 for the whole community.

Then one finding per kind and Value Code — the broadest group that qualifies (most respondents, then the
highest score) — at most :data:`PER_KIND` of each kind so the list is varied, sorted by score (ties: kind, the
cycle's Value Code order, then perspective order).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..config import Privacy
from ..errors import ValuekitError
from ..schemas import COMMON_LEVELS, SIDES
from .agreement import AGREED_CONSENSUS
from .change import action_effects, compare_cycles
from .data import RelationshipData
from .engagement import engagement
from .fragmentation import agreement_by_perspective, fragmentation_index
from .gaps import MEANINGFUL_GAP, level_gaps, mirror_gaps
from .perspectives import ALL, group_label
from .priorities import neglected_things
from .privacy import DEFAULT_PRIVACY
from .scores import score_codes

__all__ = ["findings", "FINDING_COLUMNS", "KINDS", "PER_KIND", "STRONG_CONSENSUS", "NULL_SEVERITY"]

FINDING_COLUMNS = [
    "rank", "kind", "statement", "evidence", "group", "code_id", "thing_that_matters", "n", "mean", "consensus",
    "score", "query",
]  # fmt: skip
#: The kinds of finding, in the order ties are broken.
KINDS = ("priority", "agreement", "division", "gap", "change", "action", "level_gap", "strength",
         "fragmentation", "engagement")  # fmt: skip
#: At most this many findings of each kind (``per_kind=`` overrides).
PER_KIND = {"priority": 2, "agreement": 4, "division": 3, "gap": 4, "change": 5, "action": 6, "level_gap": 3,
            "strength": 3, "fragmentation": 1, "engagement": 2}  # fmt: skip
#: A group is said to *agree* exactly when :func:`~valuekit.analysis.agreement.classify_agreement` calls it
#: "agreed": Tastle–Wierman consensus ≥ :data:`~valuekit.analysis.agreement.AGREED_CONSENSUS` (0.80), the one
#: threshold of the tables, the charts and the sentences (this name is kept for code that imported it). What
#: makes an agreement worth a sentence besides is its mean (below :data:`LOW_MEAN`: falls short; from
#: :data:`HIGH_MEAN`: a strength) and its rank (severity × confidence × breadth).
STRONG_CONSENSUS = AGREED_CONSENSUS
#: Agreed below this mean (Failing or Struggling) falls short; at or above HIGH_MEAN it is a strength.
LOW_MEAN, HIGH_MEAN = 2.5, 3.5
#: The severity of an action that clearly did not move its Value Codes: worth a one-level move.
NULL_SEVERITY = 0.5
_PERSPECTIVES = ((), ("side",), ("common_level",), ("side", "common_level"))
_LEVEL_WORDS = {"senior_leadership": "senior leaders", "middle_management": "middle management",
                "front_line": "front line"}  # fmt: skip
_FIRST_PERSON = re.compile(r"(?<!')\b(we|us|our|ours|ourselves)\b", re.IGNORECASE)  # not 'us and them'
_MINUS = "\u2212"


@dataclasses.dataclass(frozen=True)
class _Ctx:
    data: RelationshipData
    privacy: Privacy
    codes: dict[str, dict]

    def label(self, values: Mapping) -> str:
        return group_label(values, party_names=self.data.party_names, n_parties=len(self.data.parties))

    def call(self, fn: str, *args: object, **kw: object) -> str:
        parts = ["data", *map(repr, args), *(f"{k}={v!r}" for k, v in kw.items())]
        parts += [f"privacy={self.privacy!r}"] * (self.privacy != DEFAULT_PRIVACY)
        return f"{fn}({', '.join(parts)})"


def findings(
    data: RelationshipData,
    *,
    previous: RelationshipData | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
    max_findings: int | None = None,
    per_kind: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """What one relationship × cycle shows, as ranked plain-English statements.

    Parameters
    ----------
    data
        One cycle of one relationship: ``load_relationship(store, relationship_id, cycle)``.
    previous
        For change and action findings: every cycle (``load_relationship(store, relationship_id)``), read
        against the cycle before ``data``'s, or one earlier cycle to compare with. Actions are read from the
        cycle they were raised in. ``None``: no change or action findings.
    privacy
        The thresholds every underlying table is gated with; only rows the gate shows are read.
    max_findings
        Keep the first this many (``None``: all, after the per-kind caps).
    per_kind
        Caps per kind, overriding :data:`PER_KIND` (``{"level_gap": 0}`` leaves a kind out).

    Returns
    -------
    DataFrame
        :data:`FINDING_COLUMNS`, ``rank`` 1 first: ``kind`` (:data:`KINDS`), ``statement`` (one sentence),
        ``evidence`` (its numbers), ``group`` (the perspective's label, ``"everyone"`` for the whole community),
        ``code_id`` (a mirror pair's two halves and an action's targets ``|``-joined), ``n``, ``mean`` and
        ``consensus`` where they apply, ``score`` (module notes) and ``query`` (the call behind it).

    Examples
    --------
    >>> data = load_relationship(store, "meridian-atlas", "solve")  # doctest: +SKIP
    >>> findings(data, max_findings=5)["statement"].tolist()  # doctest: +SKIP
    """
    if not isinstance(data, RelationshipData) or data.cycle_id is None:
        raise ValuekitError("findings() reads one cycle: pass load_relationship(store, rid, cycle)")
    if max_findings is not None and (type(max_findings) is not int or max_findings < 1):
        raise ValuekitError(f"max_findings must be a whole number ≥ 1 or None; got {max_findings!r}")
    caps = {**PER_KIND, **dict(per_kind or {})}
    if set(caps) - set(KINDS):
        raise ValuekitError(f"per_kind names unknown kinds {sorted(set(caps) - set(KINDS))}; kinds: {KINDS}")
    ctx = _Ctx(data, privacy, _code_info(data))
    tables = {by: agreement_by_perspective(data, list(by) or None, privacy=privacy) for by in _PERSPECTIVES}
    # each Value Code's respondents: its largest shown group (the whole community, unless that is hidden)
    shown = pd.concat([t.loc[~t["suppressed"], ["code_id", "n"]] for t in tables.values()])
    whole = shown.groupby("code_id")["n"].max().astype(float).to_dict()
    rows = _group_findings(ctx, tables, whole) + _gap_findings(ctx, whole) + _priority_findings(ctx)
    rows += _fragmentation_findings(ctx, tables) + _engagement_findings(ctx)
    combined = _combine(data, previous)
    if combined is not None:
        rows += _change_findings(ctx, *combined[:2]) + _action_findings(ctx, combined[0], combined[2])
    return _rank(rows, caps, max_findings)


# -- words ----------------------------------------------------------------------------------------------------
def _code_info(data: RelationshipData) -> dict[str, dict]:
    """Per Value Code: its clause, topic, whom it is about, which sides rate it and its place in the cycle."""
    frame = data.template.codes_frame()
    own = {c: i for i, c in enumerate(data.codes["code_id"])}
    clauses = {r.code_id: _clause(r.description) for r in frame.itertuples()}
    info = {}
    for r in frame.itertuples():
        # a first-person half of a mirror pair ("we, the supplier, …") borrows its other half's clause
        clause = clauses[r.code_id] or (clauses.get(r.mirror) if isinstance(r.mirror, str) else None)
        topic = f"whether {clause}" if clause else _title_topic(r.title)
        rated = [s for s in str(r.rated_by).split("|") if s in set(data.parties["side"])]
        position = own.get(r.code_id, len(own) + r.position)  # the cycle's order, then the template's
        info[r.code_id] = dict(clause=clause, topic=topic, about=r.about, rated_by=rated, position=position)
    return info


def _clause(description: str) -> str | None:
    """'The extent to which X.' → 'X'; ``None`` for a first-person description."""
    text = re.sub(r"^The extent to which\s+", "", str(description).strip()).rstrip(".")
    return None if _FIRST_PERSON.search(text) else text


def _title_topic(title: str) -> str:
    """'Client's decisions and inputs (own)' → "the client's decisions and inputs"."""
    text = _bare(title)
    if re.match(r"^(Client|Supplier|Partner)'s\b", text):
        return "the " + text[0].lower() + text[1:]
    return text[0].lower() + text[1:] if len(text) > 1 and not text[1].isupper() else text


def _bare(title: str) -> str:
    return re.sub(r"\s*\([^)]*\)$", "", str(title))


def _one_side(ctx: _Ctx, values: Mapping, code: str) -> dict:
    """The perspective values of a group, with the side named for a Value Code only one side rates."""
    rated, side = ctx.codes[code]["rated_by"], values.get("side")
    return {**values, "side": rated[0]} if len(rated) == 1 and side in (None, ALL) else dict(values)


def _who(ctx: _Ctx, values: Mapping, label: str, *, everywhere: bool = True) -> str:
    """A group in the method's voice, lower case ("the client's front line"); pooled ones keep ``label``."""
    side, level = (None if values.get(c) in (None, ALL) else str(values[c]) for c in ("side", "common_level"))
    if (side or "client") not in SIDES or (level or "front_line") not in COMMON_LEVELS:  # pooled, unusual
        return label[0].lower() + label[1:]
    if level is None:
        return f"the {side}" if side else "the whole community"
    noun = _LEVEL_WORDS[level]
    if side:
        return f"the {side}'s {noun}"
    where = (" on both sides" if len(ctx.data.parties) == 2 else " on all sides") if everywhere else ""
    return f"{'the ' if level == 'front_line' or not everywhere else ''}{noun}{where}"


def _num(x: float, sign: bool = False) -> str:
    """One decimal, a true minus sign, never "−0.0"; ``sign``: "+" before a number above 0.0."""
    text = f"{x:.1f}".removeprefix("-" if round(x, 1) == 0 else "")
    return ("+" if sign and round(x, 1) > 0 else "") + text.replace("-", _MINUS)


def _levels(x: float) -> str:
    return _num(abs(x)) + (" level" if _num(abs(x)) == "1.0" else " levels")


def _pct(x: float) -> str:
    return f"{round(100 * float(x))} %"


# -- scoring --------------------------------------------------------------------------------------------------
def _confidence(*ns: float) -> float:
    """``n / (n + 10)``; for two samples ``n`` is their harmonic mean: as firm as the smaller."""
    ns = [float(n) for n in ns if n and n > 0]
    n = len(ns) / sum(1 / v for v in ns) if ns else 0.0
    return n / (n + 10)


def _breadth(n: float, whole: float | None) -> float:
    return math.sqrt(min(1.0, float(n) / whole)) if whole else 1.0


def _finding(kind: str, text: str, evidence: str, weights: tuple, query: str, **extra) -> dict:
    """One finding; ``weights`` = (severity, confidence, breadth); ``extra``: other columns and sort keys."""
    row = dict(kind=kind, statement=text, evidence=evidence, group="everyone", score=math.prod(weights))
    row.update({"query": query, "_breadth": weights[2], "_position": 0, "_order": 0, **extra})
    row.setdefault("_key", row.get("code_id") or text)
    return row


# -- agreement, division, strength --------------------------------------------------------------------------------
def _group_findings(ctx: _Ctx, tables: dict, whole: dict) -> list[dict]:
    rows = []
    for by, table in tables.items():
        shown = table[~table["suppressed"]]
        divided = list(dict.fromkeys(shown.loc[shown["classification"] == "divided", "code_id"]))
        shares = {}
        if divided:  # their level shares, through the same gate: the same groups are shown
            scores = score_codes(ctx.data, list(by) or None, code_ids=divided, privacy=ctx.privacy)
            shares = {tuple(r[[*by, "code_id"]]): r for _, r in scores.iterrows()}
        for order, row in shown.iterrows():
            # ties between equally broad groups go to the coarser perspective
            found = _group_finding(ctx, by, row, shares, whole.get(row["code_id"]), len(by) * 10**6 + order)
            rows += [found] if found else []
    return rows


def _group_finding(ctx: _Ctx, by: tuple, row: pd.Series, shares: dict, whole, order: int) -> dict | None:
    code, info = row["code_id"], ctx.codes[row["code_id"]]
    n, mean, cons = int(row["n"]), float(row["mean"]), float(row["consensus"])
    values = _one_side(ctx, {c: row[c] for c in by}, code)
    who = _who(ctx, values, row["group"])
    who = who[0].upper() + who[1:]
    query = ctx.call("agreement_by_perspective", by=list(by) or None, code_ids=[code])
    group = ctx.label(values) if values else "everyone"
    extra = dict(group=group, code_id=code, n=n, mean=mean, consensus=cons)
    extra.update(thing_that_matters=row["thing_that_matters"], _position=info["position"], _order=order)
    conf, breadth = _confidence(n), _breadth(n, whole)
    if row["classification"] == "divided":
        share = shares.get(tuple(row[[*by, "code_id"]]))
        if share is None or share["suppressed"]:
            return None
        low, mid, high = (sum(share[f"share_{lv}"] for lv in lvs) for lvs in ((1, 2), (3,), (4, 5)))
        middle = f"{_pct(mid)} Performing, " if round(100 * mid) else ""
        evidence = (
            f"consensus {cons:.2f}; {_pct(low)} rated it Failing or Struggling, {middle}"
            f"{_pct(high)} Exceeding or Best practice; n = {n}"
        )
        text = f"{who} were divided about {info['topic']} ({evidence})."
        return _finding("division", text, evidence, (1 - cons, conf, breadth), query, **extra)
    shown_mean = round(mean, 1)  # decide on the numbers the reader sees
    if row["classification"] != "agreed":  # consensus ≥ AGREED_CONSENSUS, as in every agreement table
        return None
    clause, topic = info["clause"], info["topic"]
    if shown_mean < LOW_MEAN:
        # whoever the clause does not already name falls short
        fails = "the parties fall" if str(clause).startswith("the relationship") else "the relationship falls"
        how = f"in ensuring that {clause}" if clause else f"on {topic}"
        kind, what = "agreement", f"{fails} short {how}"
    elif shown_mean >= HIGH_MEAN:
        kind, what = "strength", f"it is a strength that {clause}" if clause else f"{topic} is a strength"
    else:
        return None
    evidence = f"consensus {cons:.2f}, mean {mean:.1f} of 5, n = {n}"
    weights = (cons * abs(mean - 3) / 2, conf, breadth)
    return _finding(kind, f"{who} agreed that {what} ({evidence}).", evidence, weights, query, **extra)


# -- gaps -----------------------------------------------------------------------------------------------------
def _meaningful(table: pd.DataFrame) -> pd.DataFrame:
    return table[~table["suppressed"].astype(bool) & table["meaningful"].fillna(False).astype(bool)]


def _gap_findings(ctx: _Ctx, whole: dict) -> list[dict]:
    """Meaningful mirror gaps (both parties, then per common level) and gaps between senior and front line."""
    rows, between = [], ("senior_leadership", "front_line")
    for by in ([], ["common_level"]):
        table = _meaningful(mirror_gaps(ctx.data, by or None, privacy=ctx.privacy))
        table = table[table["common_level"].isin(list(_LEVEL_WORDS))] if by else table  # pooled: no words
        query = ctx.call("mirror_gaps", by=by or None)
        rows += [_mirror_finding(ctx, row, whole, query, order) for order, row in table.iterrows()]
    for by_side in (False, True):
        table = _meaningful(level_gaps(ctx.data, between=between, by_side=by_side, privacy=ctx.privacy))
        query = ctx.call("level_gaps", between=between, by_side=by_side)
        rows += [_level_finding(ctx, row, between, whole, query, order) for order, row in table.iterrows()]
    return rows


def _mirror_finding(ctx: _Ctx, row: pd.Series, whole: dict, query: str, order: int) -> dict:
    c, s = row["code_client"], row["code_supplier"]
    judged, rater = ("client", "supplier") if row["about"] == "client" else ("supplier", "client")
    diff = float(row["gap"]) * (1 if rater == "client" else -1)  # the other party's view minus the self-view
    nc, ns = int(row["n_client"]), int(row["n_supplier"])
    evidence = f"client {row['mean_client']:.1f}, supplier {row['mean_supplier']:.1f}; n = {nc} and {ns}"
    noun = _LEVEL_WORDS.get(row.get("common_level"))
    if noun:
        view, own = f"the {rater}'s {noun} rate the {judged}", f"the {judged}'s own {noun} do"
    else:
        view, own = f"the {rater} rates the {judged}", f"the {judged} rates itself"
    way = "lower" if diff < 0 else "higher"
    text = f"On {ctx.codes[c]['topic']}, {view} {_levels(diff)} {way} than {own} ({evidence})."
    breadth = _breadth(nc + ns, whole.get(c, 0) + whole.get(s, 0))
    weights = (min(abs(diff) / 2, 1), _confidence(nc, ns), breadth)
    extra = dict(code_id=f"{c}|{s}", thing_that_matters=row["thing_that_matters"], n=nc + ns, _order=order)
    extra.update(group=row["group"] if noun else "everyone", _position=ctx.codes[c]["position"])
    return _finding("gap", text, evidence, weights, query, **extra)


def _level_finding(ctx: _Ctx, row: pd.Series, between: tuple, whole: dict, query: str, order: int) -> dict:
    code, gap, info = row["code_id"], float(row["gap"]), ctx.codes[row["code_id"]]
    side = _one_side(ctx, {"side": row["side"]} if "side" in row else {}, code)
    high, low = (_who(ctx, {**side, "common_level": lv}, row["group"], everywhere=i < 1) for i, lv in
                 enumerate(between))  # fmt: skip
    na, nb = int(row["n_a"]), int(row["n_b"])
    evidence = f"senior leaders {row['mean_a']:.1f}, front line {row['mean_b']:.1f}; n = {na} and {nb}"
    about = {"client": "the client", "supplier": "the supplier"}.get(info["about"], "the relationship")
    way = "higher" if gap > 0 else "lower"
    text = f"On {info['topic']}, {high} rate {about} {_levels(gap)} {way} than {low} ({evidence})."
    group = " vs ".join(ctx.label({**side, "common_level": lv}) for lv in between)
    weights = (min(abs(gap) / 2, 1), _confidence(na, nb), _breadth(na + nb, whole.get(code)))
    extra = dict(code_id=code, n=na + nb, thing_that_matters=row["thing_that_matters"], _order=order)
    extra.update(group=group, _position=info["position"])
    return _finding("level_gap", text, evidence, weights, query, **extra)


# -- priorities, fragmentation, engagement -------------------------------------------------------------------------
def _priority_findings(ctx: _Ctx) -> list[dict]:
    """The most neglected Thing That Matters (rank 1) and those that are important and under-performing."""
    table = neglected_things(ctx.data, privacy=ctx.privacy)
    shown = table[~table["suppressed"].astype(bool) & table["priority"].notna()]
    pick = shown[(shown["rank"] == 1) | (shown["quadrant"] == "concentrate here")]
    rows = []
    for _, row in pick.iterrows():
        name, imp, mean, n = row["thing_that_matters_name"], row["mean_importance"], row["mean"], row["n"]
        short = f", {row['shortfall']:.1f} short of the level wanted" if pd.notna(row["shortfall"]) else ""
        evidence = f"importance {imp:.1f} of 5, performance {mean:.1f}{short} (n = {n})"
        low = round(mean, 1) < 3
        if row["rank"] != 1:
            text = f"{name} is important and {'neglected' if low else 'has room to improve'}, more than the "
            text += f"average Thing That Matters: {evidence}."
        elif imp >= shown["mean_importance"].max() and mean <= shown["mean"].min():
            text = f"{name} matters most and is most neglected: {evidence}."
        elif low:
            text = f"{name} is the most neglected Thing That Matters: {evidence}."
        else:
            text = f"{name} has the most room to improve where it matters: {evidence}."
        weights = (math.sqrt(row["priority"] / 20), _confidence(n), 1.0)
        thing = row["thing_that_matters"]
        extra = dict(n=n, mean=mean, thing_that_matters=thing, _key=thing, _position=row["rank"])
        rows.append(_finding("priority", text, evidence, weights, ctx.call("neglected_things"), **extra))
    return rows


def _fragmentation_findings(ctx: _Ctx, tables: dict) -> list[dict]:
    by = ["side", "common_level"]
    summary = fragmentation_index(ctx.data, by=by, privacy=ctx.privacy)[0].iloc[0]
    if not summary["n_codes"] or not summary["n_fragmented"]:
        return []
    groups = tables[tuple(by)].drop_duplicates("group").set_index("group")
    top = [part.rsplit(" (", 1) for part in str(summary["involved"]).split("; ")][:2]
    names = [f"{_who(ctx, groups.loc[g], g)} (in {k.rstrip(')')})" for g, k in top if g in groups.index]
    most = f", most often involving {' and '.join(names)}" if names else ""
    idx, n_codes = float(summary["fragmentation_index"]), int(summary["n_codes"])
    evidence = f"fragmentation {idx:.2f}"
    text = f"Perspectives diverge on {summary['n_fragmented']} of {n_codes} Value Codes ({evidence}){most}."
    weights = (idx, _confidence(n_codes), 1.0)
    return [_finding("fragmentation", text, evidence, weights, ctx.call("fragmentation_index", by=by))]


def _engagement_findings(ctx: _Ctx) -> list[dict]:
    by = ["side", "common_level"]
    table = engagement(ctx.data, by, privacy=ctx.privacy)
    shown = table[~table["suppressed"].astype(bool)]
    total = shown[shown["row_type"] == "total"]
    if total.empty:
        return []
    overall, everyone = float(total["response_rate"].iloc[0]), float(total["invited"].iloc[0])
    low = shown[(shown["row_type"] != "total") & shown["under_represented"].fillna(False).astype(bool)]
    rows = []
    for order, row in low.iterrows():
        rate, invited = float(row["response_rate"]), int(row["invited"])
        evidence = f"{_pct(rate)} of {invited} invited responded, against {_pct(overall)} overall"
        text = f"Response was low among {_who(ctx, row, row['group'])}: {evidence}."
        weights = (1 - rate / overall if overall else 0.0, _confidence(invited), _breadth(invited, everyone))
        extra = dict(group=row["group"], n=row["responded"], _order=order)
        rows.append(_finding("engagement", text, evidence, weights, ctx.call("engagement", by=by), **extra))
    return rows


# -- change and actions ----------------------------------------------------------------------------------------
def _combine(data: RelationshipData, previous: RelationshipData | None):
    """(data of every cycle needed, the cycle before ``data``'s, the cycles actions can be read from) or None."""
    if previous is None:
        return None
    if not isinstance(previous, RelationshipData) or previous.relationship_id != data.relationship_id:
        got = getattr(previous, "relationship_id", type(previous).__name__)
        raise ValuekitError(f"previous= must be relationship {data.relationship_id!r} too; got {got!r}")
    order = list(data.cycles["cycle_id"])
    here = order.index(data.cycle_id)
    if previous.cycle_id is None:
        return (previous, order[here - 1], order[:here]) if here else None
    if previous.cycle_id not in order[:here]:
        raise ValuekitError(f"previous= is {previous.cycle_id!r}; the cycles before are {order[:here]}")
    tables = ("invitations", "responses", "comments")
    both = {t: pd.concat([getattr(previous, t), getattr(data, t)], ignore_index=True) for t in tables}
    merged = dataclasses.replace(data, cycle_id=None, codes=data.template.codes_frame(), **both)
    return merged, previous.cycle_id, [previous.cycle_id]


def _change_findings(ctx: _Ctx, combined: RelationshipData, before: str) -> list[dict]:
    """Value Codes that moved at least half a level (significantly) since the cycle before."""
    after = ctx.data.cycle_id
    table = compare_cycles(combined, before, after, privacy=ctx.privacy)
    ok = table[~table["suppressed"].astype(bool) & table["significant"].fillna(False).astype(bool)]
    rows, query = [], ctx.call("compare_cycles", before, after)
    for order, row in ok[ok["change"].abs() >= MEANINGFUL_GAP].iterrows():
        change, code, nb, na = row["change"], row["code_after"], int(row["n_before"]), int(row["n_after"])
        interval = f"95 % interval {_num(row['ci_low'])} to {_num(row['ci_high'])}"
        evidence = f"{row['mean_before']:.1f} → {row['mean_after']:.1f}, {interval}; n = {nb} and {na}"
        rated, since = ctx.codes[code]["rated_by"], before.replace("-", " ").capitalize()
        what = f"{_bare(row['title'])}, as the {rated[0]} rates it," if len(rated) == 1 else row["title"]
        text = f"{what} {'rose' if change > 0 else 'fell'} by {_levels(change)} since {since} ({evidence})."
        weights = (min(abs(change) / 2, 1), _confidence(nb, na), 1.0)
        extra = dict(code_id=code, n=na, mean=row["mean_after"], thing_that_matters=row["thing_that_matters"])
        extra.update(_position=ctx.codes[code]["position"], _order=order)
        rows.append(_finding("change", text, evidence, weights, query, **extra))
    return rows


def _action_findings(ctx: _Ctx, combined: RelationshipData, readable: list[str]) -> list[dict]:
    """Each action raised in a cycle we have, read from that cycle to this one."""
    after, rows = ctx.data.cycle_id, []
    for cycle in [c for c in readable if (combined.actions["raised_cycle"] == c).any()]:
        table = action_effects(combined, before=cycle, after=after, privacy=ctx.privacy)
        read = table[(table["raised_cycle"] == cycle) & table["effect"].notna()]
        read = read[~read["suppressed"].astype(bool)]
        query = ctx.call("action_effects", before=cycle, after=after)
        when = f"since {cycle.replace('-', ' ').capitalize()}"  # "since Solve", "since Dissolve 1"
        rows += [_action_finding(row, when, query, order) for order, row in read.iterrows()]
    return rows


def _action_finding(row: pd.Series, when: str, query: str, order: int) -> dict:
    effect, moved = float(row["effect"]), None if pd.isna(row["moved"]) else bool(row["moved"])
    status = f" ({str(row['status']).replace('_', ' ')})" if isinstance(row["status"], str) else ""
    name = f"Action {row['action_id']} '{row['title']}'{status}"
    moves = f"{_num(row['change_targets'], True)} against {_num(row['change_untargeted'], True)}"
    evidence = f"{moves}; 95 % interval {_num(row['ci_low'])} to {_num(row['ci_high'])}"
    than = f"more than those no action targeted, {when}"
    if moved:
        text, severity = f"{name} moved its Value Codes {_levels(effect)} {than}", min(effect / 2, 1)
    elif moved is False and row["ci_low"] > 0:
        text, severity = f"{name} moved its Value Codes less than half a level {than}", NULL_SEVERITY / 2
    elif moved is False:
        text, severity = f"{name} did not move its Value Codes {when}", NULL_SEVERITY
    else:
        text, severity = f"It is not yet clear whether a{name[1:]} moved its Value Codes {when}", 0.1
    extra = dict(code_id=row["code_ids"], _key=row["action_id"], _position=order, _order=order)
    return _finding("action", f"{text} ({evidence}).", evidence, (severity, 1.0, 1.0), query, **extra)


# -- ranking ---------------------------------------------------------------------------------------------------
def _rank(rows: list[dict], caps: Mapping[str, int], max_findings: int | None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*FINDING_COLUMNS[1:], "_key", "_breadth", "_position", "_order"])
    frame["_kind"] = frame["kind"].map(KINDS.index)
    # one per kind and Value Code: the broadest group, then the strongest
    best = frame.sort_values(["_breadth", "score", "_order"], ascending=[False, False, True], kind="stable")
    frame = best.drop_duplicates(["kind", "_key"])
    order = ["score", "_kind", "_position", "_order"]
    frame = frame.sort_values(order, ascending=[False, True, True, True], kind="stable")
    frame = frame[frame.groupby("kind").cumcount() < frame["kind"].map(caps)]
    out = frame.head(max_findings) if max_findings else frame
    out = out.reset_index(drop=True).astype({"n": "Int64", "mean": "float64", "consensus": "float64"})
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out[FINDING_COLUMNS]
