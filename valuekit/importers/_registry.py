"""The input formats valuekit reads, by name, and how a file's format is told from its contents."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputFileError
from ._common import Reader
from .canonical import CanonicalReader
from .google_forms import GoogleFormsReader
from .microsoft_forms import MicrosoftFormsReader
from .qualtrics import QualtricsLegacyReader, QualtricsReader
from .surveymonkey import SurveyMonkeyReader

__all__ = ["FORMATS", "register_format", "get_reader", "detect_format"]

#: name → reader class, in the order detection tries them.
FORMATS: dict[str, type[Reader]] = {}


def register_format(name: str, reader: type[Reader]) -> None:
    """Add (or replace) a format; ``reader`` has ``sniff(path) -> bool`` and ``read(path, store, …)``."""
    FORMATS[name] = reader


for _reader in (
    CanonicalReader,
    QualtricsReader,
    QualtricsLegacyReader,
    SurveyMonkeyReader,
    GoogleFormsReader,
    MicrosoftFormsReader,
):
    register_format(_reader.name, _reader)


def get_reader(fmt: str) -> Reader:
    """A reader for a format name.

    Raises
    ------
    InputFileError
        Naming the formats there are.
    """
    try:
        return FORMATS[fmt]()
    except KeyError:
        raise InputFileError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}") from None


def detect_format(path: str | Path) -> str:
    """The name of the format a file or folder is in, from its headers.

    Examples
    --------
    >>> from valuekit.importers import detect_format
    >>> detect_format("/work/shared/formats/qualtrics/sample_legacy.csv")  # doctest: +SKIP
    'qualtrics-legacy'

    Raises
    ------
    InputFileError
        The path does not exist, cannot be read, or matches no format (the message lists the formats).
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: no such file or folder")
    for name, reader in FORMATS.items():
        if reader.sniff(path):
            return name
    what = "folder" if path.is_dir() else "file"
    raise InputFileError(
        f"{path}: cannot tell which survey tool wrote this {what}. valuekit reads: a folder of canonical tables "
        "(responses.csv …), Qualtrics CSV (three header rows, or V1… legacy), SurveyMonkey CSV (Respondent ID, "
        "two header rows), Google Forms CSV (Timestamp first) and Microsoft Forms .xlsx (ID, Start time, "
        f"Completion time). If it is one of these, say so: fmt= one of {', '.join(FORMATS)}"
    )
