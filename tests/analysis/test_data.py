"""Loading one relationship for analysis: joins, equivalences, cycle order, and errors that say what exists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from valuekit.analysis.data import RelationshipData, load_relationship, prepare
from valuekit.analysis.perspectives import apply_where, sort_groups, validate_by, validate_where
from valuekit.errors import NotFoundError, ValuekitError
from valuekit.store import Store

from .conftest import COMPOSITION, REL, TEMPLATE, build_relationship


def test_load_joins_perspectives_onto_every_row(data):
    assert isinstance(data, RelationshipData)
    assert (data.relationship_id, data.cycle_id) == (REL, "solve")
    assert data.relationship["name"] == "Acme – Bolt outsourcing"
    assert data.parties["party_id"].tolist() == ["acme", "bolt"], "client side first"
    assert data.party_names == {"acme": "Acme Bank", "bolt": "Bolt Services"}
    assert data.template.label == "tiny@1.0.0"
    assert len(data.participants) == sum(COMPOSITION.values())
    counts = data.participants.groupby(["party_id", "common_level"]).size()
    assert counts["acme", "senior_leadership"] == 3 and counts["bolt", "front_line"] == 11
    by_function = data.participants.groupby(["side", "common_function"]).size()
    assert by_function["supplier", "finance"] == 5, "bolt's 'Commercial' maps to finance"
    for frame in (data.invitations, data.responses, data.comments):
        assert {"party_id", "side", "common_level", "common_function"} <= set(frame.columns)
        assert frame[["side", "common_level", "common_function"]].notna().all().all()
        assert set(frame["cycle_id"]) == {"solve"}
    assert data.responses.groupby("code_id")["thing_that_matters"].first().to_dict() == {
        "SPD-01": "speed",
        "TRU-01": "trust",
        "TRU-02": "trust",
    }
    assert set(data.comments["subject_kind"]) == {"thing_that_matters"}
    assert data.cycles["cycle_id"].tolist() == ["solve", "dissolve-1"]
    assert data.actions["action_id"].tolist() == ["a1"]
    assert "48 participants" in repr(data)


def test_codes_follow_the_cycle(store):
    solve = load_relationship(store, REL, "solve")
    assert solve.codes["code_id"].tolist() == ["TRU-01", "TRU-02", "SPD-01"]
    later = load_relationship(store, REL, "dissolve-1")
    assert later.codes["code_id"].tolist() == ["SPD-01", "TRU-01"]
    assert later.codes["position"].tolist() == [0, 1]
    every = load_relationship(store, REL)
    assert every.codes["code_id"].tolist() == ["TRU-01", "TRU-02", "SPD-01"]
    assert every.codes_in("dissolve-1")["code_id"].tolist() == ["SPD-01", "TRU-01"]
    assert set(every.responses["cycle_id"]) == {"solve", "dissolve-1"}


def test_unknown_relationship_or_cycle_lists_what_exists(store):
    with pytest.raises(NotFoundError, match="no relationship 'rel-z'.*available: rel-a"):
        load_relationship(store, "rel-z")
    with pytest.raises(NotFoundError, match="no cycle 'resolve'.*available: solve, dissolve-1"):
        load_relationship(store, REL, "resolve")


def test_unmapped_local_title_names_party_and_title(tmp_path, template_dir):
    tables = build_relationship(np.random.default_rng(1))
    p = tables["participants"]
    p.loc[p.index[0], "local_level"] = "Intern"
    with Store(tmp_path / "x.duckdb") as store:
        store.write(tables)
        with pytest.raises(NotFoundError) as err:
            load_relationship(store, REL)
    message = str(err.value)
    assert "'Intern'" in message and "party 'acme'" in message
    assert "available: Analyst, Director, Manager" in message


def test_rows_of_unknown_participants_are_an_error_not_a_drop(tmp_path, template_dir):
    tables = build_relationship(np.random.default_rng(1))
    extra = tables["responses"].iloc[[0]].assign(participant_id="ghost")
    tables["responses"] = pd.concat([tables["responses"], extra], ignore_index=True)
    with Store(tmp_path / "x.duckdb") as store:
        store.write(tables)
        with pytest.raises(ValuekitError, match="responses of relationship 'rel-a'.*'ghost'"):
            load_relationship(store, REL)


def test_template_override_and_missing_template(store, monkeypatch, tmp_path):
    from valuekit.templates import Template

    tpl = Template.from_dict(TEMPLATE)
    assert load_relationship(store, REL, template=tpl).template is tpl
    monkeypatch.setenv("VALUEKIT_TEMPLATES", str(tmp_path / "nowhere"))
    with pytest.raises(NotFoundError, match="diagnostic template 'tiny@1.0.0'"):
        load_relationship(store, REL)


def test_prepare_checks_perspective_and_filter(data):
    prep = prepare(data, "responses", by=["side"], where={"common_level": "front_line"}, cycle=None)
    assert prep.by == ["side"] and prep.where == {"common_level": ("front_line",)}
    assert set(prep.view["common_level"]) == {"front_line"} and len(prep.records) == len(data.responses)
    assert prep.n_parties == 2 and prep.party_order == ["acme", "bolt"]
    with pytest.raises(ValuekitError, match="expected RelationshipData or a DataFrame"):
        prepare([1, 2], "responses", by=None, where=None, cycle=None)


def test_perspective_validation_names_allowed_and_received():
    assert validate_by(None) == [] and validate_by("side") == ["side"]
    with pytest.raises(NotFoundError, match="no perspective column 'role' in by=; available: party_id, side"):
        validate_by(["side", "role"])
    with pytest.raises(NotFoundError, match="perspective column 'rank' in where="):
        validate_where({"rank": "x"})
    frame = pd.DataFrame({"side": ["client", "supplier", "client"]})
    with pytest.raises(NotFoundError, match="no side 'clients'.*available: client, supplier"):
        validate_where({"side": "clients"}, frame)
    assert len(apply_where(frame, validate_where({"side": ["client"]}, frame))) == 2


def test_groups_sort_in_the_method_order():
    frame = pd.DataFrame(
        {
            "side": ["supplier", "client", "all", "client"],
            "common_level": ["front_line", "front_line", "all", "senior_leadership"],
        }
    )
    out = sort_groups(frame, ["side", "common_level"])
    assert out.values.tolist() == [
        ["client", "senior_leadership"],
        ["client", "front_line"],
        ["supplier", "front_line"],
        ["all", "all"],
    ]
