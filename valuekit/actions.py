"""Improvement actions: proposals for the top priorities, and what earlier actions did to their Value Codes.

The third step of the method turns what the diagnostic surfaced into improvement actions. :func:`propose_actions`
drafts one for each of the top priorities (:func:`~valuekit.analysis.priorities.priorities`), as rows of the
``actions`` table with status ``proposed``: a starting point for the people who will own them to reword and
agree, never a decision. :func:`action_progress` reads each earlier action from the cycle it was raised in
(:func:`~valuekit.analysis.change.action_effects`), which is what a Dissolve cycle reports.

A proposal, deterministically from the priority row:

* **targets** the Value Code, and the other half when it is half of a mirror pair (both sides' views move
  together or the gap stays);
* **aims** one level up: from the level of its mean rating (rounded) to the next, quoting that level's
  evaluation statement as what good looks like next;
* **owner** by whom the Value Code is *about* (:data:`OWNER_ROLES`): the supplier's account lead for a code
  about the supplier, the client's relationship owner for one about the client, the joint relationship board
  (convened by the client) for one about the relationship;
* skips a Value Code that an open action (proposed, agreed or in progress) already targets, itself or
  through its lineage (``derived_from``), and says so when an earlier, finished action targeted it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .analysis.change import ACTION_COLUMNS, action_effects
from .analysis.data import RelationshipData
from .analysis.privacy import DEFAULT_PRIVACY, SuppressionLog
from .config import Privacy
from .errors import NotFoundError, ValuekitError
from .schemas import LEVEL_LABELS, LEVELS, columns, validate_table

__all__ = ["OWNER_ROLES", "OPEN_STATUSES", "EXPLAIN_COLUMNS", "propose_actions", "action_progress"]

#: Who is suggested to own an action, by whom its Value Code is about.
OWNER_ROLES = {
    "supplier": "Supplier account lead",
    "client": "Client relationship owner",
    "relationship": "Joint relationship board",
}
#: An action in one of these states still owns its Value Codes: no second proposal for them.
OPEN_STATUSES = ("proposed", "agreed", "in_progress")
#: The columns ``explain=True`` adds after the ``actions`` table's own.
EXPLAIN_COLUMNS = ["owner", "thing_that_matters", "from_level", "to_level", "aim", "why"]
_NEEDED = ["code_id", "title", "n", "mean", "mean_importance", "shortfall", "rank", "suppressed"]


def propose_actions(
    priorities: pd.DataFrame,
    data: RelationshipData,
    *,
    top: int = 3,
    things: Sequence[str] | None = None,
    existing: pd.DataFrame | None = None,
    due: str | pd.Timestamp | None = None,
    explain: bool = False,
) -> pd.DataFrame:
    """Draft an improvement action for each of the ``top`` priorities (module docstring for the rules).

    Parameters
    ----------
    priorities
        :func:`~valuekit.analysis.priorities.priorities` of ``data`` for one group (the whole community,
        ``by=None``): only shown rows are read, in ``rank`` order.
    data
        The relationship × cycle the priorities come from (``load_relationship(store, rid, cycle)``).
    top
        How many actions to propose.
    things
        Only Value Codes of these Things That Matter (e.g. the most neglected ones).
    existing
        The relationship's actions so far (default ``data.actions``): open ones keep their Value Codes.
    due
        A due date for every proposal (``"2026-03-31"``); default none.
    explain
        Add :data:`EXPLAIN_COLUMNS`: the owner in words (role and party name), the Thing That Matters, the
        level now and the level aimed at, that level's evaluation statement, and why (the priority's evidence).

    Returns
    -------
    DataFrame
        Rows of the ``actions`` table (:func:`valuekit.schemas.columns` ``("actions")``, validated), status
        ``"proposed"``, ``raised_cycle`` the cycle of ``data``, ids ``<cycle>-P01``, ``<cycle>-P02`` … (not
        clashing with ``existing``); then :data:`EXPLAIN_COLUMNS` if asked.

    Examples
    --------
    >>> from valuekit.analysis.priorities import priorities  # doctest: +SKIP
    >>> propose_actions(priorities(data), data, top=3, explain=True)[["action_id", "title", "owner_role"]]  # doctest: +SKIP
    """
    if not isinstance(data, RelationshipData) or data.cycle_id is None:
        raise ValuekitError(
            "propose_actions() needs one cycle: load_relationship(store, relationship_id, cycle)"
        )
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise ValuekitError(f"top must be a whole number ≥ 0; got {top!r}")
    missing = [c for c in _NEEDED if c not in priorities.columns]
    if missing:
        raise ValuekitError(
            f"priorities has no column {missing[0]!r}: pass the table priorities(data) returns "
            f"(needs {', '.join(_NEEDED)})"
        )
    if "group" in priorities and priorities["group"].nunique() > 1:
        raise ValuekitError(
            "priorities holds several groups; propose actions from one: priorities(data) without by="
        )
    tpl, existing = data.template, data.actions if existing is None else existing
    known = [t.id for t in tpl.things_that_matter]
    for t in things or ():
        if t not in known:
            raise NotFoundError("Thing That Matters", t, known, where=tpl.label)
    owned, finished = _targeted(existing, tpl)
    shown = priorities[~priorities["suppressed"].astype(bool) & priorities["rank"].notna()]
    shown = shown.sort_values("rank", kind="stable")
    in_cycle = set(data.codes["code_id"])
    rows, taken = [], set()
    for row in shown.itertuples(index=False):
        if len(rows) >= top:
            break
        code = tpl.code(row.code_id)
        if things is not None and code.thing_that_matters not in things:
            continue
        targets = [row.code_id] + ([code.mirror] if code.mirror in in_cycle else [])
        targets = sorted(targets, key=lambda c: "client" not in tpl.code(c).rated_by)  # client half first
        lineage = {a for c in targets for a in tpl.lineage(c)}
        if taken & set(targets) or lineage & owned:
            continue
        taken.update(targets)
        rows.append(_proposal(row, code, targets, lineage & set(finished), finished, data))
    out = pd.DataFrame(rows, columns=[*columns("actions"), *EXPLAIN_COLUMNS])
    out["action_id"] = _ids(data.cycle_id, len(out), existing)
    out["due"] = pd.Timestamp(due) if due is not None else pd.NaT
    core = validate_table("actions", out[columns("actions")], source="proposed actions")
    return pd.concat([core, out[EXPLAIN_COLUMNS]], axis=1) if explain else core


def _targeted(existing: pd.DataFrame, tpl) -> tuple[set[str], dict[str, list[str]]]:
    """Codes owned by open actions (with their lineage), and code → finished actions that targeted it."""
    owned: set[str] = set()
    finished: dict[str, list[str]] = {}
    for act in existing.itertuples(index=False):
        codes = [c for c in str(act.code_ids).split("|") if c]
        if act.status in OPEN_STATUSES:
            for c in codes:
                owned.add(c)
                try:
                    owned.update(tpl.lineage(c))
                except NotFoundError:  # an action on a code the template no longer has
                    pass
        else:
            for c in codes:
                finished.setdefault(c, []).append(f"{act.action_id} ({act.status.replace('_', ' ')})")
    return owned, finished


def _proposal(row, code, targets, earlier, finished, data) -> dict:
    mean = float(row.mean)
    now = int(min(max(math.floor(mean + 0.5), LEVELS[0]), LEVELS[-1]))
    aim = min(now + 1, LEVELS[-1])
    title = re.sub(r"\s*\([^)]*\)$", "", code.title)
    verb = f"from {LEVEL_LABELS[now]} to {LEVEL_LABELS[aim]}" if aim > now else f"keep at {LEVEL_LABELS[now]}"
    side = {"client": "client", "supplier": "supplier"}.get(code.about, "client")
    parties = data.parties.loc[data.parties["side"] == side, "party_id"]
    owner_party = parties.iloc[0] if len(parties) else data.parties["party_id"].iloc[0]
    why = (
        f"priority {int(row.rank)}: importance {float(row.mean_importance):.1f} of 5, performance {mean:.1f}"
    )
    if pd.notna(row.shortfall):
        why += f", {float(row.shortfall):.1f} short of the level wanted"
    why += f" (n = {int(row.n)})"
    if earlier:
        why += "; earlier action " + ", ".join(a for c in sorted(earlier) for a in finished[c])
    return {
        "relationship_id": data.relationship_id,
        "action_id": "",
        "title": f"{title}: {verb}",
        "code_ids": "|".join(targets),
        "owner_role": OWNER_ROLES[code.about],
        "owner_party_id": owner_party,
        "raised_cycle": data.cycle_id,
        "due": pd.NaT,
        "status": "proposed",
        "owner": f"{OWNER_ROLES[code.about]}, {data.party_names.get(owner_party, owner_party)}"
        + (" convening" if code.about == "relationship" else ""),
        "thing_that_matters": code.thing_that_matters,
        "from_level": LEVEL_LABELS[now],
        "to_level": LEVEL_LABELS[aim],
        "aim": code.statement(aim),
        "why": why,
    }


def _ids(cycle_id: str, n: int, existing: pd.DataFrame) -> list[str]:
    used, out, i = set(existing["action_id"]) if len(existing) else set(), [], 0
    while len(out) < n:
        i += 1
        candidate = f"{cycle_id}-P{i:02d}"
        if candidate not in used:
            out.append(candidate)
    return out


def action_progress(
    data: RelationshipData, cycle: str, *, privacy: Privacy = DEFAULT_PRIVACY, **kwargs
) -> pd.DataFrame:
    """Every improvement action, each read from the cycle it was raised in to ``cycle``.

    :func:`~valuekit.analysis.change.action_effects` compares two cycles; an action raised in Solve is read
    Solve → ``cycle``, one raised in dissolve-1 is read dissolve-1 → ``cycle``, so each action's effect
    covers its whole life. Actions raised in ``cycle`` or later have nothing to read yet.

    Parameters
    ----------
    data
        Every cycle of the relationship: ``load_relationship(store, rid)``.
    cycle
        The cycle to read up to (``"dissolve-2"``).
    privacy, kwargs
        As :func:`~valuekit.analysis.change.action_effects` (``n_boot``, ``seed``).

    Returns
    -------
    DataFrame
        :data:`~valuekit.analysis.change.ACTION_COLUMNS`, the actions in their stored order; the suppression
        log of every comparison in ``.attrs["suppression_log"]``.
    """
    if data.cycle_id is not None:
        raise ValuekitError(
            "action_progress() reads across cycles: pass load_relationship(store, relationship_id)"
        )
    order = list(data.cycles["cycle_id"])
    if cycle not in order:
        raise NotFoundError("cycle", cycle, order, where=f"relationship {data.relationship_id!r}")
    acts = data.actions.reset_index(drop=True)
    earlier = order[: order.index(cycle)]
    frames, log = [], []
    for raised in earlier:
        mine = (acts["raised_cycle"] == raised).to_numpy()
        if not mine.any():
            continue
        # all actions go in, so that codes any earlier action targeted are never counted as untargeted
        table = action_effects(data, before=raised, after=cycle, actions=acts, privacy=privacy, **kwargs)
        frames.append(table[mine].set_index(acts.index[mine]))
        log += table.attrs.get("suppression_log", [])
    later = acts[~acts["raised_cycle"].isin(earlier)]
    if len(later):
        rest = later[[c for c in ACTION_COLUMNS if c in later]].assign(
            verdict=[f"raised in {c}: read it in a later cycle" for c in later["raised_cycle"]],
            suppressed=False,
        )
        frames.append(rest)
    out = pd.concat(frames).sort_index() if frames else pd.DataFrame(columns=ACTION_COLUMNS)
    out = out.reindex(columns=ACTION_COLUMNS).reset_index(drop=True)
    out["suppressed"] = out["suppressed"].fillna(False).astype(bool)
    out["moved"] = out["moved"].astype("boolean")
    for col in ("n_targets", "n_untargeted"):
        out[col] = out[col].astype("Int64")
    out["suppressed_reason"] = out["suppressed_reason"].where(out["suppressed"], np.nan)
    out.attrs["suppression_log"] = SuppressionLog(log)
    return out
