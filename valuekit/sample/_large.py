"""A large synthetic relationship for benchmarks: thousands of respondents, every Value Code in one cycle."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schemas import TABLES, validate_table
from ..templates import find_template

__all__ = ["generate_large"]

_LEVELS = {"senior_leadership": 0.08, "middle_management": 0.27, "front_line": 0.65}
_FUNCTIONS = ("commercial", "operations", "technology", "finance", "service_delivery")


def generate_large(
    n_respondents: int = 5000, n_codes: int = 60, *, seed: int = 0, relationship_id: str = "large"
) -> dict[str, pd.DataFrame]:
    """One relationship with ``n_respondents`` responding to ``n_codes`` Value Codes in one Solve cycle.

    Two parties, three common levels, five functions; ratings from a latent score with party, level and
    code effects, about 4 % don't know. Built for ``benchmarks/``; the portfolio in ``data/samples`` is what
    to read for stories.

    Examples
    --------
    >>> t = generate_large(200, 10)
    >>> len(t["responses"]), t["participants"]["participant_id"].nunique()
    (2000, 200)
    """
    rng = np.random.default_rng(seed)
    tpl = find_template("client-supplier")
    codes = [c for c in tpl.value_codes if not c.mirror][:n_codes]
    if len(codes) < n_codes:  # fill up with mirror halves if asked for more than the plain codes
        codes += [c for c in tpl.value_codes if c.mirror][: n_codes - len(codes)]
    rel = relationship_id
    parties = [(f"{rel}-client", "Client plc", "client"), (f"{rel}-supplier", "Supplier Ltd", "supplier")]
    levels = list(_LEVELS)
    equivalences = [
        (rel, pid, "level", f"{side.title()} {lvl.replace('_', ' ')}", lvl)
        for pid, _, side in parties
        for lvl in levels
    ] + [(rel, pid, "function", f"{side.title()} {fn}", fn) for pid, _, side in parties for fn in _FUNCTIONS]
    ids = np.array([f"{rel}-{i:05d}" for i in range(n_respondents)])
    party_idx = rng.integers(0, 2, n_respondents)
    level_idx = rng.choice(3, n_respondents, p=list(_LEVELS.values()))
    fn_idx = rng.integers(0, len(_FUNCTIONS), n_respondents)
    sides = np.array([p[2] for p in parties])[party_idx]
    participants = pd.DataFrame(
        {
            "relationship_id": rel,
            "participant_id": ids,
            "party_id": np.array([p[0] for p in parties])[party_idx],
            "local_level": [
                f"{s.title()} {levels[i].replace('_', ' ')}" for s, i in zip(sides, level_idx, strict=True)
            ],
            "local_function": [f"{s.title()} {_FUNCTIONS[i]}" for s, i in zip(sides, fn_idx, strict=True)],
        }
    )
    n_c = len(codes)
    latent = (
        3.0
        + 0.4 * (party_idx[:, None] - 0.5)
        + rng.normal(0, 0.5, n_c)[None, :]
        + rng.normal(0, 0.6, n_respondents)[:, None]
        + rng.normal(0, 0.8, (n_respondents, n_c))
    )
    rating = np.clip(np.rint(latent), 1, 5).astype("int64")
    dont_know = rng.random((n_respondents, n_c)) < 0.04
    importance = np.clip(np.rint(rng.normal(4, 0.8, (n_respondents, n_c))), 1, 5).astype("int64")
    desired = np.clip(rating + rng.integers(0, 3, (n_respondents, n_c)), 1, 5)
    responses = pd.DataFrame(
        {
            "relationship_id": rel,
            "cycle_id": "solve",
            "participant_id": np.repeat(ids, n_c),
            "code_id": np.tile([c.id for c in codes], n_respondents),
            "rating": pd.arrays.IntegerArray(rating.ravel(), dont_know.ravel()),
            "desired": pd.arrays.IntegerArray(desired.ravel(), dont_know.ravel()),
            "importance": pd.arrays.IntegerArray(importance.ravel(), np.zeros(rating.size, bool)),
        }
    )
    tables = {
        "relationships": pd.DataFrame(
            {
                "relationship_id": [rel],
                "name": ["Large synthetic relationship"],
                "sector": ["outsourcing"],
                "annual_value_m": [100.0],
                "start_date": pd.to_datetime(["2024-01-01"]),
                "end_date": pd.to_datetime(["2031-12-31"]),
                "other_initiatives": [False],
                "template_id": [tpl.id],
                "template_version": [tpl.version],
            }
        ),
        "parties": pd.DataFrame(
            [(rel, *p) for p in parties], columns=["relationship_id", "party_id", "name", "side"]
        ),
        "equivalences": pd.DataFrame(
            equivalences, columns=["relationship_id", "party_id", "dimension", "local", "common"]
        ),
        "participants": participants,
        "cycles": pd.DataFrame(
            {
                "relationship_id": [rel],
                "cycle_id": ["solve"],
                "sequence": [1],
                "opened": pd.to_datetime(["2026-03-02"]),
                "closed": pd.to_datetime(["2026-03-27"]),
            }
        ),
        "cycle_codes": pd.DataFrame(
            {
                "relationship_id": rel,
                "cycle_id": "solve",
                "code_id": [c.id for c in codes],
                "position": range(n_c),
            }
        ),
        "invitations": pd.DataFrame(
            {"relationship_id": rel, "cycle_id": "solve", "participant_id": ids, "responded": True}
        ),
        "responses": responses,
    }
    return {t: validate_table(t, tables[t], source="generate_large") for t in TABLES if t in tables}
