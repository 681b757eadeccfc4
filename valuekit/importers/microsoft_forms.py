"""Microsoft Forms Excel (.xlsx) exports.

One header row: ``ID, Start time, Completion time, Email, Name`` (newer exports add ``Last modified time``),
then one column per question; a Likert question gives one column per statement. Answers are option text.
Anonymous forms carry ``anonymous`` in Email and Name; either way both are dropped. ``ID`` numbers responses
within one form, so it identifies a response only within one cycle.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from ..errors import InputFileError
from ._sheet import Sheet, SheetColumn, assign_roles, make_sheet
from ._survey import SurveyReader

__all__ = ["MicrosoftFormsReader", "read_xlsx"]

_REQUIRED = ("ID", "Start time", "Completion time")


def read_xlsx(path: Path) -> list[tuple[int, list[str]]]:
    """The first worksheet's rows as text, each with its Excel row number; empty rows left out.

    Raises
    ------
    InputFileError
        If the file is empty or not a readable workbook.
    """
    import openpyxl

    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputFileError(f"{path}: not a readable Excel workbook (damaged or cut off?): {exc}") from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_text(v) for v in values]
            if any(cells):
                rows.append((number, cells))
    finally:
        wb.close()
    if not rows:
        raise InputFileError(f"{path}: the workbook's first sheet is empty")
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


class MicrosoftFormsReader(SurveyReader):
    """Microsoft Forms .xlsx: one header row starting ``ID, Start time, Completion time``."""

    name = "microsoft-forms"
    label = "Microsoft Forms"

    @classmethod
    def sniff(cls, path: Path) -> bool:
        if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
            return False
        try:
            header = read_xlsx(path)[0][1]
        except InputFileError:
            return False
        return all(h in header for h in _REQUIRED)

    def parse(self, path: Path) -> Sheet:
        rows = read_xlsx(path)
        number, header = rows[0]
        missing = [h for h in _REQUIRED if h not in header]
        if missing:
            raise InputFileError(
                f"{path}: not a Microsoft Forms export: the header row (row {number}) lacks "
                f"{', '.join(map(repr, missing))}; it starts {header[:5]}"
            )
        columns = [SheetColumn(name=h.strip(), text=h.strip()) for h in header]
        assign_roles(
            columns,
            respondent=("ID",),
            identifying=("Email", "Name"),
            metadata=("Start time", "Completion time", "Last modified time"),
        )
        return make_sheet(path, self.label, columns, rows[1:], None, scope="cycle")
