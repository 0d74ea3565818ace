"""The one CSV writer of every export (members, registrations, agenda, check-ins).

Exports are opened by people in Excel or LibreOffice, so every cell goes through
spreadsheet_text() (a cell that looks like a formula is not run as one), and the bytes are UTF-8
with a BOM (without it, Excel reads UTF-8 as the local code page and mangles every script).

csv_chunks() writes a file a few hundred rows at a time, for exports too big to build in memory
(20,000 registrations): a view streams the chunks as the rows come from the database.
"""
import csv
import io
from collections.abc import Iterable, Iterator

from eventhub.core.text import spreadsheet_text

BOM = "\ufeff"
# Rows per chunk: big enough that a chunk is a few tens of kilobytes (few writes to the socket),
# small enough that memory does not grow with the file.
CHUNK_ROWS = 500


def csv_chunks(header: Iterable, rows: Iterable[Iterable], chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The header and rows as CSV (RFC 4180 line ends), every cell made inert, UTF-8 with a BOM, in
    chunks of bytes (the BOM and header first); rows are read from `rows` only as the chunks are asked for."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    out.write(BOM)
    writer.writerow([spreadsheet_text(cell) for cell in header])
    count = 0
    for row in rows:
        writer.writerow([spreadsheet_text(cell) for cell in row])
        count += 1
        if count % chunk_rows == 0:
            yield _take(out)
    yield _take(out)


def _take(out: io.StringIO) -> bytes:
    """What was written since the last chunk, as UTF-8; the buffer starts again empty."""
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text.encode("utf-8")


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """The whole file at once (see csv_chunks), for the small exports."""
    return b"".join(csv_chunks(header, rows))
