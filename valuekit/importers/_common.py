"""What every importer shares: reading text files safely, naming places in them, masking identities.

Row numbers follow the spreadsheet a user opens the file in: the first header row is row 1, and a quoted cell
holding a line break is still one row. Columns are named by their header.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import ClassVar

import pandas as pd

from ..errors import ImportProblem, InputFileError

#: What a removed identifying value is replaced by in the rejects file.
MASK = "[removed]"

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9A-Fa-f]{0,4}:){3,7}[0-9A-Fa-f]{1,4}\b")
_DELIMITERS = (",", ";", "\t", "|")
_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with a byte-order mark",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252 (Latin-1), not UTF-8",
    "latin-1": "ISO-8859-1 (Latin-1), not UTF-8",
}


def normalise(text: object) -> str:
    """Text as compared when matching: case, accents' forms, punctuation and spacing ignored.

    ``"Don’t  know"`` → ``"dont know"``; ``"N/A"`` → ``"na"``; ``"TRU-01"`` → ``"tru01"``.
    """
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    s = re.sub(r"[^\w\s]", "", s.replace("_", " "))
    return " ".join(s.split())


def looks_identifying(value: object) -> bool:
    """Whether a value holds an e-mail or IP address (masked wherever it would be shown)."""
    s = str(value)
    return bool(_EMAIL.search(s) or _IPV4.search(s) or _IPV6.search(s))


_PII_WORDS = re.compile(
    r"\b(?:e ?mail|email address|name|first name|last name|surname|full name|ip ?address|latitude|longitude|"
    r"phone|telephone|mobile|postcode|zip code|address)\b"
)


def pii_header(text: str) -> bool:
    """Whether a column header suggests personal data (names, contact details, location)."""
    return bool(_PII_WORDS.search(normalise(text)))


def redact(text: str) -> str:
    """Free text with e-mail and IP addresses replaced, so they never reach the store."""
    text = _EMAIL.sub("[e-mail removed]", text)
    text = _IPV4.sub("[IP address removed]", text)
    return _IPV6.sub("[IP address removed]", text)


def describe_encoding(encoding: str | None) -> str:
    return _ENCODING_NAMES.get(encoding or "", encoding or "")


def excel_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index: 0 → A, 27 → AB."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


# -- reading text files --------------------------------------------------------------------------------
def decode(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with: UTF-8 (with or without BOM), else Windows-1252.

    Raises
    ------
    InputFileError
        If the file is empty, is a workbook or archive, or holds binary data.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputFileError(f"{path}: the file is empty; export the survey's responses again")
    if data[:4] == b"PK\x03\x04":
        raise InputFileError(
            f"{path}: this is an Excel workbook or zip archive, not a CSV text file; "
            "give it an .xlsx name if it is a Microsoft Forms export, or save it as CSV UTF-8"
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"{path}: unreadable encoding: a UTF-16 mark but invalid text ({exc})"
            ) from None
    if b"\x00" in data:
        raise InputFileError(
            f"{path}: unreadable encoding: the file holds NUL bytes (binary data, or UTF-16 without a "
            "byte-order mark); save it as CSV UTF-8"
        )
    try:
        enc = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return data.decode("utf-8-sig"), enc
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str, path: Path) -> str:
    """The delimiter giving the most consistent rows: ``,`` ``;`` tab or ``|``."""
    sample = text[:65536]
    cut = len(text) > len(sample)
    best, best_score = ",", (-1, -1, -1)
    for delim in _DELIMITERS:
        try:
            recs = [r for r in islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delim), 20) if r]
        except csv.Error:
            continue
        if cut and len(recs) > 1:
            recs = recs[:-1]
        if not recs:
            continue
        n = len(recs[0])
        score = (int(n > 1), sum(len(r) == n for r in recs), n)
        if score > best_score:
            best, best_score = delim, score
    if best_score[0] < 1:
        first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
        raise InputFileError(
            f"{path}: everything is in one column: the header line has no ',', ';', tab or '|' between "
            f"fields (wrong delimiter?); it starts {first[:60]!r}"
        )
    return best


@dataclass
class Records:
    """A CSV file's records, each with the row number a spreadsheet shows."""

    path: Path
    rows: list[tuple[int, list[str]]]
    encoding: str | None
    delimiter: str | None = None


def read_records(path: Path) -> Records:
    """Every record of a CSV file, checked as a whole.

    Raises
    ------
    InputFileError
        Empty, unreadable, one column only (wrong delimiter), malformed quoting, or cut off mid-row.
    """
    text, encoding = decode(path)
    delim = sniff_delimiter(text, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    rows: list[tuple[int, list[str]]] = []
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row = len(rows) + 1
            hint = (
                " (a quote opened and never closed: the file looks cut off)"
                if "end of data" in str(exc)
                else ""
            )
            raise InputFileError(f"{path}: row {row}: malformed CSV: {exc}{hint}") from None
        rows.append((len(rows) + 1, rec))
    while rows and not rows[-1][1]:
        rows.pop()
    if not rows:
        raise InputFileError(f"{path}: the file is empty")
    width = len(rows[0][1])
    last_row, last = rows[-1]
    if len(rows) > 1 and 0 < len(last) < width:
        raise InputFileError(
            f"{path}: the last row (row {last_row}) has {len(last)} of {width} fields: the file looks "
            "truncated (cut off mid-row); export it again"
        )
    return Records(path, rows, encoding, delim)


def peek(path: Path, n: int = 3) -> list[list[str]] | None:
    """The first ``n`` records of a CSV file, or None for folders, workbooks and Parquet files."""
    if path.is_dir() or path.suffix.lower() in (".xlsx", ".xlsm", ".parquet"):
        return None
    text, _ = decode(path)
    delim = sniff_delimiter(text, path)
    try:
        recs = list(islice(csv.reader(io.StringIO(text[:200000], newline=""), delimiter=delim), n))
    except csv.Error:
        return None
    return recs


# -- what a reader hands back --------------------------------------------------------------------------
@dataclass
class Prepared:
    """Canonical tables ready for :meth:`Store.write`, with every problem found on the way."""

    tables: dict[str, pd.DataFrame]
    problems: list[ImportProblem] = field(default_factory=list)
    #: (file, row) → the row's original values, identifying ones masked; for the rejects file
    originals: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    relationship_id: str | None = None
    cycle_id: str | None = None
    #: for a survey export: replace=True replaces this relationship × cycle only
    replace_cycle: tuple[str, str] | None = None


class Reader:
    """One input format. Subclasses set ``name`` and ``label`` and implement :meth:`sniff` and :meth:`read`."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    #: survey exports hold one relationship × cycle and need both named
    survey: ClassVar[bool] = True

    @classmethod
    def sniff(cls, path: Path) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def read(self, path: Path, store, *, relationship_id=None, cycle_id=None, mapping=None, replace=False):
        raise NotImplementedError  # pragma: no cover - abstract


def mask_row(values: dict[str, str], identifying: set[str]) -> dict[str, str]:
    """A row's values for the rejects file: identifying columns and e-mail/IP-like values masked."""
    out = {}
    for k, v in values.items():
        out[k] = MASK if (k in identifying and v not in ("", None)) or looks_identifying(v) else v
    return out


def problem(file: Path | str, reason: str, row: int | None = None, column: str | None = None, value=None):
    """An :class:`ImportProblem` whose value is masked if it looks like an e-mail or IP address."""
    if value is not None and looks_identifying(value):
        value = MASK
    return ImportProblem(str(file), reason, row=row, column=column, value=value)
