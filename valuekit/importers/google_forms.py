"""Google Forms CSV exports (from the linked sheet or "Download responses").

One header row: ``Timestamp``, optionally ``Email Address``, then each question's title; a grid question
becomes one column per row, titled ``Question title [Row label]``. Answers are the option text.

Google Forms gives no response id: the e-mail address is used when collected (pseudonymised, never
stored), otherwise the timestamp, which only identifies a response within one form (one cycle).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputFileError
from ._common import peek, read_records
from ._sheet import Sheet, SheetColumn, assign_roles, make_sheet
from ._survey import SurveyReader

__all__ = ["GoogleFormsReader"]

#: ``Timestamp`` as Google Sheets writes it in a few common interface languages.
_TIMESTAMPS = (
    "Timestamp",
    "Marca temporal",
    "Zeitstempel",
    "Horodateur",
    "Tijdstempel",
    "Carimbo de data/hora",
)
_EMAILS = ("Email Address", "Email address", "E-mail address", "E-Mail-Adresse", "Adresse e-mail")


class GoogleFormsReader(SurveyReader):
    """Google Forms CSV: one header row starting ``Timestamp``."""

    name = "google-forms"
    label = "Google Forms"

    @classmethod
    def sniff(cls, path: Path) -> bool:
        recs = peek(path, 1)
        return bool(recs and recs[0] and recs[0][0].strip() in _TIMESTAMPS)

    def parse(self, path: Path) -> Sheet:
        records = read_records(path)
        rows = records.rows
        header = rows[0][1]
        if not header or header[0].strip() not in _TIMESTAMPS:
            raise InputFileError(f"{path}: not a Google Forms export: the first column should be 'Timestamp'")
        columns = []
        for head in header:
            head = head.strip()
            m = re.match(r"^(.*?)\s*\[([^\[\]]+)\]\s*$", head, flags=re.S)
            text, row_label = (m.group(1), m.group(2)) if m else (head, "")
            columns.append(SheetColumn(name=head, text=text, row_label=row_label))
        has_email = any(c.name in _EMAILS for c in columns)
        assign_roles(columns, respondent=_EMAILS if has_email else _TIMESTAMPS)
        for c in columns:
            if c.name in _EMAILS:
                c.identifying = True
            elif has_email and c.name in _TIMESTAMPS:
                c.role = "metadata"
        scope = "global" if has_email else "cycle"
        return make_sheet(path, self.label, columns, rows[1:], records.encoding, scope)
