"""Change: cycle over cycle, per Value Code lineage, and did the actions' Value Codes move? (DESIGN.md, question 8)

A Value Code may evolve between cycles (``derived_from``): a Dissolve code ``D-RSP-01`` derived from the Solve
code ``RSP-01`` is compared with it, and the same code in dissolve-1 and dissolve-2 is compared directly
(:meth:`~valuekit.templates.Template.lineage`). Every group shown passes the privacy gate in *both* cycles.

Uncertainty. Participants are pseudonymous and many answer in several cycles, but the samples of two cycles are
treated as independent (a paired analysis would need the same people in both and would drop everyone else).
With the positive correlation usual between a person's answers, that makes the intervals somewhat wider than a
paired analysis would give: conservative. :func:`compare_cycles` uses Welch intervals
(:func:`~valuekit.analysis.gaps.compare_samples`); :func:`action_effects` a percentile bootstrap that
resamples respondents within each cycle (Efron and Tibshirani 1993), so that the correlation between a
person's answers to targeted and untargeted Value Codes is kept.

References
----------
Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall. Ch. 13: percentile
intervals.
Angrist, J. D. and Pischke, J.-S. (2009). *Mostly Harmless Econometrics*. Princeton. Ch. 5:
differences-in-differences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import Privacy
from ..errors import NotFoundError, ValuekitError
from ..schemas import CYCLE_KINDS, cycle_kind
from ._shared import shared
from .data import RelationshipData, prepare
from .gaps import MEANINGFUL_GAP, contrast_rows, gated_samples
from .perspectives import sort_groups
from .priorities import code_table, empty_table, finish_table
from .privacy import DEFAULT_PRIVACY, SuppressionLog, public_reason

__all__ = [
    "SIGNIFICANCE",
    "MOVE",
    "N_BOOT",
    "SEED",
    "CHANGE_COLUMNS",
    "THING_CHANGE_COLUMNS",
    "ACTION_COLUMNS",
    "compare_cycles",
    "compare_things",
    "action_effects",
]

#: ``significant``: the 95 % interval excludes 0 *and* the Mann–Whitney p-value is below this.
SIGNIFICANCE = 0.05
#: An action's Value Codes *moved* when they rose at least this much more than the untargeted ones (half a
#: level, as :data:`~valuekit.analysis.gaps.MEANINGFUL_GAP`) with the interval above 0; they *did not move*
#: when the interval rules out a rise this large.
MOVE = MEANINGFUL_GAP
#: Bootstrap resamples and seed: the same data always give the same intervals.
N_BOOT = 2000
SEED = 20240611
_STATS = ["n_before", "mean_before", "n_after", "mean_after", "change", "ci_low", "ci_high", "p_value",
          "cliffs_delta", "significant", "suppressed", "suppressed_reason"]  # fmt: skip
CHANGE_COLUMNS = ["root", "code_before", "code_after", "thing_that_matters", "title", *_STATS]
THING_CHANGE_COLUMNS = ["thing_that_matters", "thing_that_matters_name", "n_codes", *_STATS]
ACTION_COLUMNS = [
    "action_id", "title", "status", "raised_cycle", "code_ids", "codes_after", "n_targets", "change_targets",
    "n_untargeted", "change_untargeted", "effect", "ci_low", "ci_high", "moved", "verdict", "suppressed",
    "suppressed_reason",
]  # fmt: skip

Data = RelationshipData | pd.DataFrame


@shared
def compare_cycles(
    data: Data,
    before: str,
    after: str,
    *,
    by: str | Sequence[str] | None = None,
    where: Mapping[str, object] | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """How each Value Code moved from the cycle ``before`` to the cycle ``after``, lineage-aware.

    Parameters
    ----------
    data
        A :class:`~valuekit.analysis.data.RelationshipData` of *every* cycle (``load_relationship(store, rid)``),
        or a frame of responses of several cycles with ``cycle_id`` (then ``codes`` with ``derived_from``).
    before, after
        Two cycles, ``before`` earlier (``"solve"``, ``"dissolve-1"``).
    by, where, privacy
        As in :func:`~valuekit.analysis.scores.score_codes`.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``group``, then :data:`CHANGE_COLUMNS`: one row per group and Value Code of
        ``after`` that has itself or an ancestor in ``before`` (``root``: the lineage's oldest code), in the
        order of ``after``. Empty (same columns) when no lineage spans both cycles (Resolve to Solve).

    Notes
    -----
    ``change = mean_after − mean_before``; ``ci_low``, ``ci_high``: 95 % Welch interval (Welch 1947), samples
    treated as independent (module notes); ``p_value``: two-sided Mann–Whitney U; ``cliffs_delta``: after over
    before (Cliff 1993). ``significant``: the interval excludes 0 and ``p_value`` < :data:`SIGNIFICANCE`.
    A row is hidden when the gate hides the group's ratings in either cycle.

    Examples
    --------
    >>> r = pd.DataFrame({"participant_id": [f"p{i}" for i in range(10)], "cycle_id": ["solve"] * 5
    ...     + ["dissolve-1"] * 5, "code_id": ["X"] * 5 + ["D-X"] * 5, "rating": [1, 2, 2, 3, 2, 3, 3, 4, 3, 4]})
    >>> codes = pd.DataFrame({"code_id": ["X", "D-X"], "derived_from": [None, "X"]})
    >>> row = compare_cycles(r, "solve", "dissolve-1", codes=codes).iloc[0]
    >>> row["code_before"], row["code_after"], float(row["change"])
    ('X', 'D-X', 1.4)
    """
    matches, (prep_b, prep_a) = _setup(data, before, after, by, where, codes)
    front = [*prep_a.by, "group"]
    if matches.empty:
        return empty_table([*front, *CHANGE_COLUMNS], privacy)
    what = f"change {before} → {after}"
    long_b = gated_samples(prep_b, list(matches["code_before"].unique()), privacy, what=what)
    long_a = gated_samples(prep_a, list(matches["code_after"]), privacy, what=what)
    table = _grid(matches, long_b, long_a, prep_a.by, "code_before", "code_after", "code_id")
    out = _finish_change(
        table, prep_a, privacy, [*long_b.attrs["suppression_log"], *long_a.attrs["suppression_log"]]
    )
    return finish_table(out, front, CHANGE_COLUMNS, out.attrs["log"], privacy)


@shared
def compare_things(
    data: Data,
    before: str,
    after: str,
    *,
    by: str | Sequence[str] | None = None,
    where: Mapping[str, object] | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """:func:`compare_cycles` rolled up to Things That Matter.

    Only the Value Codes whose lineage spans both cycles count (``n_codes`` of them), so a Thing That Matters is
    measured alike before and after. Each respondent's score is their mean over those codes in a cycle (as
    :func:`~valuekit.analysis.scores.score_things`); the statistics are then over respondents, as in
    :func:`compare_cycles`.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``group``, then :data:`THING_CHANGE_COLUMNS`, template order.

    Examples
    --------
    >>> r = pd.DataFrame({"participant_id": [f"p{i}" for i in range(10)], "cycle_id": ["solve"] * 5
    ...     + ["dissolve-1"] * 5, "code_id": ["X"] * 5 + ["D-X"] * 5, "thing_that_matters": "speed",
    ...     "rating": [1, 2, 2, 3, 2, 3, 3, 4, 3, 4]})
    >>> codes = pd.DataFrame({"code_id": ["X", "D-X"], "derived_from": [None, "X"],
    ...                       "thing_that_matters": "speed"})
    >>> float(compare_things(r, "solve", "dissolve-1", codes=codes).iloc[0]["change"])
    1.4
    """
    matches, (prep_b, prep_a) = _setup(data, before, after, by, where, codes)
    front = [*prep_a.by, "group"]
    if matches.empty:
        return empty_table([*front, *THING_CHANGE_COLUMNS], privacy)
    things = matches.groupby("thing_that_matters", sort=False).agg(
        thing_that_matters_name=("thing_that_matters_name", "first"), n_codes=("code_after", "size")
    )
    things = things.reset_index().assign(position=lambda d: range(len(d)))
    what = f"change {before} → {after} per Thing That Matters"
    longs = [
        gated_samples(prep, None, privacy, what=what, per_thing=matches.rename(columns={col: "code_id"}))
        for prep, col in ((prep_b, "code_before"), (prep_a, "code_after"))
    ]
    key = "thing_that_matters"
    table = _grid(things, longs[0], longs[1], prep_a.by, key, key, key)
    out = _finish_change(
        table, prep_a, privacy, [*longs[0].attrs["suppression_log"], *longs[1].attrs["suppression_log"]]
    )
    return finish_table(out, front, THING_CHANGE_COLUMNS, out.attrs["log"], privacy)


@shared
def action_effects(
    data: Data,
    *,
    before: str,
    after: str,
    where: Mapping[str, object] | None = None,
    actions: pd.DataFrame | None = None,
    codes: pd.DataFrame | None = None,
    privacy: Privacy = DEFAULT_PRIVACY,
    n_boot: int = N_BOOT,
    seed: int = SEED,
) -> pd.DataFrame:
    """Did the Value Codes each improvement action targeted move, more than the codes no action targeted?

    An action targets Value Codes (``code_ids``, ``|``-separated; usually Solve codes); its *targets* here are
    the Value Codes of ``after`` whose lineage includes one of them, each compared with its ancestor in
    ``before`` (:func:`compare_cycles`). *Untargeted* are the compared Value Codes no action raised by
    ``before`` targeted. Actions raised later are listed with nothing to read yet.

    Returns
    -------
    DataFrame
        :data:`ACTION_COLUMNS`, one row per action as stored: ``change_targets`` and ``change_untargeted`` are
        the mean change of the ``n_targets`` targets and of the ``n_untargeted`` untargeted Value Codes;
        ``effect`` is their difference (a difference-in-differences); ``ci_low``, ``ci_high`` its 95 %
        percentile bootstrap interval (``n_boot`` resamples of respondents within each cycle, ``seed``).
        ``moved``: true when ``effect`` ≥ :data:`MOVE` and ``ci_low`` > 0; false when ``ci_high`` <
        :data:`MOVE`; missing (uncertain) otherwise. ``verdict`` says the same in words, or why there is
        nothing to read. An action is hidden if any of its targets is; hidden untargeted codes are left out.

    Examples
    --------
    >>> from valuekit.analysis.data import load_relationship  # doctest: +SKIP
    >>> data = load_relationship(store, "harbourside-northwind")  # doctest: +SKIP
    >>> action_effects(data, before="solve", after="dissolve-1")[["action_id", "effect", "moved"]]  # doctest: +SKIP
    """
    if actions is None:
        if not isinstance(data, RelationshipData):
            raise ValuekitError("action_effects on a frame of responses needs actions= (the actions table)")
        actions = data.actions
    per_code = compare_cycles(data, before, after, where=where, codes=codes, privacy=privacy)
    order = _cycle_order(data)
    lineage = _lineages(data, codes)
    acts = actions.reset_index(drop=True)
    raised = acts["raised_cycle"].map(lambda c: order.index(c) if c in order else len(order))
    readable = (raised <= order.index(before)).to_numpy()
    targets = [str(c).split("|") for c in acts["code_ids"]]
    chains = [set(lineage(c)) for c in per_code["code_after"]]
    hits = np.zeros((len(acts), len(chains)), bool)
    for i, t in enumerate(targets):
        hits[i] = [bool(chain & set(t)) for chain in chains]
    shown = ~per_code["suppressed"].to_numpy(bool)
    control = shown & ~hits[readable].any(axis=0)
    boot = _bootstrap_changes(data, per_code, before, after, where, n_boot, seed) if len(per_code) else None
    change = per_code["change"].to_numpy(float)
    rows = []
    for i, act in acts.iterrows():
        row = {c: act.get(c) for c in ("action_id", "title", "status", "raised_cycle", "code_ids")}
        mask = hits[i]
        row["codes_after"] = "|".join(per_code.loc[mask, "code_after"])
        row.update(n_targets=int(mask.sum()), n_untargeted=int(control.sum()), suppressed=False)
        if not readable[i]:
            row["verdict"] = f"raised in {act['raised_cycle']}, after {before}: nothing to read yet"
        elif not mask.any():
            row["verdict"] = f"none of its Value Codes is measured in both {before} and {after}"
        elif not shown[mask].all() or not control.any():
            row.update(verdict="hidden", suppressed=True)
        else:
            effect = change[mask].mean() - change[control].mean()
            draws = np.nanmean(boot[:, mask], axis=1) - np.nanmean(boot[:, control], axis=1)
            low, high = np.nanpercentile(draws, [2.5, 97.5])
            moved = True if effect >= MOVE and low > 0 else False if high < MOVE else None
            verdict = {True: "moved", None: "uncertain"}.get(
                moved, "did not move" if low <= 0 else "rose by less than half a level"
            )
            row.update(change_targets=change[mask].mean(), change_untargeted=change[control].mean(),
                       effect=effect, ci_low=low, ci_high=high, moved=moved, verdict=verdict)  # fmt: skip
        rows.append(row)
    out = pd.DataFrame(rows, columns=[c for c in ACTION_COLUMNS if c != "suppressed_reason"])
    for col in ("n_targets", "n_untargeted"):
        out[col] = out[col].astype("Int64")
    out["moved"] = out["moved"].astype("boolean")
    hidden = out["suppressed"].to_numpy(bool)
    out.loc[hidden, ["n_targets", "n_untargeted"]] = pd.NA
    out["suppressed_reason"] = pd.Series(np.where(hidden, public_reason(privacy.k), None), dtype="str")
    return finish_table(out, [], ACTION_COLUMNS, per_code.attrs["suppression_log"], privacy)


# -- helpers ------------------------------------------------------------------------------------------------
def _cycle_order(data: Data) -> list[str]:
    if isinstance(data, RelationshipData):
        if data.cycle_id is not None:
            raise ValuekitError(
                f"comparing cycles needs every cycle of relationship {data.relationship_id!r}, but only "
                f"{data.cycle_id!r} is loaded: use load_relationship(store, {data.relationship_id!r})"
            )
        return list(data.cycles["cycle_id"])
    if "cycle_id" not in data:
        raise ValuekitError("comparing cycles needs a cycle_id column in the responses")

    def rank(c: str) -> tuple[int, int]:
        number = c.split("-", 1)[1] if "-" in c else "0"
        return CYCLE_KINDS.index(cycle_kind(c)), int(number) if number.isdigit() else 0

    return sorted(data["cycle_id"].dropna().unique(), key=rank)


def _setup(data, before, after, by, where, codes):
    """Check the cycles; the Value Codes of ``after`` matched to ``before``; each cycle's prepared rows."""
    order = _cycle_order(data)
    for name, cycle in (("before", before), ("after", after)):
        if cycle not in order:
            where_ = f"relationship {data.relationship_id!r}" if isinstance(data, RelationshipData) else None
            raise NotFoundError("cycle", cycle, order, where=where_ or f"{name}=")
    if before == after:
        raise ValuekitError(f"before= and after= are both {before!r}; compare two different cycles")
    if order.index(before) > order.index(after):
        raise ValuekitError(
            f"before={before!r} comes after after={after!r} (cycle order: {', '.join(order)}); swap them"
        )
    preps = [prepare(data, "responses", by=by, where=where, cycle=c) for c in (before, after)]
    tables = []
    for prep, cycle in zip(preps, (before, after), strict=True):
        t = code_table(data, prep.records, codes, cycle)
        tables.append(
            t
            if isinstance(data, RelationshipData)
            else t[t["code_id"].isin(prep.records["code_id"].unique())]
        )
    lineage = _lineages(data, codes)
    earlier = set(tables[0]["code_id"])
    rows = []
    for code in tables[1].itertuples(index=False):
        chain = lineage(code.code_id)
        match = next((c for c in chain if c in earlier), None)
        if match is not None:
            rows.append((chain[-1], match, code.code_id, code.thing_that_matters, code.thing_that_matters_name,
                         code.title, len(rows)))  # fmt: skip
    cols = [
        "root",
        "code_before",
        "code_after",
        "thing_that_matters",
        "thing_that_matters_name",
        "title",
        "position",
    ]
    return pd.DataFrame(rows, columns=cols), preps


def _lineages(data: Data, codes: pd.DataFrame | None):
    """``code → [code, parent, …, root]``, from the template or from ``codes["derived_from"]``."""
    if isinstance(data, RelationshipData):
        return data.template.lineage
    parent = {}
    if codes is not None and "derived_from" in codes:
        parent = {
            c: p for c, p in zip(codes["code_id"], codes["derived_from"], strict=True) if isinstance(p, str)
        }

    def lineage(code: str) -> list[str]:
        chain = [code]
        while chain[-1] in parent and parent[chain[-1]] not in chain:
            chain.append(parent[chain[-1]])
        return chain

    return lineage


def _grid(matches, long_b, long_a, by: list[str], key_b: str, key_a: str, src: str) -> pd.DataFrame:
    """Every matched row for every group asked it in either cycle, with both cycles' samples (``_b``, ``_a``)."""
    asked = [
        matches.merge(long[[*by, src]].rename(columns={src: key}), on=key)
        for long, key in ((long_b, key_b), (long_a, key_a))
    ]
    base = pd.concat(asked).drop_duplicates([*by, key_a, key_b]) if by else matches
    for long, key, s in ((long_a, key_a, "_a"), (long_b, key_b, "_b")):
        renamed = {src: key, "values": f"values{s}", "hidden": f"hidden{s}", "group": f"group{s}"}
        base = base.merge(long.rename(columns=renamed), on=[*by, key], how="left")
    return base


def _finish_change(table: pd.DataFrame, prep, privacy: Privacy, log: list) -> pd.DataFrame:
    out = contrast_rows(table, prep, privacy)
    out = out.rename(columns={"n_a": "n_after", "mean_a": "mean_after", "n_b": "n_before", "mean_b": "mean_before",
                              "gap": "change", "gap_ci_low": "ci_low", "gap_ci_high": "ci_high"})  # fmt: skip
    excludes = (out["ci_low"] > 0) | (out["ci_high"] < 0)
    out["significant"] = pd.array(excludes & (out["p_value"] < SIGNIFICANCE), dtype="boolean")
    out.loc[out["suppressed"], "significant"] = pd.NA
    out = sort_groups(out, prep.by, prep.party_order, then=["position"])
    out.attrs["log"] = SuppressionLog(log)
    return out


def _bootstrap_changes(data, per_code, before, after, where, n_boot, seed) -> np.ndarray:
    """``n_boot × codes`` resampled changes of ``per_code``'s rows: respondents resampled within each cycle."""
    rng = np.random.default_rng(seed)
    means = []
    for cycle, col in ((before, "code_before"), (after, "code_after")):
        view = prepare(data, "responses", by=None, where=where, cycle=cycle).view
        view = view[view["rating"].notna()]
        grid = view.pivot_table(index="participant_id", columns="code_id", values="rating", aggfunc="mean")
        grid = grid.reindex(columns=per_code[col].unique()).astype("float64")
        people = len(grid)
        if not people:  # nobody in the filtered view rated anything this cycle: nothing to resample
            means.append(np.full((n_boot, len(per_code)), np.nan))
            continue
        weights = rng.multinomial(people, np.full(people, 1 / people), size=n_boot).astype(float)
        given = grid.notna().to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            resampled = (weights @ grid.fillna(0).to_numpy()) / (weights @ given)
        means.append(pd.DataFrame(resampled, columns=grid.columns)[per_code[col]].to_numpy())
    return means[1] - means[0]
