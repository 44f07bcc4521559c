from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from talentportal.directory.mfa import authenticator_rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every two-factor secret with the first key in MFA_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args, **options):
        try:
            count = authenticator_rotate_keys()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Re-encrypted the secrets of {count} authenticators with the first key.")
