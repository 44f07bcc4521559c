import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from talentportal.core.discovery import portal_modules
from talentportal.directory import demo as directory_demo
from talentportal.directory.models import User

SEED = 2026


class Command(BaseCommand):
    help = "Build the deterministic demo region (people, organisations, role holders, ...)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if anyone is registered already."
        )
        parser.add_argument("--people", type=int, default=240, help="How many staff to create.")

    def handle(self, *args, if_empty=False, people=240, **options):
        from django.conf import settings

        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data publishes its passwords, so it is refused here "
                "(set DEMO_DATA_ALLOWED=1 only on a demonstration server)."
            )
        if User.objects.exists():
            if if_empty:
                self.stdout.write("The database already has people: demo data not loaded.")
                return
            raise CommandError(
                "The database already has people. Use an empty database (or --if-empty)."
            )
        context = {"rng": random.Random(SEED), "people": people}
        with transaction.atomic():
            directory_demo.load(context)  # first: every other app's demo builds on it
            for label, module in portal_modules("demo"):
                if label != "directory":
                    module.load(context)
        # Equality make-ups are published from nightly snapshots: take the first now, so
        # the demo shows them (in the apps' own tasks, run here in this process).
        for _label, module in portal_modules("tasks"):
            for name in dir(module):
                if name.endswith("_snapshots_task"):
                    getattr(module, name)(force=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(context['people']) + len(context['logins'])} people in "
                f"{len(context['organisations'])} organisations. `manage.py demo_logins` "
                "lists the logins."
            )
        )
