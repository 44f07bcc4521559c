import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from talentportal.core.errors import ApplicationError
from talentportal.core.imports import (
    REGISTRY,
    ImportFailed,
    RowError,
    problems_csv,
    records_import_many,
)


class Command(BaseCommand):
    help = (
        "Import past records from CSV files, all or nothing: import_records KIND FILE.csv "
        "[KIND FILE.csv ...]. Several files are imported in order in one run, so a later "
        "file may refer to records of an earlier one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "pairs", nargs="+", metavar="KIND FILE", help="Kinds: " + ", ".join(sorted(REGISTRY))
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row without writing anything."
        )
        parser.add_argument(
            "--problems",
            metavar="FILE.csv",
            help="If the files have problems, write all of them here as CSV (row, column, "
            "message). Without it, the first 100 are printed and, if there are more, all of "
            "them are written to a new file in the temporary directory.",
        )

    def handle(self, *args, pairs, dry_run=False, problems=None, **options):
        if len(pairs) % 2:
            raise CommandError("Give a KIND and a FILE for each file to import.")
        files = []
        for kind, name in zip(pairs[::2], pairs[1::2], strict=True):
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {name}: {exc.strerror}") from None
            files.append((kind, Path(name).name, data))
        try:
            results = records_import_many(files=files, dry_run=dry_run)
        except ImportFailed as exc:
            failure = exc
            if len(files) == 1:  # `row N: column: message`, without the file name
                prefix = f"{files[0][1]}: "
                failure = ImportFailed(
                    [RowError(e.row, e.column.removeprefix(prefix), e.message) for e in exc.errors]
                )
            for error in failure.shown:
                self.stderr.write(str(error))
            written = self._write_problems(failure, problems)
            if failure.more:
                self.stderr.write(f"… and {failure.more:,} more.")
            if written:
                self.stderr.write(f"All {len(failure.errors):,} problems are in {written}")
            raise CommandError(failure.message) from None
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        for result in results:
            if dry_run:
                self.stdout.write(f"{result.rows} {result.kind} rows are valid; nothing written.")
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Imported {result.rows} {result.kind} rows: {result.created} created, "
                        f"{result.updated} updated, {result.unchanged} unchanged."
                    )
                )

    def _write_problems(self, failure: ImportFailed, path: str | None) -> str | None:
        """Where the full list went: `--problems FILE`, or a new temporary file (readable
        by this user only) when there are more problems than are printed."""
        text = problems_csv(failure.errors)
        if path:
            try:
                Path(path).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot write {path}: {exc.strerror}") from None
            return path
        if not failure.more:
            return None
        with tempfile.NamedTemporaryFile(
            "w", prefix="import-problems-", suffix=".csv", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(text)
        return handle.name
