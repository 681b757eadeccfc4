"""Generate the sample portfolio from a latent model, deterministically.

Every rating is an ordinal cut of a latent continuous score::

    z = health(relationship) + effect(relationship, Thing That Matters) + effect(root Value Code)
        + perspective(relationship, side, common level) + self-rating bonus + function effect
        + person + drift(cycle) + action lift(cycle, root Value Code) + planted effects + noise

    rating = 1 + #{c in (1.5, 2.5, 3.5, 4.5) : c <= z}

Planted effects replace or shift z for the cells :data:`~valuekit.sample._portfolio.PLANTED` names. Only
``numpy.random.default_rng`` draws numbers, seeded with ``[seed, k]`` per relationship, so a relationship's data
do not depend on the others and the output is the same on every run and machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..schemas import COMMON_LEVELS, TABLES, cycle_kind, validate_table
from ..store import write_canonical_csv
from ..templates import Template, find_template
from ._comments import PERSONAL_DATA, Composer
from ._portfolio import PLANTED, PORTFOLIO, RelationshipSpec

__all__ = ["generate_sample", "write_sample", "TEMPLATE_ID", "TEMPLATE_VERSION"]

TEMPLATE_ID = "client-supplier"
TEMPLATE_VERSION = "1.0.0"

S, M, F = COMMON_LEVELS
_CUTS = np.array([1.5, 2.5, 3.5, 4.5])
_LEVEL_OFFSET = {S: 0.25, M: 0.0, F: -0.2}
_SIDE_OFFSET = {"client": -0.05, "supplier": 0.05}
_RESPONSE_OFFSET = {S: 0.15, M: 0.07, F: -0.05}
_CYCLE_RESPONSE = {"resolve": 0.0, "solve": 0.02, "dissolve": -0.02}
_SELF_RATING = 0.2  # a party rates itself a little higher than the other party rates it
_COMMERCIAL_FUNCTION = -0.3  # commercial people are harder on commercial codes
_IMPORTANCE = {
    "trust": 3.9,
    "responsiveness": 3.9,
    "commercial": 3.6,
    "communication": 3.5,
    "delivery": 4.0,
    "innovation": 3.0,
    "governance": 3.3,
    "people": 3.4,
    "outcomes": 3.8,
}
_PRIORITY_IMPORTANCE = 4.8
_LIFT = {"done": (1.1, 1.4), "in_progress": (0.9, 1.2)}
_DRIFT = (0.1, 0.15)  # dissolve-1, dissolve-2: a programme under way lifts everything a little
_GAP_SHARE = {"client": -0.55, "supplier": 0.45}  # how the planted mirror gap splits between the halves
_POLES = (1.4, 4.6)
_CONSENSUS_LEVEL = 1.95
_DONT_KNOW = 0.025
_DONT_KNOW_SENIOR = 0.01
_DONT_KNOW_FRONT_COMMERCIAL = 0.15
_COMMENT_RATES = {  # open question, Thing That Matters
    "resolve": {"oq-working-well": 0.3, "oq-change-one-thing": 0.4, "oq-missing": 0.12, "ttm": 0.1},
    "solve": {"oq-change-one-thing": 0.18, "ttm": 0.025},
    "dissolve": {"oq-change-one-thing": 0.15, "ttm": 0.02},
}


@dataclass(frozen=True)
class _Codes:
    """The Value Codes of one kind of cycle as aligned arrays, in questionnaire order."""

    ids: list[str]
    roots: list[str]
    ttm: np.ndarray
    code_effect: np.ndarray
    by_client: np.ndarray
    by_supplier: np.ndarray
    about_client: np.ndarray
    about_supplier: np.ndarray
    importance: np.ndarray
    desired: np.ndarray
    commercial: np.ndarray


def _code_tables(tpl: Template, seed: int) -> dict[str, _Codes]:
    rng = np.random.default_rng([seed, 0])
    effect = {}
    for c in tpl.value_codes:  # one effect per root; the two halves of a mirror pair measure the same thing
        if c.derived_from is None and not (c.mirror and "client" not in c.rated_by):
            effect[c.id] = rng.normal(0.0, 0.15)
    for c in tpl.value_codes:
        if c.derived_from is None and c.id not in effect:
            effect[c.id] = effect[c.mirror]
    ttms = [t.id for t in tpl.things_that_matter]
    out = {}
    for kind in tpl.cycles:
        codes = tpl.codes_for(kind)
        roots = [tpl.root(c.id) for c in codes]
        out[kind] = _Codes(
            ids=[c.id for c in codes],
            roots=roots,
            ttm=np.array([ttms.index(c.thing_that_matters) for c in codes]),
            code_effect=np.array([effect[r] for r in roots]),
            by_client=np.array(["client" in c.rated_by for c in codes]),
            by_supplier=np.array(["supplier" in c.rated_by for c in codes]),
            about_client=np.array([c.about == "client" for c in codes]),
            about_supplier=np.array([c.about == "supplier" for c in codes]),
            importance=np.array(["importance" in c.asks for c in codes]),
            desired=np.array(["desired" in c.asks for c in codes]),
            commercial=np.array([c.thing_that_matters == "commercial" for c in codes]),
        )
    return out


@dataclass
class _People:
    ids: np.ndarray
    party: np.ndarray
    side: np.ndarray
    level: np.ndarray
    local_level: np.ndarray
    local_function: np.ndarray
    function: np.ndarray
    first: np.ndarray  # first cycle index invited
    last: np.ndarray  # last cycle index invited
    person: np.ndarray  # latent person effect
    propensity: np.ndarray  # response propensity
    importance: np.ndarray  # person's importance offset
    camp: np.ndarray  # 0/1: which pole a polarised senior leader sits at


def _people(spec: RelationshipSpec, rng: np.random.Generator, n_cycles: int) -> _People:
    small = PLANTED["small_group"]
    cols: dict[str, list] = {
        k: [] for k in ("party", "side", "level", "local_level", "local_function", "function")
    }
    for party, side, share in (
        (spec.client, "client", spec.client_share),
        (spec.supplier, "supplier", 1.0 - spec.client_share),
    ):
        n = round(spec.size * share)
        n_s = max(2, round(n * spec.level_mix[0]))
        if spec.relationship_id == small["relationship_id"] and party.party_id == small["party_id"]:
            n_s = small["invited"]
        n_m = round(n * spec.level_mix[1])
        for level, count in ((S, n_s), (M, n_m), (F, n - n_s - n_m)):
            titles = [(t, w) for t, c, w in party.levels if c == level]
            weights = np.array([w for _, w in titles])
            pick = rng.choice(len(titles), size=count, p=weights / weights.sum())
            fweights = np.array([w for _, _, w in party.functions])
            fpick = rng.choice(len(party.functions), size=count, p=fweights / fweights.sum())
            cols["party"] += [party.party_id] * count
            cols["side"] += [side] * count
            cols["level"] += [level] * count
            cols["local_level"] += [titles[i][0] for i in pick]
            cols["local_function"] += [party.functions[i][0] for i in fpick]
            cols["function"] += [party.functions[i][1] for i in fpick]
    n = len(cols["party"])
    order = rng.permutation(n)  # exports list people in no particular order
    arr = {k: np.array(v, dtype=object)[order] for k, v in cols.items()}
    first = np.zeros(n, dtype=int)
    last = np.full(n, n_cycles - 1)
    if n_cycles > 1:  # some join after the first cycle, some leave before the last
        joins = rng.random(n) < 0.08
        first[joins] = rng.integers(1, n_cycles, size=joins.sum())
        leaves = (rng.random(n) < 0.07) & ~joins
        last[leaves] = rng.integers(0, n_cycles - 1, size=leaves.sum())
    if spec.relationship_id == small["relationship_id"]:
        keep = (arr["party"] == small["party_id"]) & (arr["level"] == S)
        first[keep], last[keep] = 0, n_cycles - 1
    camp = np.zeros(n, dtype=int)
    for party_id in (spec.client.party_id, spec.supplier.party_id):
        seniors = np.flatnonzero((arr["party"] == party_id) & (arr["level"] == S))
        camp[seniors[rng.permutation(len(seniors))]] = np.arange(len(seniors)) % 2
    return _People(
        ids=np.array([f"{spec.relationship_id}-{i + 1:04d}" for i in range(n)], dtype=object),
        party=arr["party"],
        side=arr["side"],
        level=arr["level"],
        local_level=arr["local_level"],
        local_function=arr["local_function"],
        function=arr["function"],
        first=first,
        last=last,
        person=rng.normal(0.0, 0.35, n),
        propensity=rng.normal(0.0, 0.1, n),
        importance=rng.normal(0.0, 0.3, n),
        camp=camp,
    )


def _cut(z: np.ndarray) -> np.ndarray:
    return np.digitize(z, _CUTS) + 1


def _int_array(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(values.astype("int64"), missing.astype(bool))


class _Relationship:
    """Generates every table's rows for one relationship."""

    def __init__(self, spec: RelationshipSpec, k: int, seed: int, tpl: Template, codes: dict[str, _Codes]):
        self.spec, self.tpl, self.codes = spec, tpl, codes
        self.rid = spec.relationship_id
        self.rng = np.random.default_rng([seed, k])
        self.cycle_ids = [c[0] for c in spec.cycles]
        self.ttms = [t.id for t in tpl.things_that_matter]
        rng = self.rng
        self.ttm_effect = rng.normal(0.0, 0.25, len(self.ttms))
        for ttm, value in spec.ttm_effects.items():
            self.ttm_effect[self.ttms.index(ttm)] = value
        self.importance = np.array([_IMPORTANCE[t] for t in self.ttms]) + rng.normal(0.0, 0.2, len(self.ttms))
        if PLANTED["priority"]["relationship_id"] == self.rid:
            self.importance[self.ttms.index(PLANTED["priority"]["thing_that_matters"])] = _PRIORITY_IMPORTANCE
        self.perspective = {
            (side, level): _SIDE_OFFSET[side] + _LEVEL_OFFSET[level] + rng.normal(0.0, 0.12)
            for side in ("client", "supplier")
            for level in COMMON_LEVELS
        }
        self.people = _people(spec, rng, len(spec.cycles))
        self.composer = Composer(rng)
        self.used_for_planted: set[tuple[str, int]] = set()

    def _gap_shift(self) -> float:
        """The latent shift that makes the client see the supplier ``mirror_gap_size`` below its own view."""
        mix = self.spec.level_mix
        seen = {
            side: sum(w * self.perspective[(side, lv)] for w, lv in zip(mix, COMMON_LEVELS, strict=True))
            for side in ("client", "supplier")
        }
        return PLANTED["mirror_gap_size"] - _SELF_RATING - (seen["supplier"] - seen["client"])

    # -- per cycle ------------------------------------------------------------------------------------
    def _responded(self, t: int, cycle_id: str, is_open: bool) -> tuple[np.ndarray, np.ndarray]:
        p = self.people
        invited = (p.first <= t) & (p.last >= t)
        rate = self.spec.response_rate * (0.75 if is_open else 1.0) + _CYCLE_RESPONSE[cycle_kind(cycle_id)]
        prob = rate + np.array([_RESPONSE_OFFSET[lv] for lv in p.level]) + p.propensity
        responded = invited & (self.rng.random(len(p.ids)) < np.clip(prob, 0.05, 0.97))
        small = PLANTED["small_group"]
        if small["relationship_id"] == self.rid:
            group = np.flatnonzero((p.party == small["party_id"]) & (p.level == S))
            responded[group] = np.arange(len(group)) < small["responded"]
        return invited, responded

    def _shifts(self, t: int, cycle_id: str, cs: _Codes) -> np.ndarray:
        """Cycle drift and action lifts per Value Code of this cycle (by root code)."""
        shift = np.zeros(len(cs.ids))
        if cycle_kind(cycle_id) != "dissolve":
            return shift
        d = int(cycle_id.split("-")[1]) - 1
        still = set()
        for a in self.spec.actions:
            if a.raised_cycle != "solve":
                continue
            roots = np.array([r in a.code_ids for r in cs.roots])
            if a.effect == "lift":
                shift[roots] += _LIFT[a.status][min(d, 1)]
            elif a.effect == "none":
                still.update(a.code_ids)
        drift = np.array([0.0 if r in still else _DRIFT[min(d, 1)] for r in cs.roots])
        return shift + drift

    def _ratings(self, t: int, cycle_id: str, resp: np.ndarray):
        rng, p = self.rng, self.people
        cs = self.codes[cycle_kind(cycle_id)]
        nr, nc = len(resp), len(cs.ids)
        side, level = p.side[resp], p.level[resp]
        persp = np.array([self.perspective[(s, lv)] for s, lv in zip(side, level, strict=True)])
        is_client = side == "client"
        self_rating = np.where(is_client[:, None], cs.about_client[None, :], cs.about_supplier[None, :])
        commercial_fn = (p.function[resp] == "commercial")[:, None] & cs.commercial[None, :]
        z = (
            self.spec.health
            + self.ttm_effect[cs.ttm][None, :]
            + cs.code_effect[None, :]
            + persp[:, None]
            + p.person[resp][:, None]
            + _SELF_RATING * self_rating
            + _COMMERCIAL_FUNCTION * commercial_fn
            + self._shifts(t, cycle_id, cs)[None, :]
            + rng.normal(0.0, 0.6, (nr, nc))
        )
        gap_codes = [code for pair in PLANTED["mirror_gaps"].get(self.rid, ()) for code in pair]
        for j, root in enumerate(cs.roots):
            if root in gap_codes:
                z[:, j] += self._gap_shift() * _GAP_SHARE["client" if cs.by_client[j] else "supplier"]
        planted = np.zeros((nr, nc), dtype=bool)
        pol, con = PLANTED["polarised"], PLANTED["consensus"]
        if pol["relationship_id"] == self.rid:
            cols = np.array([c in pol["code_ids"] for c in cs.ids])
            rows = level == pol["common_level"]
            cell = rows[:, None] & cols[None, :]
            pole = np.array(_POLES)[p.camp[resp]][:, None] + rng.normal(0.0, 0.3, (nr, nc))
            z = np.where(cell, pole, z)
            planted |= cell
        if con["relationship_id"] == self.rid:
            cols = np.array([c in con["code_ids"] for c in cs.ids])
            cell = (level == con["common_level"])[:, None] & cols[None, :]
            z = np.where(cell, _CONSENSUS_LEVEL + rng.normal(0.0, 0.3, (nr, nc)), z)
            planted |= cell
        rating = _cut(z)
        p_dk = np.full((nr, nc), _DONT_KNOW)
        p_dk[level == S, :] = _DONT_KNOW_SENIOR
        p_dk[(level == F)[:, None] & cs.commercial[None, :]] = _DONT_KNOW_FRONT_COMMERCIAL
        p_dk[planted] = 0.0
        dk = rng.random((nr, nc)) < p_dk
        zi = self.importance[cs.ttm][None, :] + p.importance[resp][:, None] + rng.normal(0.0, 0.55, (nr, nc))
        importance = _cut(zi)
        no_importance = (
            ~cs.importance[None, :] | (rng.random((nr, nc)) < 0.01) | (dk & (rng.random((nr, nc)) < 0.3))
        )
        step = rng.choice(np.array([0, 1, 2, -1]), size=(nr, nc), p=[0.28, 0.47, 0.21, 0.04])
        desired = np.clip(rating + step, 1, 5)
        no_desired = ~cs.desired[None, :] | dk
        answers = np.where(is_client[:, None], cs.by_client[None, :], cs.by_supplier[None, :])
        return cs, rating, dk, importance, no_importance, desired, no_desired, answers

    def cycle(self, t: int, cycle_id: str, is_open: bool) -> dict[str, pd.DataFrame]:
        p = self.people
        invited, responded = self._responded(t, cycle_id, is_open)
        inv = np.flatnonzero(invited)
        resp = np.flatnonzero(responded)
        cs, rating, dk, importance, no_imp, desired, no_des, answers = self._ratings(t, cycle_id, resp)
        r_idx, c_idx = np.nonzero(answers)
        n = len(r_idx)
        responses = pd.DataFrame(
            {
                "relationship_id": [self.rid] * n,
                "cycle_id": [cycle_id] * n,
                "participant_id": p.ids[resp][r_idx],
                "code_id": np.array(cs.ids, dtype=object)[c_idx],
                "rating": _int_array(rating[r_idx, c_idx], dk[r_idx, c_idx]),
                "desired": _int_array(desired[r_idx, c_idx], no_des[r_idx, c_idx]),
                "importance": _int_array(importance[r_idx, c_idx], no_imp[r_idx, c_idx]),
            }
        )
        invitations = pd.DataFrame(
            {
                "relationship_id": [self.rid] * len(inv),
                "cycle_id": [cycle_id] * len(inv),
                "participant_id": p.ids[inv],
                "responded": responded[inv],
            }
        )
        shown = np.where(answers & ~dk, rating, 0).astype(float)
        counts = np.zeros((len(resp), len(self.ttms)))
        sums = np.zeros((len(resp), len(self.ttms)))
        for j, k in enumerate(cs.ttm):
            ok = answers[:, j] & ~dk[:, j]
            counts[:, k] += ok
            sums[:, k] += shown[:, j]
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        comments = self._comments(cycle_id, resp, means, sorted(set(cs.ttm.tolist())))
        return {"invitations": invitations, "responses": responses, "comments": comments}

    # -- comments -------------------------------------------------------------------------------------
    def _comments(
        self, cycle_id: str, resp: np.ndarray, means: np.ndarray, ttm_idx: list[int]
    ) -> pd.DataFrame:
        rng, p, composer = self.rng, self.people, self.composer
        kind = cycle_kind(cycle_id)
        rates = _COMMENT_RATES[kind]
        questions = [q.id for q in self.tpl.open_questions_for(cycle_id)]
        subjects = questions + [self.ttms[k] for k in ttm_idx]
        probs = np.array([rates.get(s, rates["ttm"]) for s in subjects])
        draw = rng.random((len(resp), len(subjects))) < probs[None, :]
        texts: dict[tuple[int, int], str] = {}
        for i, j in zip(*np.nonzero(draw), strict=True):
            person = resp[i]
            other = self.spec.supplier if p.side[person] == "client" else self.spec.client
            other_side = "supplier" if p.side[person] == "client" else "client"
            row = means[i, ttm_idx]
            have = ~np.isnan(row)
            best = ttm_idx[int(np.argmax(np.where(have, row, -1)))] if have.any() else ttm_idx[0]
            worst = ttm_idx[int(np.argmin(np.where(have, row, 9)))] if have.any() else ttm_idx[-1]
            subject = subjects[j]
            if subject == "oq-working-well":
                text = composer.working_well(self.ttms[best], means[i, best], other.short, other_side)
            elif subject == "oq-change-one-thing":
                text = composer.change_one_thing(self.ttms[worst], means[i, worst])
            elif subject == "oq-missing":
                text = composer.missing(self.ttms[worst])
            else:
                k = self.ttms.index(subject)
                text = composer.about(subject, means[i, k], other.short, other_side)
            texts[(int(person), j)] = text
        self._plant_comments(cycle_id, resp, subjects, texts)
        keys = sorted(texts)
        return pd.DataFrame(
            {
                "relationship_id": [self.rid] * len(keys),
                "cycle_id": [cycle_id] * len(keys),
                "participant_id": [p.ids[i] for i, _ in keys],
                "subject_id": [subjects[j] for _, j in keys],
                "text": [texts[key] for key in keys],
            }
        )

    def _plant_comments(self, cycle_id: str, resp: np.ndarray, subjects: list[str], texts: dict) -> None:
        p = self.people
        for placed_cycle, subject, count in PLANTED["theme"]["placements"].get(self.rid, ()):
            if placed_cycle != cycle_id:
                continue
            free = [i for i in resp if (cycle_id, int(i)) not in self.used_for_planted]
            for person in sorted(self.rng.choice(free, size=count, replace=False).tolist()):
                other = self.spec.supplier if p.side[person] == "client" else self.spec.client
                other_side = "supplier" if p.side[person] == "client" else "client"
                texts[(person, subjects.index(subject))] = self.composer.theme(other.short, other_side)
                self.used_for_planted.add((cycle_id, person))
        for rid, placed_cycle, subject, text, _ in PERSONAL_DATA:
            if rid != self.rid or placed_cycle != cycle_id:
                continue
            person = next(
                int(i)
                for i in resp
                if p.side[i] == "client" and (cycle_id, int(i)) not in self.used_for_planted
            )
            texts[(person, subjects.index(subject))] = text
            self.used_for_planted.add((cycle_id, person))

    # -- static tables --------------------------------------------------------------------------------
    def static(self) -> dict[str, pd.DataFrame]:
        spec, p, rid = self.spec, self.people, self.rid
        parties = [spec.client, spec.supplier]
        eq = []
        for party in parties:
            eq += [(rid, party.party_id, "level", t, c) for t, c, _ in party.levels]
            eq += [(rid, party.party_id, "function", t, c) for t, c, _ in party.functions]
        cycles = [
            (rid, cid, seq, pd.Timestamp(opened), pd.Timestamp(closed) if closed else pd.NaT)
            for seq, (cid, opened, closed) in enumerate(spec.cycles, start=1)
        ]
        cycle_codes = [
            (rid, cid, code, pos)
            for cid, _, _ in spec.cycles
            for pos, code in enumerate(self.codes[cycle_kind(cid)].ids)
        ]
        actions = [
            (rid, a.action_id, a.title, "|".join(a.code_ids), a.owner_role, a.owner_party_id, a.raised_cycle,
             pd.Timestamp(a.due), a.status)
            for a in spec.actions
        ]  # fmt: skip
        return {
            "relationships": pd.DataFrame(
                [
                    {
                        "relationship_id": rid,
                        "name": spec.name,
                        "sector": spec.sector,
                        "annual_value_m": float(spec.annual_value_m),
                        "start_date": pd.Timestamp(spec.start),
                        "end_date": pd.Timestamp(spec.end),
                        "other_initiatives": spec.other_initiatives,
                        "template_id": TEMPLATE_ID,
                        "template_version": TEMPLATE_VERSION,
                    }
                ]
            ),
            "parties": pd.DataFrame(
                [
                    (rid, pt.party_id, pt.name, side)
                    for pt, side in zip(parties, ("client", "supplier"), strict=True)
                ],
                columns=["relationship_id", "party_id", "name", "side"],
            ),
            "equivalences": pd.DataFrame(
                eq, columns=["relationship_id", "party_id", "dimension", "local", "common"]
            ),
            "participants": pd.DataFrame(
                {
                    "relationship_id": [rid] * len(p.ids),
                    "participant_id": p.ids,
                    "party_id": p.party,
                    "local_level": p.local_level,
                    "local_function": p.local_function,
                }
            ),
            "cycles": pd.DataFrame(
                cycles, columns=["relationship_id", "cycle_id", "sequence", "opened", "closed"]
            ),
            "cycle_codes": pd.DataFrame(
                cycle_codes, columns=["relationship_id", "cycle_id", "code_id", "position"]
            ),
            "actions": pd.DataFrame(
                actions,
                columns=[
                    "relationship_id",
                    "action_id",
                    "title",
                    "code_ids",
                    "owner_role",
                    "owner_party_id",
                    "raised_cycle",
                    "due",
                    "status",
                ],
            ),
            "change_roles": pd.DataFrame(
                [(rid, role, party is not None, party) for role, party in spec.change_roles],
                columns=["relationship_id", "role", "filled", "party_id"],
            ),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {k: [v] for k, v in self.static().items()}
        for t, (cycle_id, _, closed) in enumerate(self.spec.cycles):
            for table, df in self.cycle(t, cycle_id, closed is None).items():
                out.setdefault(table, []).append(df)
        return {k: pd.concat(v, ignore_index=True) for k, v in out.items()}


def generate_sample(seed: int = 2026) -> dict[str, pd.DataFrame]:
    """The sample portfolio: every table of :data:`valuekit.schemas.TABLES`, validated.

    Fourteen fictional client–supplier relationships across sectors, with the truths listed in
    :data:`valuekit.sample.PLANTED` (and ``data/samples/README.md``) planted in them. The same ``seed`` gives
    the same tables, byte for byte once written, on every run and machine.

    Parameters
    ----------
    seed
        Seeds ``numpy.random.default_rng``; the committed sample uses 2026.

    Returns
    -------
    dict mapping table name to DataFrame, in :data:`~valuekit.schemas.TABLES` order.

    Examples
    --------
    >>> from valuekit.sample import generate_sample
    >>> tables = generate_sample()
    >>> len(tables["relationships"])
    14
    """
    tpl = find_template(TEMPLATE_ID)
    codes = _code_tables(tpl, seed)
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    for k, spec in enumerate(PORTFOLIO, start=1):
        for table, df in _Relationship(spec, k, seed, tpl, codes).tables().items():
            parts[table].append(df)
    return {t: validate_table(t, pd.concat(parts[t], ignore_index=True), source="sample") for t in TABLES}


def write_sample(out_dir: str | Path, seed: int = 2026) -> list[Path]:
    """Write the sample portfolio as ``<table>.csv`` files in ``out_dir`` (created if missing).

    The files are the canonical long form ``valuekit import`` reads: ISO dates, empty for missing, ``\\n``
    line ends. Returns the paths written, in table order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for table, df in generate_sample(seed).items():
        path = out / f"{table}.csv"
        write_canonical_csv(df, path)
        paths.append(path)
    return paths
