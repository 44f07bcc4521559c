from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from talentportal.core.errors import ApplicationError
from talentportal.core.imports import REGISTRY, ImportFailed, records_import


class Command(BaseCommand):
    help = "Import past records from a CSV file, all or nothing: import_records KIND FILE.csv"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="What the file holds: " + ", ".join(sorted(REGISTRY)))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row without writing anything."
        )

    def handle(self, *args, kind, file, dry_run=False, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            result = records_import(kind=kind, data=data, dry_run=dry_run)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.message) from None
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        if dry_run:
            self.stdout.write(f"{result.rows} rows are valid; nothing written (--dry-run).")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {result.rows} {kind} rows: {result.created} created, "
                    f"{result.updated} updated, {result.unchanged} unchanged."
                )
            )
