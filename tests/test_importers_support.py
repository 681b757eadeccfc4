"""Shared fixtures for the importer tests: a tiny template, a relationship stored with it, export fixtures.

The exports in ``tests/data/importers/`` mimic each survey tool's real headers and use the wording of the tiny
template in ``tests/data/importers/templates/tiny.yaml`` (the shipped template's text may change freely).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from valuekit.schemas import TABLES
from valuekit.store import Store

DATA = Path(__file__).parent / "data" / "importers"
REAL_QUALTRICS = Path("/work/shared/formats/qualtrics")
REL = "acme-bolt"

#: Identifying values planted in the fixtures; none may reach the store or a rejects file.
PLANTED = [
    "jane.doe@acme.example",
    "john.smith@bolt.example",
    "rita.roe@acme.example",
    "203.0.113.5",
    "198.51.100.7",
    "203.0.113.9",
    "Jane",
    "Doe",
    "John Smith",
    "Smith",
    "Rita",
    "EMP-0042",
    "51.5072",
    "-0.1276",
    "48.8566",
    "R_1aaaaaaaaaaaaaa",
    "114143459987",
]


def design() -> dict[str, pd.DataFrame]:
    """Relationship acme-bolt (client Acme, supplier Bolt) on the tiny template; a second one, other-rel."""
    rels = pd.DataFrame(
        [
            {
                "relationship_id": REL,
                "name": "Acme and Bolt",
                "sector": "IT services",
                "annual_value_m": 12.5,
                "start_date": "2022-01-01",
                "end_date": "2026-12-31",
                "other_initiatives": False,
                "template_id": "tiny",
                "template_version": "1.0.0",
            },
            {
                "relationship_id": "other-rel",
                "name": "Other",
                "sector": "Facilities",
                "annual_value_m": 3.0,
                "start_date": "2021-01-01",
                "end_date": "2025-12-31",
                "other_initiatives": True,
                "template_id": "tiny",
                "template_version": "1.0.0",
            },
        ]
    )
    parties = pd.DataFrame(
        [
            (REL, "acme", "Acme Ltd", "client"),
            (REL, "bolt", "Bolt Services", "supplier"),
            ("other-rel", "oc", "Other Client", "client"),
        ],
        columns=["relationship_id", "party_id", "name", "side"],
    )
    eq = []
    for party, levels, functions in (
        (
            "acme",
            {
                "Director": "senior_leadership",
                "Manager": "middle_management",
                "Gérant": "middle_management",
                "Analyst": "front_line",
            },
            ["Finance", "IT"],
        ),
        (
            "bolt",
            {"Partner": "senior_leadership", "Lead": "middle_management", "Consultant": "front_line"},
            ["Delivery", "Sales"],
        ),
    ):
        eq += [(REL, party, "level", k, v) for k, v in levels.items()]
        eq += [(REL, party, "function", f, f.lower()) for f in functions]
    eq.append(("other-rel", "oc", "level", "Boss", "senior_leadership"))
    eq.append(("other-rel", "oc", "function", "Ops", "ops"))
    equivalences = pd.DataFrame(eq, columns=["relationship_id", "party_id", "dimension", "local", "common"])
    cycles = pd.DataFrame(
        [
            (REL, "solve", 1, "2023-11-01", "2023-11-30"),
            (REL, "dissolve-1", 2, "2024-05-01", None),
            ("other-rel", "solve", 1, "2023-10-01", None),
        ],
        columns=["relationship_id", "cycle_id", "sequence", "opened", "closed"],
    )
    codes = [(REL, "solve", c, i) for i, c in enumerate(["TRU-01", "PAC-01", "VIS-C", "VIS-S"])]
    codes += [(REL, "dissolve-1", c, i) for i, c in enumerate(["TRU-01", "PAC-01"])]
    codes += [("other-rel", "solve", "TRU-01", 0)]
    cycle_codes = pd.DataFrame(codes, columns=["relationship_id", "cycle_id", "code_id", "position"])
    return {
        "relationships": rels,
        "parties": parties,
        "equivalences": equivalences,
        "cycles": cycles,
        "cycle_codes": cycle_codes,
    }


@pytest.fixture
def templates(monkeypatch):
    monkeypatch.setenv("VALUEKIT_TEMPLATES", str(DATA / "templates"))
    return DATA / "templates"


@pytest.fixture
def store(tmp_path, templates):
    s = Store(tmp_path / "s.duckdb")
    s.write(design())
    yield s
    s.close()


@pytest.fixture
def exports(tmp_path) -> Path:
    """A copy of the fixture exports in a writable folder (rejects files are written beside the input)."""
    folder = tmp_path / "in"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("templates"))
    return folder


def microsoft_forms_xlsx(path: Path, rows: list[list], header: list[str] | None = None) -> Path:
    """A Microsoft Forms export: ID, Start time, Completion time, Email, Name, Last modified time, questions."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(
        header
        or [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Last modified time",
            "party",
            "level",
            "function",
            "The extent to which problems are raised openly and early",
            "The extent to which escalations are resolved quickly",
            "What one thing would you change?",
        ]
    )
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def store_text(store: Store) -> str:
    """Every value in every table of the store, as one string to search."""
    return "\n".join(store.read(t).to_csv(index=False) for t in TABLES)


def assert_no_identities(*texts: str) -> None:
    for text in texts:
        for planted in PLANTED:
            assert planted not in text, f"{planted!r} leaked"
        assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text), "an e-mail address leaked"
        assert not re.search(r"\b\d{1,3}(\.\d{1,3}){3}\b", text), "an IP address leaked"


def counts(result) -> dict[str, tuple[int, int]]:
    return {r.table: (int(r.inserted), int(r.unchanged)) for r in result.written.itertuples()}
