"""The privacy gate: the one place that decides which groups a table may show.

Every table of numbers about groups of people passes through :func:`apply_gate`; comments through
:func:`visible_comments`. The rule (DESIGN.md): nothing is shown for a group of fewer than ``k`` respondents
(``k_comments`` for comments), and no hidden group can be worked out by subtraction from totals, siblings,
overlapping groups or another perspective of the same data.

Method — cell suppression for linked frequency tables (Hundepool et al., 2012, ch. 4–5):

1. **Atoms.** One measure's respondents (a Value Code, a Thing That Matters, the invitation list) split into
   the finest cells, party × common level × common function. Every group any table shows is a union of atoms,
   and every number shown about it (n, don't know, counts per level, sums of ratings) is a sum over them.
2. **Primary suppression.** A group with n < k is hidden.
3. **Complementary suppression over every perspective at once.** The groups of every subset of the
   perspective columns (the *lattice*: totals, party totals, level totals, party × level …) count as
   published, since any other call may show them. What a reader can work out is the linear span of the shown
   groups' atom vectors; the pattern is safe when no union of atoms with fewer than k respondents lies in it
   (each primary cell, and any set of hidden siblings summing below k). Checked exactly: single groups by
   linear algebra, any union by a small MILP. Each violation is repaired by hiding the cheapest set of shown
   groups (fewest respondents, finest first) that breaks it — the model of Fischetti and Salazar-González
   (2001), of which "also hide the next smallest sibling" is the simplest case. The pattern depends only on
   the data, so every table of the same measure agrees on it.
4. **Filters and pools.** Shown groups outside the lattice (a multi-value filter such as "client, without the
   front line", a pooled group) are protected the same way, by hiding only such groups.

The patterns are remembered per process, and on disk across processes when a folder is chosen: an entry is
one bit per group under a digest of the exact problem (:mod:`valuekit.analysis._gate_cache`, which says where
and how to turn it off; :func:`~valuekit.analysis.overview.analyse` given a store keeps them beside it).

Hidden rows show no number, and ``suppressed_reason`` is the same for primary and complementary cells, so a
reader cannot tell which hidden cell is the small one; the exact small n never appears. :func:`suppression_log`
says what was hidden and why, for the analyst. Not covered: two *different* multi-value filters shown side by
side are not audited jointly; non-additive statistics (medians) are protected only by hiding their group.

References
----------
Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E., Spicer, K. and de Wolf,
P.-P. (2012). *Statistical Disclosure Control*. Wiley. Ch. 4–5, primary and secondary cell suppression.
Fischetti, M. and Salazar-González, J.-J. (2001). Solving the cell suppression problem on tabular data with
linear constraints. *Management Science* 47(7), 1008–1027.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from collections.abc import Mapping, Sequence
from functools import lru_cache
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd
import scipy.linalg
from scipy.optimize import milp

try:  # HiGHS as scipy bundles it, called without milp's input checks (private: milp is the fallback)
    from scipy.optimize._highspy import _core as _highs
except ImportError:  # pragma: no cover - a scipy that moved it
    _highs = None

from ..config import Privacy
from ._gate_cache import cached_pattern
from ._shared import active, remember
from .perspectives import ALL, PERSPECTIVE_COLUMNS, UNPOOLED_PREFIX, apply_where, validate_by, validate_where

__all__ = [
    "DEFAULT_PRIVACY",
    "LOG_COLUMNS",
    "SuppressionLog",
    "atom_counts",
    "apply_gate",
    "suppression_log",
    "visible_comments",
    "respondent_guard",
    "public_reason",
]

Kind = Literal["scores", "engagement", "comments"]
#: The thresholds used when a call names none: ``Privacy()`` (k = 5, k_comments = 10).
DEFAULT_PRIVACY = Privacy()
#: Columns of the suppression log.
LOG_COLUMNS = ["what", "measure", "group", "rule", "reason"]
_UNITS = {"scores": "responses", "engagement": "respondents", "comments": "people commenting"}
_EPS = 1e-7
#: How many solves stopped at their time or iteration limit in this process (their patterns are not cached).
_LIMITS_HIT = [0]


def public_reason(k: int, kind: Kind = "scores") -> str:
    """The one ``suppressed_reason`` every hidden row shows, primary or complementary alike."""
    return f"fewer than {k} {_UNITS[kind]}, or would reveal a group that small"


def _identity(columns: Sequence[str]) -> list[str]:
    """The columns that identify an atom: the original (unpooled) perspective values."""
    orig = {c: UNPOOLED_PREFIX + c if UNPOOLED_PREFIX + c in columns else c for c in PERSPECTIVE_COLUMNS}
    return [o for o in orig.values() if o in columns]


def atom_counts(records: pd.DataFrame, *, weight: str | pd.Series, keys: Sequence[str] = ()) -> pd.DataFrame:
    """Respondents per atom (finest perspective cell) and measure: the gate's view of the whole population.

    ``records`` must be the *unfiltered* population (the gate needs it to see what a filter leaves out);
    ``weight`` (a column or a series) is 1/True for a row that counts towards n, 0/False for one that exists
    but does not (a "don't know", a non-respondent).
    """
    w = records[weight] if isinstance(weight, str) else weight
    if active():  # in an overview the same population is counted by many tables: count it once
        key = _weight_key(records, w)
        if key is not None:
            compute = functools.partial(_atom_counts, records, w, keys)
            return remember(("atoms", id(records), tuple(keys), key), compute, [records]).copy()
    return _atom_counts(records, w, keys)


def _weight_key(records: pd.DataFrame, w) -> tuple | None:
    """The weights' values as a short key, when they are plain numbers in the records' own order."""
    if isinstance(w, pd.Series):
        if not w.index.equals(records.index):
            return None
        w = w.to_numpy()
    if not isinstance(w, np.ndarray) or w.dtype.kind not in "biu" or len(w) != len(records):
        return None
    return (w.dtype.str, len(w), hashlib.blake2b(np.ascontiguousarray(w).tobytes(), digest_size=16).digest())


def _atom_counts(records: pd.DataFrame, w, keys: Sequence[str]) -> pd.DataFrame:
    current = [c for c in PERSPECTIVE_COLUMNS if c in records]
    cols = list(dict.fromkeys([*keys, *_identity(records.columns), *current]))
    counted = records[cols].assign(n=pd.Series(w, index=records.index).astype("int64"))
    return counted.groupby(cols, dropna=False, sort=True)["n"].sum().reset_index()


def apply_gate(
    table: pd.DataFrame,
    atoms: pd.DataFrame,
    *,
    by: Sequence[str],
    k: int,
    keys: Sequence[str] = (),
    where: Mapping[str, Sequence[str]] | None = None,
    kind: Kind = "scores",
    what: str = "",
    blank: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Hide every row of ``table`` that shows, or would let a reader work out, a group of fewer than ``k``.

    Parameters
    ----------
    table
        One row per group (``by`` values; :data:`~valuekit.analysis.perspectives.ALL` in a total row) and
        measure (``keys``).
    atoms
        :func:`atom_counts` of the unfiltered population, with the same ``keys``.
    by, keys, where
        The table's perspective columns, measure columns and filter.
    k
        The threshold (``Privacy.k``, or ``Privacy.k_comments`` for comments).
    kind, what
        For the reason text and the log.
    blank
        Columns blanked in hidden rows; default every numeric or true/false column outside ``by`` and ``keys``.

    Returns
    -------
    DataFrame
        ``table`` with ``suppressed`` and ``suppressed_reason`` added and hidden rows blanked; the log is in
        ``.attrs["suppression_log"]`` (read it with :func:`suppression_log`).
    """
    by, keys = list(by), list(keys)
    out = table.reset_index(drop=True).copy()
    hidden, small = _gate(out, atoms, by, keys, where or {}, k)
    if blank is None:
        blank = [c for c in out.columns if c not in {*by, *keys} and pd.api.types.is_numeric_dtype(out[c])]
    nullable = {"b": "boolean", "i": "Int64", "u": "Int64"}  # numpy bools and ints cannot be missing
    for col in blank:
        out[col] = out[col].astype(nullable.get(out[col].dtype.kind, out[col].dtype))
        out.loc[hidden, col] = np.nan if out[col].dtype == "float64" else pd.NA
    out["suppressed"] = hidden
    out["suppressed_reason"] = pd.Series(np.where(hidden, public_reason(k, kind), None), dtype="str")
    out.attrs["suppression_log"] = _log(out[hidden], small[hidden], by, keys, k, kind, what)
    out.attrs["privacy"] = {"k": k, "kind": kind}
    return out


class SuppressionLog(tuple):
    """What the gate hid (one dict per hidden row), kept in a table's ``attrs``: a tuple that every copy of
    the table shares. pandas deep-copies ``attrs`` on nearly every operation; a list of dicts there cost a
    tenth of an analysis. Neither it nor its entries can be changed."""

    __slots__ = ()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class _Entry(dict):
    """One hidden row in a :class:`SuppressionLog`: a read-only dict, shared by every copy of its table."""

    __slots__ = ()

    def _read_only(self, *args, **kwargs):
        raise TypeError("a suppression log entry is read-only")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self):
        return (_Entry, (dict(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _log(rows: pd.DataFrame, small: np.ndarray, by, keys, k, kind, what) -> list[dict]:
    why = {
        True: f"fewer than {k} {_UNITS[kind]}",
        False: f"so that a group of fewer than {k} cannot be worked out",
    }
    return SuppressionLog(
        _Entry(what=what, measure=", ".join(f"{c}={row[c]}" for c in keys),
             group=row["group"] if "group" in row else ", ".join(f"{c}={row[c]}" for c in by) or "everyone",
             rule="primary" if is_small else "complementary", reason=why[bool(is_small)])
        for (_, row), is_small in zip(rows.iterrows(), small, strict=True)
    )  # fmt: skip


def suppression_log(*tables: pd.DataFrame) -> pd.DataFrame:
    """What the gate hid in these outputs and why (primary or complementary): one row per hidden row."""
    rows = [e for t in tables for e in t.attrs.get("suppression_log", [])]
    return pd.DataFrame(rows, columns=LOG_COLUMNS).drop_duplicates(ignore_index=True)


def _gate(out: pd.DataFrame, atoms: pd.DataFrame, by, keys, where, k) -> tuple[np.ndarray, np.ndarray]:
    """(hidden, primary) for every row, one measure at a time (a loop over measures, never over people)."""
    hidden, small = np.zeros(len(out), bool), np.zeros(len(out), bool)
    if not len(out):
        return hidden, small
    row_m, atom_m = _measure_ids(out, atoms, keys)
    ident = _identity(atoms.columns)
    current = [c for c in PERSPECTIVE_COLUMNS if c in atoms]
    # each measure's atoms in identity order, as one stable sort (same order as sorting each measure's own)
    atoms = (
        atoms.assign(_measure=atom_m).sort_values(["_measure", *ident], kind="stable").reset_index(drop=True)
    )
    atom_m = atoms["_measure"].to_numpy()
    n = atoms["n"].to_numpy(float)
    view = np.zeros(len(atoms), bool)
    view[apply_where(atoms, where).index.to_numpy()] = True
    id_rows, cur_rows = _rows_as_text(atoms, ident), _rows_as_text(atoms, current)
    row_vals = {c: out[c].to_numpy(object) for c in by}
    atom_vals = {c: atoms[c].to_numpy(object) for c in by}
    bounds = np.searchsorted(atom_m, np.arange(atom_m.max(initial=-1) + 2))
    order = np.argsort(row_m, kind="stable")
    cuts = np.flatnonzero(np.diff(row_m[order])) + 1
    for rows in np.split(order, cuts):
        m = row_m[rows[0]]
        lo, hi = (bounds[m], bounds[m + 1]) if m >= 0 else (0, 0)
        if lo == hi:  # a measure nobody was asked: nothing to show
            hidden[rows], small[rows] = True, True
            continue
        masks = np.repeat(view[None, lo:hi], len(rows), axis=0)
        for col in by:
            vals, av = row_vals[col][rows][:, None], atom_vals[col][None, lo:hi]
            masks &= (vals == av) | (vals == ALL)
        hidden[rows], small[rows] = _gate_rows(
            masks, n[lo:hi], view[lo:hi], (tuple(ident), tuple(id_rows[lo:hi])),
            (tuple(current), tuple(cur_rows[lo:hi])), k,
        )  # fmt: skip
    return hidden, small


def _measure_ids(out: pd.DataFrame, atoms: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which measure each row and each atom belongs to (-1: a row's measure has no atoms)."""
    if not keys:
        return np.zeros(len(out), np.int64), np.zeros(len(atoms), np.int64)
    both = pd.concat([out[keys].astype(object), atoms[keys].astype(object)], ignore_index=True)
    ids = both.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    row_m, atom_m = ids[: len(out)], ids[len(out) :]
    # renumber so that the measures with atoms are 0 … M-1 (a row's measure without atoms becomes -1)
    codes, uniques = pd.factorize(atom_m)
    remap = np.full(ids.max(initial=-1) + 1, -1)
    remap[uniques] = np.arange(len(uniques))
    return remap[row_m], codes.astype(np.int64)


def _rows_as_text(atoms: pd.DataFrame, cols: list[str]) -> list[tuple]:
    """Each atom's values of ``cols`` as strings: the cache key of its lattice."""
    if not cols:
        return [()] * len(atoms)
    return list(zip(*(map(str, atoms[c].tolist()) for c in cols), strict=True))


def _gate_rows(masks, n, view, ident_key, current_key, k) -> tuple[np.ndarray, np.ndarray]:
    """(hidden, primary) for the rows of one measure, given each row's atoms (``masks``)."""
    small, empty = masks @ n < k, ~masks.any(axis=1)
    if (n >= k).all():
        # no atom, hence no union of atoms, has fewer than k: the protected pattern hides no group
        # (``_protect`` finds nothing to hide), so a row is hidden only if it is not a group at all
        known = _group_set(ident_key, current_key, tuple(view), len(n))
        hidden = [e or m.tobytes() not in known for e, m in zip(empty, masks, strict=True)]
        return np.array(hidden, bool) | small, small
    groups, hidden_groups = _patterns(ident_key, current_key, tuple(view), tuple(n), k)
    index = {m.tobytes(): i for i, m in enumerate(groups)}
    # every row is a group of the view's lattice; were one not, it would be hidden, never shown
    found = [index.get(m.tobytes()) for m in masks]
    hidden = [e or i is None or bool(hidden_groups[i]) for e, i in zip(empty, found, strict=True)]
    return np.array(hidden, bool) | small, small


@lru_cache(maxsize=4096)
def _group_set(ident: tuple, current: tuple, view: tuple, m: int) -> frozenset[bytes]:
    """The groups :func:`_patterns` lists for these atoms (the lattice and the view's own groups), as bytes."""
    lattice, _ = _all_groups(ident, m)
    inside = _all_groups(current, m)[0] & np.array(view, bool)
    return frozenset(g.tobytes() for g in lattice) | frozenset(g.tobytes() for g in inside if g.any())


@lru_cache(maxsize=256)
def _all_groups(key: tuple, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The groups of every subset of the columns (masks over the atoms) and how many columns narrow each."""
    cols, rows = key
    vals = np.array(rows, dtype=object).reshape(m, len(cols))
    masks, fine = [], []
    for r in range(len(cols) + 1):
        for subset in combinations(range(len(cols)), r):
            labels = pd.Series(["\x1f".join(row) for row in vals[:, list(subset)]])
            codes, uniques = pd.factorize(labels, sort=True)
            masks.extend(codes == c for c in range(len(uniques)))
            fine.extend([r] * len(uniques))
    keep = _distinct(np.array(masks, bool))
    return np.array(masks, bool)[keep], np.array(fine)[keep]


def _distinct(masks: np.ndarray) -> np.ndarray:
    """Indices of one of each distinct group, in their first order."""
    return np.sort(np.unique(masks, axis=0, return_index=True)[1])


@lru_cache(maxsize=4096)
def _lattice(ident: tuple, n: tuple, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every group of every perspective over these atoms, and the safe suppression pattern on them."""
    lattice, fine = _all_groups(ident, len(n))
    n_arr = np.array(n, float)
    return (
        lattice,
        fine,
        _protect_cached(lattice, n_arr, k, lattice @ n_arr < k, np.ones(len(lattice), bool), fine),
    )


@lru_cache(maxsize=4096)
def _patterns(ident: tuple, current: tuple, view: tuple, n: tuple, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The lattice plus every group of every perspective within a filtered or pooled view, protected together:
    only the view's own groups are hidden for it, so every table of the same view agrees."""
    lattice, fine, hidden = _lattice(ident, n, k)
    inside, inside_fine = _all_groups(current, len(n))
    inside = inside & np.array(view, bool)
    known = {m.tobytes() for m in lattice}
    new = [i for i in _distinct(inside) if inside[i].any() and inside[i].tobytes() not in known]
    if not new:
        return lattice, hidden
    masks = np.vstack([lattice, inside[new]])
    n_arr = np.array(n, float)
    start = np.r_[hidden, inside[new] @ n_arr < k]
    candidate = np.r_[np.zeros(len(lattice), bool), np.ones(len(new), bool)]
    return masks, _protect_cached(masks, n_arr, k, start, candidate, np.r_[fine, inside_fine[new] - 0.5])


def _protect_cached(masks, n, k, hidden, candidate, fine) -> np.ndarray:
    """:func:`_protect`, through the cache on disk of suppression patterns (:mod:`._gate_cache`): the pattern
    depends only on these arrays and k, and is kept only if no solve stopped at its time limit."""
    limits = _LIMITS_HIT[0]
    return cached_pattern(
        (masks, n, hidden, candidate, fine), k, lambda: _protect(masks, n, k, hidden, candidate, fine),
        lambda: _LIMITS_HIT[0] == limits,
    )  # fmt: skip


def _protect(masks, n, k, hidden, candidate, fine) -> np.ndarray:
    """Add complementary suppressions (only among ``candidate`` groups) until no small union is derivable."""
    M = masks.astype(float)
    group_n = M @ n
    hidden = hidden.copy()
    # what hiding a group costs: its respondents, plus a little more for coarser groups (totals are valuable)
    cost = group_n + 1 + 0.01 * (max(fine, default=0) - np.asarray(fine))
    sensitive = [i for i in np.lexsort((np.arange(len(M)), group_n)) if group_n[i] < k]
    for _ in range(len(M) + 1):
        shown = np.flatnonzero(~hidden)
        if not len(shown):
            break
        S = M[shown]
        basis = _basis(S)
        x = next((M[i] for i in sensitive if _in_span(basis, M[i])), None)
        if x is None:
            try:
                x = _small_union(S, basis, n, k)
            except _Unsure:  # the solver could not tell: hide what could reveal a small atom, and stop
                touches = (M @ (n < k).astype(float)) > 0
                hidden |= candidate & touches if candidate.all() else candidate
                _LIMITS_HIT[0] += 1  # not a pattern to keep: a later run may solve it
                break
        if x is None:
            break
        hidden[_complement(x, S, shown, candidate, cost)] = True
    return hidden


class _Unsure(Exception):
    """The solver neither found a small derivable union nor proved there is none."""


def _milp(c, integrality, lb, ub, A, lo, hi, presolve: bool = True) -> tuple[int, np.ndarray | None]:
    """Minimise ``c · v`` subject to ``lo ≤ A v ≤ hi``, ``lb ≤ v ≤ ub``, ``v`` integer where ``integrality``:
    (status, v or None) with :func:`scipy.optimize.milp`'s status codes. HiGHS is called as ``milp`` calls it
    (same matrix, bounds and options, so the same answers), without its input checks, and its unconditional
    C-level debug line (on descriptor 1) is silenced; a solve stopped by its time or iteration limit
    (status 1) is counted in :data:`_LIMITS_HIT`."""
    c, lb, ub, lo, hi = (np.asarray(a, float) for a in (c, lb, ub, lo, hi))
    integrality = np.asarray(integrality, np.uint8)
    run = _run_highs if _highs is not None else _run_milp
    status, x = _silenced(run, c, integrality, lb, ub, A, lo, hi, presolve)
    if status == 1:
        _LIMITS_HIT[0] += 1
    return status, x


def _csc(A: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``A``'s nonzeros by column, rows in order: what ``scipy.sparse.csc_array(A)`` holds."""
    rows_t = A.T
    col, row = np.nonzero(rows_t)
    indptr = np.zeros(A.shape[1] + 1, np.int64)
    np.cumsum(np.bincount(col, minlength=A.shape[1]), out=indptr[1:])
    return indptr, row, np.ascontiguousarray(rows_t[col, row], float)


def _run_highs(c, integrality, lb, ub, A, lo, hi, presolve: bool = True) -> tuple[int, np.ndarray | None]:
    h = _highs
    indptr, indices, data = _csc(A)
    lp = h.HighsLp()
    lp.num_col_, lp.num_row_ = c.size, hi.size
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = c.size, hi.size
    lp.a_matrix_.format_ = h.MatrixFormat.kColwise
    lp.col_cost_, lp.col_lower_, lp.col_upper_, lp.row_lower_, lp.row_upper_ = c, lb, ub, lo, hi
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = indptr, indices, data
    lp.integrality_ = [h.HighsVarType(int(i)) for i in integrality]
    solver, options = h._Highs(), h.HighsOptions()
    options.log_to_console = False  # milp's options: disp=False and our time limit
    options.time_limit = 60.0
    if not presolve:
        options.presolve = "off"
    if solver.passOptions(options) == h.HighsStatus.kError or solver.passModel(lp) == h.HighsStatus.kError:
        return 4, None
    if solver.run() == h.HighsStatus.kError:
        return 4, None
    model, ms = solver.getModelStatus(), h.HighsModelStatus
    status = {ms.kOptimal: 0, ms.kTimeLimit: 1, ms.kIterationLimit: 1, ms.kInfeasible: 2}.get(model, 4)
    if model == ms.kOptimal or (
        model in (ms.kTimeLimit, ms.kIterationLimit, ms.kSolutionLimit)
        and solver.getInfo().objective_function_value != h.kHighsInf
    ):
        return status, np.array(solver.getSolution().col_value)
    return status, None


def _run_milp(c, integrality, lb, ub, A, lo, hi, presolve: bool = True) -> tuple[int, np.ndarray | None]:
    from scipy.optimize import Bounds, LinearConstraint

    options = {"time_limit": 60, **({} if presolve else {"presolve": False})}
    res = milp(c, integrality=integrality, bounds=Bounds(lb, ub), constraints=[LinearConstraint(A, lo, hi)],
               options=options)  # fmt: skip
    return res.status, res.x


def _silenced(solve, *args):
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no real stdout (some notebook frontends): nothing to silence
        return solve(*args)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        try:
            return solve(*args)
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def _basis(S: np.ndarray) -> np.ndarray:
    if not len(S):
        return np.zeros((0, S.shape[1]))
    _, sv, vt = np.linalg.svd(S, full_matrices=False)
    return vt[: int((sv > _EPS * max(1.0, sv[0])).sum())]


def _in_span(basis: np.ndarray, x: np.ndarray) -> bool:
    return bool(np.abs(x - (x @ basis.T) @ basis).max() < 1e-6)


def _small_union(S: np.ndarray, basis: np.ndarray, n: np.ndarray, k: int) -> np.ndarray | None:
    """A union of atoms with fewer than k respondents that the shown groups determine, or None (exact, by MILP;
    a cheap enumeration, :func:`_unions_in_span`, first proves most "none" answers without it)."""
    small = n < k
    if not small.any():
        return None
    found = _unions_in_span(basis, n, k)
    if found is not None:  # exact: every small union the shown groups determine (none, or these)
        return found[0] if found else None
    m, s = len(n), len(S)
    is_x = np.r_[np.ones(m), np.zeros(s)]
    A = np.vstack([
        np.hstack([-np.eye(m), S.T]),  # x is a combination of shown groups
        is_x[None],  # at least one atom
        np.r_[n, np.zeros(s)][None],  # fewer than k respondents
    ])  # fmt: skip
    lo, hi = np.r_[np.zeros(m), 1, -np.inf], np.r_[np.zeros(m), np.inf, k - 1]
    lb, ub = np.r_[np.zeros(m), np.full(s, -np.inf)], np.r_[small.astype(float), np.full(s, np.inf)]
    for _ in range(20):
        status, v = _milp(np.zeros(m + s), is_x, lb, ub, A, lo, hi)
        if v is None and status != 2:  # HiGHS's presolve can answer "unbounded or infeasible" wrongly
            status, v = _milp(np.zeros(m + s), is_x, lb, ub, A, lo, hi, presolve=False)
        if v is None:
            if status == 2:  # proved: no such union
                return None
            raise _Unsure(f"HiGHS status {status}")
        x = np.round(v[:m])
        if _in_span(basis, x):
            return x
        # a numerical ghost: exclude it and look again
        A = np.vstack([A, np.r_[2 * x - 1, np.zeros(s)][None]])
        lo, hi = np.r_[lo, -np.inf], np.r_[hi, x.sum() - 1]
    return None


def _unions_in_span(basis: np.ndarray, n: np.ndarray, k: int) -> list[np.ndarray] | None:
    """Every set of atoms with fewer than k respondents that passes :func:`_in_span` (what :func:`_small_union`'s
    MILP looks for), or None when this cheap exact enumeration cannot be sure to find them all.

    Such a set ``x`` (0/1 on the small atoms ``T``) has ``|P x| < 1e-6`` for ``P`` the projection off the
    span, so it lies within ``δ`` of ``Z``, the null space of ``P``'s columns ``T``. Each vector of ``Z`` is
    fixed by its values at ``d`` pivot atoms (``z = c · R``), so ``x`` is within ``δ (1 + |R|)`` of
    ``x[pivots] · R``: trying every nonzero 0/1 ``c`` (``2^d - 1``, ``d`` small) finds every such ``x``.
    The list may hold near misses; they are weeded out with :func:`_in_span` (and then the list is None).
    """
    small = n < k
    m, t = len(n), int(small.sum())
    Q = -(basis.T @ basis[:, small])
    Q[np.flatnonzero(small), np.arange(t)] += 1.0  # P's columns T
    _, sv, vt = np.linalg.svd(Q, full_matrices=True)
    sv = np.r_[sv, np.zeros(t - len(sv))]
    null, clear = sv <= 1e-9, sv > 1e-4
    d = int(null.sum())
    if not (null | clear).all() or d > 12:  # no clear gap, or too many to try: ask the MILP
        return None
    if d == 0:
        return []
    Z = vt[null]
    pivots = scipy.linalg.qr(Z, pivoting=True, mode="r")[1][:d]
    R = np.linalg.solve(Z[:, pivots], Z)
    delta = np.sqrt(m) * 1e-6 / sv[clear].min(initial=np.inf)
    if delta * (1 + np.abs(R).sum(axis=0).max()) >= 0.25:
        return None
    c = (np.arange(1, 2**d)[:, None] >> np.arange(d)) & 1
    W = c @ R
    X = np.round(W)
    found = (np.abs(W - X) < 0.25).all(axis=1) & ((X == 0) | (X == 1)).all(axis=1) & (X @ n[small] < k - 0.5)
    unions = []
    for row in X[found]:
        x = np.zeros(m)
        x[small] = row
        if not _in_span(basis, x):  # a near miss: leave it to the MILP
            return None
        unions.append(x)
    return unions


def _complement(x, S, shown, candidate, cost) -> np.ndarray:
    """The cheapest set of shown groups whose hiding stops ``x`` being derivable.

    Exactly, by enumeration (:func:`_cheapest_cut`): almost every repair hides one to three groups, and the
    cheapest set is found and proved cheapest in about a millisecond. Should the enumeration grow too large
    to finish, by a MILP (:func:`_complement_milp`), keeping the cheaper of the two answers.
    """
    cand = candidate[shown]
    found, proved = _cheapest_cut(x, S, cand, cost[shown])
    if proved:
        return shown[found]
    milp_hide = _complement_milp(x, S, shown, candidate, cost)
    if found is not None and cost[shown][found].sum() <= cost[milp_hide].sum():
        return shown[found]
    return milp_hide


#: Most candidate sets of one size :func:`_cheapest_cut` tries before it leaves the search to the MILP.
_CUT_CAP = 20_000
_RANK_TOL = 1e-9


def _cheapest_cut(x, S, cand, cost) -> tuple[np.ndarray | None, bool]:
    """(rows, proved): the rows of ``S`` (all ``cand``) of least total ``cost`` whose removal leaves ``x``
    outside the span of the rest, fewest rows then first rows on a tie; ``proved`` is False when the search
    stopped at :data:`_CUT_CAP` sets of one size (``rows`` is then the best found, or None).

    Every way of writing ``x`` from the shown groups is ``λ = λ0 + K μ`` (``λ0`` one solution of ``Sᵀ λ = x``,
    ``K`` a basis of the dependencies among the rows). Hiding the rows ``H`` stops ``x`` being derivable iff no
    such ``λ`` is zero on ``H``, i.e. iff ``λ0[H]`` is not in the column space of ``K[H]``: the rank of
    ``[K[H] | λ0[H]]`` exceeds the rank of ``K[H]``. Those ranks are read from principal submatrices of the two
    Gram matrices, for many sets at once. Sets are tried size by size, cheapest first, each size only those
    cheaper than the best so far (costs are positive, so a set is only built from cheaper subsets), until no
    set of the next size can be cheaper. Every answer is checked with :func:`_in_span`.
    """
    idx_c = np.flatnonzero(cand)
    if not len(idx_c):
        return None, False
    u, sv, vt = np.linalg.svd(S.T, full_matrices=True)
    r = int((sv > _EPS * max(1.0, sv[0] if len(sv) else 0.0)).sum())
    K = vt[r:].T
    lam = vt[:r].T @ ((u[:, :r].T @ x) / sv[:r])
    lam = lam / max(np.abs(lam).max(), _EPS)
    gram_k = K @ K.T
    gram_a = gram_k + np.outer(lam, lam)
    costs = cost[idx_c]
    smallest = np.cumsum(np.sort(costs))
    best, best_cost = None, np.inf
    combos, total = np.zeros((1, 0), np.intp), np.zeros(1)
    for size in range(1, len(idx_c) + 1):
        if smallest[size - 1] >= best_cost - 1e-9:
            return best, True  # no set this large or larger is cheaper than the best
        # grow each set by one later row, keeping only sets cheaper than the best so far
        last = combos[:, -1] if size > 1 else np.full(len(combos), -1)
        grown = total[:, None] + costs[None, :]
        keep = (np.arange(len(idx_c))[None, :] > last[:, None]) & (grown < best_cost - 1e-9)
        parent, extra = np.nonzero(keep)
        if len(parent) > _CUT_CAP:
            return best, False
        combos, total = np.column_stack([combos[parent], extra]), grown[parent, extra]
        if not len(total):
            return best, True
        order = np.lexsort((*combos.T[::-1], total))
        rows, by_cost = idx_c[combos[order]], total[order]
        found = False
        for start in range(0, len(rows), 512):  # cheapest first: the first set that works is this size's best
            chunk = rows[start : start + 512]
            for i in np.flatnonzero(_gram_rank(gram_a, chunk) > _gram_rank(gram_k, chunk)):
                hide = np.zeros(len(S), bool)
                hide[chunk[i]] = True
                if not _in_span(_basis(S[~hide]), x):  # verified; a numerical near miss is passed over
                    best, best_cost, found = chunk[i], by_cost[start + i], True
                    break
            if found:
                break
    return best, True


def _gram_rank(gram: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The rank of ``gram[h, h]`` for each row ``h`` of ``rows`` (a positive semi-definite Gram matrix)."""
    return (np.linalg.eigvalsh(gram[rows[:, :, None], rows[:, None, :]]) > _RANK_TOL).sum(axis=1)


def _complement_milp(x, S, shown, candidate, cost) -> np.ndarray:
    """:func:`_complement` by MILP: ``x`` is derivable from the shown groups unless some change ``y`` of the
    cells' counts leaves every still-shown group unchanged (``h · y = 0``) yet changes ``x`` (``x · y = 1``);
    the groups ``y`` does change are the ones to hide. Minimise their cost over ``y`` (Fischetti and
    Salazar-González's model)."""
    m, s = S.shape[1], len(S)
    cand = candidate[shown].astype(float)
    c, integrality = np.r_[np.zeros(m), cost[shown]], np.r_[np.zeros(m), np.ones(s)]
    lo, hi = np.r_[1.0, np.full(s, -np.inf), np.zeros(s)], np.r_[1.0, np.zeros(s), np.full(s, np.inf)]
    for bound in (1.0, float(m)):  # |y| ≤ 1 fits table patterns (±1 perturbations); looser only if needed
        size = bound * S.sum(axis=1)  # the most h · y can be: big-M per row, as small as it can be
        A = np.vstack([
            np.r_[x, np.zeros(s)][None],
            np.hstack([S, -np.diag(size)]),
            np.hstack([S, np.diag(size)]),
        ])  # fmt: skip
        lb, ub = np.r_[np.full(m, -bound), np.zeros(s)], np.r_[np.full(m, bound), cand]
        _, v = _milp(c, integrality, lb, ub, A, lo, hi)
        if v is not None:
            hide = v[m:] > 0.5
            if hide.any() and not _in_span(_basis(S[~hide]), x):
                return shown[hide]
    # fall back to the cheapest candidate touching x (always progress; never reached in practice)
    touch = ((S @ x) > 0) & (cand > 0)
    pool_ = np.flatnonzero(touch if touch.any() else (cand > 0) if (cand > 0).any() else np.ones(s, bool))
    return shown[[pool_[np.argmin(cost[shown][pool_])]]]


def visible_comments(
    comments: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    where: Mapping[str, object] | None = None,
    keys: Sequence[str] = (),
    privacy: Privacy = DEFAULT_PRIVACY,
) -> pd.DataFrame:
    """The comments a reader may see: only those of groups with at least ``k_comments`` people commenting.

    Groups are protected like every table (complementary suppression over every perspective), because comments
    are sets that subtract: the client's comments plus the supplier's are both parties' comments. The
    threshold counts distinct participants per group (and per ``keys``, e.g. ``["subject_id"]``).

    Returns the visible comment rows (same columns as ``comments``), the log in ``.attrs["suppression_log"]``.
    """
    by, where, keys = validate_by(by, list(comments.columns)), validate_where(where, comments), list(keys)
    cols = [*by, *keys]
    people = comments.drop_duplicates([*keys, "participant_id"])
    atoms = atom_counts(people, weight=pd.Series(1, index=people.index), keys=keys)
    view = apply_where(people, where)
    table = (
        view.groupby(cols).size().rename("n").reset_index()
        if cols
        else pd.DataFrame({"n": [len(view)][: len(view)]})
    )
    gated = apply_gate(
        table, atoms, by=by, keys=keys, where=where, k=privacy.k_comments, kind="comments", what="comments"
    )
    shown = gated.loc[~gated["suppressed"], cols]
    visible = apply_where(comments, where)
    visible = visible.merge(shown, on=cols) if cols else visible.iloc[: len(visible) * int(len(shown) > 0)]
    visible.attrs["suppression_log"] = gated.attrs["suppression_log"]
    return visible.reset_index(drop=True)


def respondent_guard(
    frame: pd.DataFrame, group_cols: Sequence[str], *, k: int, id_col: str = "participant_id"
) -> pd.DataFrame:
    """Which groups (e.g. themes) rest on at least ``k`` distinct respondents: ``group_cols`` + ``enough``.

    For outputs that are not sums over perspective groups (a theme gathers comments from anyone), the
    respondent-level rule is enough: a theme or quote is shown only if ``enough`` is true. No count is returned.
    """
    counts = frame.groupby(list(group_cols), dropna=False)[id_col].nunique()
    return (counts >= k).rename("enough").reset_index()
