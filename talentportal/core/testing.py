"""Support for the test suite and the benchmark (not imported by the portal itself)."""

import time

from django.test import Client


class PortalClient(Client):
    """`force_login` as if the person had signed in with their password and second factor,
    as the portal requires of staff roles. Tests of the requirement itself use `Client`."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        session = self.session
        now = time.time()
        session["account_authentication_methods_user"] = str(user.pk)
        session["account_authentication_methods"] = [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "type": "totp"},
        ]
        session.save()
