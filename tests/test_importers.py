"""Importers: each survey tool's export, the canonical tables, mapping, replace, dry runs, round trips."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import test_importers_support as support
from tests.test_importers_support import (
    DATA,
    REAL_QUALTRICS,
    REL,
    assert_no_identities,
    counts,
    design,
    microsoft_forms_xlsx,
    store_text,
)
from valuekit.errors import InputFileError, NotFoundError, ValuekitError
from valuekit.importers import FORMATS, ImportResult, detect_format, import_path, load_mapping
from valuekit.importers.mapping import read_level
from valuekit.schemas import KEYS, TABLES, columns
from valuekit.store import Store

templates, store, exports = support.templates, support.store, support.exports  # fixtures


def ratings(store, cycle="solve") -> dict[tuple[str, str, str], object]:
    """(party, local level, code) → rating, for asserting what a file stored without knowing pseudonyms."""
    people = store.read("participants", REL)
    resp = store.read("responses", REL, cycle).merge(people, on=["relationship_id", "participant_id"])
    return {
        (r.party_id, r.local_level, r.code_id): (None if pd.isna(r.rating) else int(r.rating))
        for r in resp.itertuples()
    }


# -- formats and detection -------------------------------------------------------------------------------
def test_registry_names_every_format():
    assert list(FORMATS) == [
        "canonical",
        "qualtrics",
        "qualtrics-legacy",
        "surveymonkey",
        "google-forms",
        "microsoft-forms",
    ]


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("qualtrics.csv", "qualtrics"),
        ("qualtrics_legacy.csv", "qualtrics-legacy"),
        ("surveymonkey.csv", "surveymonkey"),
        ("google_forms.csv", "google-forms"),
    ],
)
def test_detect_format_of_fixtures(name, fmt):
    assert detect_format(DATA / name) == fmt


def test_detect_format_of_real_qualtrics_samples():
    assert detect_format(REAL_QUALTRICS / "sample.csv") == "qualtrics"
    assert detect_format(REAL_QUALTRICS / "sample_legacy.csv") == "qualtrics-legacy"


def test_detect_format_of_microsoft_forms_and_canonical(tmp_path, store):
    xlsx = microsoft_forms_xlsx(tmp_path / "forms.xlsx", [])
    assert detect_format(xlsx) == "microsoft-forms"
    store.export(tmp_path / "export")
    assert detect_format(tmp_path / "export") == "canonical"
    assert detect_format(tmp_path / "export" / "parties.csv") == "canonical"


def test_real_qualtrics_headers_are_parsed():
    sheet = FORMATS["qualtrics"]().parse(REAL_QUALTRICS / "sample.csv")
    by_name = {c.name: c for c in sheet.columns}
    assert by_name["ResponseId"].role == "respondent"
    assert by_name["IPAddress"].identifying and by_name["RecipientEmail"].identifying
    assert by_name["LocationLatitude"].identifying
    assert by_name["Q1"].text == "This is a multiple choice question."
    assert by_name["Q2"].import_id == "QID2_TEXT"
    assert sheet.rows[0][0] == 4  # the first response is on row 4, under three header rows

    legacy = FORMATS["qualtrics-legacy"]().parse(REAL_QUALTRICS / "sample_legacy.csv")
    names = [c.name for c in legacy.columns]
    assert names[:3] == ["ResponseID", "ResponseSet", "Name"]  # V1.. named by the second header row
    assert "column T" not in names  # the trailing empty column is dropped
    assert legacy.encoding == "utf-8-sig"
    assert legacy.rows[0][0] == 3


@pytest.mark.parametrize("name", ["sample.csv", "sample_legacy.csv"])
def test_real_qualtrics_samples_give_a_clear_message(tmp_path, store, name):
    path = tmp_path / name
    shutil.copy(REAL_QUALTRICS / name, path)
    with pytest.raises(InputFileError, match="no column matched a Value Code") as err:
        import_path(path, store, relationship_id=REL, cycle_id="solve")
    assert "This is a multiple choice question." in str(err.value)
    assert "questions: {Q3_1: TRU-01}" in str(err.value)


# -- each survey tool -------------------------------------------------------------------------------------
def test_qualtrics_import(store, exports):
    result = import_path(exports / "qualtrics.csv", store, relationship_id=REL, cycle_id="solve")
    assert isinstance(result, ImportResult)
    assert result.format == "qualtrics" and result.exit_code == 0
    assert counts(result) == {
        "participants": (3, 0),
        "invitations": (3, 0),
        "responses": (9, 0),
        "comments": (2, 0),
    }
    assert result.rejected.empty and result.rejects_path is None
    assert ratings(store) == {
        ("acme", "Director", "TRU-01"): 3,  # an evaluation statement
        ("acme", "Director", "PAC-01"): 2,
        ("acme", "Director", "VIS-C"): 3,
        ("bolt", "Consultant", "TRU-01"): 3,  # a level label
        ("bolt", "Consultant", "PAC-01"): None,  # "Don't know"
        ("bolt", "Consultant", "VIS-S"): 4,  # mirror half answered by the supplier only
        ("acme", "Manager", "TRU-01"): 5,  # a digit; "manager" stored as the map spells it
        ("acme", "Manager", "PAC-01"): None,  # "N/A"
        ("acme", "Manager", "VIS-C"): 5,  # "Best practice"
    }
    resp = store.read("responses", REL, "solve")
    importance = dict(zip(resp["code_id"] + resp["rating"].astype(str), resp["importance"], strict=True))
    assert importance["TRU-013"] in (4, 5) and pd.isna(importance["TRU-015"])
    assert (store.read("invitations", REL)["responded"]).all()
    comments = store.read("comments", REL)["text"].tolist()
    assert "More joint planning, please" in comments
    assert "Call me at [e-mail removed] or [IP address removed]" in comments
    assert store.read("participants", REL)["participant_id"].str.fullmatch(r"p_[0-9a-f]{16}").all()
    assert_no_identities(store_text(store))


def test_qualtrics_legacy_import_with_bom(store, exports):
    result = import_path(exports / "qualtrics_legacy.csv", store, relationship_id=REL, cycle_id="solve")
    assert result.format == "qualtrics-legacy" and result.exit_code == 0
    assert ratings(store) == {
        ("acme", "Analyst", "TRU-01"): 4,
        ("acme", "Analyst", "PAC-01"): 2,
        ("bolt", "Lead", "TRU-01"): 5,
        ("bolt", "Lead", "PAC-01"): 3,
    }
    assert store.read("comments", REL)["text"].tolist() == ["Faster answers"]
    assert_no_identities(store_text(store))


def test_surveymonkey_import(store, exports):
    result = import_path(exports / "surveymonkey.csv", store, relationship_id=REL, cycle_id="solve")
    assert result.format == "surveymonkey" and result.exit_code == 0
    assert ratings(store) == {
        ("acme", "Director", "TRU-01"): 5,
        ("acme", "Director", "PAC-01"): 4,
        ("acme", "Director", "VIS-C"): 4,
        ("bolt", "Partner", "TRU-01"): 2,
        ("bolt", "Partner", "PAC-01"): None,
        ("bolt", "Partner", "VIS-S"): 2,
    }
    assert store.read("comments", REL)["text"].tolist() == ["Keep going"]
    assert_no_identities(store_text(store))


def test_google_forms_import_with_mapping_file(store, exports):
    result = import_path(
        exports / "google_forms.csv",
        store,
        relationship_id=REL,
        cycle_id="solve",
        mapping=exports / "google_forms.mapping.yaml",
    )
    assert result.format == "google-forms" and result.exit_code == 0
    assert ratings(store) == {
        ("acme", "Director", "TRU-01"): 4,
        ("acme", "Director", "PAC-01"): 1,
        ("acme", "Director", "VIS-C"): 1,
        ("bolt", "Lead", "TRU-01"): 1,
        ("bolt", "Lead", "PAC-01"): 4,
    }
    assert_no_identities(store_text(store))


def test_microsoft_forms_import(store, tmp_path):
    rows = [
        [
            1,
            "2023-11-01 09:00",
            "2023-11-01 09:04",
            "jane.doe@acme.example",
            "Jane Doe",
            None,
            "acme",
            "Analyst",
            "IT",
            "Problems are raised early without being asked",
            2,
            "More coffee",
        ],
        [
            2,
            "2023-11-01 10:00",
            "2023-11-01 10:04",
            "anonymous",
            "anonymous",
            None,
            "bolt",
            "Lead",
            "Sales",
            "Don't know",
            "Escalations are rarely needed",
            None,
        ],
    ]
    path = microsoft_forms_xlsx(tmp_path / "forms.xlsx", rows)
    result = import_path(path, store, relationship_id=REL, cycle_id="solve")
    assert result.format == "microsoft-forms" and result.exit_code == 0
    assert ratings(store) == {
        ("acme", "Analyst", "TRU-01"): 4,
        ("acme", "Analyst", "PAC-01"): 2,
        ("bolt", "Lead", "TRU-01"): None,
        ("bolt", "Lead", "PAC-01"): 5,
    }
    assert store.read("comments", REL)["text"].tolist() == ["More coffee"]
    assert_no_identities(store_text(store))


def test_microsoft_forms_ids_restart_per_cycle(store, tmp_path):
    """Forms numbers responses 1, 2, … in every form: ID 1 of two cycles is not one person."""
    row = [
        1,
        "2023-11-01",
        "2023-11-01",
        "anonymous",
        "anonymous",
        None,
        "acme",
        "Analyst",
        "IT",
        "3",
        "3",
        None,
    ]
    path = microsoft_forms_xlsx(tmp_path / "forms.xlsx", [row])
    import_path(path, store, relationship_id=REL, cycle_id="solve")
    row[7] = "Director"  # a different person, also ID 1, in the next cycle's form
    path = microsoft_forms_xlsx(tmp_path / "forms2.xlsx", [row])
    result = import_path(path, store, relationship_id=REL, cycle_id="dissolve-1")
    assert result.exit_code == 0
    assert len(store.read("participants", REL)) == 2


def test_explicit_mapping_and_labels(store, tmp_path):
    """Numeric recodes, German labels and a tool's "don't know" code, mapped explicitly."""
    path = tmp_path / "numeric.csv"
    path.write_text(
        "StartDate,Status,ResponseId,Org,Grade,Dept,Q7_1,Q7_2,Q8\n"
        "Start Date,Response Type,Response ID,Org,Grade,Dept,Offen,Tempo,Kommentar\n"
        '"{""ImportId"":""startDate""}","{""ImportId"":""status""}","{""ImportId"":""_recordId""}",'
        '"{""ImportId"":""Org""}","{""ImportId"":""Grade""}","{""ImportId"":""Dept""}",'
        '"{""ImportId"":""QID7_1""}","{""ImportId"":""QID7_2""}","{""ImportId"":""QID8_TEXT""}"\n'
        "2023-11-01,0,R_a,acme,Director,IT,Trifft zu,6,Gut\n"
        "2023-11-01,0,R_b,bolt,Lead,Sales,Keine Angabe,2,\n",
        encoding="utf-8",
    )
    mapping = {
        "fields": {"party": "Org", "level": "Grade", "function": "Dept"},
        "questions": {"Q7_1": "TRU-01", "QID7_2": "PAC-01"},  # by column name or ImportId
        "comments": {"Q8": "oq-change"},
        "labels": {"Trifft zu": 4, "Keine Angabe": None, "6": None},
    }
    result = import_path(path, store, relationship_id=REL, cycle_id="solve", mapping=mapping)
    assert result.exit_code == 0, result.summary()
    assert ratings(store) == {
        ("acme", "Director", "TRU-01"): 4,
        ("acme", "Director", "PAC-01"): None,
        ("bolt", "Lead", "TRU-01"): None,
        ("bolt", "Lead", "PAC-01"): 2,
    }
    assert store.read("comments", REL)["subject_id"].tolist() == ["oq-change"]


def test_read_level_rules():
    statements = ["One", "Two", "Three", "Four", "Five"]
    assert read_level("  three ", statements=statements) == (3, None)
    assert read_level("Best practice") == (5, None)
    assert read_level("2 - Struggling") == (2, None)
    assert read_level("4.0") == (4, None)
    for missing in [
        "",
        "Don't know",
        "don’t know",
        "N/A",
        "n/a",
        "Not applicable",
        "prefer not to say",
        None,
    ]:
        assert read_level(missing) == (None, None), missing
    assert read_level("0")[1].startswith("level 0 is out of range")
    assert read_level("Very important", kind="importance") == (4, None)
    assert "unrecognised answer" in read_level("Sometimes", statements=statements)[1]


def test_mapping_errors_name_the_section():
    with pytest.raises(InputFileError, match="unknown section 'question'"):
        load_mapping({"question": {"Q1": "TRU-01"}})
    with pytest.raises(InputFileError, match="use a level 1..5 or null"):
        load_mapping({"labels": {"Often": 9}})
    with pytest.raises(InputFileError, match="unknown field 'role'"):
        load_mapping({"fields": {"role": "x"}})


# -- what a survey export needs ----------------------------------------------------------------------------
def test_survey_needs_relationship_and_cycle(store, exports):
    with pytest.raises(
        ValuekitError, match="say which relationship.*stored relationships: acme-bolt, other-rel"
    ):
        import_path(exports / "qualtrics.csv", store)
    with pytest.raises(ValuekitError, match="say which cycle.*cycles of 'acme-bolt': solve, dissolve-1"):
        import_path(exports / "qualtrics.csv", store, relationship_id=REL)
    with pytest.raises(NotFoundError, match="no relationship 'nope'.*available: acme-bolt, other-rel"):
        import_path(exports / "qualtrics.csv", store, relationship_id="nope", cycle_id="solve")
    with pytest.raises(NotFoundError, match="no cycle 'resolve'.*available: solve, dissolve-1"):
        import_path(exports / "qualtrics.csv", store, relationship_id=REL, cycle_id="resolve")


def test_survey_needs_a_party_column(store, tmp_path):
    path = tmp_path / "nofields.csv"
    path.write_text(
        "Timestamp,The extent to which problems are raised openly and early\n2023/11/01 9:00:00,3\n"
    )
    with pytest.raises(InputFileError, match="no column gives each respondent's party.*fields: {party:"):
        import_path(path, store, relationship_id=REL, cycle_id="solve")
    result = import_path(
        path,
        store,
        relationship_id=REL,
        cycle_id="solve",
        mapping={"defaults": {"party": "acme", "level": "Analyst", "function": "IT"}},
    )
    assert result.exit_code == 0 and ratings(store) == {("acme", "Analyst", "TRU-01"): 3}


# -- idempotency, replace, dry run ------------------------------------------------------------------------
def test_importing_twice_changes_nothing(store, exports):
    first = import_path(exports / "qualtrics.csv", store, relationship_id=REL, cycle_id="solve")
    before = store.fingerprint()
    second = import_path(exports / "qualtrics.csv", store, relationship_id=REL, cycle_id="solve")
    assert store.fingerprint() == before
    assert counts(second) == {t: (0, ins) for t, (ins, _) in counts(first).items()}
    assert "Unchanged (already stored): 17 rows" in second.summary()
    assert second.exit_code == 0


def test_replace_replaces_one_cycle_only(store, exports, tmp_path):
    import_path(exports / "surveymonkey.csv", store, relationship_id=REL, cycle_id="dissolve-1")
    import_path(exports / "qualtrics.csv", store, relationship_id=REL, cycle_id="solve")
    other_cycle = store.read("responses", REL, "dissolve-1")
    changed = tmp_path / "changed.csv"
    text = (
        (exports / "qualtrics.csv")
        .read_text()
        .replace("Escalations take weeks to resolve", "Escalations go unanswered")
    )
    changed.write_text(text)
    with pytest.raises(ValuekitError, match="already stored with different values"):
        import_path(changed, store, relationship_id=REL, cycle_id="solve")
    result = import_path(changed, store, relationship_id=REL, cycle_id="solve", replace=True)
    assert ratings(store)[("acme", "Director", "PAC-01")] == 1
    assert counts(result)["responses"] == (1, 8)
    pd.testing.assert_frame_equal(store.read("responses", REL, "dissolve-1"), other_cycle)
    assert len(store.read("relationships")) == 2 and len(store.read("parties", REL)) == 2


def test_dry_run_writes_nothing(store, exports):
    before = store.fingerprint()
    result = import_path(
        exports / "qualtrics.csv", store, relationship_id=REL, cycle_id="solve", dry_run=True
    )
    assert store.fingerprint() == before
    assert counts(result)["responses"] == (9, 0)
    assert result.summary().splitlines()[0].endswith("dry run, nothing written")
    assert "Would store 17 new rows" in result.summary()


# -- canonical tables -------------------------------------------------------------------------------------
def _with_responses(store, exports):
    import_path(exports / "qualtrics.csv", store, relationship_id=REL, cycle_id="solve")
    return store


def test_canonical_folder_round_trip_and_idempotency(store, exports, tmp_path):
    _with_responses(store, exports)
    store.export(tmp_path / "out")
    with Store(tmp_path / "new.duckdb") as new:
        result = import_path(tmp_path / "out", new)
        assert result.format == "canonical" and result.exit_code == 0
        for table in TABLES:
            pd.testing.assert_frame_equal(new.read(table), store.read(table), check_dtype=True)
        again = import_path(tmp_path / "out", new)
        assert all(ins == 0 for ins, _ in counts(again).values())
        assert sum(un for _, un in counts(again).values()) == sum(ins for ins, _ in counts(result).values())


def test_canonical_parquet_round_trip(store, exports, tmp_path):
    _with_responses(store, exports)
    store.export(tmp_path / "pq", fmt="parquet")
    with Store(tmp_path / "new.duckdb") as new:
        result = import_path(tmp_path / "pq", new)
        assert result.exit_code == 0
        for table in TABLES:
            pd.testing.assert_frame_equal(new.read(table), store.read(table))


def test_canonical_raw_ids_are_pseudonymised(store, tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "participants.csv").write_text(
        "relationship_id,participant_id,party_id,local_level,local_function\n"
        "acme-bolt,alice@acme.example,acme,Director,IT\nacme-bolt,E123,bolt,Lead,Sales\n"
    )
    (folder / "responses.csv").write_text(
        "relationship_id,cycle_id,participant_id,code_id,rating,desired,importance\n"
        "acme-bolt,solve,alice@acme.example,TRU-01,4,,\nacme-bolt,solve,E123,PAC-01,,,3\n"
    )
    result = import_path(folder, store)
    assert result.exit_code == 0, result.summary()
    text = store_text(store)
    assert "alice" not in text and "E123" not in text
    resp = store.read("responses", REL).merge(
        store.read("participants", REL), on=["relationship_id", "participant_id"]
    )
    assert dict(zip(resp["party_id"], resp["rating"].astype(object), strict=True))["acme"] == 4


def test_canonical_dates_from_excel(store, tmp_path):
    path = tmp_path / "cycles.csv"
    path.write_text(
        "relationship_id;cycle_id;sequence;opened;closed\n"
        "acme-bolt;dissolve-2;3;45231;\n"  # an Excel serial date
        "acme-bolt;dissolve-3;4;15/01/2025;31/01/2025\n"  # as Excel shows dates in the UK
        "acme-bolt;dissolve-4;5;2025-06-01 00:00:00;01.07.2025\n"
    )
    result = import_path(path, store)
    assert result.exit_code == 0, result.summary()
    cycles = store.read("cycles", REL).set_index("cycle_id")
    assert cycles.loc["dissolve-2", "opened"] == pd.Timestamp("2023-11-01")
    assert pd.isna(cycles.loc["dissolve-2", "closed"])
    assert cycles.loc["dissolve-3", "opened"] == pd.Timestamp("2025-01-15")
    assert cycles.loc["dissolve-4", "closed"] == pd.Timestamp("2025-07-01")


def test_canonical_relationship_filter(store, tmp_path):
    store.export(tmp_path / "out")
    with Store(tmp_path / "new.duckdb") as new:
        result = import_path(tmp_path / "out", new, relationship_id="other-rel")
        assert new.relationship_ids() == ["other-rel"]
        assert any("left out" in n for n in result.notes)


# -- hypothesis: canonical round trip ----------------------------------------------------------------------
_levels = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def portfolios(draw):
    tables = design()
    people = draw(st.integers(1, 6))
    rows_p, rows_i, rows_r, rows_c = [], [], [], []
    for i in range(people):
        party = draw(st.sampled_from(["acme", "bolt"]))
        level = draw(st.sampled_from(["Director", "Analyst"] if party == "acme" else ["Partner", "Lead"]))
        function = draw(st.sampled_from(["Finance", "IT"] if party == "acme" else ["Delivery", "Sales"]))
        pid = f"p_{i:016x}"  # the store holds pseudonyms; an export carries them as they are
        rows_p.append((REL, pid, party, level, function))
        rows_i.append((REL, "solve", pid, draw(st.booleans())))
        for code in draw(st.lists(st.sampled_from(["TRU-01", "PAC-01"]), unique=True)):
            rows_r.append((REL, "solve", pid, code, draw(_levels), draw(_levels), draw(_levels)))
        if draw(st.booleans()):
            text = draw(
                st.text(
                    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30
                )
            )
            if text.strip():
                rows_c.append((REL, "solve", pid, "oq-change", text))
    cols = {t: columns(t) for t in ("participants", "invitations", "responses", "comments")}
    tables["participants"] = pd.DataFrame(rows_p, columns=cols["participants"])
    tables["invitations"] = pd.DataFrame(rows_i, columns=cols["invitations"])
    tables["responses"] = pd.DataFrame(rows_r, columns=cols["responses"])
    for c in ("rating", "desired", "importance"):
        tables["responses"][c] = tables["responses"][c].astype("Int64")
    tables["comments"] = pd.DataFrame(rows_c, columns=cols["comments"])
    return tables


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=portfolios(), fmt=st.sampled_from(["csv", "parquet"]))
def test_round_trip_property(tmp_path_factory, data, fmt, templates):
    folder = tmp_path_factory.mktemp("rt")
    with Store(folder / "a.duckdb") as a, Store(folder / "b.duckdb") as b:
        a.write(data)
        a.export(folder / "out", fmt=fmt)
        result = import_path(folder / "out", b)
        assert result.rejected.empty, result.summary()
        for table in TABLES:
            left = a.read(table).sort_values(KEYS[table]).reset_index(drop=True)
            right = b.read(table).sort_values(KEYS[table]).reset_index(drop=True)
            pd.testing.assert_frame_equal(left, right)


def test_a_survey_export_named_like_a_table_is_still_a_survey(exports):
    (exports / "qualtrics.csv").rename(exports / "responses.csv")
    assert detect_format(exports / "responses.csv") == "qualtrics"


def test_canonical_replace_keeps_what_the_import_does_not_hold(store, exports, tmp_path):
    import_path(exports / "qualtrics.csv", store, relationship_id=REL, cycle_id="solve")
    store.export(tmp_path / "out")
    only = tmp_path / "only"
    only.mkdir()
    responses = pd.read_csv(tmp_path / "out" / "responses.csv", dtype=str, keep_default_na=False)
    responses.loc[responses["code_id"] == "PAC-01", "rating"] = "1"
    responses.to_csv(only / "responses.csv", index=False)
    with pytest.raises(ValuekitError, match="already stored with different values"):
        import_path(only, store)
    result = import_path(only, store, replace=True)
    assert result.exit_code == 0 and counts(result) == {"responses": (3, 6)}
    assert set(store.read("responses", REL).query("code_id == 'PAC-01'")["rating"]) == {1}
    assert len(store.read("participants", REL)) == 3 and len(store.read("cycles", REL)) == 2
