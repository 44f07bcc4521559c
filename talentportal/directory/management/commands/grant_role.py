import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from talentportal.core.errors import ApplicationError
from talentportal.directory.models import IntegratedCareSystem, Organisation, Role, Scheme, User
from talentportal.directory.services import role_grant, user_create

SOURCE = "the grant_role command"


class Command(BaseCommand):
    help = (
        "Grant a role to a person, creating them if needed: how the first system "
        "administrator of a new deployment is made. They set their password with "
        "'Forgotten your password?' on the sign-in page, then set up two-factor authentication. "
        "The break-glass route past 'nobody grants their own role': the audit trail records "
        "the grant as made by this command."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--organisation", help="Talent leads: the organisation's exact name.")
        parser.add_argument("--system", help="Talent leads: the integrated care system's name.")
        parser.add_argument("--scheme", choices=Scheme.values, default="")

    def handle(self, *args, email, role, organisation=None, system=None, scheme="", **options):
        from allauth.account.models import EmailAddress

        # No person is signed in: the audit trail names this command as the granter.
        with transaction.atomic(), pghistory.context(source=SOURCE):
            user = User.objects.filter(email__iexact=email).first()
            try:
                if user is None:
                    user = user_create(email=email)
                    EmailAddress.objects.create(
                        user=user, email=user.email, primary=True, verified=True
                    )
                    self.stdout.write(f"Created {user.email} (no password yet).")
                org = sys_ = None
                if organisation:
                    org = Organisation.objects.filter(name__iexact=organisation).first()
                    if org is None:
                        raise CommandError(f"No organisation is called '{organisation}'.")
                if system:
                    sys_ = IntegratedCareSystem.objects.filter(name__iexact=system).first()
                    if sys_ is None:
                        raise CommandError(f"No integrated care system is called '{system}'.")
                assignment = role_grant(
                    user=user, role=role, organisation=org, system=sys_, scheme=scheme
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"{user.email} is {assignment}."))
        self.stdout.write(f"The audit trail records this grant as made by {SOURCE}.")
