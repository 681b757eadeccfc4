"""Tests for valuekit.analysis.themes.

The crafted corpus has three clearly different topics (billing, escalation, onboarding), each written by
20 different people in five phrasings, and a small fourth topic (car parking) from only 4 people: the
expected themes and counts are known by construction. When the sample portfolio is present, the planted new
theme (README, planted truth 9) must come out as a shown candidate new Thing That Matters.
"""

from __future__ import annotations

import doctest
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuekit.analysis import _tone as tone_module
from valuekit.analysis import themes as themes_module
from valuekit.analysis.privacy import public_reason
from valuekit.analysis.themes import (
    QUOTE_COLUMNS,
    SUPPRESSED_COLUMNS,
    THEME_COLUMNS,
    comment_tone,
    extract_themes,
    known_from_template,
)
from valuekit.config import SAMPLES_DIR, Privacy
from valuekit.errors import ValuekitError

TOPICS = {
    "billing": [
        "Invoices arrive late and the billing is often wrong",
        "We keep disputing invoices because the charges are unclear",
        "Billing errors mean invoices need correcting every month",
        "The invoices and credit notes are a mess, charges wrong again",
        "Charges on the invoice never match the rate card",
    ],
    "escalation": [
        "Escalations take weeks before anyone gives an answer",
        "When we escalate an urgent issue it sits in a queue",
        "Urgent requests are bounced around and escalation is slow",
        "Response to escalations is slow and we chase constantly",
        "The escalation route is unclear so urgent issues wait days",
    ],
    "onboarding": [
        "Onboarding of new staff is slow with no proper handover",
        "New starters get no induction or handover notes",
        "Handover between old and new staff loses knowledge, onboarding is weak",
        "Staff onboarding and induction need work, the handover is poor",
        "New staff arrive without onboarding so the handover fails",
    ],
    "parking": [
        "Car parking on site is impossible",
        "The car park is full so parking wastes an hour",
        "Parking permits for the car park are a nightmare",
        "There is no parking space in the car park for visitors",
    ],
}
SIZES = {"billing": 20, "escalation": 20, "onboarding": 20, "parking": 4}
KEYWORD = {"billing": "invoice", "escalation": "escalation", "onboarding": "onboarding", "parking": "park"}
KNOWN = {
    "commercial": "Commercial fairness. Whether price, charges, invoices, risk and reward feel fair.",
    "responsiveness": "Responsiveness. How quickly each party acts on requests, urgent issues and escalations.",
    "trust": "Trust and openness. Whether each party believes the other will act in good faith.",
}
EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LINK_LIKE = re.compile(r"(?i)(?:https?://|\bwww\.)\S")
PHONE_LIKE = re.compile(r"\d{3,}[ -]?\d{3,}")


def make_corpus(sizes: dict[str, int] | None = None, tails: bool = True) -> pd.DataFrame:
    rows, person = [], 0
    for topic, n in (sizes or SIZES).items():
        bank = TOPICS[topic]
        for i in range(n):
            text = bank[i % len(bank)] + (". Really frustrating." if tails and i % 3 == 1 else ".")
            rows.append(
                {
                    "relationship_id": "rel-a",
                    "cycle_id": "resolve",
                    "participant_id": f"p{person:03d}",
                    "subject_id": "oq-missing",
                    "text": text,
                    "topic": topic,
                }
            )
            person += 1
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return make_corpus()


@pytest.fixture(scope="module")
def found(corpus):
    return extract_themes(corpus.drop(columns="topic"), known=KNOWN)


def _theme_of(table: pd.DataFrame, topic: str) -> pd.Series:
    hits = table[table["top_terms"].fillna("").str.contains(KEYWORD[topic])]
    assert len(hits) == 1, f"{topic}: {hits['label'].tolist()}"
    return hits.iloc[0]


def _all_text(result) -> str:
    return " ".join(
        str(v) for df in (result.table, result.quotes, result.suppressed) for v in df.to_numpy().ravel()
    )


def test_docstring_examples():
    result = doctest.testmod(themes_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 5


def test_columns(found):
    assert tuple(found.table.columns) == THEME_COLUMNS
    assert tuple(found.quotes.columns) == QUOTE_COLUMNS
    assert tuple(found.suppressed.columns) == SUPPRESSED_COLUMNS
    assert found.n_comments == 64 and found.n_respondents == 64


def test_finds_the_three_topics_with_their_counts(found):
    shown = found.shown
    assert len(shown) == 3
    for topic in ("billing", "escalation", "onboarding"):
        row = _theme_of(shown, topic)
        assert row["n_comments"] == 20 and row["n_respondents"] == 20
        assert row["share"] == pytest.approx(20 / 64)
        assert row["tone"] == "negative"
        assert KEYWORD[topic] in row["label"] or KEYWORD[topic] in row["top_terms"].split(", ")[:4]
    assert list(shown["theme_id"]) == ["T01", "T02", "T03"]


def test_small_topic_is_suppressed_without_leaking(found):
    hidden = found.table[found.table["suppressed"]]
    assert len(hidden) == 1
    row = hidden.iloc[0]
    assert row["suppressed_reason"] == public_reason(10, "comments")
    for col in ("label", "top_terms", "n_comments", "n_respondents", "share", "tone", "tone_score"):
        assert pd.isna(row[col]), col
    assert pd.isna(row["matches_known"]) and pd.isna(row["is_candidate_new"])
    assert row["theme_id"] not in set(found.quotes["theme_id"])
    assert found.suppressed.to_dict("records") == [
        {"scope": "theme", "theme_id": row["theme_id"], "reason": public_reason(10, "comments")}
    ]
    assert "park" not in _all_text(found).lower()
    # suppressed themes come last, whatever their size
    assert found.table["suppressed"].tolist() == [False, False, False, True]


def test_candidate_new_and_known_matches(found):
    assert _theme_of(found.shown, "billing")["matches_known"] == "commercial"
    assert _theme_of(found.shown, "escalation")["matches_known"] == "responsiveness"
    onboarding = _theme_of(found.shown, "onboarding")
    assert pd.isna(onboarding["matches_known"]) and onboarding["is_candidate_new"]
    assert found.candidates["theme_id"].tolist() == [onboarding["theme_id"]]
    assert not found.table.loc[found.table["suppressed"], "is_candidate_new"].any()


def test_without_known_the_match_is_missing(corpus):
    result = extract_themes(corpus.drop(columns="topic"))
    assert result.table["matches_known"].isna().all()
    assert result.table["is_candidate_new"].isna().all()
    assert result.candidates.empty


def test_quotes(found):
    assert found.quotes.groupby("theme_id").size().between(2, 3).all()
    assert set(found.quotes["theme_id"]) == set(found.shown["theme_id"])
    for theme_id, quotes in found.quotes.groupby("theme_id"):
        topic = next(
            t for t in TOPICS if KEYWORD[t] in found.table.set_index("theme_id").at[theme_id, "top_terms"]
        )
        sources = {s.rstrip(".") for s in TOPICS[topic]}
        for q in quotes["quote"]:
            assert q.removesuffix(" Really frustrating.").rstrip(".") in sources
        assert quotes["quote"].is_unique


def test_deterministic(corpus, found):
    again = extract_themes(corpus.drop(columns="topic"), known=KNOWN)
    pd.testing.assert_frame_equal(again.table, found.table)
    pd.testing.assert_frame_equal(again.quotes, found.quotes)
    pd.testing.assert_frame_equal(again.selection, found.selection)
    assert again.n_themes == found.n_themes


@settings(max_examples=8, deadline=None)
@given(st.randoms(use_true_random=False))
def test_order_invariant(random):
    corpus = make_corpus().drop(columns="topic")
    base = extract_themes(corpus, known=KNOWN)
    order = list(range(len(corpus)))
    random.shuffle(order)
    shuffled = extract_themes(corpus.iloc[order], known=KNOWN)
    pd.testing.assert_frame_equal(shuffled.table, base.table)
    pd.testing.assert_frame_equal(shuffled.quotes, base.quotes)


def test_quotes_carry_no_personal_data():
    corpus = make_corpus({"billing": 20, "escalation": 20})
    extras = [
        "ask Sarah Jones on 020 7946 0958",
        "e-mail jo.bloggs@acme.co.uk",
        "see https://portal.acme.example/invoices",
        "thanks to Mr Okafor",
        "or www.acme.example/help",
    ]
    billing = corpus["topic"] == "billing"
    corpus.loc[billing, "text"] = [
        f"{t} {extras[i % len(extras)]}." for i, t in enumerate(corpus.loc[billing, "text"])
    ]
    result = extract_themes(corpus.drop(columns="topic"))
    assert len(result.shown) == 2
    quotes = " ".join(result.quotes["quote"])
    assert "[" in quotes  # the billing quotes had to be redacted ones
    for raw in ("Sarah", "Jones", "7946", "jo.bloggs", "acme", "Okafor", "http", "www"):
        assert raw not in quotes
    assert not EMAIL_LIKE.search(quotes) and not LINK_LIKE.search(quotes) and not PHONE_LIKE.search(quotes)
    assert "Sarah" not in _all_text(result) and "Okafor" not in _all_text(result)


def test_names_and_keep_are_passed_to_redaction():
    corpus = make_corpus({"billing": 20, "escalation": 20}, tails=False)
    corpus["text"] = corpus["text"].str.replace(".", " says Ngozi at Acme.", regex=False)
    result = extract_themes(corpus, names=["Ngozi"], keep=["Acme"])
    quotes = " ".join(result.quotes["quote"])
    assert "Ngozi" not in quotes and "Acme" in quotes


def test_long_quotes_are_cut():
    corpus = make_corpus({"billing": 20, "escalation": 20}, tails=False)
    corpus["text"] = corpus["text"] + " " + "and the billing team keeps sending more invoices " * 10
    result = extract_themes(corpus, n_themes=2)
    assert result.quotes["quote"].str.len().max() <= 240
    assert result.quotes["quote"].str.endswith("…").any()


def test_input_below_the_threshold_returns_only_a_note():
    corpus = make_corpus({"billing": 9}, tails=False)
    result = extract_themes(corpus, known=KNOWN)
    assert result.table.empty and tuple(result.table.columns) == THEME_COLUMNS
    assert result.quotes.empty
    assert result.suppressed.to_dict("records") == [
        {"scope": "input", "theme_id": None, "reason": public_reason(10, "comments")}
    ]
    assert result.n_comments is None and result.n_respondents is None and result.n_themes == 0
    assert "invoice" not in _all_text(result).lower()


def test_threshold_counts_respondents_not_comments():
    corpus = make_corpus({"billing": 20, "escalation": 20}, tails=False)
    # 12 comments on parking from only 3 people, each answering four questions
    parking = pd.DataFrame(
        {
            "relationship_id": "rel-a",
            "cycle_id": "resolve",
            "participant_id": [f"q{i % 3}" for i in range(12)],
            "subject_id": [f"oq-{i // 3}" for i in range(12)],
            "text": [TOPICS["parking"][i % 4] + "." for i in range(12)],
        }
    )
    result = extract_themes(pd.concat([corpus.drop(columns="topic"), parking]), n_themes=3)
    assert result.table["suppressed"].tolist() == [False, False, True]
    assert "park" not in _all_text(result).lower()


def test_the_same_participant_id_in_two_relationships_is_two_respondents():
    corpus = make_corpus({"billing": 6, "escalation": 3}, tails=False)
    assert extract_themes(corpus).suppressed["scope"].tolist() == ["input"]
    result = extract_themes(pd.concat([corpus, corpus.assign(relationship_id="rel-b")]), n_themes=2)
    assert result.n_respondents == 18
    assert result.shown["n_respondents"].tolist() == [12]
    assert result.table["suppressed"].tolist() == [False, True]


def test_a_higher_threshold_suppresses_everything(corpus):
    result = extract_themes(corpus.drop(columns="topic"), privacy=Privacy(k_comments=25), n_themes=4)
    assert result.table["suppressed"].all() and result.quotes.empty
    assert result.table["suppressed_reason"].eq(public_reason(25, "comments")).all()
    assert len(result.suppressed) == len(result.table)


def test_a_lower_threshold_shows_the_small_topic(corpus):
    result = extract_themes(corpus.drop(columns="topic"), privacy=Privacy(k_comments=4))
    assert result.shown["top_terms"].str.contains("park").any()
    assert not result.table["suppressed"].any()


def test_n_themes_given(corpus):
    result = extract_themes(corpus.drop(columns="topic"), n_themes=2)
    assert result.n_themes == 2 and result.selection.empty
    assert result.table["n_comments"].sum() == 64


def test_selection_is_reported(found):
    assert found.n_themes == 4
    assert list(found.selection.columns) == ["n_themes", "themes_shown", "comments_shown"]
    best = found.selection.set_index("n_themes").loc[found.n_themes]
    assert best["themes_shown"] == found.selection["themes_shown"].max() == 3


def test_known_from_the_subject_of_the_comments():
    corpus = make_corpus({"billing": 20, "escalation": 20}, tails=False)
    corpus["subject_id"] = np.where(corpus["topic"] == "billing", "commercial", "oq-missing")
    result = extract_themes(corpus, known={"commercial": "Commercial fairness", "trust": "Trust"})
    assert _theme_of(result.shown, "billing")["matches_known"] == "commercial"
    assert _theme_of(result.shown, "escalation")["is_candidate_new"]


def test_comments_without_words():
    corpus = make_corpus({"billing": 20, "escalation": 20}, tails=False)
    corpus.loc[corpus.index[::10], "text"] = "N/A"
    result = extract_themes(corpus, n_themes=2)
    assert result.n_comments == 40 and result.table["n_comments"].sum() == 36
    only_noise = corpus.assign(text="N/A")
    assert extract_themes(only_noise).suppressed["reason"].tolist() == ["no words to find themes in"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"comments": [1, 2]}, "must be a DataFrame"),
        ({"comments": pd.DataFrame({"text": ["x"]})}, "participant_id"),
        ({"n_themes": 0}, "n_themes"),
        ({"n_themes": 2.5}, "n_themes"),
        ({"privacy": 10}, "Privacy"),
    ],
)
def test_bad_input(corpus, kwargs, match):
    args = {"comments": corpus} | kwargs
    with pytest.raises(ValuekitError, match=match):
        extract_themes(args.pop("comments"), **args)


def test_the_threshold_is_the_privacy_gates(monkeypatch):
    """Themes decide through privacy.respondent_guard: exactly k_comments distinct respondents is enough."""
    corpus = make_corpus({"billing": 10, "escalation": 9}, tails=False)
    result = extract_themes(corpus, n_themes=2)
    assert result.table["suppressed"].tolist() == [False, True]
    assert result.shown["n_respondents"].tolist() == [10]
    assert extract_themes(corpus, privacy=Privacy(k_comments=9), n_themes=2).table["suppressed"].sum() == 0
    calls = []
    real = themes_module.respondent_guard
    monkeypatch.setattr(
        themes_module, "respondent_guard", lambda *a, **kw: calls.append(kw["k"]) or real(*a, **kw)
    )
    extract_themes(corpus, n_themes=2)
    assert calls == [10, 10]  # the whole input, then the themes


def test_tone_doctests():
    result = doctest.testmod(tone_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 1
    assert themes_module.comment_tone is tone_module.comment_tone


@pytest.mark.parametrize(
    ("text", "tone"),
    [
        ("Very helpful and quick", "positive"),
        ("Not helpful, always late", "negative"),
        ("It was fine", "neutral"),
        ("Not bad at all", "positive"),
        ("They are never late", "positive"),
        ("Never late, but slow", "mixed"),
        ("Never late but slow", "mixed"),
        ("Good people, poor processes", "mixed"),
        ("Nobody takes ownership", "negative"),
        ("Escalations don't get answered and invoices are wrong", "negative"),
        ("", "neutral"),
    ],
)
def test_comment_tone(text, tone):
    assert comment_tone([text]).tolist() == [tone]


def test_comment_tone_keeps_the_index():
    s = pd.Series(["great", None, "awful"], index=[7, 8, 9])
    out = comment_tone(s)
    assert out.index.tolist() == [7, 8, 9] and out.tolist() == ["positive", "neutral", "negative"]


def test_20k_comments_are_fast_enough():
    corpus = make_corpus({"billing": 20, "escalation": 20, "onboarding": 20})
    big = pd.concat([corpus.assign(relationship_id=f"rel-{i}") for i in range(334)], ignore_index=True)
    import time

    start = time.perf_counter()
    result = extract_themes(big.drop(columns="topic"))
    assert time.perf_counter() - start < 30  # a few seconds in practice; generous for loaded CI machines
    assert result.n_comments == len(big) >= 20_000
    assert result.shown["n_comments"].sum() == len(big)


# --- the sample portfolio ----------------------------------------------------------------------------------

SAMPLE = SAMPLES_DIR / "comments.csv"
PLANTED = re.compile(r"hand ?over|onboard|new (?:starter|joiner)s?|induction|turnover", re.IGNORECASE)


@pytest.fixture(scope="module")
def sample():
    if not SAMPLE.exists():
        pytest.skip("no sample portfolio")
    from valuekit.templates import find_template

    comments = pd.read_csv(SAMPLE)
    parties = pd.read_csv(SAMPLES_DIR / "parties.csv")
    return comments, parties, known_from_template(find_template("client-supplier"))


@pytest.mark.parametrize("relationship", ["harbourside-northwind", "quarry-lane-brightfm"])
def test_sample_planted_theme_is_a_candidate(sample, relationship):
    comments, parties, known = sample
    these = comments[(comments["relationship_id"] == relationship) & (comments["cycle_id"] == "resolve")]
    party_names = parties.loc[parties["relationship_id"] == relationship, "name"]
    result = extract_themes(these, known=known, stop_words=party_names)
    candidates = result.candidates
    planted = candidates[candidates["top_terms"].str.contains("handover")]
    assert len(planted) == 1, result.table[["label", "n_comments", "matches_known"]]
    assert planted.iloc[0]["n_respondents"] >= 10
    quotes = result.quotes.loc[result.quotes["theme_id"] == planted.iloc[0]["theme_id"], "quote"]
    assert quotes.str.contains(PLANTED).all()


def test_sample_candidates_are_the_planted_theme_only(sample):
    """Every relationship × cycle, as analyse() reads it: the cycle's comments, the template's Things That
    Matter with the words of the Value Codes the cycle asks. A theme is the planted one (README, planted truth
    9) when most of its quotes are; every candidate must be (precision 1), and both planted placements with at
    least k_comments people (harbourside-northwind and quarry-lane-brightfm, Resolve) must come out (recall)."""
    from valuekit.templates import find_template

    comments, parties, _ = sample
    template = find_template("client-supplier")
    cycle_codes = pd.read_csv(SAMPLES_DIR / "cycle_codes.csv")
    found, shown = [], 0
    for (relationship, cycle), these in comments.groupby(["relationship_id", "cycle_id"]):
        codes = cycle_codes.loc[
            (cycle_codes["relationship_id"] == relationship) & (cycle_codes["cycle_id"] == cycle), "code_id"
        ]
        names = parties.loc[parties["relationship_id"] == relationship, "name"]
        known = known_from_template(template, codes=codes)
        result = extract_themes(these, known=known, keep=names, stop_words=names)
        shown += len(result.shown)
        for theme_id in result.candidates["theme_id"]:
            quotes = result.quotes.loc[result.quotes["theme_id"] == theme_id, "quote"]
            found.append((relationship, cycle, quotes.str.contains(PLANTED).mean() > 0.5))
    assert shown > 100, "enough themes to judge by"
    assert all(planted for *_, planted in found), f"candidates that are not the planted theme: {found}"
    assert {(r, c) for r, c, _ in found} == {
        ("harbourside-northwind", "resolve"),
        ("quarry-lane-brightfm", "resolve"),
    }


def test_known_from_template_adds_the_cycles_value_codes():
    from valuekit.templates import find_template

    template = find_template("client-supplier")
    plain = known_from_template(template)
    people = known_from_template(template, codes=["PPL-03"])
    assert set(plain) == set(people) == {t.id for t in template.things_that_matter}
    assert "Turnover of key people" in people["people"] and "Turnover" not in plain["people"]
    assert {k: v for k, v in people.items() if k != "people"} == {
        k: v for k, v in plain.items() if k != "people"
    }


def test_sample_quotes_carry_no_personal_data(sample):
    comments, _, known = sample
    raw = re.compile(r"@|https?://|www\.|\d{3}|Priya|Shah|Whitaker|mark\.ellis")
    for (relationship, cycle), these in comments.groupby(["relationship_id", "cycle_id"]):
        if not these["text"].str.contains(raw).any():
            continue
        result = extract_themes(these, known=known)
        assert not result.quotes["quote"].str.contains(raw).any(), (relationship, cycle)
