"""From any survey tool's export to canonical rows: the part the formats share.

A format module only parses its headers into a :class:`~._sheet.Sheet`; :mod:`._columns` works out which
column is which; this module reads each respondent's row — who they are (party, local level and function,
checked against the relationship and its equivalence maps) and every answer as a level — and builds
participants, invitations, responses and comments for one relationship × cycle.

A problem with who answered rejects the whole row; a problem with one answer rejects that answer only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from ..schemas import empty_table
from ._columns import Context, Plan, load_context, plan_columns
from ._common import Prepared, Reader, mask_row, normalise, pii_header, problem, redact
from ._sheet import Sheet
from .mapping import Mapping, load_mapping, read_level

__all__ = ["SurveyReader", "build"]

_ID_CHARS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
#: Qualtrics Status values (numeric or text) of responses that are not a respondent's.
_NOT_RESPONDENTS = {"1", "2", "8", "9", "12", "17", "survey preview", "survey test", "spam", "preview spam"}
_ASKS = ("rating", "desired", "importance")


def build(sheet: Sheet, store, relationship_id, cycle_id, mapping, replace: bool = False) -> Prepared:
    """Canonical tables from a parsed export; see the module docstring.

    Raises
    ------
    InputFileError
        No column matches a Value Code or open question; no column says who answered; no data rows.
    """
    mapping = load_mapping(mapping)
    ctx = load_context(store, relationship_id, cycle_id, sheet.format)
    plan = plan_columns(sheet, ctx, mapping)
    cols, file = sheet.columns, sheet.path
    if not any(plan.asks.values()) and not plan.comments:
        shown = "; ".join(
            f"{c.name} ({c.text[:50]!r})" if c.text and c.text != c.name else c.name
            for c in cols
            if c.role == "question"
        )[:600]
        raise InputFileError(
            f"{file}: no column matched a Value Code or open question of cycle {cycle_id!r} in relationship "
            f"{relationship_id!r} (codes: {', '.join(ctx.cycle_codes)}). Map them in a mapping file, e.g. "
            f"questions: {{Q3_1: {ctx.cycle_codes[0]}}}. Question columns: {shown or 'none'}"
        )
    for fld in ("party", "level", "function"):
        if fld not in plan.fields and fld not in mapping.defaults:
            raise InputFileError(
                f"{file}: no column gives each respondent's {fld}; name it in the mapping (fields: {{{fld}: "
                f"<column>}}) or give one value for all (defaults: {{{fld}: <value>}}); "
                f"columns: {', '.join(c.name for c in cols)}"
            )
    if plan.respondent is None:
        raise InputFileError(
            f"{file}: no respondent id column; name one in the mapping: fields: {{respondent: <column>}}"
        )
    if not any(any(v.strip() for v in values) for _, values in sheet.rows):
        raise InputFileError(f"{file}: the file has its header rows but no responses below them")
    return _Rows(sheet, store, ctx, plan, mapping, replace).read()


class _Rows:
    """Reads a sheet's data rows one by one, collecting accepted respondents and problems."""

    def __init__(self, sheet: Sheet, store, ctx: Context, plan: Plan, mapping: Mapping, replace: bool):
        self.sheet, self.store, self.ctx, self.plan, self.mapping = sheet, store, ctx, plan, mapping
        people = store.read("participants", ctx.relationship_id)
        self.stored = (
            {}
            if replace
            else {
                r.participant_id: (r.party_id, r.local_level, r.local_function) for r in people.itertuples()
            }
        )
        self.cols = sheet.columns
        self.out = Prepared(
            tables={},
            encoding=sheet.encoding,
            relationship_id=ctx.relationship_id,
            cycle_id=ctx.cycle_id,
            replace_cycle=(ctx.relationship_id, ctx.cycle_id),
            notes=ctx.notes + sheet.notes,
        )
        if plan.ignored:
            more = " …" if len(plan.ignored) > 12 else ""
            self.out.notes.append(
                f"{len(plan.ignored)} question columns matched nothing and were not imported: "
                + ", ".join(plan.ignored[:12])
                + more
            )
        self.identifying = {c.name for c in self.cols if c.identifying or c.role == "identifying"}
        self.identifying |= {
            c.name for c in self.cols if c.name in plan.ignored and pii_header(f"{c.name} {c.text}")
        }
        self.parties = {normalise(p.party_id): p.party_id for p in ctx.parties.itertuples()}
        self.parties.update({normalise(p.name): p.party_id for p in ctx.parties.itertuples()})
        self.sides = dict(zip(ctx.parties["party_id"], ctx.parties["side"], strict=True))
        self.codes = {c.id: c for c in ctx.template.value_codes} if ctx.template else {}
        self.by_code: dict[str, dict[str, int]] = {}
        for kind, m in plan.asks.items():
            for idx, code_id in m.items():
                self.by_code.setdefault(code_id, {})[kind] = idx
        for code_id, kinds in list(self.by_code.items()):
            if "rating" not in kinds:  # importance alone would be stored as a "don't know" rating
                del self.by_code[code_id]
                self.out.notes.append(
                    f"no rating column for Value Code {code_id!r}, so its "
                    + " and ".join(f"{k} ({self.cols[i].name})" for k, i in kinds.items())
                    + " column was not imported"
                )
        self.seen: dict[str, int] = {}

    def read(self) -> Prepared:
        accepted = []
        for row, values in self.sheet.rows:
            if not any(v.strip() for v in values):
                continue
            bad: list = []
            original = {c.name: values[i] for i, c in enumerate(self.cols)}
            if row in self.sheet.ragged and self.sheet.ragged[row][1]:
                original["(fields beyond the header)"] = " | ".join(self.sheet.ragged[row][1])
            raw, who = self._who(row, values, bad)
            if not bad:
                who["responses"] = self._answers(row, values, who["party_id"], bad)
                who["comments"] = self._comments(row, values, bad)
                accepted.append((raw, who))
            if bad:
                self.out.problems.extend(bad)
                id_col = self.cols[self.plan.respondent].name
                if original[id_col].strip():  # rejects show the pseudonym, never the raw respondent id
                    original[id_col] = self._pseudonym(raw)
                self.out.originals[(str(self.sheet.path), row)] = mask_row(original, self.identifying)
        self.out.tables = _tables(self.store, self.ctx, accepted)
        return self.out

    def _pseudonym(self, raw: str) -> str:
        return self.store.pseudonymise([raw], self.ctx.relationship_id)[0]

    def _reject(self, bad: list, row: int, reason: str, column=None, value=None) -> None:
        bad.append(problem(self.sheet.path, reason, row, column, value))

    def _who(self, row: int, vals: list[str], bad: list) -> tuple[str, dict]:
        """The respondent's raw id and party, local level and function; problems reject the row."""
        sheet, plan, ctx, cols = self.sheet, self.plan, self.ctx, self.cols
        scoped = vals[plan.respondent].strip()
        if sheet.respondent_scope != "global":
            scoped = f"{ctx.cycle_id}\x1f{sheet.format}\x1f{scoped}"
        if row in sheet.ragged:
            reason = (
                f"the row has {sheet.ragged[row][0]} fields but the header has {sheet.width}: its values may "
                "be shifted; fix the row and import it again"
            )
            self._reject(bad, row, reason)
            return scoped, {}
        if plan.status is not None and normalise(vals[plan.status]) in _NOT_RESPONDENTS:
            status = cols[plan.status].name
            self._reject(
                bad,
                row,
                "a survey preview, test or spam response, not a respondent",
                status,
                vals[plan.status],
            )
        id_col = cols[plan.respondent]
        raw_id = vals[plan.respondent].strip()
        if not raw_id:
            self._reject(bad, row, "the respondent id is empty", id_col.name)
        elif raw_id in self.seen:
            reason = f"duplicate respondent: the same id as row {self.seen[raw_id]}"
            self._reject(bad, row, reason, id_col.name, self._pseudonym(scoped))
        else:
            self.seen[raw_id] = row
        given, where = {}, {}
        for fld in ("party", "level", "function"):
            idx = plan.fields.get(fld)
            given[fld] = (vals[idx].strip() if idx is not None else "") or self.mapping.defaults.get(fld, "")
            where[fld] = cols[idx].name if idx is not None else f"defaults: {fld}"
        party = self.parties.get(normalise(given["party"]))
        if not given["party"]:
            self._reject(bad, row, "the party is empty", where["party"])
        elif party is None:
            known = ", ".join(f"{p.party_id} ({p.name})" for p in ctx.parties.itertuples())
            reason = f"party not in relationship {ctx.relationship_id!r}; its parties: {known}"
            self._reject(bad, row, reason, where["party"], given["party"])
        local = {}
        for fld in ("level", "function") if party is not None else ():
            options = ctx.equivalences.get((party, fld), {})
            local[fld] = options.get(normalise(given[fld]))
            if not given[fld]:
                self._reject(bad, row, f"the local {fld} is empty", where[fld])
            elif not options:
                reason = f"party {party!r} has no equivalence map for {fld}s; add one before importing"
                self._reject(bad, row, reason, where[fld], given[fld])
            elif local[fld] is None:
                reason = (
                    f"local {fld} not in the equivalence map of party {party!r}; its {fld}s: "
                    + ", ".join(sorted(options.values()))
                )
                self._reject(bad, row, reason, where[fld], given[fld])
        was = self.stored.get(self._pseudonym(scoped)) if not bad else None
        now = (party, local.get("level"), local.get("function"))
        if was and was != now:
            reason = (
                f"this respondent is already stored as party {was[0]!r}, level {was[1]!r}, function {was[2]!r} "
                f"(an earlier import); here {now[0]!r}, {now[1]!r}, {now[2]!r}. Import with replace to change it"
            )
            self._reject(bad, row, reason, id_col.name, self._pseudonym(scoped))
        return scoped, {
            "party_id": party,
            "local_level": local.get("level"),
            "local_function": local.get("function"),
        }

    def _answers(self, row: int, vals: list[str], party: str, bad: list) -> list[dict]:
        """One response per Value Code; an unreadable answer rejects that code's response only."""
        ctx, cols, out = self.ctx, self.cols, []
        for code_id, kinds in self.by_code.items():
            cells = {k: vals[i] for k, i in kinds.items()}
            answered = [(k, i) for k, i in kinds.items() if cells[k].strip()]
            code = self.codes.get(code_id)
            if code_id not in ctx.cycle_codes:
                reason = (
                    f"unknown Value Code {code_id!r}: not in cycle {ctx.cycle_id!r} of relationship "
                    f"{ctx.relationship_id!r} (its codes: {', '.join(ctx.cycle_codes)})"
                )
                for k, i in answered:
                    self._reject(bad, row, reason, cols[i].name, cells[k])
                continue
            if code is not None and self.sides.get(party) not in code.rated_by:
                reason = (
                    f"Value Code {code_id!r} is rated by the {' and '.join(code.rated_by)} side only; this "
                    f"respondent's party {party!r} is the {self.sides.get(party)}"
                )
                for k, i in answered:
                    self._reject(bad, row, reason, cols[i].name, cells[k])
                continue
            levels, ok = {}, True
            for k, i in kinds.items():
                statements = code.statements if code is not None and k != "importance" else ()
                levels[k], why = read_level(
                    cells[k], statements=statements, labels=self.mapping.labels, kind=k
                )
                if why:
                    self._reject(bad, row, f"{why} (Value Code {code_id})", cols[i].name, cells[k])
                    ok = False
            if ok:
                out.append({"code_id": code_id, **{k: levels.get(k) for k in _ASKS}})
        return out

    def _comments(self, row: int, vals: list[str], bad: list) -> list[dict]:
        out = []
        for i, subject in self.plan.comments.items():
            text = vals[i].strip()
            if not text:
                continue
            if subject not in self.ctx.subjects or not _ID_CHARS.match(subject):
                reason = f"unknown open question or Thing That Matters {subject!r} for comments"
                self._reject(bad, row, reason, self.cols[i].name)
                continue
            out.append({"subject_id": subject, "text": redact(text)})
        return out


def _tables(store, ctx: Context, accepted: list[tuple[str, dict]]) -> dict[str, pd.DataFrame]:
    rel, cycle = ctx.relationship_id, ctx.cycle_id
    pids = store.pseudonymise([raw for raw, _ in accepted], rel).tolist() if accepted else []
    rows: dict[str, list[dict]] = {"participants": [], "invitations": [], "responses": [], "comments": []}
    for pid, (_, rec) in zip(pids, accepted, strict=True):
        key = {"relationship_id": rel, "participant_id": pid}
        rows["participants"].append(
            {
                **key,
                "party_id": rec["party_id"],
                "local_level": rec["local_level"],
                "local_function": rec["local_function"],
            }
        )
        rows["invitations"].append({**key, "cycle_id": cycle, "responded": True})
        rows["responses"].extend({**key, "cycle_id": cycle, **r} for r in rec["responses"])
        rows["comments"].extend({**key, "cycle_id": cycle, **c} for c in rec["comments"])
    out = {}
    for table, records in rows.items():
        frame = empty_table(table)
        if records:
            frame = pd.DataFrame(records, columns=list(frame.columns))
            for col in _ASKS:
                if col in frame:
                    frame[col] = frame[col].astype("Int64")
        out[table] = frame
    return out


class SurveyReader(Reader):
    """A survey tool's export: subclasses implement :meth:`parse`; reading is shared."""

    def parse(self, path: Path) -> Sheet:  # pragma: no cover - abstract
        raise NotImplementedError

    def read(
        self, path, store, *, relationship_id=None, cycle_id=None, mapping=None, replace=False
    ) -> Prepared:
        return build(self.parse(Path(path)), store, relationship_id, cycle_id, mapping, replace)
