"""Designing a diagnostic and exporting its questionnaire (valuekit.questionnaire).

Expected values come from the shipped template read directly (its statements, its cycle lists), and the export
is checked the way it will be used: the mapping and question list are fed back through ``valuekit import``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

from valuekit.errors import NotFoundError, TemplateError, ValuekitError
from valuekit.importers import import_path, load_mapping
from valuekit.questionnaire import (
    DONT_KNOW,
    FOLLOW_UP_COLUMNS,
    IMPORTANCE_OPTIONS,
    QUESTION_COLUMNS,
    adapt_template,
    check_design,
    check_equivalences,
    equivalence_table,
    export_questionnaire,
    follow_up_list,
    import_mapping,
    mirror_table,
    parties_table,
    preview_code,
    question_list,
    questionnaire_html,
    questionnaire_markdown,
    select_codes,
    template_changes,
    template_overview,
)
from valuekit.schemas import LEVEL_COLOURS, validate_table
from valuekit.store import Store
from valuekit.templates import find_template, load_template

REL = "acme-bolt"
PARTIES = {
    "acme": {"name": "Acme Council", "side": "client"},
    "bolt": {"name": "Bolt Services", "side": "supplier"},
}
MAPS = {
    "acme": {
        "level": {"Director": "senior_leadership", "Manager": "middle_management", "Officer": "front_line"},
        "function": {"Estates": "operations"},
    },
    "bolt": {
        "level": {"VP": "senior_leadership", "Engineer": "front_line"},
        "function": {"Delivery": "service_delivery"},
    },
}


@pytest.fixture(scope="module")
def library():
    return find_template("client-supplier")


@pytest.fixture(scope="module")
def solve(library):
    codes = select_codes(library, "solve", things=["trust", "responsiveness", "delivery"])
    return adapt_template(
        library, keep=codes, edits={"TRU-01": {"title": "Raising problems early"}}, suffix="acme"
    )


# -- choosing and adapting ----------------------------------------------------------------------------------
def test_template_overview_counts_each_cycles_codes(library):
    overview = template_overview(library).set_index("thing_that_matters")
    for kind in ("resolve", "solve", "dissolve"):
        assert overview[kind].sum() == len(library.cycles[kind].value_codes)
    assert overview.loc["trust", "resolve"] == 1


def test_select_codes_keeps_order_and_things(library):
    codes = select_codes(library, "solve", things=["responsiveness"])
    assert codes == [c for c in library.cycles["solve"].value_codes if c.startswith("RSP-")]


def test_dropping_half_a_mirror_pair_drops_both(library):
    codes = select_codes(library, "solve", things=["responsiveness"], drop=["RSP-02C"])
    assert "RSP-02C" not in codes and "RSP-02S" not in codes and "RSP-01" in codes


def test_select_codes_names_what_exists(library):
    with pytest.raises(NotFoundError, match="no Thing That Matters 'speed'.*trust"):
        select_codes(library, "solve", things=["speed"])
    with pytest.raises(NotFoundError, match="no Value Code 'R-TRU'"):
        select_codes(library, "solve", drop=["R-TRU"])


def test_adapt_keeps_edits_and_versions(library, solve):
    assert solve.version == "1.0.0+acme"
    assert solve.code("TRU-01").title == "Raising problems early"
    assert library.code("TRU-01").title == "Openness about problems"  # the library is untouched
    assert [c.id for c in solve.codes_for("solve")] == select_codes(
        library, "solve", things=["trust", "responsiveness", "delivery"]
    )
    changes = template_changes(library, solve)
    assert changes.to_dict("records") == [
        {
            "code_id": "TRU-01",
            "field": "title",
            "before": "Openness about problems",
            "after": "Raising problems early",
        }
    ]


def test_adapt_edits_single_statements(library):
    tpl = adapt_template(library, keep=["R-TRU"], edits={"R-TRU": {"statements": {"2": "Trust is patchy."}}})
    assert tpl.code("R-TRU").statements[1] == "Trust is patchy."
    assert tpl.code("R-TRU").statements[0] == library.code("R-TRU").statements[0]
    changes = template_changes(library, tpl)
    assert changes["field"].tolist() == ["statement 2 (Struggling)"]


def test_adapt_reports_every_problem_at_once(library):
    same = library.code("R-TRU").statements[0]
    with pytest.raises(TemplateError) as err:
        adapt_template(
            library, keep=["R-TRU"], edits={"R-TRU": {"statements": {2: same}, "description": "Trust"}}
        )
    text = str(err.value)
    assert "R-TRU" in text and "The extent to which" in text and "identical" in text
    with pytest.raises(TemplateError, match="'colour' cannot be edited; editable: title"):
        adapt_template(library, keep=["R-TRU"], edits={"R-TRU": {"colour": "red"}})
    with pytest.raises(NotFoundError, match="no Value Code 'TRU-01'"):
        adapt_template(library, keep=["R-TRU"], edits={"TRU-01": {"title": "x"}})


def test_adapt_sets_mirror_pairs(library):
    tpl = adapt_template(library, keep=["DEL-03", "DEL-04"], mirrors=[("DEL-03", "DEL-04")])
    assert tpl.mirror_pairs() == [("DEL-03", "DEL-04")]
    assert tpl.code("DEL-03").rated_by == ["client"] and tpl.code("DEL-04").rated_by == ["supplier"]
    table = mirror_table(tpl, "solve")
    assert table[["client_half", "supplier_half"]].values.tolist() == [["DEL-03", "DEL-04"]]


def test_adapt_refuses_a_mirror_pair_across_things(library):
    with pytest.raises(TemplateError, match="halves disagree on Thing That Matters"):
        adapt_template(library, keep=["DEL-03", "TRU-01"], mirrors=[("DEL-03", "TRU-01")])


def test_check_design(library, solve):
    checks = check_design(solve, "solve").set_index("check")
    assert checks.loc["valid template", "status"] == "ok"
    assert "Commercial fairness" in checks.loc["Things That Matter not measured this cycle", "detail"]
    assert checks.loc["mirror pairs", "detail"] == "RSP-02C/RSP-02S, DEL-01C/DEL-01S"
    everything = check_design(library, "solve").set_index("check")
    assert everything.loc["time to answer", "status"] == "warning"  # 41 Value Codes with follow-ups


# -- parties and equivalence maps -----------------------------------------------------------------------------
def test_equivalence_table_validates():
    eq = equivalence_table(REL, MAPS)
    validate_table("equivalences", eq)
    assert len(eq) == 7 and set(eq["dimension"]) == {"level", "function"}
    with pytest.raises(ValuekitError, match="party 'acme', level 'Boss': 'bosses' is not a common level"):
        equivalence_table(REL, {"acme": {"level": {"Boss": "bosses"}}})


def test_check_equivalences_flags_an_empty_level():
    checked = check_equivalences(equivalence_table(REL, MAPS))
    missing = checked[checked["status"] != "ok"]
    assert missing[["party_id", "common_level"]].values.tolist() == [["bolt", "middle_management"]]


def test_parties_table_checks_sides():
    assert parties_table(REL, PARTIES)["side"].tolist() == ["client", "supplier"]
    with pytest.raises(ValuekitError, match="side must be one of client, supplier, partner; got 'vendor'"):
        parties_table(REL, {"x": {"name": "X", "side": "vendor"}})


# -- question lists ---------------------------------------------------------------------------------------------
def test_question_list_is_one_row_per_value_code(solve):
    q = question_list(solve, "solve")
    assert list(q.columns) == QUESTION_COLUMNS
    assert q["code_id"].tolist() == [c.id for c in solve.codes_for("solve")]
    for row in q.itertuples():
        assert [getattr(row, f"option_{lv}") for lv in range(1, 6)] == solve.code(row.code_id).statements
    assert set(q["option_dont_know"]) == {DONT_KNOW}
    assert q.set_index("code_id").loc["RSP-02C", "rated_by"] == "client"


def test_follow_up_list(solve):
    f = follow_up_list(
        solve, "solve", parties=parties_table(REL, PARTIES), equivalences=equivalence_table(REL, MAPS)
    )
    assert list(f.columns) == FOLLOW_UP_COLUMNS
    about = f[f["kind"] == "about_you"].set_index("column_name")
    assert about.loc["party", "options"] == "Acme Council | Bolt Services"
    assert about.loc["level", "options"].split(" | ") == ["Director", "Manager", "Officer", "VP", "Engineer"]
    imp = f[f["column_name"] == "TRU-01_importance"].iloc[0]
    assert imp["options"].split(" | ") == list(IMPORTANCE_OPTIONS)
    wanted = f[f["column_name"] == "TRU-01_desired"].iloc[0]
    assert wanted["options"].split(" | ") == [*solve.code("TRU-01").statements, DONT_KNOW]
    assert f[f["kind"] == "open"]["column_name"].tolist() == [q.id for q in solve.open_questions_for("solve")]


def test_import_mapping_loads(solve):
    mapping = load_mapping(import_mapping(solve, "solve"))
    assert mapping.questions["RSP-02S"] == "RSP-02S"
    assert mapping.importance["TRU-01_importance"] == "TRU-01"
    assert mapping.desired["TRU-01_desired"] == "TRU-01"
    assert mapping.comments == {"oq-change-one-thing": "oq-change-one-thing"}


# -- printable questionnaires -----------------------------------------------------------------------------------
class _Balance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in ("meta", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def test_html_shows_every_statement_red_to_green(solve):
    page = questionnaire_html(solve, "solve", parties=parties_table(REL, PARTIES))
    parser = _Balance()
    parser.feed(page)
    assert parser.stack == [] and parser.errors == []
    for code in solve.codes_for("solve"):
        block = page[page.index(f'id="{code.id}"') :]
        block = block[: block.index("</div>")]
        colours = re.findall(r"--c:(#[0-9a-f]{6})", block)
        assert colours == [LEVEL_COLOURS[lv] for lv in range(1, 6)]  # red → green, in level order
        assert DONT_KNOW.replace("'", "&#x27;") in block
        who = " and ".join({"client": "Acme Council", "supplier": "Bolt Services"}[s] for s in code.rated_by)
        assert f"Answered by {who}." in block
    assert "fewer than 5 people" in page and "<script" not in page


def test_markdown_shows_every_statement_with_its_level(solve):
    text = questionnaire_markdown(solve, "solve")
    for code in solve.codes_for("solve"):
        for statement in code.statements:
            assert statement in text
    assert text.count("**1 Failing**") == len(solve.codes_for("solve"))
    assert LEVEL_COLOURS[1] in text and LEVEL_COLOURS[5] in text


def test_preview_code_displays_as_html(solve):
    shown = preview_code(solve, "RSP-01")._repr_html_()
    assert "Handling everyday requests" in shown
    style = shown[shown.index("<style>") + 7 : shown.index("</style>")]
    selectors = [s.strip() for rule in re.findall(r"([^{}]+)\{", style) for s in rule.split(",")]
    assert selectors and all(s.startswith(".vk-q") for s in selectors)  # never restyles the notebook


# -- export, and back in through the importer -------------------------------------------------------------------
def test_export_round_trips(solve, tmp_path):
    files = export_questionnaire(
        solve,
        tmp_path,
        "solve",
        parties=parties_table(REL, PARTIES),
        equivalences=equivalence_table(REL, MAPS),
    )
    assert {p.name for p in files.values()} == {
        "questionnaire.html", "questionnaire.md", "questions.csv", "follow_up_questions.csv", "mapping.yaml",
        "template.yaml", "parties.csv", "equivalences.csv",
    }  # fmt: skip
    assert load_template(files["template"]) == solve
    back = pd.read_csv(files["questions"], keep_default_na=False)
    assert back["option_3"].tolist() == question_list(solve, "solve")["option_3"].tolist()
    assert yaml.safe_load(files["mapping"].read_text())["questions"]["TRU-01"] == "TRU-01"
    assert load_mapping(files["mapping"]).importance["TRU-01_importance"] == "TRU-01"


def test_a_survey_built_from_the_export_imports(tiny_tables, tmp_path):
    """Columns named as questions.csv says, answered with its options, read back by the mapping it wrote."""
    tpl = adapt_template(find_template("client-supplier"), keep=["R-TRU", "R-RSP"])
    files = export_questionnaire(tpl, tmp_path / "out", "resolve")
    q = question_list(tpl, "resolve").set_index("code_id")
    header = [
        "Timestamp",
        "party",
        "level",
        "function",
        "R-TRU",
        "R-TRU_importance",
        "R-RSP",
        "R-RSP_importance",
    ]
    rows = [
        ["2025/01/10 9:00:00 AM GMT", "Tiny Ltd", "Director", "Estates", q.loc["R-TRU", "option_2"],
         "Very important", DONT_KNOW, "Extremely important"],
        ["2025/01/10 9:05:00 AM GMT", "Small Services plc", "Account Director", "Operations",
         q.loc["R-TRU", "option_4"], "Slightly important", q.loc["R-RSP", "option_5"], "Moderately important"],
    ]  # fmt: skip
    export = tmp_path / "export.csv"
    pd.DataFrame(rows, columns=header).to_csv(export, index=False)
    with Store(tmp_path / "s.duckdb") as store:
        store.write(
            {t: df for t, df in tiny_tables.items() if t not in ("responses", "comments", "invitations")}
        )
        result = import_path(
            export, store, relationship_id="tiny", cycle_id="resolve", mapping=files["mapping"]
        )
        assert result.exit_code == 0, result.summary()
        got = store.read("responses", "tiny", "resolve").merge(
            store.read("participants", "tiny"), on="participant_id"
        )
    stored = {(r.local_level, r.code_id): (r.rating, r.importance) for r in got.itertuples()}
    na = pd.NA
    assert {k: tuple(None if v is na else int(v) for v in val) for k, val in stored.items()} == {
        ("Director", "R-TRU"): (2, 4),
        ("Director", "R-RSP"): (None, 5),
        ("Account Director", "R-TRU"): (4, 2),
        ("Account Director", "R-RSP"): (5, 3),
    }
