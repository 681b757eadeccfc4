"""Tests of valuekit.plots: every chart on crafted frames (seeded), the empty and all-hidden cases, and a render
of every chart from one sample relationship to PNG."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from valuekit import plots
from valuekit.errors import NotFoundError, ValuekitError
from valuekit.schemas import LEVEL_COLOURS, LEVELS

REASON = "fewer than 5 responses, or would reveal a group that small"
CODES = [  # deliberately not alphabetical: the template's order must survive
    ("ZZ-01", "trust", "Zeta: openness about problems"),
    ("AA-02", "trust", "Alpha: keeping promises"),
    ("MM-03", "speed", "Middle: speed of escalation"),
]


# -- crafted frames ---------------------------------------------------------------------------------------------
def _gate(frame: pd.DataFrame, hidden: pd.Series, numbers: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    frame["suppressed"] = hidden.to_numpy()
    frame.loc[frame["suppressed"], numbers] = np.nan
    frame["suppressed_reason"] = pd.Series(np.where(frame["suppressed"], REASON, None), dtype="object")
    frame.attrs["privacy"] = {"k": 5, "kind": "scores"}
    return frame


def scores_frame(rng, groups=("Whole community",), hide=()) -> pd.DataFrame:
    rows = []
    for g in groups:
        for code, ttm, title in CODES:
            counts = rng.integers(1, 9, 5)
            counts[4] = 0  # nobody chose Best practice: the level must still be drawn
            n = int(counts.sum())
            row = {
                "group": g,
                "code_id": code,
                "thing_that_matters": ttm,
                "title": title,
                "n": n,
                "dont_know": 2,
            }
            row["mean"] = float((counts * np.arange(1, 6)).sum() / n)
            row |= {f"count_{lv}": int(c) for lv, c in zip(LEVELS, counts, strict=True)}
            row |= {f"share_{lv}": c / n for lv, c in zip(LEVELS, counts, strict=True)}
            rows.append(row)
    frame = pd.DataFrame(rows)
    hidden = frame["code_id"].isin(hide)
    numbers = ["n", "dont_know", "mean", *[f"count_{lv}" for lv in LEVELS], *[f"share_{lv}" for lv in LEVELS]]
    return _gate(frame, hidden, numbers)


def agreement_frame(rng, hide_all: bool = False) -> pd.DataFrame:
    rows = []
    for g in ("Client senior leadership", "Supplier senior leadership"):
        for code, ttm, title in CODES:
            rows.append({"side": g.split()[0].lower(), "common_level": "senior_leadership", "group": g,
                         "code_id": code, "thing_that_matters": ttm, "title": title, "n": 12,
                         "mean": rng.uniform(2, 4), "consensus": rng.uniform(0.6, 0.9),
                         "classification": "agreed"})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame.loc[1, ["consensus", "classification"]] = [0.2, "divided"]
    hidden = pd.Series(hide_all, index=frame.index) | (frame.index == 5)
    return _gate(frame, hidden, ["n", "mean", "consensus"])


def mirror_frame(hide: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({
        "group": "Whole community", "pair": ["RSP-02", "DEL-01"], "code_client": ["RSP-02C", "DEL-01C"],
        "code_supplier": ["RSP-02S", "DEL-01S"], "about": "supplier", "thing_that_matters": ["speed", "delivery"],
        "title": ["Supplier's responsiveness (client view)", "Supplier's service quality (client)"],
        "n_client": [40, 38], "mean_client": [2.1, 3.0], "n_supplier": [50, 52], "mean_supplier": [3.5, 3.1],
        "gap": [-1.4, -0.1], "gap_ci_low": [-1.7, -0.4], "gap_ci_high": [-1.1, 0.2], "meaningful": [True, False],
    })  # fmt: skip
    numbers = ["n_client", "mean_client", "n_supplier", "mean_supplier", "gap", "gap_ci_low", "gap_ci_high"]
    return _gate(frame, pd.Series(hide, index=frame.index), numbers)


def priorities_frame(rng, hide_all: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({
        "group": "Whole community", "code_id": [c for c, _, _ in CODES] + ["QQ-04"],
        "title": [t for _, _, t in CODES] + ["Quiet: a fourth code"],
        "n": [30, 31, 32, 33], "mean": [2.0, 2.2, 3.6, 3.4], "n_importance": 30,
        "mean_importance": [4.5, 4.2, 3.0, 4.4], "priority": [9.0, 7.6, 2.0, 3.0],
        "quadrant": ["concentrate here", "concentrate here", "low priority", "keep up the good work"],
        "rank": [1, 2, 4, 3],
    })  # fmt: skip
    return _gate(frame, pd.Series(hide_all, index=frame.index), ["n", "mean", "mean_importance", "rank"])


def change_frame(hide_all: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({
        "group": "Whole community", "root": [c for c, _, _ in CODES], "code_before": [c for c, _, _ in CODES],
        "code_after": [f"D-{c}" for c, _, _ in CODES], "thing_that_matters": [t for _, t, _ in CODES],
        "title": [t for _, _, t in CODES], "n_before": [40, 41, 42], "mean_before": [2.0, 2.5, 3.0],
        "n_after": [39, 40, 44], "mean_after": [3.2, 2.45, 3.1], "change": [1.2, -0.05, 0.1],
        "ci_low": [0.9, -0.3, -0.15], "ci_high": [1.5, 0.2, 0.35], "significant": [True, False, False],
    })  # fmt: skip
    hidden = pd.Series(hide_all, index=frame.index) | (frame.index == 2)
    return _gate(
        frame, hidden, ["n_before", "mean_before", "n_after", "mean_after", "change", "ci_low", "ci_high"]
    )


def portfolio_frame(rng, hide_all: bool = False) -> pd.DataFrame:
    rows = []
    for rel, cycle in (("alpha-beta", "solve"), ("gamma-delta", "dissolve-1"), ("eps-zeta", "resolve")):
        for ttm, name in (("trust", "Trust and openness"), ("speed", "Responsiveness")):
            rows.append({"relationship_id": rel, "cycle_id": cycle, "thing_that_matters": ttm,
                         "thing_that_matters_name": name, "n": int(rng.integers(20, 90)),
                         "mean": rng.uniform(1.5, 4.5)})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["benchmark"] = frame.groupby("thing_that_matters")["mean"].rank(pct=True) * 100
    frame["rank"] = frame.groupby("thing_that_matters")["mean"].rank(ascending=False).astype("Int64")
    frame["n_ranked"] = 3
    hidden = pd.Series(hide_all, index=frame.index) | (frame.index == 5)
    return _gate(frame, hidden, ["n", "mean", "benchmark"])


def engagement_frame(hide_all: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({
        "party_id": ["acme", "acme", "acme", "bolt", "bolt", "bolt", "all"],
        "common_level": ["senior_leadership", "front_line", "all", "senior_leadership", "front_line", "all", "all"],
        "group": ["Acme senior leadership", "Acme front line", "Acme", "Bolt senior leadership", "Bolt front line",
                  "Bolt", "Whole community"],
        "row_type": ["group", "group", "subtotal", "group", "group", "subtotal", "total"],
        "invited": [8, 40, 48, 6, 30, 36, 84], "responded": [7, 10, 17, 4, 24, 28, 45],
    })  # fmt: skip
    frame["response_rate"] = frame["responded"] / frame["invited"]
    frame["under_represented"] = frame["response_rate"] < 0.4
    hidden = pd.Series(hide_all, index=frame.index) | frame["group"].isin(
        ["Bolt senior leadership", "Bolt front line"]
    )
    out = _gate(frame, hidden, ["invited", "responded", "response_rate"])
    out["suppressed_reason"] = out["suppressed_reason"].str.replace("responses", "respondents")
    return out


def texts(fig: Figure) -> list[str]:
    """Every piece of text on the figure: titles, notes, tick labels, legend entries, annotations."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def yticks(ax) -> list[str]:
    return [t.get_text().replace("\n", " ") for t in ax.get_yticklabels() if t.get_text()]


# -- every chart --------------------------------------------------------------------------------------------------
CHARTS = {
    "levels": (plots.plot_levels, lambda rng, h: scores_frame(rng, hide=[c for c, _, _ in CODES] if h else ["MM-03"])),
    "heatmap": (plots.plot_heatmap, lambda rng, h: scores_frame(rng, ("Client", "Supplier"),
                                                                [c for c, _, _ in CODES] if h else ["AA-02"])),
    "agreement": (plots.plot_agreement, lambda rng, h: agreement_frame(rng, h)),
    "mirror_gaps": (plots.plot_mirror_gaps, lambda rng, h: mirror_frame(h)),
    "priorities": (plots.plot_priorities, lambda rng, h: priorities_frame(rng, h)),
    "change": (plots.plot_change, lambda rng, h: change_frame(h)),
    "benchmark": (plots.plot_benchmark, lambda rng, h: portfolio_frame(rng, h)),
    "engagement": (plots.plot_engagement, lambda rng, h: engagement_frame(h)),
}  # fmt: skip


@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_returns_a_figure_with_title_and_n(rng, name):
    func, make = CHARTS[name]
    frame = make(rng, False)
    before, font = frame.copy(), mpl.rcParams["font.size"]
    fig = func(frame)
    assert isinstance(fig, Figure)
    pd.testing.assert_frame_equal(frame, before)  # the analysis table is left as it was
    assert mpl.rcParams["font.size"] == font  # the house style does not leak into the caller's settings
    words = texts(fig)
    assert fig.texts[0].get_text() and fig.texts[0].get_fontweight() == "bold"
    assert any(re.search(r"\bn = \d", t) for t in words), f"{name}: no n on the chart"
    assert plt.get_fignums() == []  # made without pyplot: nothing registered, nothing shown


@pytest.mark.parametrize("name", CHARTS)
def test_title_can_be_overridden(rng, name):
    func, make = CHARTS[name]
    fig = func(make(rng, False), title="A title of the analyst's own")
    assert fig.texts[0].get_text() == "A title of the analyst's own"


@pytest.mark.parametrize("name", CHARTS)
def test_empty_input_says_nothing_to_show(rng, name):
    func, make = CHARTS[name]
    for empty in (make(rng, False).iloc[0:0], pd.DataFrame()):
        words = texts(func(empty))
        assert "Nothing to show" in words
        assert len(words) >= 3  # title, the message, and the reason


@pytest.mark.parametrize("name", CHARTS)
def test_all_hidden_input_shows_the_reason(rng, name):
    func, make = CHARTS[name]
    fig = func(make(rng, True))
    assert any("fewer than 5" in t or "hidden" in t.lower() for t in texts(fig)), name


@pytest.mark.parametrize("name", CHARTS)
def test_suppressed_groups_are_labelled_gaps(rng, name):
    func, make = CHARTS[name]
    frame = make(rng, False)
    if not frame["suppressed"].any():
        frame = make(rng, True)
    words = texts(func(frame))
    assert any("hidden" in t.lower() for t in words), name
    assert not any(t == "n<5" or t.startswith("fewer than 5 resp") for t in words), (
        "hidden groups may be large"
    )


@pytest.mark.parametrize("name", ["levels", "heatmap", "priorities", "change", "engagement"])
def test_missing_columns_raise_naming_them(rng, name):
    func, make = CHARTS[name]
    frame = make(rng, False).drop(columns=["title", "mean", "invited"], errors="ignore")
    with pytest.raises(ValuekitError, match="missing"):
        func(frame)


# -- particulars --------------------------------------------------------------------------------------------------
def test_levels_draws_all_five_levels_in_their_colours_even_at_zero(rng):
    frame = scores_frame(rng)
    assert (frame["count_5"] == 0).all()
    fig = plots.plot_levels(frame)
    ax = fig.axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars) == 5
    for lv, bar in zip(LEVELS, bars, strict=True):
        assert len(bar.patches) == len(frame)
        assert {p.get_facecolor() for p in bar.patches} == {to_rgba(LEVEL_COLOURS[lv])}
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == [
        "1 Failing", "2 Struggling", "3 Performing", "4 Exceeding", "5 Best practice",
    ]  # fmt: skip
    assert [h.get_facecolor() for h in legend.legend_handles] == [to_rgba(LEVEL_COLOURS[lv]) for lv in LEVELS]


def test_levels_keeps_template_order_and_names_hidden_rows(rng):
    fig = plots.plot_levels(scores_frame(rng, hide=["AA-02"]))
    assert yticks(fig.axes[0]) == [t for _, _, t in CODES]
    words = texts(fig)
    assert "hidden to protect anonymity" in words
    assert "Trust" in words and "Speed" in words  # Things That Matter as section headers
    assert sum(t.startswith("n = ") and len(t) < 10 for t in words) == 2  # n per shown bar


def test_levels_with_groups_puts_each_code_in_its_own_section(rng):
    fig = plots.plot_levels(scores_frame(rng, ("Client front line", "Supplier front line")))
    assert yticks(fig.axes[0]) == ["Client front line", "Supplier front line"] * 3
    words = texts(fig)
    assert [t for t in words if t in {c[2] for c in CODES}] == [t for _, _, t in CODES]
    with pytest.raises(NotFoundError, match="Client front line"):
        plots.plot_levels(scores_frame(rng, ("Client front line",)), group="Nobody")


def test_heatmap_annotates_means_hatches_hidden_cells_and_keeps_order(rng):
    frame = scores_frame(rng, ("Client", "Supplier"), hide=["AA-02"])
    fig = plots.plot_heatmap(frame)
    words = texts(fig)
    assert words.count("hidden") == 2
    shown = frame[~frame["suppressed"]]
    assert all(f"{m:.1f}" in words for m in shown["mean"])
    assert yticks(fig.axes[0]) == [t for _, _, t in CODES]
    hatched = [c for c in fig.axes[0].collections if c.get_hatch()]  # the hidden cells, as one collection
    assert [len(c.get_paths()) for c in hatched] == [2]


def test_agreement_marks_and_names_divided_groups(rng):
    frame = agreement_frame(rng)
    fig = plots.plot_agreement(frame)
    words = texts(fig)
    assert any(t.replace("\n", " ") == f"Client senior leadership: {CODES[1][2]}" for t in words)
    assert "Divided (two camps)" in words
    assert any(t.startswith("Hidden to protect anonymity:") for t in words)


def test_mirror_gaps_show_both_views_and_emphasise_meaningful_gaps(rng):
    fig = plots.plot_mirror_gaps(mirror_frame())
    words = texts(fig)
    assert yticks(fig.axes[0]) == ["Supplier's responsiveness", "Supplier's service quality"]
    assert "\u22121.4 meaningful" in words and "\u22120.1" in words
    assert "n = 40 / 50" in words
    bold = [t.get_fontweight() for t in fig.axes[0].get_yticklabels()]
    assert bold == ["bold", "normal"]


def test_priorities_name_quadrants_and_top_codes(rng):
    fig = plots.plot_priorities(priorities_frame(rng), top=2)
    words = [t.replace("\n", " ") for t in texts(fig)]
    for quadrant in ("Concentrate here", "Keep up the good work", "Low priority", "Possible overkill"):
        assert quadrant in words
    assert f"1. {CODES[0][2]}" in words and f"2. {CODES[1][2]}" in words
    assert not any(t.startswith("3. ") for t in words)


def test_change_uses_cycle_names_and_emphasises_significant_changes(rng):
    fig = plots.plot_change(change_frame(), before="solve", after="dissolve-1")
    words = texts(fig)
    assert fig.texts[0].get_text() == "What changed from Solve to Dissolve 1"
    assert "+1.2" in words and "\u22120.1" in words
    assert "hidden to protect anonymity" in words
    assert [t.get_fontweight() for t in fig.axes[0].get_yticklabels()][:2] == ["bold", "normal"]


def test_benchmark_heatmap_and_highlight(rng):
    frame = portfolio_frame(rng)
    words = texts(plots.plot_benchmark(frame))
    assert "hidden" in words
    fig = plots.plot_benchmark(frame, highlight="gamma-delta")
    assert fig.texts[0].get_text() == "How gamma-delta compares with the portfolio"
    assert any(t.endswith("percentile (1 of 3)") or "percentile (" in t for t in texts(fig))
    with pytest.raises(NotFoundError, match="alpha-beta"):
        plots.plot_benchmark(frame, highlight="nobody")


def test_engagement_flags_under_represented_and_hides_small_groups():
    fig = plots.plot_engagement(engagement_frame())
    words = texts(fig)
    assert "under-represented" in words
    assert words.count("hidden to protect anonymity") == 2
    assert "10 of 40" in words and "45 of 84" in words
    labels = yticks(fig.axes[0])
    assert labels[:3] == ["Acme", "Senior leadership", "Front line"] and labels[-1] == "Whole community"


def test_savefig_writes_png_at_150_dpi(rng, tmp_path):
    fig = plots.plot_levels(scores_frame(rng))
    path = plots.savefig(fig, tmp_path / "sub" / "levels.png")
    width, height = Image.open(path).size
    assert (width, height) == tuple(round(v * 150) for v in fig.get_size_inches())
    with pytest.raises(ValuekitError, match=r"\.png"):
        plots.savefig(fig, tmp_path / "levels.pdf")


# -- the sample relationship, rendered ------------------------------------------------------------------------------
REL = "harbourside-northwind"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """One sample relationship in its own store (the whole portfolio would be slower to import)."""
    from valuekit.config import SAMPLES_DIR
    from valuekit.importers import import_path
    from valuekit.store import Store

    folder = tmp_path_factory.mktemp("one-relationship")
    for csv in sorted(Path(SAMPLES_DIR).glob("*.csv")):
        table = pd.read_csv(csv, dtype=str, keep_default_na=False)
        table[table["relationship_id"] == REL].to_csv(folder / csv.name, index=False)
    store = Store(folder / "s.duckdb")
    import_path(folder, store)
    return store


def test_every_chart_renders_from_the_sample_store(sample, tmp_path):
    from valuekit.analysis.change import compare_cycles
    from valuekit.analysis.data import load_relationship
    from valuekit.analysis.engagement import engagement
    from valuekit.analysis.fragmentation import agreement_by_perspective
    from valuekit.analysis.gaps import mirror_gaps
    from valuekit.analysis.portfolio import portfolio_scores
    from valuekit.analysis.priorities import priorities
    from valuekit.analysis.scores import score_codes

    solve = load_relationship(sample, REL, "solve")
    every = load_relationship(sample, REL)
    portfolio = portfolio_scores(sample)
    figures = {
        "levels": plots.plot_levels(score_codes(solve)),
        "heatmap": plots.plot_heatmap(score_codes(solve, ["side", "common_level"])),
        "agreement": plots.plot_agreement(agreement_by_perspective(solve)),
        "mirror_gaps": plots.plot_mirror_gaps(mirror_gaps(solve)),
        "priorities": plots.plot_priorities(priorities(solve)),
        "change": plots.plot_change(compare_cycles(every, "solve", "dissolve-1"), before="solve", after="dissolve-1"),
        "benchmark": plots.plot_benchmark(portfolio, highlight=REL),
        "engagement": plots.plot_engagement(engagement(solve)),
    }  # fmt: skip
    for name, fig in figures.items():
        assert "Nothing to show" not in texts(fig), name
        path = plots.savefig(fig, tmp_path / f"{name}.png")
        width, _ = Image.open(path).size
        assert 9 * 150 <= width <= 10 * 150, name


def test_heatmap_parts_keep_things_that_matter_whole_and_every_column(rng):
    """A long heat map is cut between Things That Matter, never inside one, into figures of at most max_rows
    Value Codes (one Thing longer than that stands alone), all with the same columns, in template order."""
    frame = scores_frame(rng, ("Client", "Supplier"), hide=["AA-02"])
    assert len(plots.plot_heatmap_parts(frame)) == 1  # three codes fit one page
    assert len(plots.plot_heatmap_parts(frame, max_rows=3)) == 1
    parts = plots.plot_heatmap_parts(frame, max_rows=2)
    assert [fig.texts[0].get_text() for fig in parts] == [
        "Mean rating of each Value Code, by group (1 of 2)",
        "Mean rating of each Value Code, by group (2 of 2)",
    ]
    assert [yticks(fig.axes[0]) for fig in parts] == [[t for _, _, t in CODES[:2]], [CODES[2][2]]]
    assert [[t for t in texts(fig) if t in ("Trust", "Speed")] for fig in parts] == [["Trust"], ["Speed"]]
    for fig in parts:
        heads = [t.get_text().split("\n")[0] for t in fig.axes[0].get_xticklabels()]
        assert heads == ["Client", "Supplier"]
    assert texts(parts[0]).count("hidden") == 2 and "hidden" not in texts(parts[1])
    one = plots.plot_heatmap_parts(frame, max_rows=1)  # "trust" has two codes: it stays whole
    assert [len(yticks(fig.axes[0])) for fig in one] == [2, 1]
    with pytest.raises(ValuekitError, match="max_rows"):
        plots.plot_heatmap_parts(frame, max_rows=0)
