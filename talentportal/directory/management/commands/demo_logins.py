from django.core.management.base import BaseCommand

from talentportal.directory.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    ROLE_LOGINS,
    demo_email,
)
from talentportal.directory.models import Scheme


class Command(BaseCommand):
    help = "Print the demo logins, one per role (demo data only)."

    def handle(self, *args, **options):
        self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        for local, _first, _last, grants in ROLE_LOGINS:
            label = grants[0]["role"].label if grants else "Participant"
            scope = ""
            if grants:
                g = grants[0]
                scope = g.get("organisation") or g.get("system") or ""
                if g.get("scheme"):
                    scope = Scheme(g["scheme"]).label
            self.stdout.write(f"    {label:<25} {demo_email(local):<34} {scope}".rstrip())
        self.stdout.write(
            "\n  Staff roles (programme administrator, talent lead, scheme manager, report team,\n"
            "  system administrator) sign in with two factors. The demo accounts share the TOTP\n"
            f"  secret {DEMO_TOTP_SECRET} (add it to an authenticator app), or run\n"
            "  `make totp` for the current code."
        )
