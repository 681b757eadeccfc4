"""Findings: exact sentences on crafted data, privacy, ranking, and the sample portfolio's planted truths."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from valuekit.analysis.data import load_relationship
from valuekit.analysis.findings import FINDING_COLUMNS, KINDS, PER_KIND, findings
from valuekit.analysis.fragmentation import agreement_by_perspective
from valuekit.config import Privacy
from valuekit.errors import ValuekitError
from valuekit.sample import PLANTED
from valuekit.store import Store
from valuekit.templates import Template

from .conftest import REL, build_relationship
from .sample_store import sample_data, sample_store

TEMPLATE = {
    "id": "crafted",
    "version": "1.0.0",
    "title": "Crafted diagnostic",
    "things_that_matter": [{"id": "trust", "name": "Trust"}, {"id": "speed", "name": "Responsiveness"}],
    "value_codes": [
        {"id": cid, "thing_that_matters": ttm, "title": title, "description": f"The extent to which {text}.",
         "statements": [f"{cid} statement {lv}" for lv in range(1, 6)], **extra}
        for cid, ttm, title, text, extra in (
            ("ESC-01", "speed", "Escalation that works", "escalations are resolved promptly", {}),
            ("TRU-01", "trust", "Openness about problems", "problems are raised early", {}),
            ("RSP-C", "speed", "Supplier's responsiveness (client)", "the supplier responds quickly",
             {"about": "supplier", "rated_by": ["client"], "mirror": "RSP-S"}),
            ("RSP-S", "speed", "Supplier's responsiveness (own)", "we, the supplier, respond quickly",
             {"about": "supplier", "rated_by": ["supplier"], "mirror": "RSP-C"}),
            ("D-ESC-01", "speed", "Escalation resolved within a day",
             "escalations are resolved within one working day", {"derived_from": "ESC-01"}),
        )
    ],
    "cycles": {
        "solve": {"value_codes": ["ESC-01", "TRU-01", "RSP-C", "RSP-S"]},
        "dissolve": {"value_codes": ["D-ESC-01", "TRU-01"]},
    },
}  # fmt: skip
CYCLES = {"solve": ["ESC-01", "TRU-01", "RSP-C", "RSP-S"], "dissolve-1": ["D-ESC-01", "TRU-01"]}


def _rating(code: str, person: pd.Series) -> int | None:
    """The crafted ratings: ``person.i`` counts within the person's party × common level (within party for RSP)."""
    level, client, i = person["level"], person["party_id"] == "acme", person["i"]
    if code == "ESC-01":  # middle management of both parties agree it is Struggling; the others are spread
        return (1 if client and i < 2 else 2) if level == "middle_management" else (2, 3, 4)[i % 3]
    if code == "TRU-01":  # senior leaders split between Failing and Best practice; everyone else Performing
        return (1, 5)[i % 2] if level == "senior_leadership" else 3
    if code == "RSP-C":  # the client sees the supplier at 2.0 …
        return (1, 2, 3)[person["j"] % 3] if client else None
    if code == "RSP-S":  # … the supplier sees itself at 4.0
        return None if client else (3, 4, 5)[person["j"] % 3]
    return (4, 5)[person["j"] % 2]  # D-ESC-01: everyone, Exceeding or Best practice


def crafted_tables() -> dict[str, pd.DataFrame]:
    """``rel-a`` (Acme Bank, client; Bolt Services, supplier: conftest's people) with fixed ratings.

    Acme's 3 directors are below k = 5; everyone responds in both cycles; no importance is asked.
    """
    tables = build_relationship(np.random.default_rng(7))
    levels = {"Director": "senior_leadership", "VP": "senior_leadership", "Manager": "middle_management",
              "Lead": "middle_management"}  # fmt: skip
    people = tables["participants"].assign(level=lambda d: d["local_level"].map(levels).fillna("front_line"))
    people["i"] = people.groupby(["party_id", "level"]).cumcount()
    people["j"] = people.groupby("party_id").cumcount()
    rows = [
        (REL, cycle, p["participant_id"], code, _rating(code, p))
        for cycle, codes in CYCLES.items()
        for code in codes
        for _, p in people.iterrows()
        if _rating(code, p) is not None
    ]
    responses = pd.DataFrame(
        rows, columns=["relationship_id", "cycle_id", "participant_id", "code_id", "rating"]
    )
    tables["responses"] = responses.assign(
        rating=responses["rating"].astype("Int64"), desired=pd.NA, importance=pd.NA
    ).astype({"desired": "Int64", "importance": "Int64"})
    tables["invitations"] = tables["invitations"].assign(responded=True)
    tables["cycle_codes"] = pd.DataFrame(
        [(REL, c, code, pos) for c, codes in CYCLES.items() for pos, code in enumerate(codes)],
        columns=["relationship_id", "cycle_id", "code_id", "position"],
    )
    tables["relationships"] = tables["relationships"].assign(template_id="crafted", template_version="1.0.0")
    tables["actions"] = tables["actions"].assign(
        action_id="A1", title="Weekly escalation review", code_ids="ESC-01", status="done"
    )
    return tables


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    """The crafted relationship loaded once: its Solve, its dissolve-1, and every cycle."""
    template = Template.from_dict(TEMPLATE)
    with Store(tmp_path_factory.mktemp("findings") / "crafted.duckdb") as store:
        store.write(crafted_tables())
        return {c: load_relationship(store, REL, c, template=template) for c in ("solve", "dissolve-1", None)}


@pytest.fixture(scope="module")
def solve_findings(crafted):
    return findings(crafted["solve"])


def _tastle_wierman(ratings) -> float:
    """Consensus by its definition (Tastle & Wierman 2007), independently of valuekit."""
    x = np.asarray(ratings, float)
    levels, counts = np.unique(x, return_counts=True)
    return float(1 + np.sum(counts / len(x) * np.log2(1 - np.abs(levels - x.mean()) / 4)))


def _one(frame: pd.DataFrame, **match) -> pd.Series:
    rows = frame
    for col, value in match.items():
        rows = rows[rows[col] == value]
    assert len(rows) == 1, f"expected one finding with {match}; got {rows['statement'].tolist()}"
    return rows.iloc[0]


# -- exact sentences on crafted data -----------------------------------------------------------------------
def test_middle_management_agreed_exact_sentence(solve_findings):
    ratings = [1, 1] + [2] * 13  # Acme's first two managers say Failing, everyone else Struggling
    assert round(_tastle_wierman(ratings), 2) == 0.91
    row = _one(solve_findings, kind="agreement", code_id="ESC-01")
    assert row["statement"] == (
        "Middle management on both sides agreed that the relationship falls short in ensuring that escalations "
        "are resolved promptly (consensus 0.91, mean 1.9 of 5, n = 15)."
    )
    assert row["evidence"] == "consensus 0.91, mean 1.9 of 5, n = 15"
    assert row["group"] == "Both parties' middle management"
    assert (row["n"], round(row["mean"], 4), round(row["consensus"], 2)) == (15, round(28 / 15, 4), 0.91)
    assert row["query"] == "agreement_by_perspective(data, by=['common_level'], code_ids=['ESC-01'])"


def test_senior_leaders_divided_exact_sentence(solve_findings):
    ratings = [1, 5, 1] + [1, 5] * 3  # 5 of 9 Failing, 4 of 9 Best practice
    assert round(_tastle_wierman(ratings), 2) == 0.01
    row = _one(solve_findings, kind="division", code_id="TRU-01")
    assert row["statement"] == (
        "Senior leaders on both sides were divided about whether problems are raised early (consensus 0.01; "
        "56 % rated it Failing or Struggling, 44 % Exceeding or Best practice; n = 9)."
    )
    assert row["group"] == "Both parties' senior leadership"


def test_mirror_gap_exact_sentence_uses_the_third_person_half(solve_findings):
    row = _one(solve_findings, kind="gap", code_id="RSP-C|RSP-S")
    assert row["statement"] == (
        "On whether the supplier responds quickly, the client rates the supplier 2.0 levels lower than the "
        "supplier rates itself (client 2.0, supplier 4.0; n = 24 and 24)."
    )
    assert row["query"] == "mirror_gaps(data, by=None)"
    assert not solve_findings["statement"].str.contains(r"\bwe\b").any(), (
        "no first person in the method's voice"
    )


def test_change_and_action_exact_sentences(crafted):
    out = findings(crafted["dissolve-1"], previous=crafted[None])
    before = [2, 3, 4] * 3 + [1, 1] + [2] * 13 + [2, 3, 4] * 4 + [2] + [2, 3, 4] * 3 + [2, 3]  # ESC-01, 48
    after = [4, 5] * 24
    assert len(before) == 48 and np.isclose(np.mean(before), 125 / 48)
    ci = stats.ttest_ind(after, before, equal_var=False).confidence_interval()
    change = _one(out, kind="change", code_id="D-ESC-01")
    assert change["statement"] == (
        f"Escalation resolved within a day rose by 1.9 levels since Solve (2.6 → 4.5, 95 % interval "
        f"{ci.low:.1f} to {ci.high:.1f}; n = 48 and 48)."
    )
    assert change["query"] == "compare_cycles(data, 'solve', 'dissolve-1')"
    action = _one(out, kind="action", code_id="ESC-01")
    assert action["statement"].startswith(
        "Action A1 'Weekly escalation review' (done) moved its Value Codes 1.9 levels more than those no action "
        "targeted, since Solve (+1.9 against 0.0; 95 % interval "
    )
    assert action["query"] == "action_effects(data, before='solve', after='dissolve-1')"
    # one earlier cycle instead of all of them: the same change and action findings
    single = findings(crafted["dissolve-1"], previous=crafted["solve"])
    keep = out["kind"].isin(["change", "action"])
    assert (
        single.loc[single["kind"].isin(["change", "action"]), "statement"].tolist()
        == out.loc[keep, "statement"].tolist()
    )
    assert not findings(crafted["dissolve-1"])["kind"].isin(["change", "action"]).any(), "nothing to compare"


# -- privacy ---------------------------------------------------------------------------------------------------
def test_a_group_below_k_is_never_named(crafted, solve_findings):
    table = agreement_by_perspective(crafted["solve"], ["side", "common_level"])
    hidden = table.loc[table["suppressed"], "group"]
    assert "Client senior leadership" in set(hidden), "Acme's 3 directors are below k = 5"
    for out in (solve_findings, findings(crafted["dissolve-1"], previous=crafted[None])):
        assert not out["group"].isin(hidden).any()
        text = " ".join(out["statement"]).lower()
        for name in ("client's senior leaders", "client senior leadership", "acme bank's senior"):
            assert name not in text


def test_a_higher_k_hides_the_senior_leaders_altogether(crafted):
    out = findings(crafted["solve"], privacy=Privacy(k=10))
    assert not out["statement"].str.contains("senior leaders", case=False).any(), "9 senior leaders < k = 10"
    assert "the client rates the supplier 2.0 levels lower" in " ".join(out["statement"]), "24 ≥ 10: shown"
    assert out["query"].str.endswith("privacy=Privacy(k=10, k_comments=10))").all()
    nothing = findings(crafted["solve"], privacy=Privacy(k=1000))
    assert nothing.empty and list(nothing.columns) == FINDING_COLUMNS, "every group hidden: nothing to say"


# -- shape, ranking, arguments ------------------------------------------------------------------------------------
def test_columns_ranking_and_determinism(crafted, solve_findings):
    out = solve_findings
    assert list(out.columns) == FINDING_COLUMNS
    assert out["rank"].tolist() == list(range(1, len(out) + 1))
    assert out["score"].is_monotonic_decreasing and out["score"].between(0, 1).all()
    assert set(out["kind"]) <= set(KINDS)
    assert not out.dropna(subset=["code_id"]).duplicated(["kind", "code_id"]).any(), "one per kind and code"
    assert all(n <= PER_KIND[kind] for kind, n in out.groupby("kind").size().items())
    pd.testing.assert_frame_equal(out, findings(crafted["solve"]))
    assert out["statement"].str.endswith(".").all() and out["statement"].str[0].str.isupper().all()
    assert len(findings(crafted["solve"], max_findings=2)) == 2
    assert "division" not in set(findings(crafted["solve"], per_kind={"division": 0})["kind"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"max_findings": 0}, "max_findings"), ({"per_kind": {"rumour": 1}}, "rumour")],
)
def test_bad_arguments_name_the_parameter(crafted, kwargs, message):
    with pytest.raises(ValuekitError, match=message):
        findings(crafted["solve"], **kwargs)


def test_findings_reads_one_cycle_and_compares_only_with_earlier_ones(crafted):
    with pytest.raises(ValuekitError, match="one cycle"):
        findings(crafted[None])
    with pytest.raises(ValuekitError, match="the cycles before are"):
        findings(crafted["solve"], previous=crafted["dissolve-1"])


# -- the sample portfolio -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    store = sample_store(tmp_path_factory)
    cache: dict[str, pd.DataFrame] = {}

    def get(rid: str, cycle: str, compare: bool = False) -> pd.DataFrame:
        key = f"{rid}/{cycle}/{compare}"
        if key not in cache:
            previous = sample_data(store, rid) if compare else None
            cache[key] = findings(sample_data(store, rid, cycle), previous=previous)
        return cache[key]

    return get


def test_sample_senior_leaders_divided(sample):
    planted = PLANTED["polarised"]
    out = sample(planted["relationship_id"], "solve")
    divided = out[(out["kind"] == "division") & out["code_id"].isin(planted["code_ids"])]
    assert len(divided) >= 1
    assert (divided["group"] == "Both parties' senior leadership").all()
    assert (
        divided["statement"].str.startswith("Senior leaders on both sides were divided about whether").all()
    )


def test_sample_middle_management_agreed(sample):
    planted = PLANTED["consensus"]
    out = sample(planted["relationship_id"], "solve")
    agreed = out[(out["kind"] == "agreement") & out["code_id"].isin(planted["code_ids"])]
    mm = agreed[agreed["group"] == "Both parties' middle management"]
    assert len(mm) >= 1
    assert (
        mm["statement"]
        .str.startswith("Middle management on both sides agreed that the relationship falls")
        .all()
    )
    assert (mm["mean"] < 2.1).all() and (mm["consensus"] > 0.9).all()


def test_sample_mirror_gaps_client_lower(sample):
    out = sample("harbourside-northwind", "solve")
    gaps = out[out["kind"] == "gap"].set_index("code_id")
    for client, supplier in PLANTED["mirror_gaps"]["harbourside-northwind"]:
        statement = gaps.loc[f"{client}|{supplier}", "statement"]
        assert (
            "the client rates the supplier" in statement
            and "lower than the supplier rates itself" in statement
        )
    assert len(gaps) == 2, "every other pair differs by less than 0.8: no meaningful gap claimed"


def test_sample_top_priority(sample):
    out = sample(PLANTED["priority"]["relationship_id"], "solve")
    top = out[out["kind"] == "priority"].iloc[0]
    assert top["thing_that_matters"] == PLANTED["priority"]["thing_that_matters"]
    assert top["statement"].startswith(
        "Service delivery matters most and is most neglected: importance 4.6 of 5"
    )
    assert top["rank"] == 1


def test_sample_actions_that_moved_and_did_not(sample):
    out = sample("harbourside-northwind", "dissolve-1", compare=True)
    actions = out[out["kind"] == "action"].set_index("code_id")["statement"]
    for codes in ("RSP-01", "TRU-01|TRU-03", "GOV-01"):  # A01, A02, A03: lifts of about 1 level
        assert re.search(
            r" moved its Value Codes (0\.9|1\.\d) levels? more than .*, since Solve", actions[codes]
        )
    for codes in ("COM-01", "PPL-02"):  # A04 dropped, A05 done but ineffective
        assert "did not move its Value Codes since Solve" in actions[codes]
    rose = out.loc[out["kind"] == "change", "code_id"]
    assert {"D-RSP-01", "D-TRU-01", "D-TRU-03", "D-GOV-01"} <= set(rose)
    assert out.loc[out["kind"] == "change", "statement"].str.contains(" rose by ").all()


def test_sample_claims_nothing_contradicting_the_readme(sample):
    healthy = sample("lindenfield-oakmont", "solve")
    assert healthy.iloc[0]["kind"] == "strength"
    assert not healthy["statement"].str.contains("most neglected|were divided").any()
    struggling = sample("halden-vantage", "resolve")
    assert struggling.iloc[0]["kind"] in ("priority", "agreement")
    assert not struggling["kind"].eq("strength").any()
    for rid, cycle in (("harbourside-northwind", "solve"), ("harbourside-northwind", "dissolve-1")):
        gaps = sample(rid, cycle, cycle != "solve")
        assert not gaps["statement"].str.contains("higher than the supplier rates itself").any()
    kestrel = sample("kestrel-ironbridge", "solve")
    assert not kestrel["statement"].str.contains("Senior leaders on both sides agreed").any()


def test_sample_small_group_is_never_named(sample):
    planted = PLANTED["small_group"]  # BrightFM, the supplier: 3 senior leaders respond
    out = sample(planted["relationship_id"], "solve")
    assert len(out)
    assert not out["statement"].str.contains("supplier's senior leaders|BrightFM", case=False).any()
    assert not out["group"].str.contains("Supplier senior leadership|BrightFM").any()
