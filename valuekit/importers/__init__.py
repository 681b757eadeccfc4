"""Importers behind ``valuekit import``: survey tools' exports and the canonical tables, into the store.

Formats (:data:`FORMATS`, detected from the headers when not given):

``canonical``         a folder of ``<table>.csv`` / ``<table>.parquet`` as ``valuekit export`` writes them
``qualtrics``         Qualtrics CSV, three header rows (names, question text, ImportId JSON)
``qualtrics-legacy``  Qualtrics CSV before 2017: ``V1 …`` over ``ResponseID …``
``surveymonkey``      SurveyMonkey CSV, two header rows (question, Response / matrix row)
``google-forms``      Google Forms CSV, ``Timestamp`` first, grids as ``Title [Row]``
``microsoft-forms``   Microsoft Forms .xlsx, ``ID, Start time, Completion time, Email, Name``

Every problem names the file, row (as a spreadsheet shows it), column and value; good rows are stored and
rejected rows are written, with their reasons, to a rejects file. Names, e-mails, IP addresses and locations
never reach the store, and respondent ids are pseudonymised.
"""

from ._api import import_path
from ._registry import FORMATS, detect_format, get_reader, register_format
from ._result import ImportResult
from .mapping import Mapping, load_mapping

__all__ = [
    "import_path",
    "detect_format",
    "FORMATS",
    "get_reader",
    "register_format",
    "ImportResult",
    "Mapping",
    "load_mapping",
]
