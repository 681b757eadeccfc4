"""Diagnostic templates: the shipped client–supplier template, and templates that must be refused.

The hostile templates live in ``tests/data/templates/``, one file per failure mode (``minimal.yaml`` is the
valid one they are broken from); the rest are built here as dicts.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml

from valuekit.config import TEMPLATES_DIR
from valuekit.errors import NotFoundError, TemplateError, ValuekitError
from valuekit.schemas import LEVEL_LABELS
from valuekit.templates import Template, find_template, list_templates, load_template

SHIPPED = TEMPLATES_DIR / "diagnostics" / "client-supplier.yaml"
DATA = Path(__file__).parent / "data" / "templates"

CODES_FRAME_COLUMNS = [
    "code_id",
    "position",
    "thing_that_matters",
    "thing_that_matters_name",
    "title",
    "description",
    "about",
    "rated_by",
    "mirror",
    "derived_from",
    "root",
    "asks",
    "statement_1",
    "statement_2",
    "statement_3",
    "statement_4",
    "statement_5",
]


@pytest.fixture(scope="module")
def shipped() -> Template:
    return load_template(SHIPPED)


@pytest.fixture
def minimal_dict() -> dict:
    """The valid minimal template as a fresh dict, to break one thing at a time."""
    return yaml.safe_load((DATA / "minimal.yaml").read_text(encoding="utf-8"))


def _refused(path: Path) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        load_template(path)
    return info.value


def _refused_dict(data: dict) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        Template.from_dict(data, source="built-in-test")
    return info.value


def _all_text(tpl: Template) -> list[str]:
    texts = [tpl.title, tpl.description]
    texts += [t.name for t in tpl.things_that_matter] + [t.description for t in tpl.things_that_matter]
    for c in tpl.value_codes:
        texts += [c.title, c.description, c.help or "", *c.statements]
    texts += [q.text for q in tpl.open_questions]
    return texts


# -- the shipped template -----------------------------------------------------------------------------


def test_shipped_template_loads(shipped):
    assert shipped.id == "client-supplier"
    assert shipped.label == "client-supplier@1.0.0"
    assert shipped.description


def test_shipped_template_is_big_enough(shipped):
    assert len(shipped.things_that_matter) >= 8
    assert len(shipped.value_codes) >= 40
    used = {c.thing_that_matters for c in shipped.value_codes}
    assert used == {t.id for t in shipped.things_that_matter}, "every Thing That Matters has Value Codes"


def test_shipped_descriptions_read_the_extent_to_which(shipped):
    for c in shipped.value_codes:
        assert c.description.startswith("The extent to which "), c.id


def test_shipped_codes_have_five_distinct_statements(shipped):
    for c in shipped.value_codes:
        assert len(c.statements) == len(LEVEL_LABELS) == 5, c.id
        assert len(set(c.statements)) == 5, c.id
        for s in c.statements:
            assert s[0].isupper() and s.endswith("."), (c.id, s)


def test_shipped_template_has_no_placeholder(shipped):
    assert "PLACEHOLDER" not in SHIPPED.read_text(encoding="utf-8").upper()
    for text in _all_text(shipped):
        assert "PLACEHOLDER" not in text.upper()
    for t in shipped.things_that_matter:
        assert t.description, t.id
    for q in shipped.open_questions:
        assert q.text.endswith("?"), q.id


def test_shipped_statements_are_not_reused_across_codes(shipped):
    counts = Counter(s for c in shipped.value_codes for s in c.statements)
    assert [s for s, n in counts.items() if n > 1] == []


def test_shipped_titles_are_short_and_unique(shipped):
    titles = [c.title for c in shipped.value_codes]
    assert all(len(t) <= 40 for t in titles), [t for t in titles if len(t) > 40]
    assert len(set(titles)) == len(titles)


def test_shipped_text_is_british_english(shipped):
    american = re.compile(r"\b(organiz|behavior|prioritiz|recogniz|realiz|analyz|favor|color|center)", re.I)
    assert [t for t in _all_text(shipped) if american.search(t)] == []


def test_shipped_mirror_pairs_are_mutual_and_consistent(shipped):
    pairs = shipped.mirror_pairs()
    assert len(pairs) >= 5
    paired = {x for pair in pairs for x in pair}
    for client_id, supplier_id in pairs:
        c, s = shipped.code(client_id), shipped.code(supplier_id)
        assert c.mirror == s.id and s.mirror == c.id
        assert client_id.endswith("C") and supplier_id.endswith("S")
        assert client_id[:-1] == supplier_id[:-1]
        assert c.rated_by == ["client"] and s.rated_by == ["supplier"]
        assert c.thing_that_matters == s.thing_that_matters
        assert c.about == s.about != "relationship"
        assert c.asks == s.asks
        if c.derived_from or s.derived_from:  # halves evolve together
            assert shipped.code(c.derived_from).mirror == s.derived_from
    # a C/S suffix means a mirror half, and only mirror halves carry one
    for c in shipped.value_codes:
        assert (c.id in paired) == bool(re.search(r"-\d+[CS]$", c.id)), c.id
    assert ("GOV-02C", "GOV-02S") in pairs
    assert shipped.code("GOV-02C").about == "client"


def test_shipped_dissolve_codes_descend_from_solve(shipped):
    solve = {c.id for c in shipped.codes_for("solve")}
    dissolve_codes = [c for c in shipped.value_codes if c.id.startswith("D-")]
    assert len(dissolve_codes) >= 10
    for c in dissolve_codes:
        chain = shipped.lineage(c.id)
        assert chain[0] == c.id and len(chain) >= 2, c.id
        assert chain[-1] in solve, (c.id, chain)
        assert shipped.root(c.id) == chain[-1]
        assert c.thing_that_matters == shipped.code(c.derived_from).thing_that_matters
        assert c.statements != shipped.code(c.derived_from).statements


def test_shipped_cycles(shipped):
    resolve = shipped.codes_for("resolve")
    assert resolve and all(c.id.startswith("R-") for c in resolve)
    assert all(c.derived_from is None for c in resolve)
    assert len(shipped.open_questions_for("resolve")) == 3
    solve_ids = {c.id for c in shipped.codes_for("solve")}
    assert not any(i.startswith(("R-", "D-")) for i in solve_ids)
    in_a_cycle = {c.id for kind in ("resolve", "solve", "dissolve") for c in shipped.codes_for(kind)}
    assert in_a_cycle == {c.id for c in shipped.value_codes}


def test_codes_for_takes_a_cycle_id(shipped):
    second = shipped.codes_for("dissolve-2")
    assert [c.id for c in second] == [c.id for c in shipped.codes_for("dissolve")]
    assert [c.id for c in second] == shipped.cycles["dissolve"].value_codes
    assert "D-TRU-01" in [c.id for c in second]


def test_find_template_finds_the_shipped_one():
    tpl = find_template("client-supplier")
    assert tpl.label == "client-supplier@1.0.0"
    assert find_template("client-supplier", version="1.0.0", dirs=[SHIPPED.parent]).id == "client-supplier"
    assert SHIPPED in list_templates([SHIPPED.parent])


def test_find_template_names_what_exists():
    with pytest.raises(NotFoundError, match=r"client-supplier@1\.0\.0"):
        find_template("no-such-template", dirs=[SHIPPED.parent])
    with pytest.raises(NotFoundError, match=r"client-supplier@9\.9"):
        find_template("client-supplier", version="9.9", dirs=[SHIPPED.parent])


def test_find_template_skips_broken_neighbours():
    # the hostile fixtures sit beside minimal.yaml; only the one asked for is loaded
    assert find_template("minimal", dirs=[DATA]).label == "minimal@0.1.0"
    with pytest.raises(TemplateError):
        find_template("hostile", dirs=[DATA])


# -- hostile templates from files ---------------------------------------------------------------------


def test_minimal_fixture_is_valid():
    tpl = load_template(DATA / "minimal.yaml")
    assert [c.id for c in tpl.value_codes] == [
        "TRU-01",
        "DEL-01C",
        "DEL-01S",
        "D-TRU-01",
        "D-DEL-01C",
        "D-DEL-01S",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("duplicate_code_id.yaml", ["'TRU-01'", "duplicate id (2 times)"]),
        ("four_statements.yaml", ["'TRU-02'", "five evaluation statements", "has 4"]),
        ("derived_from_nowhere.yaml", ["'D-TRU-01'", "derived_from 'TRU-09' points to no Value Code"]),
        (
            "derived_from_loop.yaml",
            ["'TRU-01', 'TRU-02'", "derived_from forms a loop (TRU-01 → TRU-02 → TRU-01)"],
        ),
        (
            "mirror_names_other.yaml",
            ["'DEL-01C'", "mirror pair halves disagree", "'DEL-01S' names 'DEL-02C'"],
        ),
        ("mirror_different_thing.yaml", ["'DEL-01C'/'DEL-01S'", "disagree on Thing That Matters"]),
        ("mirror_same_side.yaml", ["'DEL-01C'/'DEL-01S'", "both halves are rated by ['client']"]),
        ("undefined_thing.yaml", ["'TRU-02'", "Thing That Matters 'trsut' is not defined"]),
        ("bad_description.yaml", ["'TRU-02'", "must read 'The extent to which …'", "How open people"]),
        ("cycle_unknown_code.yaml", ["cycle 'solve'", "'TRU-07' is not defined"]),
        ("unknown_key.yaml", ["'TRU-02'", "unknown key 'statments'", "did you mean 'statements'?"]),
        ("unknown_key.yaml", ["'TRU-02'", "required key 'statements' is missing"]),
    ],
)
def test_hostile_file_is_refused_with_file_code_and_problem(name, expected):
    err = _refused(DATA / name)
    message = str(err)
    assert isinstance(err, ValuekitError)
    assert err.path == str(DATA / name)
    assert message.startswith(str(DATA / name))
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_several_problems_are_reported_at_once():
    err = _refused(DATA / "several_problems.yaml")
    message = str(err)
    assert "5 problems in the diagnostic template" in message
    assert len(err.problems) == 5
    for fragment in [
        "Value Code 'TRU-01': duplicate id",
        "Value Code 'TRU-02': needs five evaluation statements",
        "Value Code 'TRU-03': Thing That Matters 'trsut' is not defined",
        "Value Code 'TRU-04': description must read 'The extent to which …'",
        "Value Code 'D-TRU-01': derived_from 'TRU-09' points to no Value Code",
    ]:
        assert fragment in message, fragment
    assert all(p in message for p in err.problems)


def test_shape_and_rule_problems_are_reported_together():
    err = _refused(DATA / "shape_and_rules.yaml")
    assert len(err.problems) == 2
    assert "value_codes[1] ('TRU-02'): unknown key 'sttaus'" in err.problems[0]
    assert "Value Code 'TRU-03': Thing That Matters 'trsut' is not defined" in err.problems[1]


def test_invalid_yaml_gives_the_line():
    err = _refused(DATA / "invalid_yaml.yaml")
    assert str(err).startswith(str(DATA / "invalid_yaml.yaml"))
    assert "not valid YAML" in str(err)
    assert "line 10, column 23" in str(err)  # the "[" opened on line 9 is never closed


def test_duplicate_yaml_key_is_refused_not_silently_dropped():
    err = _refused(DATA / "duplicate_key.yaml")
    assert "duplicate key 'statements' (first given on line 13)" in str(err)
    assert "line 19" in str(err)


def test_empty_file_is_refused():
    err = _refused(DATA / "empty.yaml")
    assert str(err) == f"{DATA / 'empty.yaml'}: the template is empty"


def test_missing_file_is_refused(tmp_path):
    path = tmp_path / "nowhere" / "client-supplier.yaml"
    err = _refused(path)
    assert "no such file" in str(err) and str(path) in str(err)


def test_directory_is_refused_as_a_template(tmp_path):
    err = _refused(tmp_path)
    assert str(tmp_path) in str(err) and "cannot be read" in str(err)


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Diagnóstico\n".encode("latin-1"))
    assert "not UTF-8" in str(_refused(path))


# -- hostile templates built as dicts -----------------------------------------------------------------


def test_minimal_dict_is_valid(minimal_dict):
    assert Template.from_dict(minimal_dict).id == "minimal"


def test_top_level_must_be_a_mapping():
    with pytest.raises(TemplateError, match="expected a mapping at the top level, found list"):
        Template.from_dict([1, 2], source="x.yaml")


def test_code_derived_from_itself(minimal_dict):
    minimal_dict["value_codes"][0]["derived_from"] = "TRU-01"
    err = _refused_dict(minimal_dict)
    assert err.problems == ["Value Code 'TRU-01': derived_from points to itself"]
    assert str(err).startswith("built-in-test: ")


def test_longer_derived_from_loop_is_reported_once(minimal_dict):
    codes = minimal_dict["value_codes"]
    codes[0]["derived_from"] = "D-TRU-01"  # TRU-01 → D-TRU-01 → TRU-01
    err = _refused_dict(minimal_dict)
    loops = [p for p in err.problems if "loop" in p]
    assert loops == [
        "Value Codes 'D-TRU-01', 'TRU-01': derived_from forms a loop (D-TRU-01 → TRU-01 → D-TRU-01)"
    ]


def test_mirror_pointing_to_itself(minimal_dict):
    code = minimal_dict["value_codes"][0]
    code.update(mirror="TRU-01", about="supplier", rated_by=["client"])
    err = _refused_dict(minimal_dict)
    assert "Value Code 'TRU-01': mirror points to itself" in str(err)


def test_mirror_pointing_nowhere(minimal_dict):
    minimal_dict["value_codes"][1]["mirror"] = "DEL-09S"
    err = _refused_dict(minimal_dict)
    assert "Value Code 'DEL-01C': mirror 'DEL-09S' points to no Value Code" in str(err)


def test_mirror_halves_about_different_parties(minimal_dict):
    minimal_dict["value_codes"][2]["about"] = "client"
    err = _refused_dict(minimal_dict)
    assert "mirror pair 'DEL-01C'/'DEL-01S': halves disagree on whom they are about" in str(err)


def test_mirror_halves_with_crossed_lineage(minimal_dict):
    minimal_dict["value_codes"][5]["derived_from"] = "DEL-01C"  # D-DEL-01S should derive from DEL-01S
    err = _refused_dict(minimal_dict)
    assert "mirror pair 'D-DEL-01C'/'D-DEL-01S': halves have different lineage" in str(err)


def test_mirror_used_without_its_other_half(minimal_dict):
    minimal_dict["cycles"]["solve"]["value_codes"].remove("DEL-01S")
    err = _refused_dict(minimal_dict)
    assert "cycle 'solve': 'DEL-01C' is used without its mirror 'DEL-01S'" in str(err)


def test_dissolve_code_not_from_solve(minimal_dict):
    minimal_dict["cycles"]["solve"]["value_codes"].remove("TRU-01")
    err = _refused_dict(minimal_dict)
    assert "cycle 'dissolve': Value Code 'D-TRU-01' is neither a Solve code nor derived_from one" in str(err)


def test_cycle_kind_must_be_a_kind_not_a_cycle_id(minimal_dict):
    minimal_dict["cycles"]["dissolve-1"] = minimal_dict["cycles"].pop("dissolve")
    err = _refused_dict(minimal_dict)
    assert "unknown cycle kind 'dissolve-1'" in str(err)


def test_cycle_lists_unknown_open_question(minimal_dict):
    minimal_dict["cycles"]["solve"]["open_questions"] = ["oq-change", "oq-typo"]
    err = _refused_dict(minimal_dict)
    assert "cycle 'solve': open question 'oq-typo' is not defined" in str(err)


def test_wrong_value_names_allowed_and_received(minimal_dict):
    minimal_dict["value_codes"][1]["rated_by"] = ["clients"]
    err = _refused_dict(minimal_dict)
    message = str(err)
    assert "value_codes[1] ('DEL-01C').rated_by[0]" in message
    assert "'client', 'supplier' or 'partner'" in message and "got 'clients'" in message


def test_empty_statement_and_repeated_statements(minimal_dict):
    statements = minimal_dict["value_codes"][0]["statements"]
    statements[2] = "  "
    statements[4] = statements[3]
    err = _refused_dict(minimal_dict)
    assert "Value Code 'TRU-01': evaluation statement 3 (Performing) is empty" in err.problems
    assert (
        "Value Code 'TRU-01': two evaluation statements are identical; each level needs its own"
        in err.problems
    )


def test_rejected_item_is_not_reported_again_as_undefined(minimal_dict):
    # DEL-01C has a bad shape; references to it from DEL-01S, D-DEL-01C and the cycles must not pile up
    minimal_dict["value_codes"][1]["statments"] = minimal_dict["value_codes"][1].pop("statements")
    err = _refused_dict(minimal_dict)
    assert all("DEL-01C" in p and "statements" in p for p in err.problems), err.problems
    assert len(err.problems) == 2


def test_unknown_top_level_key(minimal_dict):
    minimal_dict["valu_codes"] = minimal_dict.pop("value_codes")
    err = _refused_dict(minimal_dict)
    assert "template: unknown key 'valu_codes' (did you mean 'value_codes'?)" in err.problems
    assert "template: required key 'value_codes' is missing" in err.problems


# -- select() and codes_frame() -----------------------------------------------------------------------


def test_select_keeps_ancestors(shipped):
    adapted = shipped.select(["D-TRU-01"])
    assert [c.id for c in adapted.value_codes] == ["TRU-01", "D-TRU-01"]
    assert adapted.version == "1.0.0+adapted"
    assert adapted.cycles["solve"].value_codes == ["TRU-01"]
    assert adapted.cycles["dissolve"].value_codes == ["D-TRU-01"]
    assert adapted.cycles["resolve"].value_codes == []


def test_select_keeps_mirrors_and_their_ancestors(shipped):
    adapted = shipped.select(["D-RSP-02C"], version_suffix="acme")
    assert {c.id for c in adapted.value_codes} == {"RSP-02C", "RSP-02S", "D-RSP-02C", "D-RSP-02S"}
    assert adapted.label == "client-supplier@1.0.0+acme"
    assert adapted.mirror_pairs() == [("RSP-02C", "RSP-02S"), ("D-RSP-02C", "D-RSP-02S")]
    assert adapted.root("D-RSP-02S") == "RSP-02S"


def test_select_keeps_template_order_and_leaves_the_original(shipped):
    before = len(shipped.value_codes)
    ids = ["OUT-02", "R-TRU", "CMM-01"]
    adapted = shipped.select(ids)
    order = [c.id for c in shipped.value_codes]
    assert [c.id for c in adapted.value_codes] == sorted(ids, key=order.index)
    assert len(shipped.value_codes) == before
    assert adapted.things_that_matter == shipped.things_that_matter


def test_select_unknown_code(shipped):
    with pytest.raises(NotFoundError, match="no Value Code 'XYZ-99'"):
        shipped.select(["XYZ-99"])


def test_codes_frame_columns_and_order(shipped):
    frame = shipped.codes_frame()
    assert list(frame.columns) == CODES_FRAME_COLUMNS
    assert list(frame["code_id"]) == [c.id for c in shipped.value_codes]
    assert list(frame["position"]) == list(range(len(shipped.value_codes)))
    assert frame["code_id"].is_unique


def test_codes_frame_content():
    tpl = load_template(DATA / "minimal.yaml")
    frame = tpl.codes_frame().set_index("code_id")
    row = frame.loc["D-DEL-01S"]
    assert row["thing_that_matters"] == "delivery"
    assert row["thing_that_matters_name"] == "Delivery"
    assert row["rated_by"] == "supplier"
    assert row["mirror"] == "D-DEL-01C"
    assert row["derived_from"] == "DEL-01S"
    assert row["root"] == "DEL-01S"
    assert [row[f"statement_{i}"] for i in range(1, 6)] == tpl.code("D-DEL-01S").statements
    plain = frame.loc["TRU-01"]
    assert plain["rated_by"] == "client|supplier"
    assert plain["about"] == "relationship"
    assert pd.isna(plain["mirror"]) and pd.isna(plain["derived_from"])
    assert plain["root"] == "TRU-01"
    assert plain["asks"] == ""
    assert frame.loc["DEL-01C", "asks"] == "importance"


def test_lookups_name_what_exists():
    tpl = load_template(DATA / "minimal.yaml")
    with pytest.raises(
        NotFoundError, match="no Thing That Matters 'trsut' in minimal@0.1.0; available: trust"
    ):
        tpl.thing("trsut")
    with pytest.raises(NotFoundError, match="no cycle kind 'resolve'"):
        tpl.codes_for("resolve")
    assert tpl.thing("trust").name == "Trust"
    assert tpl.code("TRU-01").statement(5) == "Problems are raised early and thanked."


def test_from_dict_round_trips_model_dump(shipped):
    again = Template.from_dict(copy.deepcopy(shipped.model_dump()))
    assert again == shipped
