"""The privacy gate, checked from outside, for findings.

Over random small relationships written to a store — two parties, three levels, two functions, cells of 0 to 7
people, each (party, level) rating each Value Code in one of a few styles (agreed low, agreed high, split,
spread, middling) so that every kind of finding turns up — every group a finding names is mapped back to its
cells, its stated n is checked against a count worked out here with plain pandas, and must be at least k; then,
per measure, no union of cells with fewer than k respondents may be worked out from the groups the findings
name (test_privacy's null-space check). Engagement findings are checked the same way on the invitations.
The random examples run inside :func:`~valuekit.analysis._shared.sharing`, as :func:`~valuekit.analysis.overview.analyse`
runs findings (twice as fast); the explicit example checks that sharing changes nothing.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from valuekit.analysis._shared import sharing
from valuekit.analysis.data import load_relationship
from valuekit.analysis.findings import findings
from valuekit.analysis.perspectives import ALL, group_label
from valuekit.config import Privacy
from valuekit.store import Store

from .conftest import COMPOSITION, build_relationship
from .test_findings import TEMPLATE as CRAFTED
from .test_privacy_filters import Ledger

#: test_findings' crafted template (a mirror pair, a Value Code derived from another), asking importance
TEMPLATE = {
    **CRAFTED,
    "id": "props",
    "value_codes": [
        {**c, "asks": ["importance"]} if c["id"] in ("ESC-01", "TRU-01") else c
        for c in CRAFTED["value_codes"]
    ],
}
CYCLES = {"solve": ["ESC-01", "TRU-01", "RSP-C", "RSP-S"], "dissolve-1": ["D-ESC-01", "TRU-01"]}
ONLY = {"RSP-C": "acme", "RSP-S": "bolt"}  # the halves of the mirror pair: one party each
THINGS = {"solve": {"speed": ["ESC-01", "RSP-C", "RSP-S"], "trust": ["TRU-01"]},
          "dissolve-1": {"speed": ["D-ESC-01"], "trust": ["TRU-01"]}}  # fmt: skip
IMPORTANCE = {"speed": ["ESC-01"], "trust": ["TRU-01"]}
LINEAGE = {"D-ESC-01": "ESC-01", "TRU-01": "TRU-01"}
CELLS = list(COMPOSITION)  # (party, local level, local function), conftest's titles
LOCAL_LEVEL = {"Director": "senior_leadership", "VP": "senior_leadership", "Manager": "middle_management",
               "Lead": "middle_management", "Analyst": "front_line", "Engineer": "front_line"}  # fmt: skip
PARTY_LEVELS = sorted({(p, LOCAL_LEVEL[lv]) for p, lv, _ in CELLS})
#: How a (party, level) rates a Value Code: person i of the group gives STYLES[style][i % len]
STYLES = {
    "low": (2, 1, 2, 2, 1, 2, 2),
    "high": (4, 5, 5, 4, 5),
    "split": (1, 5, 1, 5, 2, 4),
    "spread": (1, 2, 3, 4, 5),
    "middling": (3, 3, 2, 3, 4),
}
N_STYLES = len(PARTY_LEVELS) * sum(map(len, CYCLES.values()))
SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def relationship_tables(draw, rid: str = "rel-a") -> dict[str, pd.DataFrame]:
    """The canonical tables of one random relationship of the template above."""
    sizes = draw(st.lists(st.integers(0, 7), min_size=len(CELLS), max_size=len(CELLS)).filter(any))
    styles = iter(draw(st.lists(st.sampled_from(list(STYLES)), min_size=N_STYLES, max_size=N_STYLES)))
    style = {
        (pl, c, code): next(styles) for pl in PARTY_LEVELS for c, codes in CYCLES.items() for code in codes
    }
    important = draw(st.lists(st.booleans(), min_size=len(PARTY_LEVELS), max_size=len(PARTY_LEVELS)))
    silent = draw(st.sampled_from([2, 3, 5, 1000]))  # every silent-th person does not respond in a cycle
    dont_know = draw(st.sampled_from([3, 7, 1000]))  # and every dont_know-th answer is "don't know"
    return _tables(rid, sizes, style, dict(zip(PARTY_LEVELS, important, strict=True)), silent, dont_know)


def _tables(rid, sizes, style, important, silent, dont_know) -> dict[str, pd.DataFrame]:
    tables = build_relationship(np.random.default_rng(0), rid)
    people = [(p, lv, fn) for (p, lv, fn), size in zip(CELLS, sizes, strict=True) for _ in range(size)]
    participants = pd.DataFrame(people, columns=["party_id", "local_level", "local_function"])
    participants.insert(0, "participant_id", [f"{rid}-p{i:03d}" for i in range(len(people))])
    participants.insert(0, "relationship_id", rid)
    participants["level"] = participants["local_level"].map(LOCAL_LEVEL)
    participants["i"] = participants.groupby(["party_id", "level"]).cumcount()
    invitations, responses = [], []
    for c, (cycle, codes) in enumerate(CYCLES.items()):
        responded = (np.arange(len(participants)) + c) % silent != 0
        # the front line answers half as often: an under-represented group, for the engagement findings
        front = (participants["level"] == "front_line").to_numpy()
        responded &= ~front | ((participants["i"].to_numpy() + c) % 2 == 0)
        invitations.append(
            participants[["relationship_id", "participant_id"]].assign(cycle_id=cycle, responded=responded)
        )
        for j, code in enumerate(codes):
            for p in participants[responded].itertuples():
                if ONLY.get(code, p.party_id) != p.party_id:
                    continue
                pattern = STYLES[style[((p.party_id, p.level), cycle, code)]]
                rating = None if (7 * p.i + j) % dont_know == 0 else pattern[p.i % len(pattern)]
                wants = (5, 4, 5) if important[(p.party_id, p.level)] else (2, 3, 1)
                importance = wants[p.i % 3] if code in ("ESC-01", "TRU-01") else None
                responses.append((rid, cycle, p.participant_id, code, rating, None, importance))
    cols = ["relationship_id", "cycle_id", "participant_id", "code_id", "rating", "desired", "importance"]
    answers = pd.DataFrame(responses, columns=cols)
    for col in ("rating", "desired", "importance"):
        answers[col] = pd.array(answers[col].tolist(), dtype="Int64")
    tables.update(
        participants=participants.drop(columns=["level", "i"]),
        invitations=pd.concat(invitations, ignore_index=True)[["relationship_id", "cycle_id", "participant_id",
                                                               "responded"]],
        responses=answers,
        comments=tables["comments"].iloc[:0],
        cycle_codes=pd.DataFrame(
            [(rid, c, code, pos) for c, codes in CYCLES.items() for pos, code in enumerate(codes)],
            columns=["relationship_id", "cycle_id", "code_id", "position"],
        ),
        relationships=tables["relationships"].assign(template_id="props"),
        actions=pd.DataFrame(
            {"relationship_id": rid, "action_id": ["A1", "A2"], "title": ["Escalation review", "Open book"],
             "code_ids": ["ESC-01", "RSP-C"], "owner_role": "lead", "owner_party_id": "bolt",
             "raised_cycle": "solve", "due": pd.NaT, "status": ["done", "in_progress"]}
        ),
    )  # fmt: skip
    return tables


def _rich_style(party_level: tuple[str, str], cycle: str, code: str) -> str:
    """Middle management agree ESC-01 is low, senior leaders split on Trust, the client sees the supplier
    lower than it sees itself, ESC-01 rises in dissolve-1 (its action moved it), leaders outrate the front line."""
    level = party_level[1]
    if cycle == "solve":
        return {"ESC-01": "low" if level == "middle_management" else "spread",
                "TRU-01": "split" if level == "senior_leadership" else "middling",
                "RSP-C": "low", "RSP-S": "high"}[code]  # fmt: skip
    if code == "D-ESC-01":
        return "high"
    return {"senior_leadership": "high", "middle_management": "middling", "front_line": "low"}[level]


#: A well-populated relationship in which every kind of finding appears (k = 3 or 5)
RICH = _tables(
    "rel-a",
    [2, 1, 5, 3, 7, 4, 4, 2, 5, 2, 7, 1],
    {
        (pl, c, code): _rich_style(pl, c, code)
        for pl in PARTY_LEVELS
        for c, codes in CYCLES.items()
        for code in codes
    },
    {pl: pl[1] != "front_line" for pl in PARTY_LEVELS},
    5,
    11,
)


@pytest.fixture(scope="module", autouse=True)
def template_folder(tmp_path_factory):
    """The template on the search path, for the portfolio functions (which find it themselves)."""
    folder = tmp_path_factory.mktemp("output-templates")
    (folder / "props.yaml").write_text(yaml.safe_dump(TEMPLATE, sort_keys=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VALUEKIT_TEMPLATES", str(folder))
        yield folder


def _store(tables: dict[str, pd.DataFrame]) -> Store:
    store = Store(":memory:")
    store.write(tables)
    return store


# -- findings -----------------------------------------------------------------------------------------------
def _labels(data) -> dict[str, dict]:
    """Every group label a finding can use → the perspective values it stands for."""
    out = {"everyone": {}}
    for side in (ALL, "client", "supplier"):
        for level in (ALL, "senior_leadership", "middle_management", "front_line"):
            values = {c: v for c, v in (("side", side), ("common_level", level)) if v != ALL}
            out[group_label(values, party_names=data.party_names, n_parties=2)] = values
    return out


def _ns(evidence: str) -> list[int]:
    """The sizes an evidence text states ("n = 12", "n = 12 and 9")."""
    found = re.search(r"\bn = (\d+)(?: and (\d+))?", evidence)
    return [int(x) for x in found.groups() if x] if found else []


def _invitation_rows(data) -> pd.DataFrame:
    """Invitations as ledger rows: "rating" counts those who responded, "importance" everyone invited."""
    inv = data.invitations
    return inv.assign(
        code_id="invitation",
        rating=pd.array(np.where(inv["responded"], 1, None).tolist(), dtype="Int64"),
        importance=pd.array([1] * len(inv), dtype="Int64"),
        desired=pd.array([None] * len(inv), dtype="Int64"),
    )


def check_findings(found: pd.DataFrame, data, full, k: int) -> int:
    """Every group a finding names: counted right, at least k, and nothing below k by subtraction."""
    cycle, labels = data.cycle_id, _labels(data)
    ledger, invited = Ledger(full.responses, k), Ledger(_invitation_rows(full), k)
    before = list(full.cycles["cycle_id"])[list(full.cycles["cycle_id"]).index(cycle) - 1]
    for f in found.itertuples():
        what, ns = f"{f.kind} finding {f.statement!r}", _ns(f.evidence)
        if f.kind in ("agreement", "strength", "division"):
            ledger.show((cycle, [f.code_id]), labels[f.group], None, f.n, what)
            assert ns == [f.n], what
        elif f.kind == "gap":
            values = labels[f.group]
            for code, n in zip(f.code_id.split("|"), ns, strict=True):
                ledger.show((cycle, [code]), values, None, n, what)
        elif f.kind == "level_gap":
            for group, n in zip(f.group.split(" vs "), ns, strict=True):
                ledger.show((cycle, [f.code_id]), labels[group], None, n, what)
        elif f.kind == "priority":
            ledger.show((cycle, IMPORTANCE[f.thing_that_matters]), {}, None, f.n, what)
        elif f.kind == "engagement":
            invited.show((cycle, ["invitation"]), labels[f.group], None, f.n, what)
            total = int(re.search(r"of (\d+) invited", f.evidence).group(1))
            invited.show((cycle, ["invitation"], "importance"), labels[f.group], None, total, what)
        elif f.kind == "change":
            for (c, code), n in zip(((before, LINEAGE[f.code_id]), (cycle, f.code_id)), ns, strict=True):
                ledger.show((c, [code]), {}, None, n, what)
        else:  # actions and fragmentation speak of Value Codes, not of a group's size
            assert f.kind in ("action", "fragmentation") and not ns, what
    ledger.check()
    invited.check()
    return len(found)


@SETTINGS
@given(tables=relationship_tables(), k=st.sampled_from([3, 5]))
@example(tables=RICH, k=3)
@example(tables=RICH, k=5)
def test_findings_name_no_group_below_k(tables, k):
    store = _store(tables)
    full = load_relationship(store, "rel-a")
    privacy = Privacy(k=k)
    for cycle in CYCLES:
        data = load_relationship(store, "rel-a", cycle)
        with sharing():
            found = findings(data, previous=full if cycle != "solve" else None, privacy=privacy)
        check_findings(found, data, full, k)


def test_the_rich_example_has_every_kind_of_finding():
    """The explicit examples above exercise each branch of :func:`check_findings`; sharing changes nothing."""
    store = _store(RICH)
    full = load_relationship(store, "rel-a")
    kinds = set()
    for cycle in CYCLES:
        data = load_relationship(store, "rel-a", cycle)
        previous = full if cycle != "solve" else None
        found = findings(data, previous=previous, privacy=Privacy(k=3))
        with sharing():
            pd.testing.assert_frame_equal(found, findings(data, previous=previous, privacy=Privacy(k=3)))
        kinds |= set(found["kind"])
        check_findings(found, data, full, 3)
    assert kinds >= {
        "agreement",
        "division",
        "gap",
        "level_gap",
        "priority",
        "change",
        "action",
        "engagement",
    }, kinds
