"""Which column of a survey export is which: the mapping first, then the format's known columns, then
question text matched to the Value Codes and open questions of the relationship × cycle being imported."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..errors import InputFileError, NotFoundError, ValuekitError
from ..templates import Template, find_template
from ._common import normalise
from ._sheet import Sheet, SheetColumn
from .mapping import FIELD_ALIASES, Mapping, candidate_texts

__all__ = ["Context", "Plan", "load_context", "plan_columns"]


@dataclass
class Context:
    relationship_id: str
    cycle_id: str
    template: Template | None
    cycle_codes: list[str]
    subjects: set[str]
    parties: pd.DataFrame
    equivalences: dict[tuple[str, str], dict[str, str]]
    notes: list[str]


def load_context(store, relationship_id, cycle_id, label: str) -> Context:
    if relationship_id is None:
        stored = ", ".join(store.relationship_ids()) or "none yet"
        raise ValuekitError(
            f"a {label} export holds one relationship × cycle: say which relationship (relationship_id); "
            f"stored relationships: {stored}"
        )
    store.require_relationship(relationship_id)
    if cycle_id is None:
        cycles = ", ".join(store.cycle_ids(relationship_id)) or "none yet"
        raise ValuekitError(
            f"a {label} export holds one relationship × cycle: say which cycle (cycle_id); "
            f"cycles of {relationship_id!r}: {cycles}"
        )
    store.require_cycle(relationship_id, cycle_id)
    codes = store.read("cycle_codes", relationship_id, cycle_id).sort_values("position")["code_id"].tolist()
    if not codes:
        raise ValuekitError(
            f"cycle {cycle_id!r} of relationship {relationship_id!r} has no Value Codes (cycle_codes is empty); "
            "import the diagnostic's design first"
        )
    rel = store.read("relationships", relationship_id).iloc[0]
    notes: list[str] = []
    template = None
    try:
        template = find_template(rel["template_id"], rel["template_version"])
    except NotFoundError:
        try:
            template = find_template(rel["template_id"])
            notes.append(
                f"template {rel['template_id']}@{rel['template_version']} not found; used {template.label}"
            )
        except NotFoundError:
            notes.append(
                f"template {rel['template_id']!r} not found: answers are read by level label or number only"
            )
    subjects = set()
    if template is not None:
        subjects = {t.id for t in template.things_that_matter} | {q.id for q in template.open_questions}
    eq: dict[tuple[str, str], dict[str, str]] = {}
    for r in store.read("equivalences", relationship_id).itertuples():
        eq.setdefault((r.party_id, r.dimension), {})[normalise(r.local)] = r.local
    parties = store.read("parties", relationship_id)
    return Context(relationship_id, cycle_id, template, codes, subjects, parties, eq, notes)


@dataclass
class Plan:
    """Column indexes: the respondent id, party/level/function, each code's rating/importance/desired, comments."""

    respondent: int | None = None
    fields: dict[str, int] = field(default_factory=dict)
    asks: dict[str, dict[int, str]] = field(
        default_factory=lambda: {"rating": {}, "importance": {}, "desired": {}}
    )
    comments: dict[int, str] = field(default_factory=dict)
    status: int | None = None
    ignored: list[str] = field(default_factory=list)


def _find(key: str, columns: list[SheetColumn]) -> int | None:
    for test in (
        lambda c: c.name == key or (c.import_id and c.import_id == key),
        lambda c: c.name.casefold() == key.casefold(),
        lambda c: normalise(key) in {normalise(c.name), normalise(c.text)} and normalise(key) != "",
    ):
        hits = [i for i, c in enumerate(columns) if test(c)]
        if hits:
            return hits[0]
    return None


def plan_columns(sheet: Sheet, ctx: Context, mapping: Mapping) -> Plan:
    cols, plan, claimed = sheet.columns, Plan(), set()
    missing_keys = []
    for section in ("questions", "importance", "desired", "comments"):
        for key, target in getattr(mapping, section).items():
            idx = _find(key, cols)
            if idx is None:
                missing_keys.append(key)
                continue
            if idx in claimed:
                raise InputFileError(f"{sheet.path}: the mapping names column {cols[idx].name!r} twice")
            claimed.add(idx)
            if section == "comments":
                plan.comments[idx] = target
            else:
                plan.asks["rating" if section == "questions" else section][idx] = target
    for kind, m in plan.asks.items():
        dup = sorted({t for t in m.values() if list(m.values()).count(t) > 1})
        if dup:
            names = [cols[i].name for i, t in m.items() if t == dup[0]]
            raise InputFileError(
                f"{sheet.path}: the mapping gives Value Code {dup[0]!r} two {kind} columns ({', '.join(names)}); "
                "map one of them"
            )
    if missing_keys:
        sheet.notes.append(
            f"the mapping names columns not in this file: {', '.join(map(repr, missing_keys))}"
        )
    for fld, col in mapping.fields.items():
        idx = _find(col, cols)
        if idx is None:
            raise InputFileError(
                f"{sheet.path}: the mapping's fields: {fld}: names column {col!r}, which is not in the file; "
                f"columns: {', '.join(c.name for c in cols)}"
            )
        plan.fields[fld] = idx
        claimed.add(idx)
    if "respondent" in plan.fields:
        plan.respondent = plan.fields.pop("respondent")
        sheet.respondent_scope = "global"
    for i, c in enumerate(cols):
        if c.role == "respondent" and plan.respondent is None:
            plan.respondent = i
        if c.role == "status":
            plan.status = i
        if c.role != "question":
            claimed.add(i)
    for fld, aliases in FIELD_ALIASES.items():
        if fld in plan.fields or fld == "respondent":
            continue
        for alias in aliases:
            idx = next(
                (i for i, c in enumerate(cols) if i not in claimed and normalise(c.name) == alias), None
            )
            if idx is not None:
                plan.fields[fld] = idx
                claimed.add(idx)
                break
    _auto_match(sheet, ctx, plan, claimed)
    plan.ignored = [c.name for i, c in enumerate(cols) if i not in claimed and c.role == "question"]
    return plan


def _auto_match(sheet: Sheet, ctx: Context, plan: Plan, claimed: set[int]) -> None:
    """Claim columns whose question text (or matrix row) is a cycle code's description, title or id, or an
    open question's text; a question mentioning importance or a desired level gives that instead of a rating."""
    cols = sheet.columns
    if ctx.template is None:
        return
    targets: dict[str, tuple[str, str]] = {}
    for cid in ctx.cycle_codes:
        code = next((c for c in ctx.template.value_codes if c.id == cid), None)
        if code is not None:
            for text in (code.description, code.title, code.id):
                targets.setdefault(normalise(text), ("code", cid))
    for q in ctx.template.open_questions_for(ctx.cycle_id):
        for text in (q.text, q.id):
            targets.setdefault(normalise(text), ("comment", q.id))
    taken = {(kind, t) for kind, m in plan.asks.items() for t in m.values()} | {
        ("comment", t) for t in plan.comments.values()
    }
    first: dict[tuple[str, str], str] = {}
    for i, c in enumerate(cols):
        if i in claimed:
            continue
        hits = {t: targets[t] for t in candidate_texts(c.name, c.text, c.row_label) if t in targets}
        if len(set(hits.values())) != 1:
            continue
        matched, (kind, target) = max(hits.items(), key=lambda h: len(h[0]))
        if kind == "code":
            rest = normalise(f"{c.text} {c.row_label}").replace(matched, " ")
            kind = "importance" if "importan" in rest else "desired" if "desired" in rest else "rating"
        if (kind, target) in taken:
            by = first.get((kind, target), "the mapping")
            sheet.notes.append(
                f"column {c.name!r} also matches {target} ({kind}), already read from {by}; not imported"
            )
            claimed.add(i)
            continue
        taken.add((kind, target))
        first[(kind, target)] = c.name
        claimed.add(i)
        if kind == "comment":
            plan.comments[i] = target
        else:
            plan.asks[kind][i] = target
