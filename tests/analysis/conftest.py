"""Shared, seeded fixtures for the analysis tests: a small synthetic relationship built with plain pandas.

Relationship ``rel-a`` has two parties — ``acme`` (client) and ``bolt`` (supplier) — each with its own local
titles mapped to the common levels and functions, two cycles (``solve``, ``dissolve-1``), a tiny diagnostic
template (``tiny@1.0.0``: two Things That Matter, three Value Codes, one open question), invitations,
responses with some "don't know", and comments. Group sizes are fixed (below) so tests can rely on them;
ratings are drawn from the seeded ``rng``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from valuekit.store import Store

REL = "rel-a"
TEMPLATE = {
    "id": "tiny",
    "version": "1.0.0",
    "title": "Tiny test diagnostic",
    "things_that_matter": [
        {"id": "trust", "name": "Trust and openness"},
        {"id": "speed", "name": "Responsiveness"},
    ],
    "value_codes": [
        {
            "id": cid,
            "thing_that_matters": ttm,
            "title": title,
            "description": f"The extent to which {title.lower()} happens",
            "statements": [f"{title}: statement {lv}" for lv in range(1, 6)],
        }
        for cid, ttm, title in (
            ("TRU-01", "trust", "Openness about problems"),
            ("TRU-02", "trust", "Keeping promises"),
            ("SPD-01", "speed", "Speed of escalation"),
        )
    ],
    "open_questions": [{"id": "oq-one", "text": "What one thing would you change?"}],
    "cycles": {
        "solve": {"value_codes": ["TRU-01", "TRU-02", "SPD-01"], "open_questions": ["oq-one"]},
        "dissolve": {"value_codes": ["SPD-01", "TRU-01"], "open_questions": []},
    },
}
#: (party, local level, local function) → how many participants
COMPOSITION = {
    ("acme", "Director", "Ops"): 2,
    ("acme", "Director", "Finance"): 1,
    ("acme", "Manager", "Ops"): 5,
    ("acme", "Manager", "Finance"): 3,
    ("acme", "Analyst", "Ops"): 9,
    ("acme", "Analyst", "Finance"): 4,
    ("bolt", "VP", "Delivery"): 4,
    ("bolt", "VP", "Commercial"): 2,
    ("bolt", "Lead", "Delivery"): 5,
    ("bolt", "Lead", "Commercial"): 2,
    ("bolt", "Engineer", "Delivery"): 10,
    ("bolt", "Engineer", "Commercial"): 1,
}
LEVELS = {
    "acme": {"Director": "senior_leadership", "Manager": "middle_management", "Analyst": "front_line"},
    "bolt": {"VP": "senior_leadership", "Lead": "middle_management", "Engineer": "front_line"},
}
FUNCTIONS = {
    "acme": {"Ops": "operations", "Finance": "finance"},
    "bolt": {"Delivery": "operations", "Commercial": "finance"},
}


@pytest.fixture(scope="session", autouse=True)
def gate_cache_folder(tmp_path_factory):
    """The privacy gate's cache on disk in a temporary folder, never beside a store the tests did not make."""
    folder = tmp_path_factory.mktemp("gate-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VALUEKIT_GATE_CACHE", str(folder))
        yield folder


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240601)


@pytest.fixture
def template_dir(tmp_path, monkeypatch):
    """A template folder holding ``tiny@1.0.0``, searched first."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(yaml.safe_dump(TEMPLATE, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("VALUEKIT_TEMPLATES", str(folder))
    return folder


def build_relationship(rng: np.random.Generator, rel: str = REL) -> dict[str, pd.DataFrame]:
    """The canonical tables of one synthetic relationship (schemas.py columns)."""
    people = [
        (party, level, function)
        for (party, level, function), count in COMPOSITION.items()
        for _ in range(count)
    ]
    participants = pd.DataFrame(people, columns=["party_id", "local_level", "local_function"])
    participants.insert(0, "participant_id", [f"{rel}-p{i:03d}" for i in range(len(people))])
    participants.insert(0, "relationship_id", rel)
    equivalences = pd.DataFrame(
        [
            (rel, party, dim, local, common)
            for dim, table in (("level", LEVELS), ("function", FUNCTIONS))
            for party, mapping in table.items()
            for local, common in mapping.items()
        ],
        columns=["relationship_id", "party_id", "dimension", "local", "common"],
    )
    cycles = pd.DataFrame(
        {
            "relationship_id": rel,
            "cycle_id": ["solve", "dissolve-1"],
            "sequence": [1, 2],
            "opened": pd.to_datetime(["2024-01-10", "2024-07-01"]),
            "closed": pd.to_datetime(["2024-02-10", None]),
        }
    )
    cycle_codes = pd.DataFrame(
        {
            "relationship_id": rel,
            "cycle_id": ["solve"] * 3 + ["dissolve-1"] * 2,
            "code_id": ["TRU-01", "TRU-02", "SPD-01", "SPD-01", "TRU-01"],
            "position": [0, 1, 2, 0, 1],
        }
    )
    invitations, responses, comments = [], [], []
    for cycle, codes in (("solve", ["TRU-01", "TRU-02", "SPD-01"]), ("dissolve-1", ["SPD-01", "TRU-01"])):
        responded = rng.random(len(participants)) < 0.85
        invitations.append(
            pd.DataFrame(
                {"relationship_id": rel, "cycle_id": cycle, "participant_id": participants["participant_id"],
                 "responded": responded}
            )
        )  # fmt: skip
        who = participants.loc[responded, ["participant_id", "party_id"]]
        for code in codes:
            base = np.where(who["party_id"] == "acme", 2.0, 3.5)
            rating = np.clip(np.rint(base + rng.normal(0, 1, len(who))), 1, 5).astype(int)
            dont_know = rng.random(len(who)) < 0.1
            responses.append(
                pd.DataFrame(
                    {
                        "relationship_id": rel,
                        "cycle_id": cycle,
                        "participant_id": who["participant_id"].to_numpy(),
                        "code_id": code,
                        "rating": pd.array(np.where(dont_know, None, rating), dtype="Int64"),
                        "desired": pd.array([None] * len(who), dtype="Int64"),
                        "importance": pd.array(rng.integers(1, 6, len(who)), dtype="Int64"),
                    }
                )
            )
        commenters = who.iloc[: len(who) // 2]
        comments.append(
            pd.DataFrame(
                {"relationship_id": rel, "cycle_id": cycle, "participant_id": commenters["participant_id"],
                 "subject_id": "trust", "text": [f"comment {i}" for i in range(len(commenters))]}
            )
        )  # fmt: skip
    return {
        "relationships": pd.DataFrame(
            {
                "relationship_id": [rel],
                "name": ["Acme – Bolt outsourcing"],
                "sector": ["financial services"],
                "annual_value_m": [12.5],
                "start_date": pd.to_datetime(["2023-01-01"]),
                "end_date": pd.to_datetime(["2027-12-31"]),
                "other_initiatives": [False],
                "template_id": ["tiny"],
                "template_version": ["1.0.0"],
            }
        ),
        "parties": pd.DataFrame(
            {
                "relationship_id": rel,
                "party_id": ["bolt", "acme"],
                "name": ["Bolt Services", "Acme Bank"],
                "side": ["supplier", "client"],
            }
        ),  # fmt: skip
        "equivalences": equivalences,
        "participants": participants,
        "cycles": cycles,
        "cycle_codes": cycle_codes,
        "invitations": pd.concat(invitations, ignore_index=True),
        "responses": pd.concat(responses, ignore_index=True),
        "comments": pd.concat(comments, ignore_index=True),
        "actions": pd.DataFrame(
            {
                "relationship_id": [rel],
                "action_id": ["a1"],
                "title": ["Weekly escalation call"],
                "code_ids": ["SPD-01"],
                "owner_role": ["service manager"],
                "owner_party_id": ["bolt"],
                "raised_cycle": ["solve"],
                "due": pd.to_datetime(["2024-04-01"]),
                "status": ["agreed"],
            }
        ),
    }


@pytest.fixture
def tables(rng) -> dict[str, pd.DataFrame]:
    return build_relationship(rng)


@pytest.fixture
def store(tmp_path, tables, template_dir):
    """A store in ``tmp_path`` holding the synthetic relationship (with the template folder on the path)."""
    with Store(tmp_path / "valuekit.duckdb") as s:
        s.write(tables)
        yield s


@pytest.fixture
def data(store):
    from valuekit.analysis.data import load_relationship

    return load_relationship(store, REL, "solve")
