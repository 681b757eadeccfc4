"""Choosing and adapting a diagnostic's Value Codes, and the relationship's parties and equivalence maps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..errors import NotFoundError, TemplateError, ValuekitError
from ..schemas import COMMON_LEVELS, LEVEL_LABELS, LEVELS, SIDES, cycle_kind, validate_table
from ..templates import Template

#: The fields of a Value Code :func:`adapt_template` may change.
EDITABLE = ("title", "description", "help", "statements", "about", "rated_by", "asks")
#: Rough answering times (seconds) behind the length estimate of :func:`check_design`.
SECONDS = {"rating": 40, "importance": 8, "desired": 15, "open": 120, "about_you": 10}
#: A questionnaire longer than this many minutes risks people giving up part-way.
LONG_MINUTES = 20


def template_overview(template: Template) -> pd.DataFrame:
    """The template's Things That Matter and how many Value Codes each kind of cycle asks about each.

    Returns
    -------
    DataFrame
        ``thing_that_matters``, ``name``, then one column per cycle kind the template defines (``resolve``,
        ``solve``, ``dissolve``) with the count of Value Codes, in the template's order.
    """
    rows = []
    for t in template.things_that_matter:
        row = {"thing_that_matters": t.id, "name": t.name}
        for kind in template.cycles:
            row[kind] = sum(c.thing_that_matters == t.id for c in template.codes_for(kind))
        rows.append(row)
    return pd.DataFrame(rows, columns=["thing_that_matters", "name", *template.cycles])


def mirror_table(template: Template, cycle: str) -> pd.DataFrame:
    """The mirror pairs a cycle asks: each Value Code the client rates beside the one the supplier rates.

    Returns
    -------
    DataFrame
        ``client_half``, ``supplier_half``, ``about``, ``thing_that_matters``, ``client_title``,
        ``supplier_title``, one row per pair in questionnaire order.
    """
    asked = {c.id for c in template.codes_for(cycle)}
    rows = [
        {
            "client_half": a,
            "supplier_half": b,
            "about": template.code(a).about,
            "thing_that_matters": template.code(a).thing_that_matters,
            "client_title": template.code(a).title,
            "supplier_title": template.code(b).title,
        }  # fmt: skip
        for a, b in template.mirror_pairs()
        if a in asked
    ]
    columns = [
        "client_half",
        "supplier_half",
        "about",
        "thing_that_matters",
        "client_title",
        "supplier_title",
    ]
    return pd.DataFrame(rows, columns=columns)


def select_codes(
    template: Template, cycle: str, *, things: Sequence[str] | None = None, drop: Sequence[str] = ()
) -> list[str]:
    """The Value Codes a cycle of ``template`` asks, narrowed to some Things That Matter, minus ``drop``.

    Parameters
    ----------
    template
        A library template (:func:`~valuekit.templates.find_template`).
    cycle
        A cycle kind or id: ``"resolve"``, ``"solve"``, ``"dissolve-2"``.
    things
        Keep only the Value Codes of these Things That Matter (ids); ``None`` keeps them all.
    drop
        Value Codes to leave out. Dropping one half of a mirror pair drops both: a half alone shows no gap.

    Returns
    -------
    list of str
        Code ids in questionnaire order.

    Examples
    --------
    >>> from valuekit.templates import find_template
    >>> select_codes(find_template("client-supplier"), "resolve", things=["trust", "delivery"])
    ['R-TRU', 'R-DEL']
    """
    codes = template.codes_for(cycle)
    known_things = [t.id for t in template.things_that_matter]
    for t in things or ():
        if t not in known_things:
            raise NotFoundError("Thing That Matters", t, known_things, where=template.label)
    ids = [c.id for c in codes]
    for d in drop:
        if d not in ids:
            raise NotFoundError("Value Code", d, ids, where=f"{template.label} ({cycle_kind(cycle)})")
    dropped = set(drop) | {template.code(d).mirror for d in drop if template.code(d).mirror}
    return [c.id for c in codes if (things is None or c.thing_that_matters in things) and c.id not in dropped]


def adapt_template(
    template: Template,
    *,
    keep: Sequence[str] | None = None,
    edits: Mapping[str, Mapping[str, object]] | None = None,
    mirrors: Sequence[Sequence[str]] = (),
    suffix: str = "adapted",
) -> Template:
    """A copy of ``template`` for one relationship: some Value Codes, reworded, with mirror pairs set.

    Parameters
    ----------
    keep
        The Value Codes to keep (:meth:`~valuekit.templates.Template.select`: their mirrors and
        ``derived_from`` ancestors come too); ``None`` keeps every code.
    edits
        ``{code_id: {field: value}}`` for the fields in :data:`EDITABLE`. ``statements`` takes all five, or
        ``{level: text}`` to change some (``{2: "…"}``). Keep the ids: results are tracked by them.
    mirrors
        ``[(client_half, supplier_half), …]``: make two Value Codes about the same party a mirror pair, the
        first rated by the client, the second by the supplier.
    suffix
        Added to the version (``1.0.0+suffix``), so results say which adaptation they came from.

    Returns
    -------
    Template
        Validated: every problem is reported at once in a :class:`~valuekit.errors.TemplateError`.

    Examples
    --------
    >>> from valuekit.templates import find_template
    >>> tpl = adapt_template(find_template("client-supplier"), keep=["R-TRU"],
    ...                      edits={"R-TRU": {"title": "Trust between us"}}, suffix="acme")
    >>> tpl.version, tpl.code("R-TRU").title
    ('1.0.0+acme', 'Trust between us')
    """
    base = template.select(list(keep), version_suffix=suffix) if keep is not None else template
    data = base.model_dump()
    if keep is None:
        data["version"] = f"{template.version}+{suffix}"
    codes = {c["id"]: c for c in data["value_codes"]}
    problems = []
    for code_id, changes in (edits or {}).items():
        if code_id not in codes:
            raise NotFoundError("Value Code", code_id, list(codes), where=f"edits of {base.label}")
        for name, value in dict(changes).items():
            if name not in EDITABLE:
                problems.append(
                    f"edits of Value Code {code_id!r}: {name!r} cannot be edited; editable: {', '.join(EDITABLE)}"
                )
            elif name == "statements" and isinstance(value, Mapping):
                for level, text in value.items():
                    lv = int(level) if str(level).strip() in {str(x) for x in LEVELS} else None
                    if lv is None:
                        problems.append(
                            f"edits of Value Code {code_id!r}: statement level {level!r} is not 1..5"
                        )
                    else:
                        codes[code_id]["statements"][lv - 1] = text
            else:
                codes[code_id][name] = list(value) if isinstance(value, list | tuple) else value
    for pair in mirrors:
        if len(pair) != 2:
            problems.append(f"mirrors: {list(pair)!r} is not a (client half, supplier half) pair")
            continue
        for code_id, side, other in ((pair[0], "client", pair[1]), (pair[1], "supplier", pair[0])):
            if code_id not in codes:
                raise NotFoundError("Value Code", code_id, list(codes), where=f"mirrors of {base.label}")
            codes[code_id].update(mirror=other, rated_by=[side])
    if problems:
        raise TemplateError(problems, f"{base.label} adapted")
    return Template.from_dict(data, source=f"{template.label} adapted as {data['version']}")


def template_changes(original: Template, adapted: Template) -> pd.DataFrame:
    """What adapting changed in the Value Codes both templates hold: one row per code and field changed.

    Returns
    -------
    DataFrame
        ``code_id``, ``field``, ``before``, ``after`` (a changed evaluation statement is its own row,
        ``statement 2`` …), in the adapted template's order.
    """
    rows = []
    for new in adapted.value_codes:
        try:
            old = original.code(new.id)
        except NotFoundError:
            continue
        for name in EDITABLE + ("mirror",):
            a, b = getattr(old, name), getattr(new, name)
            if name == "statements":
                rows += [{"code_id": new.id, "field": f"statement {lv} ({LEVEL_LABELS[lv]})", "before": x,
                          "after": y} for lv, x, y in zip(LEVELS, a, b, strict=False) if x != y]  # fmt: skip
            elif a != b:
                rows.append({"code_id": new.id, "field": name, "before": _text(a), "after": _text(b)})
    return pd.DataFrame(rows, columns=["code_id", "field", "before", "after"])


def _text(value: object) -> object:
    return "|".join(value) if isinstance(value, list) else value


def check_design(template: Template, cycle: str) -> pd.DataFrame:
    """What a reviewer checks before a diagnostic goes out, beyond the template's own validation.

    Returns
    -------
    DataFrame
        ``check``, ``status`` (``"ok"``, ``"note"`` or ``"warning"``) and ``detail``: Things That Matter
        measured and not measured this cycle, thin coverage (a Thing That Matters with one Value Code in
        Solve or Dissolve), mirror pairs, codes only one side answers, and the estimated time to answer
        (:data:`SECONDS` per question; a warning above :data:`LONG_MINUTES` minutes).
    """
    kind = cycle_kind(cycle)
    codes = template.codes_for(cycle)
    oqs = template.open_questions_for(cycle)
    per_thing = pd.Series([c.thing_that_matters for c in codes]).value_counts()
    names = {t.id: t.name for t in template.things_that_matter}
    rows = [
        (
            "valid template",
            "ok",
            f"{template.label}: {_count(len(codes), 'Value Code')} and {_count(len(oqs), 'open question')} in {kind}",
        )
    ]
    measured = [names[t] for t in names if t in per_thing]
    missing = [names[t] for t in names if t not in per_thing]
    rows.append(
        ("Things That Matter measured", "ok" if measured else "warning", ", ".join(measured) or "none")
    )
    if missing:
        rows.append(("Things That Matter not measured this cycle", "note", ", ".join(missing)))
    thin = [names[t] for t, n in per_thing.items() if n < 2] if kind != "resolve" else []
    if thin:
        rows.append(("thin coverage", "note", "one Value Code only: " + ", ".join(thin)))
    pairs = [(a, b) for a, b in template.mirror_pairs() if a in {c.id for c in codes}]
    rows.append(("mirror pairs", "ok" if pairs or kind == "resolve" else "note",
                 ", ".join(f"{a}/{b}" for a, b in pairs) or "none: no perception gaps will show"))  # fmt: skip
    one_side = [c.id for c in codes if len(c.rated_by) == 1 and not c.mirror]
    if one_side:
        rows.append(("answered by one side only", "note", ", ".join(one_side)))
    seconds = (
        sum(SECONDS["rating"] + sum(SECONDS[a] for a in c.asks) for c in codes)
        + SECONDS["open"] * len(oqs)
        + SECONDS["about_you"] * 3
    )
    minutes = round(seconds / 60)
    rows.append(("time to answer", "warning" if minutes > LONG_MINUTES else "ok",
                 f"about {minutes} minutes (a respondent sees the Value Codes their side answers)"))  # fmt: skip
    return pd.DataFrame(rows, columns=["check", "status", "detail"])


# -- the relationship: parties and equivalence maps ---------------------------------------------------------
def parties_table(relationship_id: str, parties: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """The ``parties`` table from ``{party_id: {"name": …, "side": "client" | "supplier" | "partner"}}``."""
    rows = []
    for party_id, p in parties.items():
        side = p.get("side")
        if side not in SIDES:
            raise ValuekitError(f"party {party_id!r}: side must be one of {', '.join(SIDES)}; got {side!r}")
        rows.append({"relationship_id": relationship_id, "party_id": party_id, "name": p.get("name", party_id),
                     "side": side})  # fmt: skip
    return validate_table("parties", pd.DataFrame(rows), source="parties")


def equivalence_table(
    relationship_id: str, maps: Mapping[str, Mapping[str, Mapping[str, str]]]
) -> pd.DataFrame:
    """The ``equivalences`` table from each party's own titles mapped to the common ones.

    Parameters
    ----------
    maps
        ``{party_id: {"level": {local title: common level}, "function": {local function: common function}}}``.
        Common levels are :data:`~valuekit.schemas.COMMON_LEVELS`; common functions are the portfolio's own
        words (``commercial``, ``operations`` …), the same in every relationship.

    Examples
    --------
    >>> equivalence_table("acme-bolt", {"acme": {"level": {"Director": "senior_leadership"},
    ...                                           "function": {"Estates": "operations"}}})[["local", "common"]]
          local             common
    0  Director  senior_leadership
    1   Estates         operations
    """
    rows, problems = [], []
    for party_id, dims in maps.items():
        for dimension, titles in dims.items():
            if dimension not in ("level", "function"):
                problems.append(f"party {party_id!r}: {dimension!r} is not 'level' or 'function'")
                continue
            for local, common in titles.items():
                if dimension == "level" and common not in COMMON_LEVELS:
                    problems.append(
                        f"party {party_id!r}, level {local!r}: {common!r} is not a common level "
                        f"({', '.join(COMMON_LEVELS)})"
                    )
                rows.append({"relationship_id": relationship_id, "party_id": party_id, "dimension": dimension,
                             "local": local, "common": common})  # fmt: skip
    if problems:
        raise ValuekitError("the equivalence map has problems:\n  - " + "\n  - ".join(problems))
    columns = ["relationship_id", "party_id", "dimension", "local", "common"]
    return validate_table("equivalences", pd.DataFrame(rows, columns=columns), source="equivalence map")


def check_equivalences(equivalences: pd.DataFrame) -> pd.DataFrame:
    """Which local titles map to each common level, per party, and which common levels a party leaves empty.

    A common level no title maps to cannot be compared across the parties ("all middle management agreed
    that…" would speak for one party only).

    Returns
    -------
    DataFrame
        ``party_id``, ``common_level``, ``local_titles`` (``", "``-joined) and ``status`` (``"ok"`` or
        ``"no title maps here"``), common levels senior first.
    """
    levels = equivalences[equivalences["dimension"] == "level"]
    rows = []
    for party_id in dict.fromkeys(equivalences["party_id"]):
        mine = levels[levels["party_id"] == party_id]
        for level in COMMON_LEVELS:
            titles = list(mine.loc[mine["common"] == level, "local"])
            rows.append({"party_id": party_id, "common_level": level, "local_titles": ", ".join(titles),
                         "status": "ok" if titles else "no title maps here"})  # fmt: skip
    return pd.DataFrame(rows, columns=["party_id", "common_level", "local_titles", "status"])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
