"""Diagnostic templates: versioned, reusable sets of Things That Matter, Value Codes and open questions.

A template is a YAML file in ``templates/diagnostics/``. It is validated on load; every problem is reported
with the file, the item and what is wrong, all at once, in a :class:`~valuekit.errors.TemplateError`.

Shape of the file::

    id: client-supplier
    version: "1.0.0"
    title: Client–supplier relationship diagnostic
    things_that_matter:
      - {id: trust, name: Trust, description: "..."}
    value_codes:
      - id: TRU-01
        thing_that_matters: trust
        title: Openness about problems          # a short label for charts
        description: The extent to which ...    # must read "The extent to which …"
        help: optional help text
        about: supplier                         # client | supplier | relationship
        rated_by: [client, supplier]            # which sides answer it (default both)
        mirror: TRU-01S                         # optional: the other half of a mirror pair
        derived_from: null                      # optional: the code it evolved from (lineage)
        asks: [importance]                      # optional extra questions: importance and/or desired
        statements:                             # five, from 1 Failing to 5 Best practice
          - ...
    open_questions:
      - {id: oq-change, text: "...", thing_that_matters: null}
    cycles:                                     # which codes and questions each kind of cycle uses
      resolve:  {value_codes: [...], open_questions: [...]}
      solve:    {value_codes: [...], open_questions: [...]}
      dissolve: {value_codes: [...], open_questions: [...]}
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .config import template_dirs
from .errors import NotFoundError, TemplateError
from .schemas import CYCLE_KINDS, LEVEL_LABELS, cycle_kind

__all__ = [
    "ThingThatMatters",
    "ValueCode",
    "OpenQuestion",
    "CycleSpec",
    "Template",
    "load_template",
    "find_template",
    "list_templates",
]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ThingThatMatters(_Model):
    id: str
    name: str
    description: str = ""


class ValueCode(_Model):
    id: str
    thing_that_matters: str
    title: str
    description: str
    statements: list[str]
    help: str | None = None
    about: Literal["client", "supplier", "relationship"] = "relationship"
    rated_by: list[Literal["client", "supplier", "partner"]] = Field(
        default_factory=lambda: ["client", "supplier"]
    )
    mirror: str | None = None
    derived_from: str | None = None
    asks: list[Literal["importance", "desired"]] = Field(default_factory=list)

    def statement(self, level: int) -> str:
        """The evaluation statement for a level 1..5."""
        return self.statements[level - 1]


class OpenQuestion(_Model):
    id: str
    text: str
    thing_that_matters: str | None = None


class CycleSpec(_Model):
    value_codes: list[str] = Field(default_factory=list)
    open_questions: list[str] = Field(default_factory=list)


class Template(_Model):
    """A validated diagnostic template. Build one with :func:`load_template` or :meth:`from_dict`."""

    id: str
    version: str
    title: str
    description: str = ""
    things_that_matter: list[ThingThatMatters]
    value_codes: list[ValueCode]
    open_questions: list[OpenQuestion] = Field(default_factory=list)
    cycles: dict[Literal["resolve", "solve", "dissolve"], CycleSpec] = Field(default_factory=dict)

    # -- construction ---------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict, source: str | None = None) -> Template:
        """Validate a parsed template; raises :class:`TemplateError` listing every problem."""
        if not isinstance(data, dict):
            raise TemplateError([f"expected a mapping at the top level, found {type(data).__name__}"], source)
        try:
            tpl = cls.model_validate(data)
        except ValidationError as exc:
            problems = []
            for err in exc.errors():
                problems.append(f"{_describe_loc(data, err['loc'])}: {err['msg']}")
            raise TemplateError(problems, source) from None
        problems = tpl._problems()
        if problems:
            raise TemplateError(problems, source)
        return tpl

    def _problems(self) -> list[str]:
        p: list[str] = []
        ttm_ids = [t.id for t in self.things_that_matter]
        code_ids = [c.id for c in self.value_codes]
        oq_ids = [q.id for q in self.open_questions]
        for kind, ids in (
            ("Thing That Matters", ttm_ids),
            ("Value Code", code_ids),
            ("open question", oq_ids),
        ):
            for dup, n in Counter(ids).items():
                if n > 1:
                    p.append(f"{kind} {dup!r}: duplicate id ({n} times)")
            for i in ids:
                if not _ID.match(i):
                    p.append(f"{kind} {i!r}: ids use letters, digits, '_', '.' and '-' only")
        clash = set(ttm_ids) & set(oq_ids)
        for i in sorted(clash):
            p.append(f"id {i!r} is used by both a Thing That Matters and an open question")
        codes = {c.id: c for c in self.value_codes}
        for c in self.value_codes:
            where = f"Value Code {c.id!r}"
            if c.thing_that_matters not in ttm_ids:
                p.append(f"{where}: Thing That Matters {c.thing_that_matters!r} is not defined")
            if not c.description.startswith("The extent to which "):
                p.append(
                    f"{where}: description must read 'The extent to which …'; got {c.description[:40]!r}"
                )
            if len(c.statements) != 5:
                names = ", ".join(LEVEL_LABELS.values())
                p.append(f"{where}: needs five evaluation statements ({names}); has {len(c.statements)}")
            for lvl, s in enumerate(c.statements, start=1):
                if not s or not s.strip():
                    p.append(f"{where}: evaluation statement {lvl} ({LEVEL_LABELS.get(lvl, '?')}) is empty")
            if len(set(c.statements)) != len(c.statements):
                p.append(f"{where}: two evaluation statements are identical; each level needs its own")
            if not c.rated_by:
                p.append(f"{where}: rated_by is empty; say which sides answer it")
            if c.derived_from is not None:
                if c.derived_from not in codes:
                    p.append(
                        f"{where}: derived_from {c.derived_from!r} points to no Value Code in the template"
                    )
                elif c.derived_from == c.id:
                    p.append(f"{where}: derived_from points to itself")
            if c.mirror is not None:
                other = codes.get(c.mirror)
                if other is None:
                    p.append(f"{where}: mirror {c.mirror!r} points to no Value Code in the template")
                elif other.mirror != c.id:
                    p.append(
                        f"{where}: mirror pair halves disagree: it names {c.mirror!r} as its mirror, "
                        f"but {c.mirror!r} names {other.mirror!r}"
                    )
                elif c.id < other.id:  # check each pair once
                    if other.thing_that_matters != c.thing_that_matters:
                        p.append(
                            f"mirror pair {c.id!r}/{other.id!r}: halves disagree on Thing That Matters "
                            f"({c.thing_that_matters!r} vs {other.thing_that_matters!r})"
                        )
                    if other.about != c.about:
                        p.append(
                            f"mirror pair {c.id!r}/{other.id!r}: halves disagree on whom they are about "
                            f"({c.about!r} vs {other.about!r})"
                        )
                    if set(other.rated_by) & set(c.rated_by):
                        p.append(
                            f"mirror pair {c.id!r}/{other.id!r}: both halves are rated by "
                            f"{sorted(set(other.rated_by) & set(c.rated_by))}; each half is for one side"
                        )
        p.extend(self._lineage_cycles(codes))
        for kind, spec in self.cycles.items():
            for cid in spec.value_codes:
                if cid not in codes:
                    p.append(f"cycle {kind!r}: Value Code {cid!r} is not defined")
            for qid in spec.open_questions:
                if qid not in oq_ids:
                    p.append(f"cycle {kind!r}: open question {qid!r} is not defined")
            for dup, n in Counter(spec.value_codes).items():
                if n > 1:
                    p.append(f"cycle {kind!r}: Value Code {dup!r} listed {n} times")
            for cid in spec.value_codes:
                c = codes.get(cid)
                if c and c.mirror and c.mirror not in spec.value_codes:
                    p.append(f"cycle {kind!r}: {cid!r} is used without its mirror {c.mirror!r}")
        solve = set(self.cycles["solve"].value_codes) if "solve" in self.cycles else set()
        if "dissolve" in self.cycles and solve:
            for cid in self.cycles["dissolve"].value_codes:
                c = codes.get(cid)
                if c and cid not in solve and c.derived_from not in solve:
                    p.append(
                        f"cycle 'dissolve': Value Code {cid!r} is neither a Solve code nor derived_from one"
                    )
        return p

    @staticmethod
    def _lineage_cycles(codes: dict[str, ValueCode]) -> list[str]:
        out = []
        for start in codes:
            seen, cur = [], start
            while cur in codes and codes[cur].derived_from:
                if cur in seen:
                    out.append(
                        f"Value Code {start!r}: derived_from forms a loop ({' → '.join(seen + [cur])})"
                    )
                    break
                seen.append(cur)
                cur = codes[cur].derived_from
        return sorted(set(out))

    # -- look-ups -------------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """``id@version``, as reports state it."""
        return f"{self.id}@{self.version}"

    def code(self, code_id: str) -> ValueCode:
        for c in self.value_codes:
            if c.id == code_id:
                return c
        raise NotFoundError("Value Code", code_id, [c.id for c in self.value_codes], where=self.label)

    def thing(self, ttm_id: str) -> ThingThatMatters:
        for t in self.things_that_matter:
            if t.id == ttm_id:
                return t
        raise NotFoundError("Thing That Matters", ttm_id, [t.id for t in self.things_that_matter], self.label)

    def codes_for(self, cycle: str) -> list[ValueCode]:
        """The Value Codes a cycle uses, in questionnaire order (``cycle`` is a kind or a cycle id)."""
        kind = cycle_kind(cycle)
        if kind not in self.cycles:
            raise NotFoundError("cycle kind", kind, list(self.cycles), where=self.label)
        return [self.code(c) for c in self.cycles[kind].value_codes]

    def open_questions_for(self, cycle: str) -> list[OpenQuestion]:
        kind = cycle_kind(cycle)
        spec = self.cycles.get(kind, CycleSpec())
        by_id = {q.id: q for q in self.open_questions}
        return [by_id[q] for q in spec.open_questions]

    def lineage(self, code_id: str) -> list[str]:
        """The chain of ``derived_from`` ancestors, the code itself first: ``['DIS-01', 'SOL-01']``."""
        chain = [code_id]
        while (parent := self.code(chain[-1]).derived_from) is not None:
            chain.append(parent)
        return chain

    def root(self, code_id: str) -> str:
        """The oldest ancestor of a code: the id that tracks it across cycles."""
        return self.lineage(code_id)[-1]

    def mirror_pairs(self) -> list[tuple[str, str]]:
        """(rated by the client, rated by the supplier) pairs."""
        pairs = []
        for c in self.value_codes:
            if c.mirror and "client" in c.rated_by:
                pairs.append((c.id, c.mirror))
        return pairs

    def codes_frame(self) -> pd.DataFrame:
        """One row per Value Code, in template order, with its Thing That Matters and statements."""
        names = {t.id: t.name for t in self.things_that_matter}
        rows = []
        for pos, c in enumerate(self.value_codes):
            row = {
                "code_id": c.id,
                "position": pos,
                "thing_that_matters": c.thing_that_matters,
                "thing_that_matters_name": names.get(c.thing_that_matters, c.thing_that_matters),
                "title": c.title,
                "description": c.description,
                "about": c.about,
                "rated_by": "|".join(c.rated_by),
                "mirror": c.mirror,
                "derived_from": c.derived_from,
                "root": self.root(c.id),
                "asks": "|".join(c.asks),
            }
            for lvl in range(1, 6):
                row[f"statement_{lvl}"] = c.statements[lvl - 1] if lvl <= len(c.statements) else None
            rows.append(row)
        return pd.DataFrame(rows)

    def select(self, code_ids: list[str], version_suffix: str = "adapted") -> Template:
        """A copy keeping only ``code_ids`` (plus their mirrors and ancestors), re-validated.

        This is how a diagnostic adapts a library template for one relationship.
        """
        keep = set()
        for cid in code_ids:
            self.code(cid)
            keep.update(self.lineage(cid))
            if self.code(cid).mirror:
                keep.add(self.code(cid).mirror)
        data = self.model_dump()
        data["version"] = f"{self.version}+{version_suffix}"
        data["value_codes"] = [c for c in data["value_codes"] if c["id"] in keep]
        for spec in data["cycles"].values():
            spec["value_codes"] = [c for c in spec["value_codes"] if c in keep]
        return Template.from_dict(data, source=f"{self.label} adapted")


def _describe_loc(data: dict, loc: tuple) -> str:
    """Turn a pydantic error location into words: ``value_codes[3] ('TRU-04').statements``."""
    parts, node = [], data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list):
            label = f"[{key}]"
            item = node[key] if key < len(node) else None
            if isinstance(item, dict) and "id" in item:
                label += f" ({item['id']!r})"
            parts.append(label)
            node = item
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "template"


def load_template(path: str | Path) -> Template:
    """Read and validate one template file.

    Raises
    ------
    TemplateError
        If the file is missing, is not YAML, or breaks a rule; the message names the file and every problem.
    """
    path = Path(path)
    if not path.exists():
        raise TemplateError([f"no such file {str(path)!r}"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise TemplateError([f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"], str(path)) from None
    return Template.from_dict(data, source=str(path))


def list_templates(dirs: list[Path] | None = None) -> list[Path]:
    """Every ``*.yaml`` template file in the template folders."""
    out = []
    for d in dirs or template_dirs():
        if d.is_dir():
            out.extend(sorted(d.glob("*.yaml")) + sorted(d.glob("*.yml")))
    return out


def find_template(template_id: str, version: str | None = None, dirs: list[Path] | None = None) -> Template:
    """The template with this id (and version; the newest if not given) from the template folders."""
    found: list[Template] = []
    for path in list_templates(dirs):
        try:
            head = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        if isinstance(head, dict) and head.get("id") == template_id:
            if version is None or str(head.get("version")) == version:
                found.append(load_template(path))
    if not found:
        avail = []
        for path in list_templates(dirs):
            try:
                head = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                avail.append(f"{head.get('id')}@{head.get('version')}")
            except yaml.YAMLError:
                pass
        asked = template_id if version is None else f"{template_id}@{version}"
        raise NotFoundError("diagnostic template", asked, avail)
    return max(found, key=lambda t: tuple(int(x) if x.isdigit() else 0 for x in t.version.split(".")))


# keep the public name of the kinds handy for callers validating cycles
TEMPLATE_CYCLE_KINDS = CYCLE_KINDS
