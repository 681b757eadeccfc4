"""One relationship's data, loaded once and joined for analysis.

Every analysis starts from :func:`load_relationship`. It reads the tables of one relationship (and, if asked, one
cycle) from the store, translates each participant's local level and function into the common ones through the
party's equivalence map, and joins those perspective columns (``party_id``, ``side``, ``common_level``,
``common_function``) onto invitations, responses and comments, so that every later step can group by any
perspective with a plain ``groupby``. Only this relationship's rows are read (DESIGN.md, "Isolation").
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import NotFoundError, ValuekitError
from ..schemas import SIDES, cycle_kind
from ..store import Store
from ..templates import Template, find_template
from ._shared import frozen, remember
from .perspectives import apply_where, validate_by, validate_where

__all__ = ["RelationshipData", "load_relationship", "select_cycle", "PERSPECTIVE_JOIN", "Prepared", "prepare"]

#: The participant columns joined onto invitations, responses and comments.
PERSPECTIVE_JOIN = ("party_id", "side", "common_level", "common_function")


@dataclass(frozen=True)
class RelationshipData:
    """Everything the analyses need about one relationship (and optionally one cycle).

    Attributes
    ----------
    relationship_id, cycle_id
        What was loaded; ``cycle_id`` is ``None`` when every cycle was.
    relationship
        The relationship's row (name, sector, value, dates, template).
    parties
        ``party_id, name, side``, client side first.
    template
        The diagnostic template the relationship uses (``template_id@template_version``).
    codes
        The template's :meth:`~valuekit.templates.Template.codes_frame`; for a cycle, only that cycle's Value
        Codes in questionnaire order (``position`` renumbered 0, 1, …).
    cycles, cycle_codes
        The relationship's cycles in sequence order, and which Value Codes each uses (``position``).
    participants
        Participants with ``side``, ``common_level`` and ``common_function``.
    invitations, responses, comments
        Each row carries the participant's perspective columns; responses and comments also carry
        ``thing_that_matters`` (comments also ``subject_kind``: ``"thing_that_matters"`` or ``"open_question"``).
    actions, change_roles
        The relationship's improvement actions and change roles, as stored.
    """

    relationship_id: str
    cycle_id: str | None
    relationship: pd.Series
    parties: pd.DataFrame
    template: Template
    codes: pd.DataFrame
    cycles: pd.DataFrame
    cycle_codes: pd.DataFrame
    participants: pd.DataFrame
    invitations: pd.DataFrame
    responses: pd.DataFrame
    comments: pd.DataFrame
    actions: pd.DataFrame
    change_roles: pd.DataFrame

    @property
    def party_names(self) -> dict[str, str]:
        """``party_id`` → the party's name, for labels."""
        return dict(self._party_pairs)

    @functools.cached_property
    def _party_pairs(self) -> tuple[tuple[str, str], ...]:
        # labels ask for the names once per row; the frozen data's parties never change
        return tuple(zip(self.parties["party_id"], self.parties["name"], strict=True))

    @property
    def party_order(self) -> list[str]:
        """Party ids, client side first: the order groups are listed in."""
        return list(self.parties["party_id"])

    def codes_in(self, cycle_id: str | None) -> pd.DataFrame:
        """The Value Codes of one cycle in questionnaire order (all codes, template order, for ``None``)."""
        if cycle_id is None or cycle_id == self.cycle_id:
            return self.codes
        return _cycle_codes(self.template, self.template.codes_frame(), self.cycle_codes, cycle_id)

    def __repr__(self) -> str:
        cycle = self.cycle_id or "all cycles"
        return (
            f"<RelationshipData {self.relationship_id!r} ({cycle}): {len(self.parties)} parties, "
            f"{len(self.participants)} participants, {len(self.codes)} Value Codes, "
            f"{len(self.responses)} responses, {len(self.comments)} comments; template {self.template.label}>"
        )


def load_relationship(
    store: Store, relationship_id: str, cycle_id: str | None = None, *, template: Template | None = None
) -> RelationshipData:
    """Load one relationship (and optionally one cycle) ready for analysis.

    Parameters
    ----------
    store
        An open :class:`~valuekit.store.Store`.
    relationship_id
        The relationship to load.
    cycle_id
        One cycle (``"solve"``, ``"dissolve-2"`` …); ``None`` loads every cycle.
    template
        Use this template instead of looking up ``template_id@template_version`` in the template folders.

    Returns
    -------
    RelationshipData

    Raises
    ------
    NotFoundError
        The relationship, cycle, template, a party, a Value Code or a comment subject does not exist (the
        message lists what does), or a participant's local level or function has no equivalence (the message
        names the party and the title).

    Examples
    --------
    >>> from valuekit.analysis.data import load_relationship
    >>> data = load_relationship(store, "rel-a", "solve")  # doctest: +SKIP
    >>> data.responses.groupby("common_level")["rating"].mean()  # doctest: +SKIP
    """
    rid = relationship_id
    store.require_relationship(rid)
    if cycle_id is not None:
        store.require_cycle(rid, cycle_id)
    relationship = store.read("relationships", rid).iloc[0]
    parties = _parties(store.read("parties", rid))
    tpl = template or find_template(relationship["template_id"], relationship["template_version"])
    all_codes = tpl.codes_frame()
    cycle_codes = store.read("cycle_codes", rid)
    codes = _cycle_codes(tpl, all_codes, cycle_codes, cycle_id)
    participants = _participants(
        store.read("participants", rid), parties, store.read("equivalences", rid), rid
    )
    where = f"relationship {rid!r}" + (f", cycle {cycle_id!r}" if cycle_id else "")
    invitations = _join(store.read("invitations", rid, cycle_id), participants, "invitations", where)
    responses = _join(store.read("responses", rid, cycle_id), participants, "responses", where)
    responses = _with_things(responses, all_codes, tpl, where)
    comments = _comment_subjects(
        _join(store.read("comments", rid, cycle_id), participants, "comments", where), tpl, where
    )
    cycles = store.read("cycles", rid).sort_values("sequence", kind="stable").reset_index(drop=True)
    return RelationshipData(
        relationship_id=rid,
        cycle_id=cycle_id,
        relationship=relationship,
        parties=parties,
        template=tpl,
        codes=codes,
        cycles=cycles,
        cycle_codes=cycle_codes,
        participants=participants,
        invitations=invitations,
        responses=responses,
        comments=comments,
        actions=store.read("actions", rid),
        change_roles=store.read("change_roles", rid),
    )


def select_cycle(data: RelationshipData, cycle_id: str) -> RelationshipData:
    """One cycle of a relationship loaded with every cycle, without reading the store again.

    The result equals ``load_relationship(store, data.relationship_id, cycle_id)``: the cycle's Value Codes in
    questionnaire order, its invitations, responses and comments (rows in the same order, index renumbered),
    and the relationship-wide tables unchanged.

    Raises
    ------
    NotFoundError
        The cycle is not one of the relationship's (the message lists them).
    ValuekitError
        ``data`` holds another single cycle.
    """
    if data.cycle_id == cycle_id:
        return data
    known = list(data.cycles["cycle_id"])
    if data.cycle_id is not None:
        raise ValuekitError(
            f"relationship {data.relationship_id!r} is loaded for cycle {data.cycle_id!r} only; "
            f"load every cycle to select {cycle_id!r}"
        )
    if cycle_id not in known:
        raise NotFoundError("cycle", cycle_id, known, where=f"relationship {data.relationship_id!r}")
    codes = _cycle_codes(data.template, data.template.codes_frame(), data.cycle_codes, cycle_id)
    rows = {
        name: frame[frame["cycle_id"] == cycle_id].reset_index(drop=True)
        for name in ("invitations", "responses", "comments")
        for frame in [getattr(data, name)]
    }
    return dataclasses.replace(data, cycle_id=cycle_id, codes=codes, **rows)


def _parties(parties: pd.DataFrame) -> pd.DataFrame:
    rank = parties["side"].map({s: i for i, s in enumerate(SIDES)})
    out = parties.assign(_rank=rank).sort_values(["_rank", "party_id"], kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True)


def _cycle_codes(
    tpl: Template, all_codes: pd.DataFrame, listed: pd.DataFrame, cycle_id: str | None
) -> pd.DataFrame:
    """The template's codes; for a cycle, that cycle's codes in questionnaire order."""
    if cycle_id is None:
        return all_codes
    listed = listed[listed["cycle_id"] == cycle_id].sort_values("position", kind="stable")
    if len(listed):
        order = list(listed["code_id"])
    elif cycle_kind(cycle_id) in tpl.cycles:
        order = [c.id for c in tpl.codes_for(cycle_id)]
    else:
        return all_codes
    unknown = sorted(set(order) - set(all_codes["code_id"]))
    if unknown:
        raise NotFoundError(
            "Value Code", unknown[0], list(all_codes["code_id"]), where=f"template {tpl.label} ({cycle_id})"
        )
    out = all_codes.set_index("code_id").loc[order].reset_index()
    return out.assign(position=range(len(out)))


def _participants(
    participants: pd.DataFrame, parties: pd.DataFrame, equivalences: pd.DataFrame, rid: str
) -> pd.DataFrame:
    unknown = sorted(set(participants["party_id"].unique()) - set(parties["party_id"]))
    if unknown:
        raise NotFoundError("party", unknown[0], list(parties["party_id"]), where=f"relationship {rid!r}")
    out = participants.merge(parties[["party_id", "side"]], on="party_id", how="left", validate="many_to_one")
    for dimension, local, common in (
        ("level", "local_level", "common_level"),
        ("function", "local_function", "common_function"),
    ):
        eq = equivalences.loc[equivalences["dimension"] == dimension, ["party_id", "local", "common"]]
        eq = eq.rename(columns={"local": local, "common": common})
        out = out.merge(eq, on=["party_id", local], how="left", validate="many_to_one")
        missing = out.loc[out[common].isna(), ["party_id", local]].drop_duplicates()
        if len(missing):
            party, title = missing.iloc[0]
            others = [f"{p}: {t!r}" for p, t in missing.iloc[1:].itertuples(index=False)]
            more = f"; also unmapped: {', '.join(others)}" if others else ""
            mapped = sorted(eq.loc[eq["party_id"] == party, local])
            raise NotFoundError(
                f"{dimension} equivalence for the local title",
                title,
                mapped,
                where=f"party {party!r} of relationship {rid!r} (add it to the equivalences table{more})",
            )
    return out.reset_index(drop=True)


def _join(table: pd.DataFrame, participants: pd.DataFrame, name: str, where: str) -> pd.DataFrame:
    """Add the participant's perspective columns; a row whose participant is unknown is an error, not a drop."""
    cols = ["participant_id", *PERSPECTIVE_JOIN]
    fast = _lookup(table, participants[cols], "participant_id")
    if fast is not None:
        out, found = fast
        orphans = table.loc[~found, "participant_id"].unique()
    else:
        out = table.merge(
            participants[cols], on="participant_id", how="left", validate="many_to_one", indicator=True
        )
        orphans = out.loc[out["_merge"] == "left_only", "participant_id"].unique()
        out = out.drop(columns="_merge")
    if len(orphans):
        raise ValuekitError(
            f"{name} of {where}: {len(orphans)} participant id(s) are not in the participants table "
            f"(first: {orphans[0]!r}); import the participants first"
        )
    return out


def _lookup(table: pd.DataFrame, right: pd.DataFrame, key: str) -> tuple[pd.DataFrame, np.ndarray] | None:
    """``table.merge(right, on=key, how="left")`` by position, when ``right`` has one row per key.

    The same frame as the merge (``table``'s rows in order, then ``right``'s other columns with their dtypes),
    without the merge's hashing of both sides; ``None`` when the shortcut does not apply (then merge).
    """
    extra = [c for c in right.columns if c != key]
    if not right[key].is_unique or set(extra) & set(table.columns) or right[key].isna().any():
        return None
    pos = pd.Index(right[key]).get_indexer(table[key])
    found = pos >= 0
    out = table.reset_index(drop=True)
    taken = {c: right[c].array.take(pos, allow_fill=True) for c in extra}
    return out.assign(**taken), found


def _with_things(responses: pd.DataFrame, all_codes: pd.DataFrame, tpl: Template, where: str) -> pd.DataFrame:
    unknown = sorted(set(responses["code_id"].unique()) - set(all_codes["code_id"]))
    if unknown:
        raise NotFoundError(
            "Value Code", unknown[0], list(all_codes["code_id"]), where=f"template {tpl.label} ({where})"
        )
    things = all_codes[["code_id", "thing_that_matters"]]
    fast = _lookup(responses, things, "code_id")
    if fast is not None:
        return fast[0]
    return responses.merge(things, on="code_id", how="left", validate="many_to_one")


def _comment_subjects(comments: pd.DataFrame, tpl: Template, where: str) -> pd.DataFrame:
    things = pd.DataFrame(
        {"subject_id": [t.id for t in tpl.things_that_matter], "subject_kind": "thing_that_matters"}
    ).assign(thing_that_matters=lambda d: d["subject_id"])
    questions = pd.DataFrame(
        {
            "subject_id": [q.id for q in tpl.open_questions],
            "subject_kind": "open_question",
            "thing_that_matters": [q.thing_that_matters for q in tpl.open_questions],
        }
    )
    subjects = pd.concat([things, questions], ignore_index=True)
    unknown = sorted(set(comments["subject_id"].unique()) - set(subjects["subject_id"]))
    if unknown:
        raise NotFoundError(
            "comment subject",
            unknown[0],
            list(subjects["subject_id"]),
            where=f"template {tpl.label} ({where})",
        )
    return comments.merge(subjects, on="subject_id", how="left", validate="many_to_one")


class Prepared(NamedTuple):
    """The rows an analysis works on, with its validated perspective."""

    records: pd.DataFrame  #: the whole population of the cycle: what the privacy gate protects
    view: pd.DataFrame  #: the records inside the filter ``where`` (``records`` itself when there is none)
    by: list[str]
    where: dict[str, tuple[str, ...]]
    party_names: dict[str, str]
    party_order: list[str]
    n_parties: int


def prepare(
    data: RelationshipData | pd.DataFrame,
    table: str,
    *,
    by: str | Sequence[str] | None,
    where: Mapping[str, object] | None,
    cycle: str | None,
) -> Prepared:
    """One cycle's rows of ``table`` (``"responses"``, ``"invitations"`` …), with ``by`` and ``where`` checked.

    ``data`` is a :class:`RelationshipData` or a frame of that table's rows that already carries the
    perspective columns. Rows of several cycles are never mixed: name the ``cycle`` if there are several.
    """
    keep: list = []
    try:  # inside an overview, every analysis of the same rows starts from the same frame
        key = ("prepare", frozen(data, keep), table, cycle)
    except TypeError:
        key = None

    def rows():
        return _cycle_rows(data, table, cycle)

    records, universe, names, order = rows() if key is None else remember(key, rows, keep)
    by_cols = validate_by(by, list(records.columns))
    filt = validate_where(where, universe)
    missing = [c for c in filt if c not in records]
    if missing:
        raise NotFoundError(
            "perspective column", missing[0], [c for c in PERSPECTIVE_JOIN if c in records], "where="
        )
    if not filt:
        view = records  # the same frame: work done on one is done on both
    else:
        view = remember(
            ("where", id(records), frozen(filt, keep)), lambda: apply_where(records, filt), [records]
        )
    return Prepared(records, view, by_cols, filt, names, order, max(2, len(order)))


def _cycle_rows(
    data: RelationshipData | pd.DataFrame, table: str, cycle: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str], list[str]]:
    """(one cycle's rows of ``table``, the population filters are checked against, party names, party order)."""
    if isinstance(data, RelationshipData):
        records, universe = getattr(data, table), data.participants
        known = list(data.cycles["cycle_id"]) if data.cycle_id is None else [data.cycle_id]
        names, order = data.party_names, data.party_order
    elif isinstance(data, pd.DataFrame):
        records = universe = data
        known = sorted(data["cycle_id"].unique()) if "cycle_id" in data else []
        ids = (
            data["party_id"].dropna().astype("str").str.split("+", regex=False) if "party_id" in data else []
        )
        order = sorted({p for parts in ids for p in parts})
        names = {}
    else:
        raise ValuekitError(f"expected RelationshipData or a DataFrame of {table}; got {type(data).__name__}")
    if "cycle_id" in records:
        present = sorted(records["cycle_id"].unique())
        if cycle is None and len(present) > 1:
            raise ValuekitError(f"the {table} span cycles {present}; pass cycle= one of them")
        if cycle is not None:
            if cycle not in known and cycle not in present:
                raise NotFoundError("cycle", cycle, known or present, where=f"the {table}")
            records = records[records["cycle_id"] == cycle]
    return records.reset_index(drop=True), universe, names, order
