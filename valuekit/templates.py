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

import difflib
import re
import weakref
from collections import Counter
from functools import lru_cache
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
#: Template.codes_frame, built once per template object (id → (weak reference, frame)); templates are frozen.
_CODES_FRAMES: dict[int, tuple[weakref.ref, pd.DataFrame]] = {}


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
        if data is None:
            raise TemplateError(["the template is empty"], source)
        if not isinstance(data, dict):
            raise TemplateError([f"expected a mapping at the top level, found {type(data).__name__}"], source)
        try:
            tpl = cls.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
            problems = [_describe_error(data, err) for err in errors]
            # every problem at once: also check the items that did validate
            problems.extend(p for p in cls._problems_in_valid_part(data, errors) if p not in problems)
            raise TemplateError(problems, source) from None
        problems = tpl._problems()
        if problems:
            raise TemplateError(problems, source)
        return tpl

    @classmethod
    def _problems_in_valid_part(cls, data: dict, errors: list) -> list[str]:
        """The rule checks run on what is left once the items pydantic rejected are set aside.

        References to a rejected item's id are not reported again as "not defined".
        """
        lists = ("things_that_matter", "value_codes", "open_questions")
        pruned = dict(data)
        bad_items: dict[str, set[int]] = {name: set() for name in lists}
        for err in errors:
            loc = err["loc"]
            if not loc:
                return []
            head = loc[0]
            if head in lists and len(loc) >= 2 and isinstance(loc[1], int):
                bad_items[head].add(loc[1])
            elif head == "cycles" and len(loc) >= 2 and isinstance(pruned.get("cycles"), dict):
                pruned["cycles"] = {k: v for k, v in pruned["cycles"].items() if k != loc[1]}
            elif head == "cycles":
                pruned["cycles"] = {}
            elif head in ("id", "version", "title", "description"):
                pruned[head] = "unknown"
            elif head not in cls.model_fields:  # an unknown top-level key
                pruned.pop(head, None)
            else:  # a whole list is unusable; checking references against it would only mislead
                return []
        unchecked: set[str] = set()
        for name in lists:
            items = pruned.get(name)
            if not isinstance(items, list):
                continue
            for i in bad_items[name]:
                if i < len(items) and isinstance(items[i], dict) and isinstance(items[i].get("id"), str):
                    unchecked.add(items[i]["id"])
            pruned[name] = [item for i, item in enumerate(items) if i not in bad_items[name]]
        try:
            rest = cls.model_validate(pruned)
        except ValidationError:
            return []
        return rest._problems(frozenset(unchecked))

    def _problems(self, unchecked: frozenset[str] = frozenset()) -> list[str]:
        """Rules beyond the types; ``unchecked`` holds ids of items already rejected for their shape."""
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
            if c.thing_that_matters not in ttm_ids and c.thing_that_matters not in unchecked:
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
                if c.derived_from in unchecked:
                    pass
                elif c.derived_from not in codes:
                    p.append(
                        f"{where}: derived_from {c.derived_from!r} points to no Value Code in the template"
                    )
                elif c.derived_from == c.id:
                    p.append(f"{where}: derived_from points to itself")
            if c.mirror is not None:
                other = codes.get(c.mirror)
                if c.mirror == c.id:
                    p.append(f"{where}: mirror points to itself; a mirror pair needs two Value Codes")
                elif c.mirror in unchecked:
                    pass
                elif other is None:
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
                    p.extend(_mirror_lineage_problem(c, other, codes))
        p.extend(self._lineage_cycles(codes))
        for kind, spec in self.cycles.items():
            for cid in spec.value_codes:
                if cid not in codes and cid not in unchecked:
                    p.append(f"cycle {kind!r}: Value Code {cid!r} is not defined")
            for qid in spec.open_questions:
                if qid not in oq_ids and qid not in unchecked:
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
        """Each ``derived_from`` loop once, from its smallest id (a code naming itself is reported apart)."""
        out = set()
        for start in codes:
            path, cur = [], start
            while cur in codes and codes[cur].derived_from:
                if cur in path:
                    loop = path[path.index(cur) :]
                    if len(loop) > 1:
                        first = loop.index(min(loop))
                        loop = loop[first:] + loop[:first]
                        names = ", ".join(repr(c) for c in loop)
                        out.add(
                            f"Value Codes {names}: derived_from forms a loop ({' → '.join(loop + loop[:1])})"
                        )
                    break
                path.append(cur)
                cur = codes[cur].derived_from
        return sorted(out)

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
        """One row per Value Code, in template order, with its Thing That Matters and statements (a copy of a
        frame built once per template: every analysis asks for it, several times)."""
        hit = _CODES_FRAMES.get(id(self))
        if hit is None or hit[0]() is not self:
            key = id(self)
            gone = lambda _, key=key: _CODES_FRAMES.pop(key, None)  # noqa: E731
            hit = _CODES_FRAMES[key] = (weakref.ref(self, gone), self._codes_frame())
        return hit[1].copy()

    def _codes_frame(self) -> pd.DataFrame:
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
        keep: set[str] = set()
        todo = list(code_ids)
        while todo:  # ancestors of mirrors and mirrors of ancestors too, until nothing new is added
            cid = todo.pop()
            if cid in keep:
                continue
            keep.add(cid)
            code = self.code(cid)
            todo.extend(x for x in (code.derived_from, code.mirror) if x is not None)
        data = self.model_dump()
        data["version"] = f"{self.version}+{version_suffix}"
        data["value_codes"] = [c for c in data["value_codes"] if c["id"] in keep]
        for spec in data["cycles"].values():
            spec["value_codes"] = [c for c in spec["value_codes"] if c in keep]
        return Template.from_dict(data, source=f"{self.label} adapted")


def _mirror_lineage_problem(a: ValueCode, b: ValueCode, codes: dict[str, ValueCode]) -> list[str]:
    """Halves of a mirror pair evolve together: both new, or derived from the two halves of one pair."""
    pa, pb = a.derived_from, b.derived_from
    if pa is None and pb is None:
        return []
    if pa is not None and pb is not None:
        if pa not in codes or pb not in codes or codes[pa].mirror == pb:
            return []
    return [
        f"mirror pair {a.id!r}/{b.id!r}: halves have different lineage (derived_from {pa!r} vs {pb!r}); "
        "they must derive from the two halves of one mirror pair"
    ]


_MODEL_AT = {
    "things_that_matter": ThingThatMatters,
    "value_codes": ValueCode,
    "open_questions": OpenQuestion,
}


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The model whose fields live at ``loc`` (the location of a mapping in the template)."""
    if not loc:
        return Template
    if len(loc) == 2 and loc[0] in _MODEL_AT and isinstance(loc[1], int):
        return _MODEL_AT[loc[0]]
    if len(loc) == 2 and loc[0] == "cycles":
        return CycleSpec
    return None


def _describe_error(data: dict, err: dict) -> str:
    """One pydantic error in the template's own words: where, what is wrong, what was found."""
    loc, kind = tuple(err["loc"]), err["type"]
    if kind in ("extra_forbidden", "missing") and loc:
        where, key = _describe_loc(data, loc[:-1]), loc[-1]
        if kind == "missing":
            return f"{where}: required key {key!r} is missing"
        model = _model_at(loc[:-1])
        fields = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(key), fields, n=1)
        if close:
            hint = f" (did you mean {close[0]!r}?)"
        else:
            hint = f"; allowed: {', '.join(fields)}" if fields else ""
        return f"{where}: unknown key {key!r}{hint}"
    if len(loc) == 3 and loc[0] == "cycles" and loc[2] == "[key]":
        kinds = ", ".join(CYCLE_KINDS)
        return f"cycles: unknown cycle kind {loc[1]!r}; use {kinds} (a cycle id such as dissolve-2 is not a kind)"
    got = err.get("input")
    found = f"; got {got!r}" if got is None or isinstance(got, str | int | float | bool) else ""
    return f"{_describe_loc(data, loc)}: {err['msg']}{found}"


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


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping (plain YAML keeps the last one silently)."""

    def construct_mapping(self, node, deep=False):
        first_line: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                seen = key in first_line
            except TypeError:  # an unhashable key; the base class reports it
                continue
            if seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first given on line {first_line[key]})",
                    key_node.start_mark,
                )
            first_line[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> object:
    """The parsed content of a YAML file; TemplateError naming the file (and line) if that fails."""
    if not path.exists():
        raise TemplateError([f"no such file {str(path)!r}"])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError([f"not UTF-8 text (byte {exc.start})"], str(path)) from None
    except OSError as exc:
        raise TemplateError([f"cannot be read: {exc.strerror or exc}"], str(path)) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise TemplateError(
            [f"{where}not valid YAML: {getattr(exc, 'problem', None) or exc}"], str(path)
        ) from None


def load_template(path: str | Path) -> Template:
    """Read and validate one template file.

    Raises
    ------
    TemplateError
        If the file is missing or unreadable, is not YAML (a key given twice counts), or breaks a rule;
        the message names the file and every problem.
    """
    path = Path(path)
    return _load_cached(path, *_stamp(path))


def _stamp(path: Path) -> tuple[int, int]:
    """What identifies a file's version for the caches: modification time and size (0, 0 if missing)."""
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _load_cached(path: Path, mtime_ns: int, size: int) -> Template:
    # Templates are frozen, so one parsed and validated copy per file version is shared safely.
    return Template.from_dict(_read_yaml(path), source=str(path))


def list_templates(dirs: list[Path] | None = None) -> list[Path]:
    """Every ``*.yaml`` template file in the template folders."""
    out = []
    for d in dirs or template_dirs():
        if d.is_dir():
            out.extend(sorted(d.glob("*.yaml")) + sorted(d.glob("*.yml")))
    return out


def _head(path: Path) -> dict:
    """A template file's top-level mapping, or ``{}`` if it cannot be read (it is reported when loaded)."""
    return dict(_head_cached(path, *_stamp(path)))


@lru_cache(maxsize=64)
def _head_cached(path: Path, mtime_ns: int, size: int) -> dict:
    try:
        head = _read_yaml(path)
    except TemplateError:
        return {}
    return head if isinstance(head, dict) else {}


def find_template(template_id: str, version: str | None = None, dirs: list[Path] | None = None) -> Template:
    """The template with this id (and version; the newest if not given) from the template folders."""
    found: list[Template] = []
    heads = {path: _head(path) for path in list_templates(dirs)}
    for path, head in heads.items():
        if head.get("id") == template_id:
            if version is None or str(head.get("version")) == version:
                found.append(load_template(path))
    if not found:
        avail = [f"{head.get('id')}@{head.get('version')}" for head in heads.values() if head]
        asked = template_id if version is None else f"{template_id}@{version}"
        raise NotFoundError("diagnostic template", asked, avail)
    return max(found, key=lambda t: tuple(int(x) if x.isdigit() else 0 for x in t.version.split(".")))


# keep the public name of the kinds handy for callers validating cycles
TEMPLATE_CYCLE_KINDS = CYCLE_KINDS
