"""The one CSV writer of every export (members, registrations, agenda, check-ins).

Exports are opened by people in Excel or LibreOffice, so every cell goes through
spreadsheet_text() (a cell that looks like a formula is not run as one), and the bytes are UTF-8
with a BOM (without it, Excel reads UTF-8 as the local code page and mangles every script).
"""
import csv
import io
from collections.abc import Iterable

from eventhub.core.text import spreadsheet_text

BOM = "\ufeff"


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """The header and rows as CSV (RFC 4180 line ends), every cell made inert, UTF-8 with a BOM."""
    out = io.StringIO(newline="")
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([spreadsheet_text(cell) for cell in header])
    writer.writerows([spreadsheet_text(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")
