"""Frame helpers the analyses share: the same results as the plain pandas idiom, faster on large relationships.

A relationship of thousands of respondents has hundreds of thousands of response rows whose id columns are
Arrow strings; mapping them through a dict, or filtering with a mask that keeps every row, costs more than the
statistics. Each helper here returns exactly what the idiom in its docstring returns.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["map_values", "keep_rows", "code_order"]


def map_values(series: pd.Series, mapping: Mapping) -> pd.Series:
    """``series.map(mapping)``, mapping each distinct value once rather than every row."""
    codes, uniques = series.array.factorize()
    if (codes < 0).any() or len(uniques) * 4 > len(series):  # missing values, or too few repeats to gain
        return series.map(mapping)
    mapped = pd.Series(uniques, copy=False).map(mapping)
    return pd.Series(mapped.array.take(codes), index=series.index, name=series.name, copy=False)


def keep_rows(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> pd.DataFrame:
    """``frame[mask]``; ``frame`` itself when the mask keeps every row (callers never modify it in place)."""
    return frame if bool(np.asarray(mask).all()) else frame[mask]


def code_order(
    data: object,
    records: pd.DataFrame,
    codes: pd.DataFrame | None,
    cycle: str | None,
    *,
    fill: tuple[str, ...] = ("thing_that_matters", "title"),
    dtype: str | None = "str",
) -> pd.DataFrame:
    """The Value Codes in questionnaire order, with a ``position``: the one place every analysis gets it.

    For a :class:`~valuekit.analysis.data.RelationshipData`: the cycle's codes, then any others rated, in the
    template's order. For plain frames: ``codes`` as given, else the codes in the order first rated. Columns in
    ``fill`` that are missing are added empty (of ``dtype``; ``None`` leaves pandas' default).
    """
    from ..errors import NotFoundError

    if hasattr(data, "codes_in") and hasattr(data, "template"):
        base = data.codes_in(cycle)
        extra = data.template.codes_frame()
        extra = extra[
            extra["code_id"].isin(records["code_id"].unique()) & ~extra["code_id"].isin(base["code_id"])
        ]
        base = pd.concat([base, extra], ignore_index=True)
    elif codes is not None:
        if "code_id" not in codes:
            raise NotFoundError("column", "code_id", list(codes.columns), where="codes=")
        base = codes.reset_index(drop=True)
    else:
        first = records.drop_duplicates("code_id")
        base = pd.DataFrame({"code_id": first["code_id"].to_numpy()})
        if "thing_that_matters" in first:
            base["thing_that_matters"] = first["thing_that_matters"].to_numpy()
    base = base.assign(position=range(len(base)))
    for col in fill:
        if col not in base:
            base[col] = pd.Series(None, index=base.index, dtype=dtype) if dtype else None
    return base
