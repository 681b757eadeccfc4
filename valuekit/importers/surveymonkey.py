"""SurveyMonkey "All responses data" CSV exports (expanded).

Two header rows: (1) ``Respondent ID, Collector ID, Start Date, End Date, IP Address, Email Address,
First Name, Last Name, Custom Data 1``, custom variables, then each question's text in the first of its
columns and blanks across the rest; (2) ``Response`` / ``Open-Ended Response`` under a single column, or the
matrix row (or choice) label under each column of a matrix question. A column is named ``Question - Row``
(just ``Question`` for a single column). Answers are choice text.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputFileError
from ._common import peek, read_records
from ._sheet import Sheet, SheetColumn, assign_roles, make_sheet
from ._survey import SurveyReader

__all__ = ["SurveyMonkeyReader"]

_SINGLE = {"response", "open-ended response"}
_METADATA = ("Collector ID", "Start Date", "End Date")
_IDENTIFYING = ("IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1", "Custom Data")


class SurveyMonkeyReader(SurveyReader):
    """SurveyMonkey CSV: ``Respondent ID`` first, two header rows."""

    name = "surveymonkey"
    label = "SurveyMonkey"

    @classmethod
    def sniff(cls, path: Path) -> bool:
        recs = peek(path, 2)
        return bool(recs and len(recs) >= 2 and "Respondent ID" in recs[0] and "Collector ID" in recs[0])

    def parse(self, path: Path) -> Sheet:
        records = read_records(path)
        rows = records.rows
        if len(rows) < 2 or "Respondent ID" not in rows[0][1]:
            raise InputFileError(
                f"{path}: not a SurveyMonkey export: expected two header rows, the first starting "
                "'Respondent ID, Collector ID, …'"
            )
        top, sub = rows[0][1], rows[1][1]
        columns, question = [], ""
        for i, head in enumerate(top):
            label = sub[i].strip() if i < len(sub) else ""
            head = head.strip()
            if head:
                question = head
            elif not label:
                question = ""
            text = head or question
            if not text:
                name = label
            elif label and label.casefold() not in _SINGLE:
                name = f"{text} - {label}"
            else:
                name = text
            row_label = "" if label.casefold() in _SINGLE else label
            columns.append(SheetColumn(name=name, text=text, row_label=row_label))
        assign_roles(
            columns,
            respondent=("Respondent ID",),
            identifying=_IDENTIFYING,
            metadata=_METADATA,
        )
        return make_sheet(path, self.label, columns, rows[2:], records.encoding)
