"""The dashboards as widgets, in this process: what a page is built with, and what a filter change redraws."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from valuekit.dashboard import (
    PortfolioDashboard,
    RelationshipDashboard,
    portfolio_access,
    relationship_access,
    relationship_dashboard,
    sign,
)
from valuekit.dashboard import _relationship as app
from valuekit.dashboard._access import OPEN, REFUSALS, TOKEN


def locked(relationship: str, cycle: str | None = None) -> str:
    query = f"relationship={relationship}&token={sign(relationship)}"
    return query + (f"&cycle={cycle}" if cycle else "")


def all_widgets(root) -> list:
    out, todo = [], [root]
    while todo:
        w = todo.pop()
        out.append(w)
        todo.extend(getattr(w, "children", ()))
    return out


def dropdowns(dash) -> dict[str, widgets.Dropdown]:
    return {w.description: w for w in all_widgets(dash.root) if isinstance(w, widgets.Dropdown)}


@pytest.fixture
def dash(store_path, cache_dir, quarry):
    access = relationship_access(locked("quarry-lane-brightfm", "solve"), mode=TOKEN)
    return RelationshipDashboard(access, store_path=store_path)


def test_a_locked_page_has_no_relationship_picker(dash):
    assert dash.access.locked and dash.relationship is None
    boxes = dropdowns(dash)
    assert "Relationship" not in boxes
    assert set(boxes) == {"Cycle", "Party", "Level", "Function", "Thing That Matters"}
    assert [v for _, v in boxes["Cycle"].options] == ["resolve", "solve"]  # its own cycles only
    assert dash.view.relationship_id == "quarry-lane-brightfm"


def test_a_refused_page_loads_nothing(store_path, cache_dir):
    access = relationship_access(
        f"relationship=harbourside-northwind&token={sign('quarry-lane-brightfm')}", mode=TOKEN
    )
    dash = RelationshipDashboard(access, store_path=store_path)
    assert dash.view is None and not dropdowns(dash)
    text = " ".join(w.value for w in all_widgets(dash.root) if isinstance(w, widgets.HTML))
    assert REFUSALS["invalid"] in text
    assert "Harbourside" not in text and "harbourside" not in text


def test_filter_changes_redraw_only_the_tiles_that_depend_on_them(dash):
    sent = {name: 0 for name in dash.tiles}
    for name, tile in dash.tiles.items():
        tile.observe(lambda change, n=name: sent.__setitem__(n, sent[n] + 1), "value")
    dash.thing.value = "trust"
    assert sent["themes"] == 0 and sent["engagement"] == 0  # neither reads the Thing That Matters
    assert sent["heatmap"] == 1
    before = dict(sent)
    dash.party.value = "brightfm"
    assert sent["themes"] == before["themes"] and sent["findings"] == before["findings"]
    assert sent["mirror"] == before["mirror"]  # a mirror pair compares the parties: no party filter
    assert sent["engagement"] == before["engagement"] + 1
    assert dash.timings["draw"] < 1.0


def test_cycle_change_reloads_and_keeps_choices(dash):
    dash.party.value = "brightfm"
    dash.cycle.value = "resolve"
    assert dash.view.cycle_id == "resolve" and dash.party.value == "brightfm"
    assert dash.status.value == "" and not dash.party.disabled


def test_a_failing_tile_says_so_plainly_and_logs_the_detail(dash, monkeypatch, capfd):
    def broken(view, f):
        raise RuntimeError("boom in the mirror tile")

    monkeypatch.setitem(app.TILES, "mirror", broken)
    dash.level.value = "front_line"
    assert "could not be shown" in dash.tiles["mirror"].value
    assert "boom" not in dash.tiles["mirror"].value and "Traceback" not in dash.tiles["mirror"].value
    err = capfd.readouterr().err
    assert "boom in the mirror tile" in err and "Traceback" in err


def test_an_analysts_page_offers_every_relationship(store_path, cache_dir, quarry):
    dash = relationship_dashboard(
        "", relationship="quarry-lane-brightfm", cycle="solve", store_path=store_path
    )
    picker = dropdowns(dash)["Relationship"]
    assert len(picker.options) == 14 and picker.value == "quarry-lane-brightfm"
    assert dash.access.mode == OPEN and not dash.access.locked


def test_a_valid_link_to_a_relationship_not_in_the_store(store_path, cache_dir):
    dash = RelationshipDashboard(relationship_access(locked("gone-away"), mode=TOKEN), store_path=store_path)
    text = " ".join(w.value for w in all_widgets(dash.root) if isinstance(w, widgets.HTML))
    assert "Nothing to show" in text and dash.view is None
    assert "harbourside" not in text and "available" not in text  # never what else the store holds
    wrong_cycle = RelationshipDashboard(
        relationship_access(locked("quarry-lane-brightfm", "dissolve-9"), mode=TOKEN), store_path=store_path
    )
    assert wrong_cycle.view is None and "Nothing to show" in wrong_cycle.root.children[-1].value


def test_portfolio_needs_its_own_token_where_tokens_are_required(store_path, cache_dir):
    refused = PortfolioDashboard(portfolio_access("", mode=TOKEN), store_path=store_path)
    assert not hasattr(refused, "view")
    assert REFUSALS["portfolio"] in refused.root.children[-1].value
    relationship_token = PortfolioDashboard(
        portfolio_access(f"token={sign('harbourside-northwind')}", mode=TOKEN), store_path=store_path
    )
    assert not hasattr(relationship_token, "view")


def test_a_broken_store_is_a_plain_sentence_and_a_logged_traceback(tmp_path, cache_dir, capfd):
    missing = tmp_path / "gone.duckdb"
    dash = RelationshipDashboard(
        relationship_access(locked("quarry-lane-brightfm"), mode=TOKEN), store_path=missing
    )
    text = dash.root.children[-1].value
    assert "could not be shown just now" in text and "Traceback" not in text and str(missing) not in text
    err = capfd.readouterr().err
    assert "loading the relationship dashboard failed" in err and "Traceback" in err
