"""The person's account, profile, roles and equality answers."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from talentportal.notifications.models import OutboundEmail

from .models import EqualityMonitoring, Profile, RoleAssignment

REMOVED = "[removed]"


def export(user) -> dict:
    profile = Profile.objects.filter(user=user).select_related("organisation").first()
    equality = EqualityMonitoring.objects.filter(user=user).first()
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined.isoformat(),
        "profile": {
            "job_title": profile.job_title,
            "organisation": str(profile.organisation or ""),
            "band": profile.band,
            "staff_group": profile.staff_group,
            "profession": profile.profession,
        }
        if profile
        else None,
        "equality_monitoring": {
            "ethnic_category": equality.ethnic_category,
            "disability": equality.disability,
            "sex": equality.sex,
        }
        if equality
        else None,
        "roles": [str(a) for a in RoleAssignment.objects.filter(user=user)],
    }


def erase(user) -> None:
    """Anonymise the account: no name, no address that reaches them, no way to sign in.
    The profile keeps organisation, band and staff group (what figures are broken down by),
    never the job title; the equality answers go (and have gone from their bookings,
    programmes.privacy). Runs after every other app's erasure: the outbox then forgets
    every message to the person's addresses, those the erasure itself wrote (a cancelled
    place, an ended relationship) included, so nothing more reaches them."""
    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    for address in addresses:
        OutboundEmail.objects.filter(recipients=[address]).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    EqualityMonitoring.objects.filter(user=user).delete()
    RoleAssignment.objects.filter(user=user).delete()
    Profile.objects.filter(user=user).update(job_title="")
    user.email = f"erased-{user.pk}@erased.invalid"
    user.first_name, user.last_name = "Erased", "person"
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
