"""Member records as CSV: reading, the all-or-nothing import, and the export.

No request here: the organiser pages and `flask members import|export` both call these.
The format is one header row with the columns in services.FIELDS; values are the ones
organisation_values() gives (stored keys for kind and status, alpha-2 country, ISO dates).
"""
import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy.exc import SQLAlchemyError

from eventhub.audit.services import SYSTEM, Actor
from eventhub.core.csv_export import BOM, csv_chunks
from eventhub.core.errors import ValidationError
from eventhub.core.text import from_spreadsheet_text
from eventhub.extensions import db
from eventhub.members import services
from eventhub.members.models import Organisation
from eventhub.members.validation import clean_organisation

COLUMNS = services.FIELDS
# Columns a file made before they existed may lack: the records keep what they have.
OPTIONAL = ("email_domains",)
# Records read from the database at a time while an export streams.
EXPORT_BATCH = 500


@dataclass(frozen=True)
class RowError:
    """One problem: the physical line its row starts on (header = 1), the column, and why."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        """As the CLI prints it: 'line 4, country: ...'."""
        return f"line {self.line}, {self.column or 'row'}: {self.reason}"


@dataclass
class Row:
    """A data row: where it starts in the file, its raw values, and (once checked) the typed ones."""

    line: int
    values: dict[str, str]
    cleaned: dict | None = None


@dataclass
class ImportPlan:
    """A read and checked file: apply it only when `errors` is empty."""

    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did, or every reason it did nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the import was applied."""
        return not self.errors


def _decode(data: bytes | str) -> str:
    """The file as text without its BOM; raises UnicodeDecodeError when it is not UTF-8."""
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    return data[1:] if data.startswith(BOM) else data


def _delimiter(text: str) -> str:
    """Semicolon when the header line has more of them than commas (Excel in many locales), else comma."""
    header = io.StringIO(text, newline="").readline()
    return ";" if header.count(";") > header.count(",") else ","


def _header_errors(header: list[str]) -> list[RowError]:
    """Every missing, unknown or repeated column of the header row."""
    errors = [RowError(1, name, _("Unknown column.")) for name in header if name not in COLUMNS]
    errors += [RowError(1, name, _("Missing column.")) for name in COLUMNS if name not in header and name not in OPTIONAL]
    seen = set()
    for name in header:
        if name in seen and name in COLUMNS:
            errors.append(RowError(1, name, _("Column appears more than once.")))
        seen.add(name)
    return errors


def read_csv(data: bytes | str) -> ImportPlan:
    """Split a file into rows keyed by column, with the physical line each row starts on."""
    plan = ImportPlan()
    try:
        text = _decode(data)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        plan.errors.append(RowError(line, "", _("The file is not UTF-8 text. Save it as “CSV UTF-8”.")))
        return plan
    # newline="" keeps quoted line breaks inside fields and lets reader.line_num count physical lines.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        while header and not header[-1]:
            header.pop()  # a trailing separator on the header line is not a column
    except csv.Error as error:
        plan.errors.append(RowError(1, "", str(error)))
        return plan
    if not any(header):
        plan.errors.append(RowError(1, "", _("The file is empty: the first line must name the columns.")))
        return plan
    plan.errors += _header_errors(header)
    if plan.errors:
        return plan
    try:
        for line, values in _records(reader):
            _add_row(plan, line, header, values)
    except _BadQuoting as bad:
        plan.errors.append(bad.error)
    return plan


class _BadQuoting(Exception):
    """The csv module gave up on a row (an unbalanced quote, say)."""

    def __init__(self, error: RowError):
        """Carry the problem to report."""
        self.error = error


def _records(reader):
    """(line the record starts on, values) for each record after the header.

    A quoted line break makes one record span several physical lines; reader.line_num is
    the last line read, so a record starts one after where the previous one ended.
    """
    last_line = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _BadQuoting(RowError(last_line + 1, "", str(error))) from error
        yield last_line + 1, values
        last_line = reader.line_num


def _add_row(plan: ImportPlan, line: int, header: list[str], values: list[str]) -> None:
    """Keep a record as a row keyed by column, skip a blank one, or note a wrong field count."""
    if not any(value.strip() for value in values):
        return  # blank rows, e.g. the ;;;;; lines spreadsheets leave at the end
    if len(values) > len(header) and not any(value.strip() for value in values[len(header):]):
        values = values[: len(header)]  # trailing empty cells some spreadsheets add
    if len(values) != len(header):
        expected = len(header)
        reason = _("The row has %(found)d fields, the header has %(expected)d.", found=len(values), expected=expected)
        plan.errors.append(RowError(line, "", reason))
        return
    # A value our export made inert ("'=...") comes back as it was typed.
    plan.rows.append(Row(line, dict(zip(header, map(from_spreadsheet_text, values)))))


def _row_errors(row: Row, error: ValidationError) -> list[RowError]:
    """A service's field errors as problems of this row."""
    return [RowError(row.line, column, reason) for column, reasons in error.errors.items() for reason in reasons]


def _same_record_keys(cleaned: dict) -> list[tuple[str, tuple]]:
    """The keys two rows share when they describe the same record: (column, key)."""
    # casefold, like the lower() find_match compares with: "Malmo" and "Malmö" stay two records.
    keys = [("name", ("name", cleaned["name"].casefold(), cleaned["country"]))]
    if cleaned.get("external_id"):
        keys.append(("external_id", ("external_id", cleaned["external_id"])))
    return keys


def check_rows(plan: ImportPlan) -> ImportPlan:
    """Validate every row with the member rules and find rows that repeat a record; collects every error."""
    first_line: dict[tuple, int] = {}
    for row in plan.rows:
        try:
            cleaned = clean_organisation(row.values)
        except ValidationError as error:
            plan.errors += _row_errors(row, error)
            continue
        # Only CSV columns: notes and networks are not in the file and must stay as they are.
        row.cleaned = {column: cleaned[column] for column in COLUMNS if column in row.values or column not in OPTIONAL}
        for column, key in _same_record_keys(cleaned):
            if key in first_line:
                reason = _("Same record as line %(line)d.", line=first_line[key])
                plan.errors.append(RowError(row.line, column, reason))
            else:
                first_line[key] = row.line
    plan.errors.sort(key=lambda error: error.line)
    return plan


def prepare_import(data: bytes | str) -> ImportPlan:
    """Read and check a whole file without writing anything."""
    plan = read_csv(data)
    return check_rows(plan) if not plan.errors else plan


def _match(cleaned: dict) -> Organisation | None:
    """The existing record a row updates: same external_id, else same name and country.

    A record created by hand (no external_id yet) is adopted by a row carrying one.
    """
    found = services.find_match(cleaned)
    if found is None and cleaned.get("external_id"):
        twin = services.find_match({"name": cleaned["name"], "country": cleaned["country"]})
        if twin is not None and twin.external_id is None:
            found = twin
    return found


def _comparable(organisation: Organisation) -> dict:
    """The CSV columns of a record, to tell an update from an unchanged row."""
    values = services.organisation_values(organisation)
    return {column: values[column] for column in COLUMNS}


def apply_import(plan: ImportPlan, progress=None, actor: Actor = SYSTEM) -> ImportReport:
    """Write a checked plan into the caller's unit of work; raises ImportAborted listing every
    problem (so the caller's atomic() writes nothing), or returns what was done.

    `progress(rows)` may wrap the rows in a context manager that yields them (click.progressbar).
    Each created or updated record gets its audit entry by `actor` in the same transaction.
    """
    if plan.errors:
        raise ImportAborted(plan.errors)
    report = ImportReport()
    wrap = progress or contextlib.nullcontext
    with wrap(plan.rows) as rows:
        for row in rows:
            _apply_row(row, report, actor)
    if report.errors:
        raise ImportAborted(report.errors)
    return report


def _apply_row(row: Row, report: ImportReport, actor: Actor) -> None:
    """Create or update the row's record (not committed), counting what happened."""
    match = _match(row.cleaned)
    before = _comparable(match) if match is not None else None
    try:
        organisation = services.save_organisation(row.cleaned, match, actor=actor)
        db.session.flush()  # so a database refusal is reported against this row
    except ValidationError as error:
        report.errors += _row_errors(row, error)
        return
    except SQLAlchemyError as error:
        reason = _("The database refused this row: %(error)s", error=getattr(error, "orig", error))
        raise ImportAborted([RowError(row.line, "", reason)]) from error
    if match is None:
        report.created += 1
    elif _comparable(organisation) != before:
        report.updated += 1
    else:
        report.unchanged += 1


class ImportAborted(Exception):
    """Nothing may be imported: `errors` lists every bad row (the caller's unit of work rolls back)."""

    def __init__(self, errors: list[RowError]):
        """Carry the problems to report."""
        self.errors = errors
        super().__init__("; ".join(map(str, errors)))


def import_csv(data: bytes | str, progress=None, actor: Actor = SYSTEM) -> ImportReport:
    """Read, check and (only if every row is good) apply a file, in the caller's unit of work.

    Raises ImportAborted listing every problem; the pages and the CLI show them.
    """
    return apply_import(prepare_import(data), progress, actor)


def _cell(value) -> str:
    """A value as the importer reads it back: dates in ISO form, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def export_chunks(query: Select | None = None) -> Iterator[bytes]:
    """The records the query selects (all by default) as CSV (see eventhub.core.csv_export), in chunks of
    bytes to stream: the records are read EXPORT_BATCH at a time, so 25,000 take no more memory than 2,500.

    Nothing is read before the first chunk is asked for: a streamed response is sent after its view's
    database session has ended, and reads in a session of its own.
    """
    return csv_chunks(COLUMNS, _export_rows(query))


def _export_rows(query: Select | None) -> Iterator[list[str]]:
    """One row of cells per record, read a batch at a time."""
    query = query if query is not None else services.search_organisations()
    for organisation in db.session.scalars(query.execution_options(yield_per=EXPORT_BATCH)):
        values = services.organisation_values(organisation)
        yield [_cell(values[column]) for column in COLUMNS]


def export_csv(query: Select | None = None) -> bytes:
    """The same file at once, for the CLI."""
    return b"".join(export_chunks(query))
