"""The portfolio: every relationship in the store side by side (DESIGN.md, question 9).

Benchmark each relationship per Thing That Matters (:func:`portfolio_scores`), segment relationships by
profile (:func:`segment_relationships`), surface best practice (:func:`best_practice`), rank where to start
(:func:`where_to_start`, the seed's four criteria) and flag vacant change roles (:func:`change_role_risks`).

Each relationship is read at its latest cycle with responses (or of a given kind). Portfolio views compare
relationships, but every number about a group of people still passes the privacy gate (scores, overall
figures), fragmentation uses shown groups only, and benchmarks rank shown scores only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from ..config import Privacy
from ..errors import NotFoundError, ValuekitError
from ..schemas import CHANGE_ROLES, CYCLE_KINDS, LEVELS, cycle_kind
from ..store import Store
from ..templates import Template, find_template
from ._gate_cache import store_gate_cache
from .data import RelationshipData, load_relationship
from .fragmentation import fragmentation_index
from .privacy import DEFAULT_PRIVACY, apply_gate, atom_counts
from .scores import score_things

__all__ = [
    "portfolio_scores", "segment_relationships", "best_practice", "where_to_start", "change_role_risks",
    "SCORE_COLUMNS", "SEGMENT_COLUMNS", "BEST_PRACTICE_COLUMNS", "START_COLUMNS",
    "ROLE_COLUMNS", "BANDS", "UNEVEN_FROM", "EXCELS_FROM", "WEIGHTS", "MIN_YEARS_LEFT", "FULL_TIME_YEARS",
]  # fmt: skip

SCORE_COLUMNS = [
    "relationship_id", "cycle_id", "thing_that_matters", "thing_that_matters_name", "n", "mean", "benchmark",
    "rank", "n_ranked", "suppressed", "suppressed_reason",
]  # fmt: skip
SEGMENT_COLUMNS = [
    "relationship_id", "segment", "band", "uneven", "overall_mean", "spread", "weakest", "strongest",
    "n_things", "n_in_segment", "segment_traits",
]  # fmt: skip
BEST_PRACTICE_COLUMNS = [
    "thing_that_matters", "thing_that_matters_name", "relationship_id", "cycle_id", "n", "mean", "benchmark",
    "action_id", "action_title", "action_code_ids", "action_raised_cycle",
]  # fmt: skip
START_COLUMNS = [
    "rank", "relationship_id", "name", "eligible", "score", "value_score", "time_score", "initiative_score",
    "struggling_score", "annual_value_m", "end_date", "years_left", "other_initiatives", "cycle_id",
    "n_respondents", "mean", "share_failing_struggling", "fragmentation_index", "n_vacant_roles", "why",
]  # fmt: skip
ROLE_COLUMNS = ["relationship_id", *CHANGE_ROLES, "n_vacant", "at_risk", "risk"]
#: Overall means below 2.5 are "struggling" (nearer Struggling than Performing), from 3.5 "healthy" (nearer
#: Exceeding), between them "mixed": the midpoints between the scale's levels 2, 3 and 4.
BANDS = (2.5, 3.5)
#: Best and worst Thing That Matters this far apart (one level) make a profile "uneven".
UNEVEN_FROM = 1.0
#: A relationship "excels" on a Thing That Matters from this mean (halfway from Performing to Exceeding).
EXCELS_FROM = 3.5
#: Weights of the four criteria of :func:`where_to_start`. Struggling counts double: the seed starts "where the
#: need is most obvious"; value, time and no other initiative say how great and how feasible the win is.
WEIGHTS = {"value": 0.2, "time": 0.2, "initiative": 0.2, "struggling": 0.4}
#: Fewer years left to run than this disqualifies: Resolve, Solve and a Dissolve cycle need more.
MIN_YEARS_LEFT = 1.0
#: Years left at which the time criterion is full: about what Resolve, Solve and two Dissolve cycles take.
FULL_TIME_YEARS = 3.0


def portfolio_scores(
    store: Store, *, cycle_kind: str | None = None, privacy: Privacy = DEFAULT_PRIVACY
) -> pd.DataFrame:
    """Every relationship's score per Thing That Matters, with its percentile rank in the portfolio.

    Parameters
    ----------
    store
        An open :class:`~valuekit.store.Store`.
    cycle_kind
        ``"resolve"``, ``"solve"`` or ``"dissolve"``: each relationship's latest cycle of that kind with
        responses (relationships without one are left out); ``None``: its latest cycle with responses.
    privacy
        ``privacy.k``: the fewest respondents a shown score may rest on.

    Returns
    -------
    DataFrame
        One row per relationship × Thing That Matters, :data:`SCORE_COLUMNS`. ``n`` and ``mean`` are
        :func:`~valuekit.analysis.scores.score_things` of the whole community (each respondent's mean over
        the Thing That Matters' Value Codes, then the mean over respondents). ``benchmark`` is the percentile
        rank among the relationships with a shown score on that Thing That Matters, ``rank`` its place
        (1 = highest; ties share the better place) of ``n_ranked``. Hidden rows have no number, no rank.

    Notes
    -----
    The percentile rank with ties counted half, ``scipy.stats.percentileofscore(means, x, kind="mean")``:

    .. math:: \\mathrm{benchmark}(x) = 100 \\cdot \\frac{\\#\\{m < x\\} + \\#\\{m \\le x\\}}{2N}

    over the :math:`N` shown means :math:`m`, its own included. Relationships are compared at their own
    latest cycle, so a Resolve score (one high-level Value Code per Thing That Matters) may sit beside a
    Dissolve one; pass ``cycle_kind`` to compare like with like.

    References
    ----------
    Roscoe, J. T. (1975). *Fundamental Research Statistics for the Behavioral Sciences*, 2nd ed. Holt,
    Rinehart and Winston (percentile rank); SciPy, ``scipy.stats.percentileofscore``.

    Examples
    --------
    >>> scores = portfolio_scores(store)  # doctest: +SKIP
    >>> scores.pivot(index="relationship_id", columns="thing_that_matters", values="benchmark")  # doctest: +SKIP
    """
    with store_gate_cache(store.path):
        frames = [
            score_things(d, cycle=d.cycle_id, privacy=privacy).assign(relationship_id=d.relationship_id,
                                                                       cycle_id=d.cycle_id)
            for d in _each(store, cycle_kind)
        ]  # fmt: skip
    if not frames:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    table = pd.concat(frames, ignore_index=True)
    ranked = table[~table["suppressed"]].groupby("thing_that_matters", sort=False)["mean"]
    below, at_most = ranked.rank(method="min") - 1, ranked.rank(method="max")  # #{m < x}, #{m ≤ x}
    size = ranked.transform("size")
    table["benchmark"] = (100 * (below + at_most) / (2 * size)).reindex(table.index)
    table["rank"] = ranked.rank(ascending=False, method="min").reindex(table.index).astype("Int64")
    table["n_ranked"] = size.reindex(table.index).astype("Int64")
    return table[SCORE_COLUMNS]


def segment_relationships(scores: pd.DataFrame) -> pd.DataFrame:
    """Segment relationships by profile: how well they do overall, and how evenly across Things That Matter.

    A transparent rule, not a clustering. The **band** is *struggling* when the relationship's overall mean
    (the mean of its shown Thing That Matters means) is below 2.5, *healthy* from 3.5, *mixed* between
    (:data:`BANDS`); the profile is **uneven** when its best and worst Thing That Matters are at least a level
    apart (:data:`UNEVEN_FROM`). The segment is the band, plus ", uneven" where that applies. Why a rule: a
    portfolio holds tens of relationships, too few for a stable clustering (on the sample, k-means with the
    silhouette-best k = 2 put the three struggling relationships with the middling ones), and stakeholders
    can check a rule by eye. The same scores always give the same segments.

    Parameters
    ----------
    scores
        :func:`portfolio_scores` (``relationship_id``, ``thing_that_matters``, ``mean``, ``suppressed``).

    Returns
    -------
    DataFrame
        One row per relationship with a shown score, :data:`SEGMENT_COLUMNS`, struggling first and the
        lowest mean first within a segment: ``spread`` = best − worst Thing That Matters mean, named in
        ``strongest`` and ``weakest``; ``segment_traits`` states the segment's rule in words.

    Examples
    --------
    >>> s = pd.DataFrame({"relationship_id": list("abcabc"), "thing_that_matters": list("tttsss"),
    ...                   "mean": [1.75, 2.5, 4.25, 2.0, 3.5, 4.0], "suppressed": False})
    >>> segment_relationships(s)[["relationship_id", "segment", "spread"]].values.tolist()
    [['a', 'struggling', 0.25], ['b', 'mixed, uneven', 1.0], ['c', 'healthy', 0.25]]
    """
    shown = _shown(scores, ("relationship_id", "thing_that_matters", "mean"))
    names = shown.get("thing_that_matters_name", shown["thing_that_matters"])
    g = shown.groupby("relationship_id", sort=False)["mean"]
    out = pd.DataFrame({"overall_mean": g.mean(), "spread": g.max() - g.min(), "n_things": g.size()})
    out["weakest"], out["strongest"] = names.loc[g.idxmin()].to_numpy(), names.loc[g.idxmax()].to_numpy()
    m = out["overall_mean"]
    out["band"] = np.select([m < BANDS[0], m >= BANDS[1]], ["struggling", "healthy"], "mixed")
    out["uneven"] = out["spread"] >= UNEVEN_FROM - 1e-12
    out["segment"] = out["band"] + np.where(out["uneven"], ", uneven", "")
    words = {"struggling": "below 2.5, nearer Struggling than Performing", "healthy": "3.5 or above, Exceeding"
             " or better", "mixed": "from 2.5 to below 3.5, around Performing"}  # fmt: skip
    shape = np.where(out["uneven"], "best and worst Thing That Matters a level or more apart",
                     "Things That Matter within a level of each other")  # fmt: skip
    out["segment_traits"] = "overall mean " + out["band"].map(words) + "; " + shape
    out["n_in_segment"] = out.groupby("segment")["n_things"].transform("size").astype("int64")
    out["_band"] = out["band"].map({"struggling": 0, "mixed": 1, "healthy": 2})
    out = out.rename_axis("relationship_id").reset_index()
    out = out.sort_values(["_band", "uneven", "overall_mean", "relationship_id"], ignore_index=True)
    return out[SEGMENT_COLUMNS]


def best_practice(store: Store, scores: pd.DataFrame, *, privacy: Privacy = DEFAULT_PRIVACY) -> pd.DataFrame:
    """Who excels where, and which completed improvement actions came before it.

    For each Thing That Matters, the relationship with the highest shown mean in ``scores``, if that mean is
    at least :data:`EXCELS_FROM` (3.5) and rests on at least ``privacy.k`` respondents; with each of its
    improvement actions that is ``done``, targets a Value Code of that Thing That Matters (per its template)
    and was raised in a cycle *before* the one scored. Those actions preceded the strong score: candidates
    to offer elsewhere, not proof that they caused it.

    Returns
    -------
    DataFrame
        :data:`BEST_PRACTICE_COLUMNS`: one row per Thing That Matters and preceding action (one row with the
        action columns missing when none preceded it), in the order of ``scores``; ties for the top all
        appear; a Thing That Matters on which no relationship excels has no row.

    Examples
    --------
    >>> best_practice(store, portfolio_scores(store))  # doctest: +SKIP
    """
    ok = _shown(scores, ("relationship_id", "cycle_id", "thing_that_matters", "mean", "n"))
    ok = ok[(ok["mean"] >= EXCELS_FROM) & (ok["n"].astype("float64") >= privacy.k)]
    top = ok[ok["mean"] == ok.groupby("thing_that_matters", sort=False)["mean"].transform("max")]
    actions, cycles = store.read("actions"), store.read("cycles")
    done = actions[actions["status"] == "done"]
    templates, rows = {}, []
    for row in top.itertuples(index=False):
        codes = _template(store, row.relationship_id, templates).codes_frame()
        in_thing = set(codes.loc[codes["thing_that_matters"] == row.thing_that_matters, "code_id"])
        seq = cycles[cycles["relationship_id"] == row.relationship_id].set_index("cycle_id")["sequence"]
        mine = done[done["relationship_id"] == row.relationship_id]
        before = (mine["raised_cycle"].map(seq) < seq.get(row.cycle_id, np.inf)).to_numpy()
        targets = np.array([bool(in_thing & set(c.split("|"))) for c in mine["code_ids"]], bool)
        base = {c: getattr(row, c, None) for c in BEST_PRACTICE_COLUMNS[:7]}
        rows += [{**base, "action_id": a.action_id, "action_title": a.title, "action_code_ids": a.code_ids,
                  "action_raised_cycle": a.raised_cycle} for a in mine[before & targets].itertuples()] or [base]  # fmt: skip
    return pd.DataFrame(rows, columns=BEST_PRACTICE_COLUMNS)


def where_to_start(
    store: Store,
    *,
    reference_date: str | date | pd.Timestamp | None = None,
    cycle_kind: str | None = None,
    fragmentation: bool = True,
    weights: Mapping[str, float] | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """Rank the relationships as a place to start, by the four criteria of seed 004 ("The initial process").

    The relationship targeted should be of significant value to both parties, have sufficient time left to
    run, have no other change initiative in play and be obviously struggling. Each criterion scores 0 to 1:

    - ``value_score`` = annual value / the portfolio's highest annual value;
    - ``time_score`` = min(1, years left / :data:`FULL_TIME_YEARS`); 0, and ``eligible`` false, below
      :data:`MIN_YEARS_LEFT` (1; years left = days from the reference date to the end date / 365.25);
    - ``initiative_score`` = 1 with no other change initiative in play, else 0;
    - ``struggling_score`` = the mean of those shown of (5 − mean rating) / 4, the share of ratings at
      Failing or Struggling, and the :func:`~valuekit.analysis.fragmentation.fragmentation_index`.

    ``score`` = Σ weight × criterion (one that cannot be shown counts 0). Eligible relationships rank first,
    then by score, then by value. Vacant change roles (:func:`change_role_risks`) leave the score alone but
    are named in ``why`` as a risk: without all three roles the method warns the work will likely stall.

    Parameters
    ----------
    store
        An open :class:`~valuekit.store.Store`.
    reference_date
        The date time left is counted from; default today.
    cycle_kind, privacy
        As :func:`portfolio_scores`; overall figures rest on at least ``privacy.k`` respondents.
    fragmentation
        Include the fragmentation index (side × common level) in the struggling criterion; it is the slow
        part (the privacy gate per Value Code), so a quick look may leave it out.
    weights
        ``"value"``, ``"time"``, ``"initiative"``, ``"struggling"`` → weight ≥ 0, normalised; :data:`WEIGHTS`.

    Returns
    -------
    DataFrame
        One row per relationship, best first, :data:`START_COLUMNS`; ``why`` says it in plain English.

    Examples
    --------
    >>> where_to_start(store, reference_date="2026-11-01")[["rank", "relationship_id", "why"]]  # doctest: +SKIP
    """
    w, ref = _weights(weights), pd.Timestamp(reference_date or date.today()).normalize()
    roles = change_role_risks(store).set_index("relationship_id")
    rows = []
    with store_gate_cache(store.path):
        for data in _each(store, cycle_kind, keep_empty=True):
            row = {"fragmentation_index": np.nan, **_overall(data, privacy)}
            if fragmentation and isinstance(data, RelationshipData):
                summary = fragmentation_index(data, cycle=data.cycle_id, privacy=privacy)[0]
                row["fragmentation_index"] = summary["fragmentation_index"].iloc[0]
            rows.append(row)
    t = store.read("relationships").merge(pd.DataFrame(rows), on="relationship_id", how="left")
    t["years_left"] = (t["end_date"] - ref).dt.days / 365.25
    t["eligible"] = t["years_left"] >= MIN_YEARS_LEFT
    top = t["annual_value_m"].max()
    t["value_score"] = t["annual_value_m"] / top if top > 0 else 0.0
    t["time_score"] = np.where(t["eligible"], np.minimum(1.0, t["years_left"] / FULL_TIME_YEARS), 0.0)
    t["initiative_score"] = np.where(t["other_initiatives"], 0.0, 1.0)
    low_mean = (LEVELS[-1] - t["mean"].astype("float64")) / (LEVELS[-1] - LEVELS[0])
    parts = pd.concat([low_mean, t["share_failing_struggling"], t["fragmentation_index"]], axis=1)
    t["struggling_score"] = parts.astype("float64").mean(axis=1, skipna=True)
    t["score"] = sum(w[c] * t[f"{c}_score"].fillna(0.0) for c in WEIGHTS)
    order = ["eligible", "score", "annual_value_m", "relationship_id"]
    t = t.sort_values(order, ascending=[False, False, False, True], ignore_index=True)
    t["rank"] = np.arange(1, len(t) + 1)
    t["n_vacant_roles"] = t["relationship_id"].map(roles["n_vacant"]).astype("int64")
    t["why"] = [_why(r, ref, top, roles.loc[r.relationship_id]) for r in t.itertuples()]
    return t[START_COLUMNS]


def change_role_risks(store: Store) -> pd.DataFrame:
    """Are the three change roles (change champion, transformational leader, change stabilizer) filled?

    Returns
    -------
    DataFrame
        One row per relationship, most vacancies first, :data:`ROLE_COLUMNS`: each role ``"filled"``,
        ``"vacant"`` or ``"not recorded"`` (counted as vacant); ``n_vacant``, ``at_risk`` (any vacancy) and
        ``risk`` in words: without all three roles the method warns the work will almost certainly stall.
    """
    roles = store.read("change_roles").assign(status=lambda r: np.where(r["filled"], "filled", "vacant"))
    wide = roles.pivot(index="relationship_id", columns="role", values="status")
    wide = wide.reindex(index=store.relationship_ids(), columns=list(CHANGE_ROLES)).astype(object)
    wide = wide.fillna("not recorded")  # object first: a store with no roles at all pivots to all-NaN floats
    wide["n_vacant"] = (wide[list(CHANGE_ROLES)] != "filled").sum(axis=1).astype("int64")
    wide["at_risk"] = wide["n_vacant"] > 0
    wide["risk"] = [_role_risk(r) for _, r in wide.iterrows()]
    out = wide.rename_axis(index="relationship_id", columns=None).reset_index()[ROLE_COLUMNS]
    return out.sort_values(["n_vacant", "relationship_id"], ascending=[False, True], ignore_index=True)


# -- helpers --------------------------------------------------------------------------------------------
def _each(store: Store, kind: str | None, keep_empty: bool = False) -> Iterator[RelationshipData | str]:
    """Each relationship at its latest cycle (of ``kind``) with responses; without one, its id or nothing."""
    if kind is not None and kind not in CYCLE_KINDS:
        raise NotFoundError("cycle kind", kind, list(CYCLE_KINDS), where="cycle_kind=")
    templates: dict = {}
    for rid in store.relationship_ids():
        cycles = [c for c in store.cycle_ids(rid) if kind is None or cycle_kind(c) == kind]
        chosen = next((c for c in reversed(cycles) if len(store.read("responses", rid, c))), None)
        if chosen is not None:
            yield load_relationship(store, rid, chosen, template=_template(store, rid, templates))
        elif keep_empty:
            yield rid


def _template(store: Store, rid: str, cache: dict) -> Template:
    """The relationship's template, found once per call (finding one parses every template file)."""
    rel = store.read("relationships", rid).iloc[0]
    key = (rel["template_id"], rel["template_version"])
    cache[key] = cache[key] if key in cache else find_template(*key)
    return cache[key]


def _overall(data: RelationshipData | str, privacy: Privacy) -> dict:
    """Respondents, mean rating and share at Failing or Struggling of the whole cycle, through the gate."""
    if not isinstance(data, RelationshipData):
        return {"relationship_id": data, "cycle_id": None}
    r = data.responses
    keys = ["participant_id", *[c for c in ("party_id", "side", "common_level", "common_function") if c in r]]
    people = r.assign(rated=r["rating"].notna()).groupby(keys, dropna=False)["rated"].sum().reset_index()
    x = r["rating"].dropna().astype("float64")
    table = pd.DataFrame(
        {"n_respondents": [int((people["rated"] > 0).sum())], "mean": [x.mean()],
         "share_failing_struggling": [(x <= 2).mean() if len(x) else np.nan]}
    )  # fmt: skip
    atoms = atom_counts(people, weight=people["rated"] > 0)
    gated = apply_gate(table, atoms, by=[], k=privacy.k, what="overall scores")
    out = gated.iloc[0][["n_respondents", "mean", "share_failing_struggling"]].to_dict()
    return {"relationship_id": data.relationship_id, "cycle_id": data.cycle_id, **out}


def _shown(scores: pd.DataFrame, needed: Sequence[str]) -> pd.DataFrame:
    for col in needed:
        if col not in scores:
            raise NotFoundError("column", col, list(scores.columns), where="scores (use portfolio_scores)")
    shown = scores[~scores["suppressed"].astype(bool)] if "suppressed" in scores else scores
    return shown.dropna(subset=["mean"]).reset_index(drop=True)


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    w = dict(WEIGHTS if weights is None else weights)
    numbers = all(k in WEIGHTS and type(v) in (int, float) and v >= 0 for k, v in w.items())
    if not numbers or sum(w.values()) <= 0:
        msg = f"weights must map some of {list(WEIGHTS)} to numbers ≥ 0, not all 0; got {weights!r}"
        raise ValuekitError(msg)
    return {k: w.get(k, 0.0) / sum(w.values()) for k in WEIGHTS}


def _role_risk(row: pd.Series) -> str:
    vacant = [r.replace("_", " ") for r in CHANGE_ROLES if row[r] != "filled"]
    if not vacant:
        return "all three change roles filled"
    names = vacant[0] if len(vacant) == 1 else ", ".join(vacant[:-1]) + " and " + vacant[-1]
    return f"{names} role{'s' if len(vacant) > 1 else ''} vacant: the work will likely stall until filled"


def _time_left(years: float) -> str:
    """Time left in words: "4.4 years", or in days where one decimal would round across
    :data:`MIN_YEARS_LEFT` ("364 days", never a "1.0 years" that is too little)."""
    text = f"{years:.1f}"
    if (float(text) >= MIN_YEARS_LEFT) != (years >= MIN_YEARS_LEFT):
        days = round(years * 365.25)
        return f"{days} day{'s' * (days != 1)}"
    return f"{text} years"


def _why(r, ref: pd.Timestamp, top: float, roles: pd.Series) -> str:
    """The plain-English reading of one row of :func:`where_to_start`."""
    left = _time_left(r.years_left)
    first = f"{'First choice' if r.rank == 1 else 'Candidate'}: {left} left to run"
    parts = [first if r.eligible else f"Not a candidate now: ends {r.end_date:%Y-%m-%d}, {left} after "
             f"{ref:%Y-%m-%d}: too little time left to run to achieve change (at least "
             f"{MIN_YEARS_LEFT:g} year)"]  # fmt: skip
    share = "the highest" if r.annual_value_m == top else f"{r.annual_value_m / top:.0%} of the highest"
    parts.append(f"{r.annual_value_m:g} m a year ({share} in the portfolio)")
    others = "other change initiatives already" if r.other_initiatives else "no other change initiative"
    parts.append(f"{others} in play")
    state = "struggling" if r.mean < BANDS[0] else "healthy" if r.mean >= BANDS[1] else "neither struggling nor healthy"  # fmt: skip
    frag = "" if pd.isna(r.fragmentation_index) else f"; perspectives diverge on {r.fragmentation_index:.0%} of Value Codes"  # fmt: skip
    parts.append("no overall scores can be shown (no responses, or fewer respondents than the threshold)"
                 if pd.isna(r.mean) else f"{state} in {r.cycle_id} (mean {r.mean:.2f} of 5; "
                 f"{r.share_failing_struggling:.0%} of ratings Failing or Struggling{frag})")  # fmt: skip
    parts += ["risk: " + roles["risk"]] if roles["at_risk"] else []
    return "; ".join(parts) + "."
