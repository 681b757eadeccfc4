"""Is a theme about a known Thing That Matters, or a candidate new one? (:mod:`valuekit.analysis.themes`, step 6)

The words of each known Thing That Matters — its template text (:func:`known_from_template`) and the words of
the comments written under it — against a theme's top words and the questions its comments answered. The rule
and why it is so are in :mod:`valuekit.analysis.themes`' notes, step 6.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = ["KNOWN_MIN_OVERLAP", "NEW_BELOW", "SAID_SHARE", "SUBJECT_MIN_COMMENTS", "known_from_template",
           "known_words"]  # fmt: skip

#: A theme is about a known Thing That Matters when at least this share of its top-word weight is on that one's
#: own words.
KNOWN_MIN_OVERLAP = 0.2
#: Otherwise it is a candidate new Thing That Matters when also less than this share of its top-word weight is
#: on words of the known Things That Matter together, and less than this share of its comments were written
#: under one.
NEW_BELOW = 0.5
#: A word is said of the known Things That Matter when the comments written under them use it at least this
#: share as often (per comment) as all the comments do.
SAID_SHARE = 0.2
#: Fewest comments under a Thing That Matters that use a word for it to count as one of its own words.
SUBJECT_MIN_COMMENTS = 3


def known_words(
    text_words: Mapping[str, set[str]], subjects: np.ndarray, X, terms: np.ndarray
) -> tuple[dict[str, Callable[[str], bool]], Callable[[str], bool], np.ndarray]:
    """(each known Thing That Matters' own words, the language of them all — as matchers —, which comments
    were written under one), from their texts' words and the comments (``subjects``: each one's
    ``subject_id``; ``X``: their TF-IDF rows over ``terms``)."""
    language = _matcher(set().union(*text_words.values(), _said_of_known(subjects, X, terms, text_words)))
    own_words = _own_words(text_words)
    for ttm, words in _subject_words(subjects, X, terms, own_words).items():
        own_words[ttm] |= words
    own = {ttm: _matcher(words) for ttm, words in own_words.items()}
    return own, language, np.isin(subjects, list(own_words))


def _similar(a: str, b: str) -> bool:
    """Same word, or variants of one (price ~ pricing, responsive ~ responsiveness; not governance ~ government)."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    return shorter >= 4 and len(os.path.commonprefix([a, b])) >= max(4, 0.8 * shorter)


def _subject_words(subjects: np.ndarray, X, terms: np.ndarray, known: Iterable[str]) -> dict[str, set[str]]:
    """Words characteristic of the comments written under each known Thing That Matters.

    A word is characteristic of a Thing That Matters when at least :data:`SUBJECT_MIN_COMMENTS` comments
    under it use the word and at least half of the comments under any known Thing That Matters that use it
    are under this one.
    """
    from scipy import sparse  # with scikit-learn, only when themes are extracted

    mask = np.isin(subjects, list(known))
    if not mask.any():
        return {}
    codes, names = pd.factorize(subjects[mask])
    groups = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(names), len(codes))
    )
    counts = np.asarray((groups @ (X[mask] > 0).astype(float)).todense())
    share = counts / np.maximum(counts.sum(axis=0, keepdims=True), 1)
    typical = (counts >= SUBJECT_MIN_COMMENTS) & (share >= 0.5)
    return {str(name): {str(terms[j]) for j in np.flatnonzero(typical[i])} for i, name in enumerate(names)}


def _own_words(text_words: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Each known Thing That Matters' own words: those of its text found in the texts of at most a third of
    them (at least one), so that words every description uses ("parties", "clear") do not decide the match."""
    spread = Counter(w for words in text_words.values() for w in words)
    most = max(1, len(text_words) // 3)
    return {ttm: {w for w in words if spread[w] <= most} for ttm, words in text_words.items()}


def _said_of_known(subjects: np.ndarray, X, terms: np.ndarray, known: Iterable[str]) -> set[str]:
    """Words people use when they write about known Things That Matter: used in the comments written under one
    (``subject_id``) at least :data:`SAID_SHARE` as often, for the number of comments, as in all the comments.
    Words only ever written in answer to open questions are not among them."""
    on_known = np.isin(subjects, list(known))
    if not on_known.any():
        return set()
    used = np.asarray((X > 0).sum(axis=0)).ravel() / X.shape[0]
    used_known = np.asarray((X[on_known] > 0).sum(axis=0)).ravel() / on_known.sum()
    return {str(terms[j]) for j in np.flatnonzero((used_known > 0) & (used_known >= SAID_SHARE * used))}


def _matcher(vocab: Iterable[str]) -> Callable[[str], bool]:
    """Whether a word is in ``vocab`` or :func:`_similar` to one of its words (which start alike)."""
    words, by_start = set(vocab), {}
    for w in words:
        by_start.setdefault(w[:4], []).append(w)
    return lambda t: t in words or any(_similar(t, v) for v in by_start.get(t[:4], ()))


def _overlap(terms: list[str], weights: np.ndarray, matches: Callable[[str], bool]) -> float:
    """The share of the weight of ``terms`` on words ``matches`` accepts."""
    total = float(np.sum(weights))
    found = sum(float(w) for t, w in zip(terms, weights, strict=True) if matches(t))
    return found / total if total > 0 else 0.0


def _match_known(
    terms: list[str], weights: np.ndarray, own: Mapping[str, Callable[[str], bool]],
    language: Callable[[str], bool], on_known: np.ndarray, subjects: np.ndarray,
) -> str | None:  # fmt: skip
    """The known Thing That Matters a theme is about, or None: a candidate new one (module notes, step 6).

    ``terms`` and ``weights``: the theme's top words; ``own``: each known Thing That Matters' own words;
    ``language``: the words of all of them and the words said of them; ``on_known``: which of the theme's
    comments were written under a known Thing That Matters, ``subjects`` their ``subject_id``.
    """
    shares = {ttm: _overlap(terms, weights, matches) for ttm, matches in own.items()}
    elsewhere = (
        max(shares.values(), default=0.0) < KNOWN_MIN_OVERLAP
        and _overlap(terms, weights, language) < NEW_BELOW
        and on_known.mean() < NEW_BELOW
    )
    if elsewhere:
        return None
    if on_known.sum() >= SUBJECT_MIN_COMMENTS:  # what people answered is the surest sign of what they meant
        return str(pd.Series(subjects[on_known]).value_counts().index[0])
    return max(shares, key=lambda ttm: (shares[ttm], -list(shares).index(ttm)))


def known_from_template(
    template, *, with_value_codes: bool = False, codes: Iterable[str] | None = None
) -> dict[str, str]:
    """``known`` for :func:`extract_themes` from a diagnostic template: id → the words of each Thing That Matters.

    Every Thing That Matters of the template, by its name and description. ``codes`` (the Value Codes a cycle
    asks, e.g. ``data.codes["code_id"]``) adds each one's title, description and five evaluation statements to
    its Thing That Matters: the words the diagnostic put to the respondents, which they echo in their comments.
    A Value Code the cycle does not ask adds nothing, so a theme about something the template only measures in
    a later cycle (in the shipped template, continuity of key people, asked in Solve) is still a candidate in
    Resolve. ``with_value_codes=True`` adds the titles and descriptions of every Value Code of the template.
    """
    asked = set(codes) if codes is not None else set()
    out: dict[str, str] = {}
    for t in template.things_that_matter:
        parts = [t.name, t.description]
        for c in template.value_codes:
            if c.thing_that_matters != t.id:
                continue
            if with_value_codes or c.id in asked:
                parts += [c.title, c.description.removeprefix("The extent to which ")]
            if c.id in asked:
                parts += list(c.statements)
        out[t.id] = " ".join(parts)
    return out
