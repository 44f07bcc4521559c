from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from talentportal.core.errors import ApplicationError
from talentportal.core.imports import REGISTRY, ImportFailed, records_import_many


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

    def handle(self, *args, pairs, dry_run=False, **options):
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
            for error in exc.errors:
                message = str(error)
                if len(files) == 1:  # `row N: column: message`, without the file name
                    message = message.replace(f"{files[0][1]}: ", "", 1)
                self.stderr.write(message)
            raise CommandError(exc.message) from None
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
