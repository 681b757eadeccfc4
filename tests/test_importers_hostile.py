"""Hostile input: every bad file fails clearly, every bad row is rejected with its place and reason, and good
rows are still stored. Row numbers are those a spreadsheet shows (header rows included)."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from tests import test_importers_support as support
from tests.test_importers_support import REL, assert_no_identities, counts, store_text
from valuekit.errors import InputFileError
from valuekit.importers import _result, import_path

SOLVE = {"relationship_id": REL, "cycle_id": "solve"}
templates, store, exports = support.templates, support.store, support.exports  # fixtures


def edit_qualtrics(exports, edit) -> str:
    """The Qualtrics fixture with ``edit(rows)`` applied to its parsed rows; written back as CSV."""
    rows = list(csv.reader(io.StringIO((exports / "qualtrics.csv").read_text())))
    edit(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path = exports / "edited.csv"
    path.write_text(buf.getvalue())
    return path


def col(rows, name):
    return rows[0].index(name)


def problems(result) -> list[tuple]:
    return [
        (r.row, None if pd.isna(r.column) else r.column, r.reason.split(":")[0].split(";")[0])
        for r in result.rejected.itertuples()
    ]


# -- whole-file problems ----------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n"])
def test_empty_file(store, tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match="empty.csv: the file is empty"):
        import_path(path, store, **SOLVE)


def test_header_only(store, exports):
    path = exports / "header_only.csv"
    path.write_text("".join((exports / "qualtrics.csv").read_text().splitlines(keepends=True)[:3]))
    with pytest.raises(InputFileError, match="header rows but no responses"):
        import_path(path, store, **SOLVE)


def test_truncated_mid_row(store, exports):
    text = (exports / "qualtrics.csv").read_text()
    path = exports / "cut.csv"
    path.write_text(text[: text.rindex("Best practice")])
    with pytest.raises(
        InputFileError, match=r"the last row \(row 6\) has 24 of 26 fields: the file looks truncated"
    ):
        import_path(path, store, **SOLVE)


def test_truncated_inside_quotes(store, exports):
    text = (exports / "qualtrics.csv").read_text()
    path = exports / "cut.csv"
    path.write_text(text[: text.index("joint planning")])
    with pytest.raises(InputFileError, match="row 4: malformed CSV.*never closed: the file looks cut off"):
        import_path(path, store, **SOLVE)


def test_wrong_delimiter(store, exports):
    path = exports / "colons.csv"
    path.write_text((exports / "google_forms.csv").read_text().replace(",", ":"))
    with pytest.raises(InputFileError, match="everything is in one column.*wrong delimiter"):
        import_path(path, store, **SOLVE)


def test_unreadable_encoding(store, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"Timestamp,a\x00b\x00\n\x00\x01\x02")
    with pytest.raises(InputFileError, match="unreadable encoding"):
        import_path(path, store, **SOLVE)


def test_unknown_format(store, tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("when,who,what\n2023,me,3\n")
    with pytest.raises(
        InputFileError, match="cannot tell which survey tool.*fmt= one of canonical, qualtrics"
    ):
        import_path(path, store, **SOLVE)
    with pytest.raises(InputFileError, match="unknown format 'typeform'; formats: canonical"):
        import_path(path, store, fmt="typeform", **SOLVE)


def test_damaged_workbook(store, tmp_path):
    path = tmp_path / "forms.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputFileError, match="not a readable Excel workbook"):
        import_path(path, store, fmt="microsoft-forms", **SOLVE)


def test_missing_file(store, tmp_path):
    with pytest.raises(InputFileError, match="no such file or folder"):
        import_path(tmp_path / "nope.csv", store, **SOLVE)


# -- encodings and delimiters -----------------------------------------------------------------------------
def test_cp1252_with_accents(store, exports):
    text = (exports / "google_forms.csv").read_text().replace("Director,Finance", "Gérant,Finance")
    text = text.replace("Answer the phone", '"Très bien – café, s’il vous plaît"')
    path = exports / "windows.csv"
    path.write_bytes(text.encode("cp1252"))
    result = import_path(path, store, mapping=exports / "google_forms.mapping.yaml", **SOLVE)
    assert result.exit_code == 0 and result.encoding == "cp1252"
    assert "read as Windows-1252" in result.summary()
    assert "Gérant" in set(store.read("participants", REL)["local_level"])
    assert store.read("comments", REL)["text"].tolist() == ["Très bien – café, s’il vous plaît"]


def test_utf8_bom(store, exports):
    path = exports / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (exports / "google_forms.csv").read_bytes())
    result = import_path(path, store, mapping=exports / "google_forms.mapping.yaml", **SOLVE)
    assert result.format == "google-forms" and result.exit_code == 0
    assert counts(result)["responses"] == (5, 0)


def test_semicolon_delimiter(store, exports):
    rows = list(csv.reader(io.StringIO((exports / "qualtrics.csv").read_text())))
    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows(rows)
    path = exports / "semicolons.csv"
    path.write_text(buf.getvalue())
    result = import_path(path, store, **SOLVE)
    assert result.format == "qualtrics" and result.exit_code == 0
    assert counts(result)["responses"] == (9, 0) and counts(result)["comments"] == (2, 0)


# -- row problems -----------------------------------------------------------------------------------------
def test_level_seven_rejects_that_answer_only(store, exports):
    def edit(rows):
        rows[4][col(rows, "Q1_1")] = "7"  # row 5 in a spreadsheet

    result = import_path(edit_qualtrics(exports, edit), store, **SOLVE)
    assert result.exit_code == 1
    assert problems(result) == [(5, "Q1_1", "level 7 is out of range")]
    assert result.rejected.loc[0, "value"] == "7"
    assert counts(result)["participants"] == (3, 0)  # the respondent is kept …
    assert counts(result)["responses"] == (8, 0)  # … with every answer but the bad one
    rejects = pd.read_csv(result.rejects_path, dtype=str, keep_default_na=False)
    pseudonym = store.pseudonymise(["R_2bbbbbbbbbbbbbb"], REL)[0]
    assert rejects.loc[0, "Q1_1"] == "7" and rejects.loc[0, "ResponseId"] == pseudonym
    assert rejects.loc[0, "RecipientEmail"] == "[removed]" and rejects.loc[0, "IPAddress"] == "[removed]"
    assert (
        "Rejected 1 problems in 1 rows" in result.summary() and str(result.rejects_path) in result.summary()
    )


def test_unrecognised_answer_text(store, exports):
    def edit(rows):
        rows[3][col(rows, "Q1_2")] = "Sometimes"

    result = import_path(edit_qualtrics(exports, edit), store, **SOLVE)
    assert problems(result) == [(4, "Q1_2", "unrecognised answer")]
    assert "Value Code PAC-01" in result.rejected.loc[0, "reason"]


def test_unknown_code_in_mapping(store, exports):
    result = import_path(exports / "qualtrics.csv", store, mapping={"questions": {"Q1_1": "XYZ-99"}}, **SOLVE)
    assert result.exit_code == 1
    assert problems(result) == [(r, "Q1_1", "unknown Value Code 'XYZ-99'") for r in (4, 5, 6)]
    assert counts(result)["responses"] == (6, 0)  # TRU-01's column is left out; the rest is stored


def test_duplicate_respondent(store, exports):
    def edit(rows):
        rows.append(list(rows[3]))  # row 4 again, as row 7

    result = import_path(edit_qualtrics(exports, edit), store, **SOLVE)
    assert problems(result) == [(7, "ResponseId", "duplicate respondent")]
    assert "the same id as row 4" in result.rejected.loc[0, "reason"]
    assert counts(result)["participants"] == (3, 0)


def test_party_not_in_relationship(store, exports):
    def edit(rows):
        rows[5][col(rows, "party")] = "Zeta Corp"

    result = import_path(edit_qualtrics(exports, edit), store, **SOLVE)
    assert problems(result) == [(6, "party", "party not in relationship 'acme-bolt'")]
    assert "acme (Acme Ltd), bolt (Bolt Services)" in result.rejected.loc[0, "reason"]
    assert result.rejected.loc[0, "value"] == "Zeta Corp"
    assert counts(result)["participants"] == (2, 0) and counts(result)["responses"] == (6, 0)


def test_local_level_not_in_equivalence_map(store, exports):
    def edit(rows):
        rows[3][col(rows, "level")] = "Intern"
        rows[4][col(rows, "function")] = ""

    result = import_path(edit_qualtrics(exports, edit), store, **SOLVE)
    assert problems(result) == [
        (4, "level", "local level not in the equivalence map of party 'acme'"),
        (5, "function", "the local function is empty"),
    ]
    assert "Analyst, Director, Gérant, Manager" in result.rejected.loc[0, "reason"]


def test_not_applicable_is_missing_never_zero(store, exports):
    import_path(exports / "qualtrics.csv", store, **SOLVE)
    resp = store.read("responses", REL)
    assert resp["rating"].isna().sum() == 2
    assert not (resp["rating"] == 0).any()


def test_wrong_side_answers_a_mirror_half(store, exports):
    def edit(rows):
        rows[3][col(rows, "Q5")] = "We share plans regularly"  # a client answering the supplier's half

    result = import_path(edit_qualtrics(exports, edit), store, **SOLVE)
    assert problems(result) == [(4, "Q5", "Value Code 'VIS-S' is rated by the supplier side only")]


def test_survey_preview_is_not_a_respondent(store, exports):
    def edit(rows):
        rows[3][col(rows, "Status")] = "Survey Preview"

    result = import_path(edit_qualtrics(exports, edit), store, **SOLVE)
    assert problems(result) == [(4, "Status", "a survey preview, test or spam response, not a respondent")]


def test_ragged_middle_row(store, exports):
    lines = (exports / "google_forms.csv").read_text().splitlines()
    lines.insert(2, "2023/11/01 9:10:00 AM GMT,x@acme.example,X,Acme Ltd,Director")
    path = exports / "ragged.csv"
    path.write_text("\n".join(lines) + "\n")
    result = import_path(path, store, mapping=exports / "google_forms.mapping.yaml", **SOLVE)
    assert problems(result) == [(3, None, "the row has 5 fields but the header has 10")]
    assert counts(result)["participants"] == (2, 0)


def test_every_row_rejected_stores_nothing(store, exports):
    def edit(rows):
        for r in rows[3:]:
            r[col(rows, "party")] = "Nobody"

    result = import_path(edit_qualtrics(exports, edit), store, **SOLVE)
    assert result.exit_code == 2
    assert len(result.rejected) == 3 and "Stored nothing new." in result.summary()
    assert store.read("participants", REL).empty


def test_no_identities_in_store_or_rejects(store, exports):
    def edit(rows):
        rows[3][col(rows, "Q1_1")] = "9"
        rows[4][col(rows, "party")] = "jane.doe@acme.example"  # an e-mail typed where it does not belong
        rows[5][col(rows, "Q4_TEXT")] = "Ask John Smith, 203.0.113.5"

    result = import_path(edit_qualtrics(exports, edit), store, **SOLVE)
    rejects = result.rejects_path.read_text(encoding="utf-8-sig")
    assert "[removed]" in rejects
    comments = store.read("comments", REL)["text"].tolist()
    assert "Ask John Smith, [IP address removed]" in comments  # names in free text are the analysis' job
    store_without_comments = store_text(store).replace("Ask John Smith", "")
    assert_no_identities(store_without_comments, rejects, result.rejected.to_csv())


# -- where the rejects go ---------------------------------------------------------------------------------
def _bad_file(exports):
    def edit(rows):
        rows[3][col(rows, "Q1_1")] = "7"

    return edit_qualtrics(exports, edit)


def test_rejects_file_beside_the_input(store, exports):
    result = import_path(_bad_file(exports), store, **SOLVE)
    assert result.rejects_path == exports / "edited.rejects.csv" and result.rejects_path.exists()


def test_rejects_file_in_current_directory_when_input_folder_is_read_only(
    store, exports, tmp_path, monkeypatch
):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(_result, "_can_write", lambda folder: False)
    result = import_path(_bad_file(exports), store, **SOLVE)
    assert result.rejects_path == work / "edited.rejects.csv" and result.rejects_path.exists()


def test_rejects_file_where_asked_and_not_on_dry_run(store, exports, tmp_path):
    target = tmp_path / "elsewhere" / "r.csv"
    target.parent.mkdir()
    result = import_path(_bad_file(exports), store, rejects_path=target, **SOLVE)
    assert result.rejects_path == target and target.exists()
    dry = import_path(_bad_file(exports), store, dry_run=True, rejects_path=tmp_path / "dry.csv", **SOLVE)
    assert dry.rejects_path is None and not (tmp_path / "dry.csv").exists()
    assert len(dry.rejected) == 1


# -- canonical tables -------------------------------------------------------------------------------------
def test_canonical_rows_checked_one_by_one(store, tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "participants.csv").write_text(
        "relationship_id,participant_id,party_id,local_level,local_function\n"
        "acme-bolt,p1,acme,Director,IT\n"  # row 2: good
        "acme-bolt,p2,zeta,Director,IT\n"  # row 3: party not in relationship
        "acme-bolt,p3,acme,Intern,IT\n"  # row 4: level not in the equivalence map
        "acme-bolt,p4,bolt,Lead,Sales\n"  # row 5: good
        "acme-bolt,p1,acme,Director,IT\n"  # row 6: duplicate key
    )
    (folder / "responses.csv").write_text(
        "relationship_id,cycle_id,participant_id,code_id,rating,desired,importance\n"
        "acme-bolt,solve,p1,TRU-01,3,,\n"  # row 2: good
        "acme-bolt,solve,p1,PAC-01,7,,\n"  # row 3: level out of range
        "acme-bolt,solve,p1,XYZ-99,2,,\n"  # row 4: unknown code
        "acme-bolt,solve,p9,TRU-01,2,,\n"  # row 5: participant not found
        "acme-bolt,solve,p2,TRU-01,2,,\n"  # row 6: its participant was rejected
        "acme-bolt,solve,p4,TRU-01,high,,\n"  # row 7: not a number
        "acme-bolt,solve,p4,PAC-01,N/A,,4\n"  # row 8: good (no rating, importance 4)
        "acme-bolt,solve,p4,VIS-S,3.0,,\n"  # row 9: good, as Excel writes 3
    )
    result = import_path(folder, store)
    assert result.exit_code == 1
    assert problems(result) == [
        (3, "party_id", "party not in relationship 'acme-bolt'"),
        (4, "local_level", "local level not in the equivalence map of party 'acme'"),
        (6, "participant_id", "duplicate key (relationship_id, participant_id)"),
        (3, "rating", "level 7 is out of range"),
        (4, "code_id", "unknown Value Code"),
        (5, "participant_id", "participant not found in relationship 'acme-bolt'"),
        (6, "participant_id", "participant not found in relationship 'acme-bolt'"),
        (7, "rating", "not a whole number"),
    ]
    files = result.rejected["file"].map(lambda f: f.rsplit("/", 1)[-1]).tolist()
    assert files == ["participants.csv"] * 3 + ["responses.csv"] * 5
    assert counts(result) == {"participants": (2, 0), "responses": (3, 0)}
    assert result.rejects_path == tmp_path / "tables.rejects.csv"
    stored = store.read("responses", REL)
    assert sorted(
        stored["rating"].astype(object).where(stored["rating"].notna(), None).tolist(), key=str
    ) == [
        3,
        3,
        None,
    ]


def test_canonical_semicolons_decimal_commas_and_bad_dates(store, tmp_path):
    path = tmp_path / "relationships.csv"
    path.write_text(
        "relationship_id;name;sector;annual_value_m;start_date;end_date;other_initiatives;template_id;"
        "template_version\n"
        "new-rel;New;Retail;2,5;01/02/2024;45658;TRUE;tiny;1.0.0\n"
        "bad-rel;Bad;Retail;1;someday;2025-01-01;no;tiny;1.0.0\n"
        "back-rel;Back;Retail;1;2025-01-01;2024-01-01;no;tiny;1.0.0\n"
    )
    result = import_path(path, store)
    assert problems(result) == [
        (3, "start_date", "not a date (write it as YYYY-MM-DD)"),
        (4, "end_date", "end_date is before start_date"),
    ]
    rel = store.read("relationships", "new-rel").iloc[0]
    assert rel["annual_value_m"] == 2.5 and bool(rel["other_initiatives"]) is True
    assert rel["start_date"] == pd.Timestamp("2024-02-01") and rel["end_date"] == pd.Timestamp("2025-01-01")


def test_canonical_missing_column(store, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text("relationship_id,cycle_id,participant_id,code_id,rating\nacme-bolt,solve,p1,TRU-01,3\n")
    with pytest.raises(InputFileError, match="lacks the columns desired, importance"):
        import_path(path, store)


def test_canonical_empty_folder(store, tmp_path):
    with pytest.raises(InputFileError, match="cannot tell which survey tool wrote this folder"):
        import_path(tmp_path, store)
    with pytest.raises(InputFileError, match="no canonical tables here"):
        import_path(tmp_path, store, fmt="canonical")


def test_respondent_stored_differently_before(store, exports):
    import_path(exports / "qualtrics.csv", store, **SOLVE)

    def edit(rows):
        rows[3][col(rows, "level")] = "Analyst"  # R_1 was a Director in the earlier import

    result = import_path(edit_qualtrics(exports, edit), store, relationship_id=REL, cycle_id="dissolve-1")
    assert problems(result) == [
        (
            4,
            "ResponseId",
            "this respondent is already stored as party 'acme', level 'Director', function 'Finance' (an earlier import)",
        )
    ]
    assert result.rejected.loc[0, "value"] == store.pseudonymise(["R_1aaaaaaaaaaaaaa"], REL)[0]
    assert counts(result)["participants"] == (0, 2)  # the other two are the same people as before


def test_mapping_gives_one_code_two_columns(store, exports):
    with pytest.raises(InputFileError, match="gives Value Code 'TRU-01' two rating columns"):
        import_path(
            exports / "qualtrics.csv",
            store,
            mapping={"questions": {"Q1_1": "TRU-01", "Q1_2": "TRU-01"}},
            **SOLVE,
        )


def test_two_columns_matching_one_code(store, exports):
    text = (exports / "google_forms.csv").read_text().splitlines()
    text[0] += ",The extent to which problems are raised openly and early"
    text[1:] = [line + ",3" for line in text[1:]]
    path = exports / "twice.csv"
    path.write_text("\n".join(text) + "\n")
    result = import_path(path, store, mapping=exports / "google_forms.mapping.yaml", **SOLVE)
    assert any("also matches TRU-01 (rating)" in n for n in result.notes)
    assert ratings_of(store) == [1, 4]  # read from the first column, not the second


def ratings_of(store):
    resp = store.read("responses", REL)
    return sorted(resp.loc[resp["code_id"] == "TRU-01", "rating"].tolist())
