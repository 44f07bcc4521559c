"""manage.py generate_scale_data --bookings 10000000 --years 5 --regions 7 [--seed N] [--replace]"""

from django.core.management.base import BaseCommand, CommandError

from reporting import scale


class Command(BaseCommand):
    help = (
        "Fill the database with generated national-scale data (regions, people, programmes, "
        "bookings, registers, coaching, talent pools) for load tests and benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bookings", type=int, default=10_000_000)
        parser.add_argument("--years", type=int, default=5, help="Financial years to the current.")
        parser.add_argument("--regions", type=int, default=7, help="Regions, Midlands first.")
        parser.add_argument("--seed", type=int, default=scale.Options.seed)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty the generated tables first (TRUNCATE ... CASCADE).",
        )
        parser.add_argument(
            "--no-summaries", action="store_true", help="Do not rebuild the summary tables."
        )

    def handle(self, *args, bookings, years, regions, seed, replace, no_summaries, **options):
        def out(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        options_ = scale.Options(
            bookings=bookings, years=years, regions=regions, seed=seed, replace=replace
        )
        try:
            counts = scale.generate(options_, out=out)
        except scale.ScaleError as exc:
            raise CommandError(str(exc)) from exc
        if not no_summaries:
            scale.summaries_rebuild(out=out)
        out("Rows written:")
        width = max(map(len, counts))
        for table, n in counts.items():
            out(f"  {table:<{width}}  {n:>12,}")
