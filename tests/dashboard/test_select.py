"""Filters select rows of the gated tables; tiles render them, hidden groups in the gate's words."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuekit.analysis.privacy import public_reason
from valuekit.analysis.themes import Themes
from valuekit.dashboard._select import (
    ALL,
    DEPENDS,
    Filters,
    columns_of,
    engagement_rows,
    heat_scores,
    selected_engagement,
    selected_label,
)
from valuekit.dashboard._style import level_colour
from valuekit.dashboard._tiles import TILES, header_html, heatmap_html, summary_html, themes_html
from valuekit.schemas import LEVEL_COLOURS
from valuekit.store import Store


def test_filters_fix_columns_in_order():
    f = Filters(party="acme", function="finance")
    assert f.fixed() == {"party_id": "acme", "common_function": "finance"}
    assert f.by() == ("party_id", "common_function")
    assert columns_of(f) == ("party_id", "common_level", "common_function")
    assert columns_of(Filters()) == ("party_id", "common_level")
    assert Filters(thing="trust").changed(Filters()) == {"thing"}
    assert set(DEPENDS) == set(TILES)


def test_selected_group_and_its_engagement_match_the_raw_store(quarry, store_path):
    with Store(store_path, read_only=True) as store:
        inv = store.read("invitations", "quarry-lane-brightfm", "solve")
        people = store.read("participants", "quarry-lane-brightfm")
    inv = inv.merge(people[["participant_id", "party_id"]], on="participant_id")
    for party in ("quarry-lane", "brightfm"):
        f = Filters(party=party)
        row = selected_engagement(quarry, f)
        mine = inv[inv["party_id"] == party]
        assert not row["suppressed"]
        assert (row["invited"], row["responded"]) == (len(mine), int(mine["responded"].sum()))
        assert selected_label(quarry, f) == quarry.party_names[party]
    assert selected_engagement(quarry, Filters())["responded"] == int(inv["responded"].sum())


def test_heat_map_columns_are_the_selected_group_then_the_groups_inside_it(quarry):
    cells, groups = heat_scores(quarry, Filters(party="brightfm"))
    names = quarry.party_names
    assert groups[0] == names["brightfm"]
    assert groups[1:] == [f"{names['brightfm']} {lv.replace('_', ' ')}" for lv in quarry.levels]
    cells, groups = heat_scores(quarry, Filters(party="brightfm", level="senior_leadership"))
    assert groups == [f"{names['brightfm']} senior leadership"]  # the selected group is the one compared
    cells, _ = heat_scores(quarry, Filters(thing="trust"))
    assert set(cells["thing_that_matters"]) == {"trust"}
    eng = engagement_rows(quarry, Filters(level="front_line"))
    assert set(eng["common_level"]) == {"front_line"} and set(eng["party_id"]) == set(names)


def test_the_small_group_reads_the_gates_reason_and_no_number(quarry):
    f = Filters(party="brightfm", level="senior_leadership")
    summary = summary_html(quarry, f)
    assert public_reason(quarry.k, "engagement") in summary
    heat = heatmap_html(quarry, f)
    assert public_reason(quarry.k) in heat and "Not shown" in heat
    assert "<table" not in heat  # nothing left to draw: no cell, so no number


def text_of_hidden_cells(html: str) -> list[str]:
    return re.findall(r'<td class="vk-cell vk-hidden[^"]*"[^>]*>([^<]*)</td>', html)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_filter_combination_renders_and_hidden_cells_hold_no_number(quarry, data):
    f = Filters(
        party=data.draw(st.sampled_from([ALL, *quarry.parties["party_id"]])),
        level=data.draw(st.sampled_from([ALL, *quarry.levels])),
        function=data.draw(st.sampled_from([ALL, *quarry.functions])),
        thing=data.draw(st.sampled_from([ALL, *quarry.things["thing_that_matters"]])),
    )
    for name, render in TILES.items():
        html = render(quarry, f)
        assert "could not be shown" not in html, name
    assert all(text == "hidden" for text in text_of_hidden_cells(heatmap_html(quarry, f)))
    row = selected_engagement(quarry, f)
    if row is not None and row["suppressed"]:  # the card says why, and shows no number
        took = re.search(r'data-vk="took-part">([^<]*)<', summary_html(quarry, f)).group(1)
        assert took == public_reason(quarry.k, "engagement")


def test_data_is_escaped(quarry):
    view = dataclasses.replace(
        quarry, relationship={**quarry.relationship, "name": "<script>alert(1)</script>"}
    )
    assert "<script>alert" not in header_html(view) and "&lt;script&gt;" in header_html(view)
    table = pd.DataFrame(
        {"theme_id": ["T01"], "label": ["<b>staff</b> / turnover"], "top_terms": ["staff"], "n_comments": [12],
         "n_respondents": [11], "share": [0.4], "tone": ["negative"], "tone_score": [-0.3],
         "matches_known": [None], "is_candidate_new": [True], "suppressed": [False], "suppressed_reason": [None]}
    )  # fmt: skip
    quotes = pd.DataFrame({"theme_id": ["T01"], "quote": ["<img src=x onerror=alert(1)>"]})
    view = dataclasses.replace(quarry, themes=Themes(table=table, quotes=quotes, suppressed=quotes.iloc[:0]))
    html = themes_html(view)
    assert "<img" not in html and "&lt;img src=x" in html and "&lt;b&gt;staff" in html
    assert "candidate new Thing That Matters" in html


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_level_colours_are_the_statements_own(level):
    assert level_colour(level) == LEVEL_COLOURS[level]


def test_colours_between_levels_are_interpolated():
    lo, hi = LEVEL_COLOURS[2], LEVEL_COLOURS[3]
    mid = level_colour(2.5)
    for i in (1, 3, 5):
        a, b, m = (int(c[i : i + 2], 16) for c in (lo, hi, mid))
        assert abs(m - (a + b) / 2) <= 1
    assert level_colour(0) == LEVEL_COLOURS[1] and level_colour(9) == LEVEL_COLOURS[5]


def test_hidden_cells_never_show_a_mean(quarry):
    cells, _ = heat_scores(quarry, Filters(party="brightfm"))
    assert cells.loc[cells["suppressed"], "mean"].isna().all()
    shown = cells[~cells["suppressed"]]
    html = heatmap_html(quarry, Filters(party="brightfm"))
    for mean in shown["mean"].head(5):
        assert f">{mean:.2f}</td>" in html
    assert isinstance(shown, pd.DataFrame)
