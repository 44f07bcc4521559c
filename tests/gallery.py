"""Every role's main pages, on the demo data: the one list `make screenshots` photographs
and `tests/test_gallery.py` checks at phone width.

A page is a path; `{name}` in it is filled from the demo by `FILL[name](user)`, the
object that role would open first. A name that finds nothing fails the check: the demo
must give every main page something to show.
"""

from __future__ import annotations

from django.utils import timezone

from coaching.models import Relationship
from programmes.models import Booking, Programme, Session
from talentpools.models import (
    Nomination,
    NominationWindow,
    PoolMembership,
    SchemeCohort,
    TalentReview,
    Trainee,
    Vacancy,
)
from talentportal.core.periods import financial_year
from talentportal.directory.models import Organisation, RoleAssignment, User

PASSWORD = "demo-password-2026"  # noqa: S105 (the demo's published password)
DOMAIN = "talentportal.example"

EVERYONE = [
    "/",
    "/profile/",
    "/profile/edit/",
    "/profile/equality/",
    "/programmes/",
    "/programmes/{programme}/",
    "/programmes/my-bookings/",
    "/coaching/",
    "/talent/",
]
TALENT_LEAD = [
    "/people/",
    "/organisations/",
    "/talent/nominations/",
    "/talent/nominations/new/",
    "/talent/nominations/{nomination}/",
    "/talent/reviews/",
    "/talent/reviews/{review}/",
    "/talent/succession/",
    "/talent/succession/{organisation}/",
]
# role (the demo login's name before the @) -> its pages besides everyone's
ROLES = {
    "participant": ["/talent/nominations/self/", "/coaching/apply/coaching/", "/help/",
                    "/accessibility/", "/privacy/", "/cookies/", "/accounts/email/",
                    "/accounts/password/change/"],
    "coach": ["/coaching/practitioner/", "/coaching/relationships/{relationship}/"],
    "mentor": ["/coaching/relationships/{relationship}/"],
    "programmes": [
        "/programmes/registers/",
        "/programmes/sessions/{past_session}/register/",
        "/programmes/sessions/{future_session}/register/",
        "/programmes/waiting-list/session/{waitlisted_session}/",
        "/programmes/evaluations/",
        "/programmes/new-programme/",
        "/programmes/{programme}/edit/",
        "/programmes/sessions/{future_session}/edit/",
        "/programmes/import/",
        "/coaching/team/",
        "/coaching/team/relationships/",
        "/coaching/team/practitioners/",
        "/talent/pool/",
        "/talent/pool/{membership}/",
        "/talent/windows/",
        "/talent/windows/{window}/",
        "/talent/vacancies/",
        "/talent/vacancies/{vacancy}/",
    ],
    "talentlead": TALENT_LEAD,
    "systemlead": TALENT_LEAD,
    "schemes": ["/talent/schemes/", "/talent/schemes/gmts/{intake}/"],
    "reports": ["/reporting/", "/reporting/annual/{year}/", "/reporting/impact/{programme_pk}/"],
    "admin": ["/people/", "/people/{person}/roles/", "/people/erasure-requests/",
              "/organisations/import/", "/talent/schemes/", "/talent/schemes/cohorts/{cohort}/"],
}  # fmt: skip


def _lead_scope(user):
    return RoleAssignment.objects.filter(user=user, role="talent_lead").first()


def _in_scope(user, rows):
    grant = _lead_scope(user)
    if grant and grant.organisation_id:
        rows = rows.filter(organisation_id=grant.organisation_id)
    elif grant and grant.system_id:
        rows = rows.filter(system_id=grant.system_id)
    return rows.values_list("pk", flat=True).first()


def _nomination(user):
    return _in_scope(user, Nomination.objects.order_by("-pk"))


def _organisation(user):
    grant = _lead_scope(user)
    if grant and grant.organisation_id:
        return grant.organisation_id
    if grant and grant.system_id:
        rows = Organisation.objects.filter(system_id=grant.system_id, senior_posts__isnull=False)
        return rows.order_by("name").values_list("pk", flat=True).first()
    return None


def _session(*, past: bool):
    now = timezone.now()
    rows = Session.objects.filter(register_entries__isnull=False, status="scheduled")
    rows = rows.filter(starts_at__lt=now) if past else rows.filter(starts_at__gt=now)
    return rows.order_by("-starts_at" if past else "starts_at").values_list("pk", flat=True).first()


FILL = {
    "programme": lambda user: (
        Programme.objects.order_by("title").values_list("slug", flat=True).first()
    ),
    "programme_pk": lambda user: (
        Programme.objects.order_by("title").values_list("pk", flat=True).first()
    ),
    "relationship": lambda user: (
        Relationship.objects.filter(practitioner__user=user)
        .order_by("status", "-pk")
        .values_list("pk", flat=True)
        .first()
    ),
    "past_session": lambda user: _session(past=True),
    "future_session": lambda user: _session(past=False),
    "waitlisted_session": lambda user: (
        Booking.objects.filter(status="waitlisted", session__isnull=False)
        .values_list("session_id", flat=True)
        .first()
    ),
    "membership": lambda user: PoolMembership.objects.values_list("pk", flat=True).first(),
    "window": lambda user: (
        NominationWindow.objects.order_by("-opens_on").values_list("pk", flat=True).first()
    ),
    "vacancy": lambda user: Vacancy.objects.values_list("pk", flat=True).first(),
    "nomination": _nomination,
    "review": lambda user: _in_scope(user, TalentReview.objects.order_by("-pk")),
    "intake": lambda user: next(
        (
            f"{d:%Y}-{d.month}"
            for d in Trainee.objects.order_by("-intake").values_list("intake", flat=True)[:1]
        ),
        None,
    ),
    "organisation": _organisation,
    "cohort": lambda user: SchemeCohort.objects.values_list("pk", flat=True).first(),
    "year": lambda user: financial_year(timezone.localdate())[0].year - 1,
    "person": lambda user: (
        User.objects.exclude(pk=user.pk).order_by("pk").values_list("pk", flat=True).first()
    ),
}


def pages(role: str) -> list[tuple[str, str]]:
    """The role's main pages as (name, path), their placeholders filled from the demo."""
    user = User.objects.get(email=f"{role}@{DOMAIN}")
    found = []
    for template in [*EVERYONE, *ROLES[role]]:
        names = [part.split("}")[0] for part in template.split("{")[1:]]
        values = {name: FILL[name](user) for name in names}
        missing = [name for name, value in values.items() if value is None]
        assert not missing, f"The demo has no {', '.join(missing)} for {role}'s {template}"
        path = template.format(**values)
        name = template.strip("/").replace("/", "-").replace("{", "").replace("}", "") or "home"
        found.append((name, path))
    return found
