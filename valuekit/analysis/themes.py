"""Themes: candidate new Things That Matter surfaced from open comments (Resolve).

DESIGN.md, question 7. :func:`extract_themes` reads comments (rows of the ``comments`` table) and returns the
themes in them, each with its counts, a tone, the known Thing That Matters it overlaps most — or none: a
*candidate new Thing That Matters* — and two or three representative, redacted quotes. :func:`comment_tone`
(from :mod:`valuekit.analysis._tone`, where its word lists live) gives the tone of single comments; whether a
theme is about a known Thing That Matters is judged in :mod:`valuekit.analysis._known`.

Method, offline and deterministic (no model, no download):

1. **Redact** every comment (:func:`~valuekit.analysis.redact.redact_series`) and drop the placeholders.
2. **TF-IDF** (scikit-learn) over words: lower case, letters only, plurals folded (*escalations* →
   *escalation*), scikit-learn's English stop words plus :data:`DOMAIN_STOP_WORDS` (*supplier, client,
   team, really, honestly* …), sub-linear term frequency, words in at least 2 comments and at most 80 % of
   them (with 20 comments or more).
3. **NMF** (non-negative matrix factorisation, Lee & Seung 1999; coordinate descent from the deterministic
   NNDSVDa start, Boutsidis & Gallopoulos 2008) splits the TF-IDF matrix into themes × words. NMF rather
   than k-means because its themes are non-negative weights over words that read directly as labels, and a
   comment touching two themes keeps weight on both rather than being pulled to one centroid. NMF is fitted
   on the *distinct* comments (rows with the same set of words once), so comments repeated word for word do
   not crowd out themes raised in many different words; then every comment is counted in the theme that
   carries most of its weight. A comment with no usable words ("N/A") is in no theme.
4. **Number of themes**, unless ``n_themes`` is given: the k, from 2 to
   ``min(MAX_THEMES, n_comments // k_comments)``, that lets the **most themes be shown** — the finest
   division of the comments in which each theme still reaches the anonymity threshold. Ties go to the k
   whose shown themes hold more comments that fit them (cosine with the theme's word weights at least
   :data:`MIN_FIT`, so lumping unrelated comments into a theme gains nothing), then to the larger k, which
   keeps a small distinct topic apart (suppressed and logged) rather than inside an unrelated theme.
   Splitting further only makes themes nobody may see; splitting less hides themes inside bigger ones.
   k = 2 … 8 are tried, then every other k; with more than 2,000 comments, on a fixed random sample of
   2,000 with the threshold scaled to it. ``Themes.selection`` lists each k tried with the themes and
   fitting comments it would show.
5. **Label**: the three heaviest words of the theme, ``"handover / knowledge / leave"``; ``top_terms`` the
   eight heaviest.
6. **Known Thing That Matters or candidate new one**, from the theme's top-ten words and their weights. Each
   known Thing That Matters (``known``: id → its text; :func:`known_from_template` builds it from the template,
   with the words of the Value Codes the cycle asks) has *its own words*: those of its text that at most a
   third of the texts use, and, where comments carry a ``subject_id``, the words characteristic of the comments
   written under it (used by at least :data:`SUBJECT_MIN_COMMENTS` of them, and at least half of their uses
   under a known Thing That Matters are under this one). Together they speak a *language*: every word of
   their texts, and every word *said of them* — used in the comments written under known Things That Matter
   at least :data:`SAID_SHARE` as often, per comment, as in all the comments (so a word only ever written in
   answer to an open question is not). Words match when equal or when they share a start of at least 4
   letters and 80 % of the shorter (*price* ~ *pricing*, *responsive* ~ *responsiveness*; not *governance* ~
   *government*). A theme is a *candidate new Thing That Matters* (``is_candidate_new``) when less than
   :data:`KNOWN_MIN_OVERLAP` of its top-word weight is on any one known Thing That Matters' own words, less
   than :data:`NEW_BELOW` is on the language of them all, and fewer than :data:`NEW_BELOW` of its comments
   were written under one: it speaks of something else, in other words, in answer to open questions.
   Otherwise ``matches_known`` names the known Thing That Matters most of its comments were written under
   (when at least :data:`SUBJECT_MIN_COMMENTS` were), else the one whose own words carry most of its weight.
   Judging by all the known language at once matters: themes from short comments mix several Things That
   Matter, and filler words ("credit to both teams", "a real difference") run through them all. On the
   sample portfolio, every relationship × cycle analysed as :func:`~valuekit.analysis.overview.analyse` does,
   exactly the two planted themes come out as candidates of 119 shown (the rule before, one Thing That Matters'
   words against the top words, flagged 22, 20 of them wrongly).
7. **Tone**: :func:`comment_tone` per comment; a theme's ``tone_score`` is (positive − negative comments) /
   comments, read as "negative" at or below −:data:`TONE_CUT`, "positive" at or above +:data:`TONE_CUT`,
   else "mixed".
8. **Quotes**: the comments nearest the theme's centroid (cosine), each from a different respondent, none a
   near-repeat of another (cosine ≥ 0.8), those with nothing redacted first, cut to 240 characters.

Privacy (DESIGN.md, "Rules that hold everywhere"): a theme is shown only when its comments come from at
least ``privacy.k_comments`` distinct respondents (``participant_id`` within ``relationship_id``). A smaller
theme is listed as suppressed with everything drawn from its texts or its size withheld (label, terms,
counts, share, tone, match, quotes) and the gate's ``suppressed_reason``
(:func:`~valuekit.analysis.privacy.public_reason` for comments: "fewer than 10 people commenting, or would
reveal a group that small"); suppressed themes come after the shown ones, so their place in the order says
nothing about their size. With fewer than ``k_comments`` respondents in the whole input nothing is computed:
only the suppression note is returned. Every suppression is in ``Themes.suppressed``. Every such decision
(the input, each theme, and the themes counted as shown when choosing their number) goes through the
privacy gate's respondent rule, :func:`~valuekit.analysis.privacy.respondent_guard`: a theme gathers comments
from anyone, so it is not a sum over perspective groups. For a relationship's report pass that
relationship's comments only (DESIGN.md, "Isolation").

Example
-------
>>> import pandas as pd
>>> texts = ["Invoices arrive late and the billing is wrong", "Escalations wait weeks for an answer",
...          "Onboarding of new staff is slow and handover is poor"]
>>> comments = pd.DataFrame({"participant_id": [f"p{i}" for i in range(36)], "text": texts * 12})
>>> themes = extract_themes(comments, known={"responsiveness": "How quickly escalations get an answer"})
>>> cols = ["label", "n_respondents", "matches_known", "is_candidate_new"]
>>> print(themes.table[cols].to_string(index=False))
                      label  n_respondents  matches_known  is_candidate_new
 arrive / billing / invoice             12            NaN              True
 answer / escalation / wait             12 responsiveness             False
handover / new / onboarding             12            NaN              True
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from valuekit.analysis._known import (  # noqa: F401 - re-exported
    KNOWN_MIN_OVERLAP,
    NEW_BELOW,
    SAID_SHARE,
    SUBJECT_MIN_COMMENTS,
    _match_known,
    known_from_template,
    known_words,
)
from valuekit.analysis._tone import NEGATIVE_WORDS, NEGATORS, POSITIVE_WORDS, _fold, comment_tone  # noqa: F401 - re-exported
from valuekit.analysis.privacy import public_reason, respondent_guard
from valuekit.analysis.redact import PLACEHOLDERS, redact_series
from valuekit.config import Privacy
from valuekit.errors import ValuekitError

__all__ = [  # settings, word lists, columns, API
    *("DOMAIN_STOP_WORDS", "MAX_THEMES", "MIN_FIT", "KNOWN_MIN_OVERLAP", "NEW_BELOW", "SAID_SHARE"),
    "SUBJECT_MIN_COMMENTS",
    "TONE_CUT",
    *("POSITIVE_WORDS", "NEGATIVE_WORDS", "NEGATORS", "THEME_COLUMNS", "QUOTE_COLUMNS", "SUPPRESSED_COLUMNS"),
    *("Themes", "extract_themes", "comment_tone", "known_from_template"),
]

#: Words too common in relationship comments to tell themes apart, ignored with scikit-learn's English list:
#: the parties and roles, survey talk, filler adverbs and generic verbs. Sentiment words stay for the tone.
DOMAIN_STOP_WORDS: frozenset[str] = frozenset(
    """
    supplier client team really think feel felt lot lots thing things bit quite just like get got getting
    make makes making need needs want way ways good bad better worse time times work working does doing
    going say said sure know actually overall generally sometimes often always people person side sides
    party parties relationship organisation organization company partner partners customer vendor
    don doesn didn isn wasn aren weren won wouldn couldn shouldn can cannot ve ll re im ive
    also would could should might will year years month months week weeks day days look looking
    survey questionnaire question questions asked ask asking answered covered mention comment comments
    please thank thanks honestly frankly genuinely sadly simply broadly personally basically obviously
    definitely certainly literally whole area sit
    """.split()
)
#: Most themes tried when choosing the number of themes.
MAX_THEMES = 24
#: Most distinct words kept (the most frequent).
MAX_WORDS = 3000
#: Comments used when choosing the number of themes (a fixed random sample when there are more).
SELECTION_SAMPLE = 2000
#: Least cosine between a comment and its theme's word weights for the comment to count as fitting the theme
#: when choosing the number of themes.
MIN_FIT = 0.2
#: A theme's tone score at or beyond ±TONE_CUT reads as negative or positive; between, mixed.
TONE_CUT = 0.25
QUOTE_CHARS = 240
N_QUOTES = 3
N_TOP_TERMS = 8
_NEAR_REPEAT = 0.8
_QUOTE_CANDIDATES = 500

#: The columns of ``Themes.table``, in order.
THEME_COLUMNS: tuple[str, ...] = tuple(
    "theme_id label top_terms n_comments n_respondents share tone tone_score matches_known is_candidate_new "
    "suppressed suppressed_reason".split()
)
QUOTE_COLUMNS: tuple[str, ...] = ("theme_id", "quote")
#: ``scope`` is "input" (nothing computed) or "theme".
SUPPRESSED_COLUMNS: tuple[str, ...] = ("scope", "theme_id", "reason")

_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


# --- result ----------------------------------------------------------------------------------------------


def _no_selection() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64") for c in ("n_themes", "themes_shown", "comments_shown")})


@dataclass(frozen=True)
class Themes:
    """What :func:`extract_themes` found.

    Attributes
    ----------
    table : DataFrame
        One row per theme, columns :data:`THEME_COLUMNS`: shown themes by ``n_comments``, largest first,
        then suppressed ones with all but ``theme_id``, ``suppressed`` and ``suppressed_reason`` missing.
    quotes : DataFrame
        Columns :data:`QUOTE_COLUMNS`: up to three redacted quotes per shown theme, most typical first.
    suppressed : DataFrame
        Columns :data:`SUPPRESSED_COLUMNS`: what was withheld and why.
    n_comments, n_respondents : int or None
        Comments and distinct respondents in the input; None when the input itself was withheld.
    n_themes : int
        Themes fitted (0 when nothing was computed).
    selection : DataFrame
        ``n_themes``, ``themes_shown``, ``comments_shown`` for each number of themes tried (empty when
        ``n_themes`` was given).
    """

    table: pd.DataFrame
    quotes: pd.DataFrame
    suppressed: pd.DataFrame
    n_comments: int | None = None
    n_respondents: int | None = None
    n_themes: int = 0
    selection: pd.DataFrame = field(default_factory=_no_selection)

    @property
    def shown(self) -> pd.DataFrame:
        """The themes that reach the anonymity threshold."""
        return self.table[~self.table["suppressed"]]

    @property
    def candidates(self) -> pd.DataFrame:
        """Shown themes that match no known Thing That Matters: candidate new Things That Matter."""
        return self.table[~self.table["suppressed"] & self.table["is_candidate_new"].fillna(False)]


_DTYPES = dict.fromkeys(THEME_COLUMNS, object) | {
    "n_comments": "Int64",
    "n_respondents": "Int64",
    "share": float,
    "tone_score": float,
    "is_candidate_new": "boolean",
    "suppressed": bool,
}


def _table(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(THEME_COLUMNS))
    if not rows:
        df = pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in THEME_COLUMNS})
    return df.astype(_DTYPES)


def _frame(rows: list[dict], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns), dtype=object)


def _shown_groups(groups: np.ndarray, who: np.ndarray, k: float, n_groups: int) -> np.ndarray:
    """Which of the groups 0 … ``n_groups`` − 1 may be shown, by the privacy gate's respondent rule.

    ``groups`` and ``who`` give each comment's group and respondent; a group is shown when
    :func:`~valuekit.analysis.privacy.respondent_guard` finds at least ``k`` distinct respondents behind it
    (a group with no comment is not shown).
    """
    frame = pd.DataFrame({"group": np.asarray(groups, dtype=np.int64), "who": np.asarray(who)})
    guard = respondent_guard(frame, ["group"], k=k, id_col="who")
    shown = np.zeros(n_groups, bool)
    shown[guard.loc[guard["enough"], "group"].to_numpy(np.int64)] = True
    return shown


# --- helpers ---------------------------------------------------------------------------------------------


def _check(comments: pd.DataFrame, privacy: Privacy, n_themes: int | None) -> None:
    if not isinstance(comments, pd.DataFrame):
        raise ValuekitError(
            f"comments must be a DataFrame (the comments table); got {type(comments).__name__}"
        )
    missing = [c for c in ("participant_id", "text") if c not in comments.columns]
    if missing:
        raise ValuekitError(
            f"comments needs the columns 'participant_id' and 'text'; missing {missing}, "
            f"found {list(comments.columns)}"
        )
    if not isinstance(privacy, Privacy):
        raise ValuekitError(f"privacy must be a valuekit.config.Privacy; got {type(privacy).__name__}")
    if n_themes is not None and (isinstance(n_themes, bool) or not isinstance(n_themes, int) or n_themes < 1):
        raise ValuekitError(f"n_themes must be None (choose) or a whole number ≥ 1; got {n_themes!r}")


def _respondents(comments: pd.DataFrame) -> pd.Series:
    who = comments["participant_id"].astype(str)
    if "relationship_id" in comments.columns:
        who = comments["relationship_id"].astype(str) + "\x1f" + who
    return who


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= QUOTE_CHARS:
        return text
    cut = text[: QUOTE_CHARS - 1]
    space = cut.rfind(" ")
    if space > QUOTE_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + "…"


def _quotes(X, idx: np.ndarray, texts: np.ndarray, who: np.ndarray) -> list[str]:
    rows = X[idx]
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    sims = np.asarray(rows @ (centroid / norm)).ravel() if norm > 0 else np.zeros(len(idx))
    redacted = np.array([bool(_PLACEHOLDER_RE.search(t)) for t in texts[idx]])
    order = np.lexsort((np.arange(len(idx)), -np.round(sims, 12), redacted))
    out: list[str] = []
    chosen: list[int] = []
    seen_who, seen_text = set(), set()
    for i in order[:_QUOTE_CANDIDATES]:  # the most typical are near the top; the rest would not be chosen
        text = texts[idx[i]]
        key = " ".join(text.lower().split())
        if not key or key in seen_text or who[idx[i]] in seen_who:
            continue
        seen_text.add(key)
        if chosen and np.max((rows[chosen] @ rows[i].T).toarray()) >= _NEAR_REPEAT:
            continue
        chosen.append(int(i))
        seen_who.add(who[idx[i]])
        out.append(_quote(text))
        if len(out) == N_QUOTES:
            break
    return out


# --- the model -------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | DOMAIN_STOP_WORDS


def _tokens(text: str, stop: frozenset[str]) -> list[str]:
    out = []
    for w in _WORD_RE.findall(text.lower()):
        if w not in stop:
            f = _fold(w)
            if f not in stop:
                out.append(f)
    return out


def _fit(X, k: int, random_state: int, *, quick: bool = False):
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    iters, tol = (150, 1e-3) if quick else (400, 1e-4)
    model = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=iters, tol=tol)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X)
    return model


def _assign(model, X) -> np.ndarray:
    W = model.transform(X)
    labels = W.argmax(axis=1)
    labels[W.max(axis=1) <= 1e-12] = -1
    return labels


def _candidates(k_max: int) -> list[int]:
    """2, 3 … 8, then every other k, and ``k_max`` itself."""
    return sorted({*range(2, min(k_max, 8) + 1), *range(8, k_max + 1, 2), k_max})


def _shown_counts(model, X, who: np.ndarray, need: float) -> tuple[int, int]:
    """Themes that would be shown, and the comments in them that fit their theme (cosine ≥ MIN_FIT)."""
    labels = _assign(model, X)
    k = model.components_.shape[0]
    ok = labels >= 0
    shown = _shown_groups(labels[ok], who[ok], need, k)
    H = model.components_ / np.maximum(np.linalg.norm(model.components_, axis=1, keepdims=True), 1e-12)
    fit = np.zeros(len(labels))
    fit[ok] = np.asarray((X[ok].multiply(H[labels[ok]])).sum(axis=1)).ravel()
    return int(shown.sum()), int(np.sum(ok & shown[np.maximum(labels, 0)] & (fit >= MIN_FIT)))


def _choose_k(X_fit, X, who: np.ndarray, k_max: int, privacy: Privacy, random_state: int):
    """The number of themes that lets the most themes be shown (module docstring, step 4)."""
    rng = np.random.default_rng(random_state)
    rows = np.arange(X.shape[0])
    if len(rows) > SELECTION_SAMPLE:
        rows = np.sort(rng.choice(len(rows), size=SELECTION_SAMPLE, replace=False))
    need = privacy.k_comments * len(rows) / X.shape[0]  # the threshold, scaled to the sample
    sample = X_fit
    if X_fit.shape[0] > SELECTION_SAMPLE:
        sample = X_fit[np.sort(rng.choice(X_fit.shape[0], size=SELECTION_SAMPLE, replace=False))]
    records, models = [], {}
    for k in _candidates(k_max):
        models[k] = _fit(sample, k, random_state, quick=sample is not X_fit)
        records.append((k, *_shown_counts(models[k], X[rows], who[rows], need)))
    selection = pd.DataFrame(records, columns=["n_themes", "themes_shown", "comments_shown"])
    best = selection.sort_values(
        ["themes_shown", "comments_shown", "n_themes"], ascending=False, kind="stable"
    )
    k = int(best["n_themes"].iloc[0])
    return k, selection, models[k] if sample is X_fit else None


# --- the analysis ----------------------------------------------------------------------------------------


def extract_themes(
    comments: pd.DataFrame,
    *,
    known: Mapping[str, str] | None = None,
    privacy: Privacy = Privacy(),  # noqa: B008 - frozen, so safe as a default
    n_themes: int | None = None,
    random_state: int = 0,
    names: Iterable[str] = (),
    keep: Iterable[str] = (),
    stop_words: Iterable[str] = (),
) -> Themes:
    """Find the themes in open comments, with counts, tone, the known match and redacted quotes.

    The method, the rule for the number of themes and the privacy rules are in the module docstring.

    Parameters
    ----------
    comments : DataFrame
        Rows of the ``comments`` table; needs ``participant_id`` and ``text`` (with ``relationship_id``,
        respondents are told apart across relationships). The row order does not change the result.
    known : mapping of str to str, optional
        Thing That Matters id → its name and description (see :func:`known_from_template`). Without it,
        ``matches_known`` and ``is_candidate_new`` are missing.
    privacy : Privacy
        ``k_comments``: the fewest distinct respondents behind a theme or quote that is shown.
    n_themes : int, optional
        Fit this many themes (at most the number of distinct comments or words) instead of choosing.
    random_state : int
        Seed of the NMF start and of the selection sample.
    names, keep : iterable of str
        For :func:`~valuekit.analysis.redact.redact`: names to remove, and company names to leave alone.
    stop_words : iterable of str
        More words to ignore, such as the parties' names.

    Returns
    -------
    Themes
        ``table`` (:data:`THEME_COLUMNS`), ``quotes`` (:data:`QUOTE_COLUMNS`), ``suppressed``
        (:data:`SUPPRESSED_COLUMNS`), ``n_comments``, ``n_respondents``, ``n_themes``, ``selection``.
    """
    _check(comments, privacy, n_themes)
    fewer = public_reason(privacy.k_comments, "comments")
    who_all = _respondents(comments)
    n_all, r_all = len(comments), int(who_all.nunique())
    if not _shown_groups(np.zeros(n_all), who_all.to_numpy(), privacy.k_comments, 1)[0]:
        log = _frame([{"scope": "input", "theme_id": None, "reason": fewer}], SUPPRESSED_COLUMNS)
        return Themes(_table([]), _frame([], QUOTE_COLUMNS), log)

    # A canonical row order makes the result independent of the input's.
    text = comments["text"].astype(object).where(comments["text"].notna(), "")
    frame = pd.DataFrame(
        {
            "who": who_all.to_numpy(),
            "subject": comments.get("subject_id", pd.Series("", index=comments.index)).astype(str).to_numpy(),
            "text": redact_series(text, names, keep=keep).astype(str).to_numpy(),
        }
    ).sort_values(["who", "subject", "text"], kind="stable", ignore_index=True)
    texts = frame["text"].to_numpy(dtype=object)
    who = pd.factorize(frame["who"])[0]

    from sklearn.feature_extraction.text import TfidfVectorizer
    from threadpoolctl import threadpool_limits

    stop = _stop_words() | frozenset(w for s in stop_words for w in _tokens(str(s), frozenset()))
    many = n_all >= 20
    vectorizer = TfidfVectorizer(
        tokenizer=lambda t: _tokens(t, stop),
        lowercase=False,
        token_pattern=None,
        min_df=2 if many else 1,
        max_df=0.8 if many else 1.0,
        max_features=MAX_WORDS,
        sublinear_tf=True,
    )
    try:
        X = vectorizer.fit_transform(frame["text"].str.replace(_PLACEHOLDER_RE, " ", regex=True))
    except ValueError:  # no words left after the stop words
        X = None
    if X is None or X.nnz == 0:
        log = _frame(
            [{"scope": "input", "theme_id": None, "reason": "no words to find themes in"}], SUPPRESSED_COLUMNS
        )
        return Themes(_table([]), _frame([], QUOTE_COLUMNS), log, n_all, r_all)
    terms = vectorizer.get_feature_names_out()

    # Fit on distinct comments: one row per set of words.
    keys = [X.indices[X.indptr[i] : X.indptr[i + 1]].tobytes() for i in range(X.shape[0])]
    first = np.flatnonzero(~pd.Series(keys).duplicated().to_numpy() & (X.getnnz(axis=1) > 0))
    X_fit = X[first]
    limit = min(X_fit.shape)
    selection, model = _no_selection(), None
    # The matrices NMF multiplies are tall and thin: one BLAS thread is faster than several fighting.
    with threadpool_limits(limits=1, user_api="blas"):
        if n_themes is not None:
            k = min(n_themes, limit)
        else:
            k_max = min(MAX_THEMES, n_all // privacy.k_comments, limit)
            k = 1
            if k_max >= 2:
                k, selection, model = _choose_k(X_fit, X, who, k_max, privacy, random_state)
        if model is None:
            model = _fit(X_fit, k, random_state)
        labels = _assign(model, X)
    H = model.components_
    tone = comment_tone(pd.Series(texts, dtype=object)).to_numpy()
    subjects = frame["subject"].to_numpy()
    text_words = {ttm: set(_tokens(str(txt), stop)) for ttm, txt in (known or {}).items()}
    own, language, on_known = known_words(text_words, subjects, X, terms)

    ok = labels >= 0
    enough = _shown_groups(labels[ok], who[ok], privacy.k_comments, k)
    themes = []
    for t in range(k):
        idx = np.flatnonzero(labels == t)
        if len(idx):
            themes.append((t, idx, len(np.unique(who[idx]))))
    shown = sorted((x for x in themes if enough[x[0]]), key=lambda x: (-len(x[1]), x[1][0]))
    hidden = sorted((x for x in themes if not enough[x[0]]), key=lambda x: x[1][0])

    rows, quotes, log = [], [], []
    width = max(2, len(str(len(themes))))
    for number, (t, idx, n_resp) in enumerate([*shown, *hidden], start=1):
        theme_id = f"T{number:0{width}d}"
        if not enough[t]:
            rows.append({"theme_id": theme_id, "suppressed": True, "suppressed_reason": fewer})
            log.append({"scope": "theme", "theme_id": theme_id, "reason": fewer})
            continue
        order = [i for i in np.argsort(-H[t], kind="stable")[:10] if H[t, i] > 0]
        top = [str(terms[i]) for i in order]
        score = float((np.sum(tone[idx] == "positive") - np.sum(tone[idx] == "negative")) / len(idx))
        match = None
        if known:
            match = _match_known(top, H[t, order], own, language, on_known[idx], subjects[idx])
        rows.append(
            {
                "theme_id": theme_id,
                "label": " / ".join(top[:3]),
                "top_terms": ", ".join(top[:N_TOP_TERMS]),
                "n_comments": len(idx),
                "n_respondents": n_resp,
                "share": len(idx) / n_all,
                "tone": "negative" if score <= -TONE_CUT else "positive" if score >= TONE_CUT else "mixed",
                "tone_score": score,
                "matches_known": match,
                "is_candidate_new": None if known is None else match is None,
                "suppressed": False,
                "suppressed_reason": None,
            }
        )
        quotes += [
            {"theme_id": theme_id, "quote": q} for q in _quotes(X, idx, texts, frame["who"].to_numpy())
        ]

    return Themes(
        table=_table(rows),
        quotes=_frame(quotes, QUOTE_COLUMNS),
        suppressed=_frame(log, SUPPRESSED_COLUMNS),
        n_comments=n_all,
        n_respondents=r_all,
        n_themes=k,
        selection=selection,
    )
