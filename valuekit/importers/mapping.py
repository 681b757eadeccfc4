"""How a survey export's columns and answers map to the method: the mapping file and answer levels.

A mapping file is YAML; every section is optional::

    fields:                 # which columns say who answered (defaults: party, level, function; any case)
      party: Organisation
      level: Grade
      function: Department
      respondent: ExternalReference   # a stable person id instead of the tool's response id
    defaults:               # a value for every respondent when the export has no such column
      party: acme
    questions:              # column → Value Code (the rating: one of the five evaluation statements)
      Q3_1: TRU-01
    importance: {Q4_1: TRU-01}
    desired: {Q5_1: TRU-01}
    comments:               # column → open question or Thing That Matters
      Q9: oq-change-one-thing
    labels:                 # answer text → level 1..5, or null for "don't know"
      "Keine Angabe": null
      "Trifft zu": 4

Columns are named by their header (``Q3_1``), Qualtrics ImportId (``QID3_1``) or question text. Columns left
out are matched automatically when their question text (or matrix row statement) equals a Value Code's
description or title, or an open question's text, ignoring case, spacing and punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import InputFileError
from ..schemas import LEVEL_LABELS
from ._common import normalise

__all__ = ["Mapping", "load_mapping", "read_level", "FIELD_ALIASES", "MISSING_ANSWERS"]

#: Column names tried, in order, when the mapping does not name a field's column.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "party": ("party", "organisation", "organization", "company"),
    "level": ("level", "local level", "role level", "grade"),
    "function": ("function", "local function", "department"),
    "respondent": (),
}
#: Answers that mean "no rating" (stored as missing, never as zero), compared after :func:`normalise`.
MISSING_ANSWERS = frozenset(
    normalise(s)
    for s in (
        "don't know",
        "do not know",
        "don't know / not sure",
        "not sure",
        "unsure",
        "N/A",
        "n a",
        "not applicable",
        "prefer not to say",
        "no answer",
        "no opinion",
        "can't say",
        "cannot say",
    )
)
_LEVEL_NAMES = {normalise(v): k for k, v in LEVEL_LABELS.items()}
_IMPORTANCE_NAMES = {
    normalise(s): k
    for k, s in enumerate(
        (
            "Not at all important",
            "Slightly important",
            "Moderately important",
            "Very important",
            "Extremely important",
        ),
        start=1,
    )
}
_SECTIONS = ("fields", "defaults", "questions", "importance", "desired", "comments", "labels")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_LABELLED = re.compile(r"^(?:([1-5]) (.+)|(.+) ([1-5]))$")


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping (see the module docstring); build it with :func:`load_mapping`."""

    fields: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    questions: dict[str, str] = field(default_factory=dict)
    importance: dict[str, str] = field(default_factory=dict)
    desired: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    #: normalised answer text → level, or None for "no rating"
    labels: dict[str, int | None] = field(default_factory=dict)
    source: str | None = None


def load_mapping(mapping: str | Path | dict | Mapping | None) -> Mapping:
    """Read a mapping from a YAML file, a dict, or pass one through.

    Raises
    ------
    InputFileError
        The file is missing or not YAML, or a section, field or label is not one valuekit knows.
    """
    if mapping is None:
        return Mapping()
    if isinstance(mapping, Mapping):
        return mapping
    source = None
    if isinstance(mapping, str | Path):
        source = str(mapping)
        path = Path(mapping)
        if not path.is_file():
            raise InputFileError(f"mapping file {source!r} does not exist")
        try:
            mapping = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise InputFileError(f"mapping file {source!r} is not valid YAML: {exc}") from None
    where = f"mapping {source!r}" if source else "mapping"
    if not isinstance(mapping, dict):
        raise InputFileError(
            f"{where}: expected sections {', '.join(_SECTIONS)}; found {type(mapping).__name__}"
        )
    unknown = sorted(set(mapping) - set(_SECTIONS))
    if unknown:
        raise InputFileError(f"{where}: unknown section {unknown[0]!r}; sections are {', '.join(_SECTIONS)}")
    parts: dict[str, dict] = {}
    for section in _SECTIONS:
        value = mapping.get(section) or {}
        if not isinstance(value, dict):
            raise InputFileError(f"{where}: section {section!r} must map names to values; found {value!r}")
        parts[section] = {str(k): v for k, v in value.items()}
    for section in ("fields", "defaults"):
        bad = sorted(set(parts[section]) - set(FIELD_ALIASES))
        if bad:
            raise InputFileError(
                f"{where}: {section}: unknown field {bad[0]!r}; fields are {', '.join(FIELD_ALIASES)}"
            )
    labels: dict[str, int | None] = {}
    for text, level in parts["labels"].items():
        if level is None or str(level).strip().lower() in ("na", "missing", "dont know", "don't know", ""):
            labels[normalise(text)] = None
        elif str(level).strip() in {str(v) for v in LEVEL_LABELS}:
            labels[normalise(text)] = int(str(level).strip())
        else:
            raise InputFileError(
                f'{where}: labels: {text!r} maps to {level!r}; use a level 1..5 or null for "don\'t know"'
            )
    as_str = {
        s: {k: str(v) for k, v in parts[s].items() if v is not None} for s in _SECTIONS if s != "labels"
    }
    return Mapping(**as_str, labels=labels, source=source)


def read_level(
    value: object,
    *,
    statements: list[str] | tuple[str, ...] = (),
    labels: dict[str, int | None] | None = None,
    kind: str = "rating",
) -> tuple[int | None, str | None]:
    """The level an answer stands for.

    Tried in order: blank → no rating; the mapping's ``labels``; "don't know" and its kin → no rating; the
    code's five evaluation statements; the level labels (Failing … Best practice, also ``"3 - Performing"``);
    for importance the usual "Not at all … Extremely important" scale; a level number 1–5.

    Returns
    -------
    (level, problem)
        ``(3, None)``; ``(None, None)`` for no rating (missing, never zero); ``(None, reason)`` if unreadable.
    """
    raw = "" if value is None else str(value).strip()
    key = normalise(raw)
    if not key:
        return None, None
    if labels and key in labels:
        return labels[key], None
    if key in MISSING_ANSWERS:
        return None, None
    for lvl, statement in enumerate(statements, start=1):
        if key == normalise(statement):
            return lvl, None
    if key in _LEVEL_NAMES:
        return _LEVEL_NAMES[key], None
    if kind == "importance" and key in _IMPORTANCE_NAMES:
        return _IMPORTANCE_NAMES[key], None
    m = _LABELLED.match(key)
    if m:
        digit, name = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if _LEVEL_NAMES.get(name) == int(digit):
            return int(digit), None
    if _NUMBER.match(raw):
        lvl = int(float(raw))
        if lvl in LEVEL_LABELS:
            return lvl, None
        return None, (
            f"level {lvl} is out of range: levels run from 1 ({LEVEL_LABELS[1]}) to 5 ({LEVEL_LABELS[5]}); "
            f"if {lvl} is the survey tool's code for \"don't know\", map it: labels: {{'{lvl}': null}}"
        )
    what = "one of the five evaluation statements, " if statements and kind != "importance" else ""
    return None, (
        f"unrecognised answer: not {what}a level label ({LEVEL_LABELS[1]} … {LEVEL_LABELS[5]}), a level number "
        '1–5 or "don\'t know"; map it under labels: in the mapping file'
    )


def candidate_texts(*texts: str) -> set[str]:
    """Normalised texts a column could be matched by: each text whole and each part of a matrix header.

    ``"How far … - The extent to which X"`` yields the whole, ``"how far"`` and ``"the extent to which x"``;
    Google Forms' ``"Title [Row]"`` yields the title and the row.
    """
    out: set[str] = set()
    for text in texts:
        if not text:
            continue
        out.add(normalise(text))
        m = re.match(r"^(.*)\[([^\[\]]+)\]\s*$", text, flags=re.S)
        if m:
            out.update({normalise(m.group(1)), normalise(m.group(2))})
        for sep in (" - ", " – ", ": ", "."):
            pieces = text.split(sep)
            for i in range(1, len(pieces)):
                out.add(normalise(sep.join(pieces[:i])))
                out.add(normalise(sep.join(pieces[i:])))
    out.discard("")
    return out
