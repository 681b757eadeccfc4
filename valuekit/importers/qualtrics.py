"""Qualtrics "Download data table" CSV exports, current (three header rows) and legacy (before 2017, two).

Current: (1) column names — metadata, embedded data, then question ids (``Q3_2`` is row 2 of matrix Q3);
(2) question text (``Question - Row statement`` for a matrix row); (3) ``{"ImportId":"QID3_2"}`` per column.
Legacy: (1) ``V1 … V10`` for the metadata, then question ids; (2) the metadata names (``ResponseID`` …)
and the question text. Answers are choice text or numeric recodes. Names, e-mails, IP addresses, external
references and locations are dropped; the response id is pseudonymised.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import InputFileError
from ._common import peek, read_records
from ._sheet import Sheet, SheetColumn, assign_roles, make_sheet
from ._survey import SurveyReader

__all__ = ["QualtricsReader", "QualtricsLegacyReader"]

_IDENTIFYING = (
    "IPAddress",
    "ipAddress",
    "RecipientLastName",
    "recipientLastName",
    "RecipientFirstName",
    "recipientFirstName",
    "RecipientEmail",
    "recipientEmail",
    "ExternalReference",
    "ExternalDataReference",
    "externalDataReference",
    "LocationLatitude",
    "locationLatitude",
    "LocationLongitude",
    "locationLongitude",
    "LocationAccuracy",
    "Name",
    "EmailAddress",
)
_METADATA = (
    "StartDate",
    "EndDate",
    "Progress",
    "Duration (in seconds)",
    "duration",
    "Finished",
    "RecordedDate",
    "DistributionChannel",
    "UserLanguage",
    "ResponseSet",
    "Q_RecaptchaScore",
    "Q_RelevantIDDuplicate",
)


def _import_id(cell: str) -> str | None:
    cell = cell.strip()
    if not cell.startswith("{"):
        return None
    try:
        data = json.loads(cell)
    except ValueError:
        return None
    return str(data["ImportId"]) if isinstance(data, dict) and "ImportId" in data else None


class QualtricsReader(SurveyReader):
    """Qualtrics CSV, current format: three header rows, the third of ``{"ImportId": …}`` JSON."""

    name = "qualtrics"
    label = "Qualtrics"

    @classmethod
    def sniff(cls, path: Path) -> bool:
        recs = peek(path, 3)
        return bool(recs and len(recs) >= 3 and any(_import_id(c) for c in recs[2][:5]))

    def parse(self, path: Path) -> Sheet:
        records = read_records(path)
        rows = records.rows
        if len(rows) < 3 or not any(_import_id(c) for c in rows[2][1]):
            raise InputFileError(
                f"{path}: not a current Qualtrics export: expected three header rows, the third holding "
                '{"ImportId": …} for each column'
            )
        names, texts, ids = rows[0][1], rows[1][1], rows[2][1]
        columns = [
            SheetColumn(name=n.strip(), text=_at(texts, i), import_id=_import_id(_at(ids, i)) or "")
            for i, n in enumerate(names)
        ]
        assign_roles(
            columns,
            respondent=("ResponseId", "_recordId"),
            identifying=_IDENTIFYING,
            metadata=_METADATA + ("startDate", "endDate", "progress", "finished", "recordedDate"),
            status=("Status",),
        )
        return make_sheet(path, self.label, columns, rows[3:], records.encoding)


class QualtricsLegacyReader(SurveyReader):
    """Qualtrics CSV, legacy format (before 2017): ``V1 … V10`` ids over ``ResponseID …`` and question text."""

    name = "qualtrics-legacy"
    label = "Qualtrics (legacy)"

    @classmethod
    def sniff(cls, path: Path) -> bool:
        recs = peek(path, 2)
        return bool(recs and len(recs) >= 2 and recs[0][:1] == ["V1"] and "ResponseID" in recs[1])

    def parse(self, path: Path) -> Sheet:
        records = read_records(path)
        rows = records.rows
        if len(rows) < 2 or rows[0][1][:1] != ["V1"]:
            raise InputFileError(
                f"{path}: not a legacy Qualtrics export: expected a first header row starting V1, V2, … "
                "over a second row of names (ResponseID, …) and question text"
            )
        ids, texts = rows[0][1], rows[1][1]
        columns = []
        for i, n in enumerate(ids):
            text = _at(texts, i)
            name = text.strip() if re.fullmatch(r"V\d+", n.strip()) and text.strip() else n.strip()
            columns.append(SheetColumn(name=name, text=text))
        assign_roles(
            columns,
            respondent=("ResponseID",),
            identifying=_IDENTIFYING,
            metadata=_METADATA,
            status=("Status",),
        )
        return make_sheet(path, self.label, columns, rows[2:], records.encoding)


def _at(values: list[str], i: int) -> str:
    return values[i] if i < len(values) else ""
