"""The sample portfolio: reproducible byte for byte, valid, and the planted truths really are there.

The truths are computed here with plain pandas, independently of valuekit's analyses.
"""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest

from valuekit.config import SAMPLES_DIR
from valuekit.sample import PERSONAL_DATA, PLANTED, PORTFOLIO, generate_sample, write_sample
from valuekit.schemas import COMMON_LEVELS, TABLES, validate_table
from valuekit.templates import find_template

S, M, F = COMMON_LEVELS

#: Who wrote the comments with personal data in them (as data/samples/README.md lists).
PERSONAL_DATA_AUTHORS = {
    ("harbourside-northwind", "resolve", "oq-change-one-thing"): "harbourside-northwind-0001",
    ("harbourside-northwind", "resolve", "responsiveness"): "harbourside-northwind-0007",
    ("pinecrest-clearview", "resolve", "oq-missing"): "pinecrest-clearview-0006",
    ("kestrel-ironbridge", "resolve", "trust"): "kestrel-ironbridge-0007",
    ("meridian-atlas", "resolve", "oq-working-well"): "meridian-atlas-0004",
    ("st-aldric-medserve", "solve", "oq-change-one-thing"): "st-aldric-medserve-0001",
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b")
URL = re.compile(r"https?://|www\.")
NAMES = ("Priya Shah", "Tom Whitaker", "mark.ellis")


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return generate_sample()


@pytest.fixture(scope="module")
def template():
    return find_template("client-supplier")


@pytest.fixture(scope="module")
def people(sample) -> pd.DataFrame:
    """Participants with their side, common level and common function."""
    eq = sample["equivalences"]
    lv = eq[eq["dimension"] == "level"].rename(columns={"local": "local_level", "common": "level"})
    fn = eq[eq["dimension"] == "function"].rename(columns={"local": "local_function", "common": "function"})
    keys = ["relationship_id", "party_id"]
    return (
        sample["participants"]
        .merge(lv[[*keys, "local_level", "level"]], on=[*keys, "local_level"], how="left")
        .merge(fn[[*keys, "local_function", "function"]], on=[*keys, "local_function"], how="left")
        .merge(sample["parties"][[*keys, "side"]], on=keys, how="left")
    )


@pytest.fixture(scope="module")
def answers(sample, people, template) -> pd.DataFrame:
    """Responses with who answered (side, level, party) and the Thing That Matters; ``r`` is the rating as float."""
    ttm = {c.id: c.thing_that_matters for c in template.value_codes}
    out = sample["responses"].merge(
        people[["relationship_id", "participant_id", "party_id", "side", "level", "function"]],
        on=["relationship_id", "participant_id"],
        how="left",
    )
    return out.assign(r=out["rating"].astype(float), ttm=out["code_id"].map(ttm))


def _mean(df: pd.DataFrame, **where) -> float:
    mask = np.ones(len(df), dtype=bool)
    for col, value in where.items():
        mask &= df[col].isin(value) if isinstance(value, list | tuple) else df[col] == value
    return df.loc[mask, "r"].mean()


# -- reproducible and valid ------------------------------------------------------------------------------------


def test_committed_files_are_exactly_what_write_sample_writes(tmp_path):
    paths = write_sample(tmp_path)
    assert [p.name for p in paths] == [f"{t}.csv" for t in TABLES]
    assert sorted(p.name for p in SAMPLES_DIR.glob("*.csv")) == sorted(p.name for p in paths)
    for path in paths:
        assert path.read_bytes() == (SAMPLES_DIR / path.name).read_bytes(), path.name
        assert b"\r" not in path.read_bytes()


def test_every_table_is_there_and_validates(sample):
    assert list(sample) == list(TABLES)
    for table, df in sample.items():
        validate_table(table, df)
        validated = validate_table(table, pd.read_csv(SAMPLES_DIR / f"{table}.csv"), source=f"{table}.csv")
        assert len(validated) == len(df)


def test_fast_and_seeded(sample):
    start = time.perf_counter()
    other = generate_sample(seed=7)
    assert time.perf_counter() - start < 10
    assert other["relationships"].equals(sample["relationships"])  # the design is fixed, the draws are not
    assert not other["responses"].equals(sample["responses"])


def test_size_stays_small():
    assert sum(p.stat().st_size for p in SAMPLES_DIR.glob("*.csv")) < 6_000_000


# -- shape of the portfolio ------------------------------------------------------------------------------------


def test_relationships_parties_and_template(sample):
    rel = sample["relationships"]
    assert len(rel) >= 12
    assert rel["relationship_id"].str.fullmatch(r"[a-z]+(-[a-z]+)+").all()
    assert set(rel["template_id"]) == {"client-supplier"}
    assert set(rel["template_version"]) == {"1.0.0"}
    assert rel["sector"].nunique() >= 5
    assert rel["annual_value_m"].nunique() == len(rel)
    assert rel["other_initiatives"].any() and not rel["other_initiatives"].all()
    parties = sample["parties"]
    assert len(parties) == 2 * len(rel)
    assert (
        parties.groupby("relationship_id")["side"].apply(lambda s: sorted(s) == ["client", "supplier"]).all()
    )


def test_each_party_has_its_own_titles_mapped_to_common_ones(sample, people):
    eq = sample["equivalences"]
    assert set(eq.loc[eq["dimension"] == "level", "common"]) == set(COMMON_LEVELS)
    assert set(eq.loc[eq["dimension"] == "function", "common"]) <= {
        "commercial",
        "operations",
        "technology",
        "finance",
        "service_delivery",
    }
    assert people["level"].notna().all() and people["function"].notna().all()
    for rid, grp in eq[eq["dimension"] == "level"].groupby("relationship_id"):
        titles = grp.groupby("party_id")["local"].apply(frozenset)
        assert titles.iloc[0] != titles.iloc[1], rid


def test_invitations_participants_and_response_rates(sample, people):
    inv = sample["invitations"]
    per_cycle = inv.groupby(["relationship_id", "cycle_id"])["responded"].agg(["size", "mean"])
    assert per_cycle["size"].between(20, 400).all()
    assert per_cycle["mean"].between(0.35, 0.90).all()
    assert per_cycle["mean"].std() > 0.08  # varies by relationship
    assert people.groupby("relationship_id").size().between(20, 400).all()
    assert set(inv["participant_id"]) == set(people["participant_id"])
    assert people["participant_id"].str.fullmatch(r"[a-z-]+-\d{4}").all()
    assert (people["participant_id"].str.rsplit("-", n=1).str[0] == people["relationship_id"]).all()
    by_level = (
        inv.merge(people, on=["relationship_id", "participant_id"]).groupby("level")["responded"].mean()
    )
    assert by_level[S] > by_level[M] > by_level[F]
    share = people["level"].value_counts(normalize=True)
    assert share[S] < 0.12 and 0.18 < share[M] < 0.32 and share[F] > 0.6
    # some people join after the first cycle or leave before the last
    cycles = sample["cycles"].groupby("relationship_id").size()
    seen = inv.groupby(["relationship_id", "participant_id"]).size().rename("n").reset_index()
    seen = seen.merge(cycles.rename("cycles"), left_on="relationship_id", right_index=True)
    assert ((seen["n"] < seen["cycles"]) & (seen["cycles"] > 1)).sum() > 50


def test_cycles_follow_the_template(sample, template):
    cycles = sample["cycles"].groupby("relationship_id")["cycle_id"].apply(tuple)
    kinds = set(cycles)
    assert ("resolve",) in kinds and ("resolve", "solve") in kinds
    assert ("resolve", "solve", "dissolve-1", "dissolve-2") in kinds
    for (rid, cid), grp in sample["cycle_codes"].groupby(["relationship_id", "cycle_id"]):
        expected = [c.id for c in template.codes_for(cid)]
        assert grp.sort_values("position")["code_id"].tolist() == expected, (rid, cid)
        assert grp["position"].tolist() == list(range(len(expected)))
    assert sample["cycles"]["closed"].isna().sum() == 1  # one cycle still open


def test_responses_only_from_responders_on_their_cycle_and_side(sample, answers, template):
    inv = sample["invitations"]
    responders = inv[inv["responded"]][["relationship_id", "cycle_id", "participant_id"]]
    got = answers[["relationship_id", "cycle_id", "participant_id"]].drop_duplicates()
    assert len(got.merge(responders)) == len(got) == len(responders)
    on_cycle = answers.merge(sample["cycle_codes"], on=["relationship_id", "cycle_id", "code_id"], how="left")
    assert on_cycle["position"].notna().all()
    rated_by = {c.id: c.rated_by for c in template.value_codes}
    assert all(side in rated_by[code] for side, code in zip(answers["side"], answers["code_id"], strict=True))
    asks = {c.id: c.asks for c in template.value_codes}
    asks_imp = answers["code_id"].map(lambda c: "importance" in asks[c])
    asks_des = answers["code_id"].map(lambda c: "desired" in asks[c])
    assert (
        answers.loc[~asks_imp, "importance"].isna().all() and answers.loc[~asks_des, "desired"].isna().all()
    )
    assert answers.loc[asks_imp, "importance"].notna().mean() > 0.95


def test_dont_knows_and_desired(answers):
    dk = answers["rating"].isna()
    assert 0.01 < dk.mean() < 0.06
    front_commercial = (answers["level"] == F) & (answers["ttm"] == "commercial")
    assert dk[front_commercial].mean() > 3 * dk[~front_commercial].mean()
    both = answers["rating"].notna() & answers["desired"].notna()
    assert (answers.loc[both, "desired"] >= answers.loc[both, "rating"]).mean() > 0.9
    assert answers.loc[answers["rating"].isna(), "desired"].isna().all()


# -- planted truths --------------------------------------------------------------------------------------------


def test_struggling_and_healthy(answers):
    overall = answers.groupby("relationship_id")["r"].mean()
    resolve = answers[answers["cycle_id"] == "resolve"].groupby("relationship_id")["r"].mean()
    for rid in PLANTED["struggling"]:
        assert overall[rid] <= 2.3 and resolve[rid] <= 2.3, rid
    for rid in PLANTED["healthy"]:
        assert overall[rid] >= 3.7 and resolve[rid] >= 3.7, rid
    others = overall.drop([*PLANTED["struggling"], *PLANTED["healthy"]])
    assert others.between(2.4, 3.6).all()


def test_mirror_gaps(answers, template):
    planted = PLANTED["mirror_gaps"]
    gaps, seen = [], []
    for (rid, cid), grp in answers.groupby(["relationship_id", "cycle_id"]):
        means = grp.groupby("code_id")["r"].mean()
        for client_half, supplier_half in template.mirror_pairs():
            if client_half not in means:
                continue
            gap = means[supplier_half] - means[client_half]
            roots = (template.root(client_half), template.root(supplier_half))
            if roots in planted.get(rid, ()):
                assert 1.1 <= gap <= 2.0, (rid, cid, client_half, gap)
                gaps.append(gap)
                seen.append((rid, roots))
            else:
                assert abs(gap) < 0.8, (rid, cid, client_half, gap)
    assert abs(np.mean(gaps) - PLANTED["mirror_gap_size"]) < 0.2
    assert {(rid, pair) for rid, pairs in planted.items() for pair in pairs} == set(seen)
    # in Dissolve too, through lineage
    harbour = answers[answers["relationship_id"] == "harbourside-northwind"]
    for cid in ("dissolve-1", "dissolve-2"):
        gap = _mean(harbour, cycle_id=cid, code_id="D-RSP-02S") - _mean(
            harbour, cycle_id=cid, code_id="D-RSP-02C"
        )
        assert gap > 1.1


def test_senior_leaders_divided(answers):
    pol = PLANTED["polarised"]
    rel = answers[
        (answers["relationship_id"] == pol["relationship_id"]) & (answers["level"] == pol["common_level"])
    ]
    for code in pol["code_ids"]:
        r = rel.loc[rel["code_id"] == code, "r"].dropna()
        assert len(r) >= 15, code
        low, high, mid = (r <= 2).mean(), (r >= 4).mean(), (r == 3).mean()
        assert 0.3 <= low <= 0.7 and 0.3 <= high <= 0.7 and mid <= 0.1, (code, low, high, mid)
        assert r.std() > 1.4
        assert set(rel.loc[rel["code_id"] == code, "party_id"]) == {"kestrel", "ironbridge"}
    other = rel.loc[~rel["code_id"].isin(pol["code_ids"]), "r"].dropna()
    assert ((other <= 2).mean() < 0.3) or ((other >= 4).mean() < 0.3)
    assert (other == 3).mean() > 0.3


def test_middle_management_agreed(answers):
    con = PLANTED["consensus"]
    rel = answers[
        (answers["relationship_id"] == con["relationship_id"]) & (answers["level"] == con["common_level"])
    ]
    for code in con["code_ids"]:
        grp = rel[rel["code_id"] == code]
        assert grp.groupby("party_id")["r"].count().min() >= 5
        assert grp["r"].std() <= 0.4 and grp["r"].mean() <= 2.3, code
    other = rel[(rel["cycle_id"] == "solve") & ~rel["code_id"].isin(con["code_ids"])]
    assert other.groupby("code_id")["r"].std().median() > 0.6


def test_priority_is_important_and_neglected(answers):
    pr = PLANTED["priority"]
    rel = answers[answers["relationship_id"] == pr["relationship_id"]]
    by = rel.assign(imp=rel["importance"].astype(float)).groupby("ttm")[["r", "imp"]].mean()
    ttm = pr["thing_that_matters"]
    assert by["imp"].idxmax() == ttm and by["r"].idxmin() == ttm
    assert by.loc[ttm, "imp"] >= 4.3 and by.loc[ttm, "r"] <= 2.4


def test_actions_lift_their_targets_or_do_not(sample, answers, template):
    actions = sample["actions"]
    assert set(actions["status"]) <= {"proposed", "agreed", "in_progress", "done", "dropped"}
    effects = {(s.relationship_id, a.action_id): a.effect for s in PORTFOLIO for a in s.actions}
    checked = {"lift": 0, "none": 0}
    for row in actions.itertuples():
        targets = row.code_ids.split("|")
        raised = sample["cycle_codes"]
        on_raised = raised[
            (raised["relationship_id"] == row.relationship_id) & (raised["cycle_id"] == row.raised_cycle)
        ]
        assert set(targets) <= set(on_raised["code_id"]), row
        effect = effects[(row.relationship_id, row.action_id)]
        if effect == "open":
            continue
        assert row.raised_cycle == "solve"
        assert row.status in (("done", "in_progress") if effect == "lift" else ("done", "dropped"))
        rel = answers[answers["relationship_id"] == row.relationship_id]
        later = [c for c in rel["cycle_id"].unique() if c.startswith("dissolve-")]
        assert later, row
        for code in targets:
            (child,) = [c.id for c in template.value_codes if c.derived_from == code]
            before = _mean(rel, cycle_id="solve", code_id=code)
            for cid in later:
                lift = _mean(rel, cycle_id=cid, code_id=child) - before
                if effect == "lift":
                    assert lift >= 0.8, (row.relationship_id, row.action_id, code, cid, lift)
                else:
                    assert abs(lift) <= 0.3, (row.relationship_id, row.action_id, code, cid, lift)
        checked[effect] += 1
    assert checked["lift"] >= 6 and checked["none"] >= 4


def test_change_roles_sometimes_vacant(sample):
    roles = sample["change_roles"]
    assert (roles.groupby("relationship_id").size() == 3).all()
    assert roles.loc[~roles["filled"], "party_id"].isna().all()
    assert roles.loc[roles["filled"], "party_id"].notna().all()
    assert 5 <= (~roles["filled"]).sum() < len(roles) / 2
    assert (~roles[roles["relationship_id"] == "fenwick-crossway"]["filled"]).all()


def test_a_group_below_the_anonymity_threshold(sample, people):
    small = PLANTED["small_group"]
    group = people[
        (people["relationship_id"] == small["relationship_id"])
        & (people["party_id"] == small["party_id"])
        & (people["level"] == small["common_level"])
    ]
    inv = sample["invitations"].merge(group[["relationship_id", "participant_id"]])
    per_cycle = inv.groupby("cycle_id")["responded"].agg(["size", "sum"])
    assert (per_cycle["size"] == small["invited"]).all() and (per_cycle["sum"] == small["responded"]).all()
    assert len(per_cycle) == 2


def test_comments(sample, template):
    comments = sample["comments"]
    per_cycle = comments.groupby(comments["cycle_id"].str.split("-").str[0]).size()
    assert per_cycle["resolve"] > per_cycle["solve"] + per_cycle["dissolve"]
    subjects = {t.id for t in template.things_that_matter} | {q.id for q in template.open_questions}
    assert set(comments["subject_id"]) <= subjects
    assert comments["text"].str.len().between(15, 200).all()
    assert comments["text"].nunique() > 500
    assert (comments["text"].str.count(r"[.!?](\s|$)") <= 2).all()
    inv = sample["invitations"]
    responders = inv[inv["responded"]][["relationship_id", "cycle_id", "participant_id"]]
    assert len(comments.merge(responders)) == len(comments)


def test_new_theme_in_comments(sample):
    theme = PLANTED["theme"]
    comments = sample["comments"]
    hits = comments[comments["text"].str.contains(theme["pattern"])]
    assert len(hits) >= 15
    expected = {rid: sum(n for *_, n in places) for rid, places in theme["placements"].items()}
    assert hits.groupby("relationship_id").size().to_dict() == expected
    assert all(n >= 10 for n in expected.values())
    for rid, places in theme["placements"].items():
        for cid, subject, n in places:
            here = hits[(hits["relationship_id"] == rid) & (hits["cycle_id"] == cid)]
            assert (here["subject_id"] == subject).sum() == n


def test_personal_data_only_where_planted(sample):
    comments = sample["comments"]
    flagged = comments[
        comments["text"].str.contains(EMAIL)
        | comments["text"].str.contains(PHONE)
        | comments["text"].str.contains(URL)
        | comments["text"].str.contains("|".join(NAMES))
    ]
    assert len(flagged) == len(PERSONAL_DATA)
    for rid, cid, subject, text, kinds in PERSONAL_DATA:
        row = flagged[
            (flagged["relationship_id"] == rid)
            & (flagged["cycle_id"] == cid)
            & (flagged["subject_id"] == subject)
        ]
        assert row["text"].tolist() == [text]
        assert row["participant_id"].item() == PERSONAL_DATA_AUTHORS[(rid, cid, subject)]
        assert ("email" in kinds) == bool(EMAIL.search(text))
        assert ("phone" in kinds) == bool(PHONE.search(text))
        assert ("url" in kinds) == bool(URL.search(text))
    for table, df in sample.items():
        if table == "comments":
            continue
        text = pd.Series([" ".join(map(str, row)) for row in df.itertuples(index=False)], dtype=object)
        assert not text.str.contains(EMAIL).any(), table
        assert not text.str.contains("|".join(NAMES)).any(), table


def test_where_to_start_has_a_clear_answer(sample, answers):
    rel = sample["relationships"].set_index("relationship_id")
    mean = answers.groupby("relationship_id")["r"].mean()
    years_left = (rel["end_date"] - pd.Timestamp(PLANTED["reference_date"])).dt.days / 365.25
    top = PLANTED["where_to_start"]
    assert rel["annual_value_m"].idxmax() == top
    assert mean.idxmin() == top
    assert years_left[top] >= 3 and not rel.loc[top, "other_initiatives"]
    struggling = mean[mean <= 2.3].index
    eligible = [r for r in struggling if years_left[r] >= 1 and not rel.loc[r, "other_initiatives"]]
    assert eligible == [top]


def test_readme_relationships_table_states_the_data(sample):
    """Value, end date, years left and other initiatives as the README's table gives them. Years left to one
    decimal must never round across the one year where_to_start asks for: 364 days read "< 1", not "1.0"."""
    from valuekit.analysis.portfolio import MIN_YEARS_LEFT

    readme = (SAMPLES_DIR / "README.md").read_text(encoding="utf-8")
    rows = {
        cells[0]: cells
        for line in readme.splitlines()
        if line.startswith("| ") and len(cells := [c.strip() for c in line.strip("|").split("|")]) == 10
    }
    rel = sample["relationships"].set_index("relationship_id")
    for rid, r in rel.iterrows():
        _, _, value, ends, left, others, *_ = rows[rid]
        years = (r["end_date"] - pd.Timestamp(PLANTED["reference_date"])).days / 365.25
        assert float(value) == r["annual_value_m"] and ends == f"{r['end_date']:%Y-%m-%d}", rid
        assert others == ("yes" if r["other_initiatives"] else "no"), rid
        if left.startswith("<"):
            assert years < float(left.lstrip("< ")) == MIN_YEARS_LEFT, rid
        else:
            assert abs(float(left) - years) <= 0.05, rid
            assert (float(left) >= MIN_YEARS_LEFT) == (years >= MIN_YEARS_LEFT), rid


def test_readme_names_every_planted_id(sample):
    readme = (SAMPLES_DIR / "README.md").read_text(encoding="utf-8")
    for rid in sample["relationships"]["relationship_id"]:
        assert f"| {rid} |" in readme, rid
    ids = [
        *PLANTED["struggling"],
        *PLANTED["healthy"],
        *PLANTED["mirror_gaps"],
        *[code for pairs in PLANTED["mirror_gaps"].values() for pair in pairs for code in pair],
        PLANTED["polarised"]["relationship_id"],
        *PLANTED["polarised"]["code_ids"],
        PLANTED["consensus"]["relationship_id"],
        *PLANTED["consensus"]["code_ids"],
        PLANTED["priority"]["relationship_id"],
        PLANTED["priority"]["thing_that_matters"],
        PLANTED["small_group"]["relationship_id"],
        PLANTED["small_group"]["party_id"],
        *PLANTED["theme"]["placements"],
        PLANTED["where_to_start"],
        PLANTED["reference_date"],
        *PERSONAL_DATA_AUTHORS.values(),
    ]
    for item in ids:
        assert f"`{item}`" in readme or f"| {item} |" in readme or item in readme, item
    for spec in PORTFOLIO:
        for action in spec.actions:
            if action.effect in ("lift", "none"):
                assert f"| {spec.relationship_id} | {action.action_id} |" in readme, action.action_id
