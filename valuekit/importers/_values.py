"""Reading one cell of a canonical table: numbers, true/false and dates as people and Excel write them; and
what a failed schema check means in words."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from ..schemas import LEVEL_LABELS
from ._common import normalise
from .mapping import MISSING_ANSWERS

__all__ = ["parse_date", "dayfirst", "convert", "reason", "is_missing"]

_TRUE = {"true", "t", "yes", "y", "1", "wahr", "vrai"}
_FALSE = {"false", "f", "no", "n", "0", "falsch", "faux"}
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
)
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?$")


def parse_date(value: str, dayfirst: bool = True) -> dt.datetime | None:
    """A date as people and Excel write them; None if it is not one.

    ISO dates (with or without a time), Excel serial numbers between 20000 and 80000 (1954–2119:
    ``45231`` → 2023-11-01), ``01.11.2023``, ``1 Nov 2023``, and ``01/11/2023`` (day first unless
    ``dayfirst`` is false).
    """
    v = value.strip()
    try:
        serial = float(v)
    except ValueError:
        serial = None
    if serial is not None:
        return _EXCEL_EPOCH + dt.timedelta(days=serial) if 20000 <= serial <= 80000 else None
    m = _SLASH.match(v)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (a, b) if dayfirst else (b, a)
        year += 2000 if year < 100 else 0
        try:
            out = dt.datetime(year, month, day)
        except ValueError:
            return None
        if m.group(4):
            hh, mm, *ss = (int(x) for x in m.group(4).split(":"))
            out = out.replace(hour=hh, minute=mm, second=ss[0] if ss else 0)
        return out
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(v, fmt)
        except ValueError:
            continue
    if re.match(r"^\d{4}-\d{2}-\d{2}", v):
        try:
            return pd.Timestamp(v).tz_localize(None).to_pydatetime()
        except (ValueError, TypeError):
            return None
    return None


def dayfirst(values: list[str]) -> bool:
    """Day first unless some slash date can only be month first (its second number is over 12)."""
    parts = [_SLASH.match(v.strip()) for v in values]
    parts = [(int(m.group(1)), int(m.group(2))) for m in parts if m]
    if any(a > 12 for a, _ in parts):
        return True
    return not any(b > 12 for _, b in parts)


def is_missing(value: str) -> bool:
    """Blank, or "N/A", "don't know" and their kin: a missing value, never zero."""
    return not value.strip() or normalise(value) in MISSING_ANSWERS


def convert(v: str, dtype: str, dayfirst: bool, decimal_comma: bool):
    if dtype in ("Int64", "int64"):
        if re.fullmatch(r"[+-]?\d+(?:\.0*)?", v):
            return int(float(v)), None
        return None, "not a whole number"
    if dtype == "float64":
        if decimal_comma and re.fullmatch(r"[+-]?\d+,\d+", v):
            v = v.replace(",", ".")
        try:
            return float(v), None
        except ValueError:
            return None, "not a number"
    if dtype == "bool":
        key = v.casefold()
        if key in _TRUE or key in _FALSE:
            return key in _TRUE, None
        return None, "not true or false"
    if dtype.startswith("datetime"):
        when = parse_date(v, dayfirst)
        return (when, None) if when is not None else (None, "not a date (write it as YYYY-MM-DD)")
    return v, None


def reason(column: str, check: str, value) -> str:
    if check == "not_nullable":
        return "is empty; a value is required"
    if check.startswith("str_matches"):
        if "resolve" in check:
            return "not a cycle id: resolve, solve or dissolve-N (dissolve-1, dissolve-2, …)"
        return "not a valid id: letters, digits, '_', '.' and '-', starting with a letter or digit"
    if check.startswith("isin") and column in ("rating", "desired", "importance"):
        return (
            f"level {value} is out of range: levels run from 1 ({LEVEL_LABELS[1]}) to 5 ({LEVEL_LABELS[5]})"
        )
    if check.startswith("isin"):
        return f"must be one of {check[5:-1].strip('[]')}"
    if check.startswith("greater_than_or_equal_to"):
        return f"must be at least {check.split('(')[1].rstrip(')')}"
    if check.startswith("str_length"):
        return "must not be empty"
    return f"fails the check {check}"
