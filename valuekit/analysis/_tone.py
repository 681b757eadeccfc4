"""The tone of comments: a small word list with negation handling (offline, nothing downloaded).

:func:`comment_tone` is re-exported by :mod:`valuekit.analysis.themes`, which uses it for a theme's tone and
:func:`_fold` for its plural folding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = ["POSITIVE_WORDS", "NEGATIVE_WORDS", "NEGATORS", "comment_tone"]

#: Words that make a comment more positive (lower case; plurals folded).
POSITIVE_WORDS: frozenset[str] = frozenset(
    """
    good great excellent outstanding brilliant fantastic superb exceptional impressive helpful supportive
    responsive quick quickly fast prompt promptly timely reliable reliably consistent consistently clear
    open openly honest transparent transparency trusted fair fairly constructive collaborative cooperative
    proactive proactively effective effectively efficient efficiently improved improving improvement better
    best strong pleased happy glad satisfied appreciate appreciated valued positive smooth smoothly easy
    easier flexible professional committed dedicated engaged knowledgeable skilled capable competent
    respect respected respectful listen listens listened listening welcome welcomed success successful
    grateful praise excel excels excelled exceed exceeded exceeds resolved solved fixed innovative creative
    reassuring enjoy enjoyed love loved recommend works predictable frank
    """.split()
)
#: Words that make a comment more negative.
NEGATIVE_WORDS: frozenset[str] = frozenset(
    """
    bad poor poorly terrible awful dreadful appalling worst worse slow slowly late lateness delay delayed
    delaying overdue backlog unclear confusing confused confusion frustrating frustrated frustration
    difficult hard problem problematic issue fail failed failing failure fault faulty lacking missing
    missed unfair unfairly expensive overpriced overcharged overcharging blame blamed blaming chase chasing
    chased ignore ignored ignoring unresponsive disappointing disappointed disappointment concern concerned
    concerning worried worry worrying broken error mistake wrong inconsistent rigid defensive stuck stall
    stalled stalling complaint complain complained angry unhappy weak ineffective inefficient waste wasted
    wasting bureaucratic bureaucracy opaque hidden dispute disputed penalty penalise penalised turnover
    churn overstretched understaffed stretched exhausted burnout tension tense conflict distrust mistrust
    suspicious suspicion adversarial hostile arrogant dismissive patchy unreliable unacceptable inadequate
    insufficient nobody reactive silo siloed guarded political rushed struggle
    """.split()
)
#: Words that flip the sign of the next three words (within the clause).
NEGATORS: frozenset[str] = frozenset(
    """
    not no never none nobody nothing neither nor without hardly barely rarely seldom lack
    don't doesn't didn't isn't aren't wasn't weren't won't wouldn't can't cannot couldn't shouldn't
    haven't hasn't hadn't dont doesnt didnt isnt arent wasnt werent wont wouldnt cant couldnt shouldnt
    havent hasnt hadnt
    """.split()
)
_NEGATION_SPAN = 3
_CLAUSE_BREAKS = frozenset(".,;:!? but although though however yet whereas".split())
_TONE_TOKEN_RE = re.compile(r"[a-z]+(?:'[a-z]+)?|[.,;:!?]")
_PLURAL_KEEP = frozenset("news always perhaps series species bias lens yes analysis basis status".split())


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """Fold a plural to its singular: -ies → -y; -sses, -xes, -zes, -ches, -shes, -oes → drop -es; -s → drop."""
    if len(word) <= 3 or word in _PLURAL_KEEP or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes", "oes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def _tone_counts(text: str) -> tuple[int, int]:
    pos = neg = flip = 0
    for tok in _TONE_TOKEN_RE.findall(text.lower().replace("’", "'")):
        if tok in _CLAUSE_BREAKS:
            flip = 0
            continue
        if tok in NEGATORS:
            neg += tok in NEGATIVE_WORDS  # "nobody" is negative on its own too
            flip = _NEGATION_SPAN
            continue
        word = _fold(tok)
        polarity = int(tok in POSITIVE_WORDS or word in POSITIVE_WORDS) - int(
            tok in NEGATIVE_WORDS or word in NEGATIVE_WORDS
        )
        if flip:
            polarity, flip = -polarity, flip - 1
        pos += polarity > 0
        neg += polarity < 0
    return pos, neg


def comment_tone(texts: Iterable[str] | pd.Series) -> pd.Series:
    """The tone of each comment, from a small word list with negation handling.

    Each word in :data:`POSITIVE_WORDS` counts +1 and each in :data:`NEGATIVE_WORDS` −1; a negator
    (:data:`NEGATORS`: *not, no, never, without, don't* …) flips the sign of the next three words up to the
    end of the clause (``. , ; : ! ?`` or *but, although, though, however, yet, whereas*), so *"not
    helpful"* counts −1 and *"never late"* +1. A comment is "positive" with more positive than negative
    words, "negative" with more negative, "mixed" with as many of each, and "neutral" with neither. The
    lists are in this module; nothing is downloaded.

    Limitations: no irony or sarcasm, no intensity (*"a bit slow"* = *"appallingly slow"*), nothing outside
    the lists, and negation reaches only the three words after a negator.

    Parameters
    ----------
    texts : iterable of str or Series
        Comments; missing ones are "neutral".

    Returns
    -------
    Series
        "negative", "mixed", "neutral" or "positive" per comment, named ``tone``, with the input's index.

    Examples
    --------
    >>> comment_tone(["Very helpful and quick", "Not helpful, always late", "It was fine", "Not bad"]).tolist()
    ['positive', 'negative', 'neutral', 'positive']
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    labels = []
    for u in uniques:
        p, n = _tone_counts(str(u))
        labels.append("positive" if p > n else "negative" if n > p else "mixed" if p else "neutral")
    table = np.array([*labels, "neutral"], dtype=object)
    return pd.Series(table[codes], index=s.index, name="tone", dtype=object)
