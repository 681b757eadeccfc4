"""Shared fixtures: a seeded random generator and a tiny relationship in canonical tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(20261125)


@pytest.fixture
def tiny_tables() -> dict[str, pd.DataFrame]:
    """One relationship, two parties, four participants, one Resolve cycle with two Value Codes."""
    rel = "tiny"
    return {
        "relationships": pd.DataFrame(
            {
                "relationship_id": [rel],
                "name": ["Tiny Ltd – Small Services plc"],
                "sector": ["facilities"],
                "annual_value_m": [2.5],
                "start_date": pd.to_datetime(["2024-04-01"]),
                "end_date": pd.to_datetime(["2029-03-31"]),
                "other_initiatives": [False],
                "template_id": ["client-supplier"],
                "template_version": ["1.0.0"],
            }
        ),
        "parties": pd.DataFrame(
            {
                "relationship_id": [rel, rel],
                "party_id": ["tiny-client", "tiny-supplier"],
                "name": ["Tiny Ltd", "Small Services plc"],
                "side": ["client", "supplier"],
            }
        ),
        "equivalences": pd.DataFrame(
            {
                "relationship_id": [rel] * 4,
                "party_id": ["tiny-client", "tiny-client", "tiny-supplier", "tiny-supplier"],
                "dimension": ["level", "function", "level", "function"],
                "local": ["Director", "Estates", "Account Director", "Operations"],
                "common": ["senior_leadership", "operations", "senior_leadership", "operations"],
            }
        ),
        "participants": pd.DataFrame(
            {
                "relationship_id": [rel] * 4,
                "participant_id": ["c1", "c2", "s1", "s2"],
                "party_id": ["tiny-client", "tiny-client", "tiny-supplier", "tiny-supplier"],
                "local_level": ["Director", "Director", "Account Director", "Account Director"],
                "local_function": ["Estates", "Estates", "Operations", "Operations"],
            }
        ),
        "cycles": pd.DataFrame(
            {
                "relationship_id": [rel],
                "cycle_id": ["resolve"],
                "sequence": [1],
                "opened": pd.to_datetime(["2025-01-06"]),
                "closed": pd.to_datetime(["2025-01-31"]),
            }
        ),
        "cycle_codes": pd.DataFrame(
            {
                "relationship_id": [rel] * 2,
                "cycle_id": ["resolve"] * 2,
                "code_id": ["R-TRU", "R-RSP"],
                "position": [0, 1],
            }
        ),
        "invitations": pd.DataFrame(
            {
                "relationship_id": [rel] * 4,
                "cycle_id": ["resolve"] * 4,
                "participant_id": ["c1", "c2", "s1", "s2"],
                "responded": [True, True, True, False],
            }
        ),
        "responses": pd.DataFrame(
            {
                "relationship_id": [rel] * 6,
                "cycle_id": ["resolve"] * 6,
                "participant_id": ["c1", "c1", "c2", "c2", "s1", "s1"],
                "code_id": ["R-TRU", "R-RSP"] * 3,
                "rating": pd.array([2, 1, 3, None, 4, 5], dtype="Int64"),
                "desired": pd.array([None] * 6, dtype="Int64"),
                "importance": pd.array([5, 4, 5, 5, 3, 4], dtype="Int64"),
            }
        ),
        "comments": pd.DataFrame(
            {
                "relationship_id": [rel],
                "cycle_id": ["resolve"],
                "participant_id": ["c1"],
                "subject_id": ["oq-change-one-thing"],
                "text": ["Escalations take far too long to get an answer."],
            }
        ),
        "actions": pd.DataFrame(
            {
                "relationship_id": [rel],
                "action_id": ["A1"],
                "title": ["Weekly escalation review"],
                "code_ids": ["R-RSP"],
                "owner_role": ["Account Director"],
                "owner_party_id": ["tiny-supplier"],
                "raised_cycle": ["resolve"],
                "due": pd.to_datetime(["2025-03-31"]),
                "status": ["agreed"],
            }
        ),
        "change_roles": pd.DataFrame(
            {
                "relationship_id": [rel] * 3,
                "role": ["change_champion", "transformational_leader", "change_stabilizer"],
                "filled": [True, False, True],
                "party_id": ["tiny-client", None, "tiny-supplier"],
            }
        ),
    }
