"""All-or-nothing CSV imports with row-numbered errors.

Each app registers an `Importer` for a KIND; `python manage.py import_records
KIND FILE.csv` and the administrators' upload pages both go through
`records_import`. Row numbers follow the spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

import pghistory
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction

from .errors import ApplicationError

MAX_IMPORT_BYTES = 10 * 1024 * 1024
# A page or a terminal shows this many problems; the full list is a CSV (`problems_csv`).
PROBLEMS_SHOWN = 100


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.message}"


class ImportFailed(ApplicationError):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"Nothing was imported: {len(errors):,} problem(s) found.")

    @property
    def shown(self) -> list[RowError]:
        """The first PROBLEMS_SHOWN problems, in row order."""
        return self.errors[:PROBLEMS_SHOWN]

    @property
    def more(self) -> int:
        """How many problems `shown` leaves out."""
        return max(len(self.errors) - PROBLEMS_SHOWN, 0)


def problems_csv(errors: list[RowError]) -> str:
    """Every problem as CSV (row, column, message), safe to open in a spreadsheet: a
    message quotes the file's own values, which may start with = or @."""
    from .tables import spreadsheet_safe

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "column", "message"])
    writer.writerows(
        (e.row, spreadsheet_safe(e.column), spreadsheet_safe(e.message)) for e in errors
    )
    return buffer.getvalue()


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    preview: list[dict] = field(default_factory=list)
    written: bool = False


class Importer:
    """Subclasses set `kind` and `columns`, and implement `validate` and `write`.

    `validate(rows)` receives a list of (row_number, dict) and returns validated
    items, appending RowError to `self.errors`; it must not write. `write(items,
    result)` runs only if there were no errors, inside the import's transaction.
    """

    kind: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    optional_columns: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    # Records that decide someone's case (a place in the pool or a scheme, an approval as a
    # coach or mentor): nobody imports their own, as nobody decides their own.
    decides: ClassVar[bool] = False

    def __init__(self, *, by_email: str | None = None) -> None:
        self.errors: list[RowError] = []
        self.by_email = (by_email or "").lower() or None

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def email(self, row: int, column: str, value: str) -> str | None:
        """The address lower-cased, or None after recording an error."""
        address = value.strip().lower()
        try:
            validate_email(address)
            if len(address) > 254:
                raise ValidationError("too long")
        except ValidationError:
            self.error(row, column, f"'{value}' is not an email address")
            return None
        if self.decides and address == self.by_email:
            self.error(
                row,
                column,
                "is your own address: someone else must import a record that decides your "
                "own place or approval",
            )
            return None
        return address

    def person_name(self, row: int, value: str, *, required: bool = True) -> str:
        """A person's name ("First Last", split at the first space), checked in column
        `name` against the account's limits; returned stripped."""
        first, _, last = value.strip().partition(" ")
        if required and not first:
            self.error(row, "name", "is required")
        elif len(first) > 150 or len(last) > 150:
            self.error(row, "name", "has a first or last name longer than 150 characters")
        return value.strip()

    def date(self, row: int, column: str, value: str, *, required: bool = True) -> date | None:
        """A YYYY-MM-DD date, or None (after recording an error unless blank and optional)."""
        if not value and not required:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(row, column, f"'{value}' is not a date (YYYY-MM-DD)")
        return parsed

    def validate(self, rows: list[tuple[int, dict[str, str]]]) -> list:
        raise NotImplementedError

    def write(self, items: list, result: ImportResult) -> None:
        raise NotImplementedError

    def preview_row(self, item) -> dict:
        return {}


def parse_date(value: str) -> date | None:
    """A YYYY-MM-DD date between 1990 and 2100, or None."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if 1990 <= parsed.year <= 2100 else None


REGISTRY: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    REGISTRY[importer.kind] = importer
    return importer


def _read_rows(importer: Importer, data: bytes) -> list[tuple[int, dict[str, str]]]:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFailed([RowError(1, "file", "is larger than 10 MB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed([RowError(line, "file", "is not UTF-8 text")]) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFailed([RowError(line, "file", "contains a NUL character")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFailed([RowError(1, "header", "the file is empty")]) from None
    except csv.Error as exc:
        raise ImportFailed([RowError(1, "header", f"cannot be read: {exc}")]) from None
    header = [h.strip().lower() for h in header]
    errors = []
    allowed = set(importer.columns) | set(importer.optional_columns)
    for name in importer.columns:
        if name not in header:
            errors.append(RowError(1, name, "missing column"))
    for name, count in Counter(header).items():
        if name not in allowed:
            errors.append(RowError(1, name or "(blank)", "unexpected column"))
        elif count > 1:
            errors.append(RowError(1, name, "column appears more than once"))
    if errors:
        raise ImportFailed(errors)
    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                errors.append(
                    RowError(number, "row", f"has {len(values)} values, expected {len(header)}")
                )
                continue
            rows.append((number, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "row", f"cannot be read: {exc}"))
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed([RowError(2, "row", "the file has a header but no rows")])
    return rows


def _importer(kind: str, by=None) -> Importer:
    try:
        return REGISTRY[kind](by_email=getattr(by, "email", None))
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise ApplicationError(f"Unknown kind of records '{kind}'. Known: {known}.") from None


def _import_one(kind: str, data: bytes, *, preview_only: bool, by=None) -> ImportResult:
    importer = _importer(kind, by)
    rows = _read_rows(importer, data)
    result = ImportResult(kind=kind, rows=len(rows))
    # One import of a kind at a time: what validation saw is still true when writing.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"import:{kind}"])
    items = importer.validate(rows)
    if importer.errors:
        raise ImportFailed(sorted(importer.errors, key=lambda e: (e.row, e.column)))
    result.preview = [importer.preview_row(item) for item in items[:200]]
    if not preview_only:
        importer.write(items, result)
        result.written = True
    return result


def records_import(*, kind: str, data: bytes, dry_run: bool = False, by=None) -> ImportResult:
    """Validate every row, then write all of them in one transaction, or nothing.

    Raises ImportFailed listing every problem as `row N: column: message`.
    With `dry_run`, validates and returns a preview without writing. `by`, the person
    importing (the upload page's), may not import a record that decides their own case.
    """
    with transaction.atomic(), pghistory.context(source=f"import of {kind}"):
        result = _import_one(kind, data, preview_only=dry_run, by=by)
        if dry_run:
            transaction.set_rollback(True)
    return result


def records_import_many(
    *, files: list[tuple[str, str, bytes]], dry_run: bool = False
) -> list[ImportResult]:
    """Several files in one run, in order, all or nothing together: a later file may refer
    to records of an earlier one (relationships to the people imported before them).

    `files` holds (kind, file name, data); errors are prefixed with the file name."""
    results = []
    with (
        transaction.atomic(),
        pghistory.context(source="import of " + ", ".join(n for _, n, _ in files)),
    ):
        for kind, name, data in files:
            try:
                # Each file is written (inside the run's transaction) before the next is
                # validated, so the next sees it; any failure rolls the whole run back.
                results.append(_import_one(kind, data, preview_only=False))
            except ImportFailed as exc:
                raise ImportFailed(
                    [RowError(e.row, f"{name}: {e.column}", e.message) for e in exc.errors]
                ) from None
        if dry_run:
            transaction.set_rollback(True)
            for result in results:
                result.written = False
    return results
